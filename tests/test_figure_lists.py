"""A figure's drill-down list says the figure's unit of measure (issue 11 item 5): 培训人数 opens
the 培训台账 as 共 N 人, not 人次; 名师带徒 lists 共 N 对, 演出 共 N 场, 经营主体 共 N 个."""

import re

import pytest

from rencai import figures
from rencai.figures import Period, Scope
from tests.test_figures_registry import world  # noqa: F401 -- the fixture, shared
from tests.test_training_figures import Results

MEASURED_LIST = re.compile(
    r"(\d+(?:\.\d+)?)(?:</span>)?\s*(人次|人|个|对|场|条|亩|万元|头|只|羽|箱)"
)


@pytest.mark.parametrize("who", ["county_admin", "chengguan_admin"])
def test_every_drill_down_list_says_the_figures_unit(login, personas, county, people, world, who):  # noqa: F811
    """Each registered figure's list shows its number followed by its unit of measure: 培训人数
    lists 共 N 人, 名师带徒 N 对, 演出 N 场."""
    Results(county, people)
    user = getattr(personas, who)
    client, scope, period = login(user), Scope(user.org, user), Period.year(2026)
    checked = 0
    for f in figures.registry().values():
        url = f.url(scope, period)
        if url is None or f.measure == "%":
            continue
        number = f.compute(scope, period)
        shown = MEASURED_LIST.findall(client.get(url).content.decode())
        assert (str(number), str(f.measure)) in shown, (f.key, url, shown)
        checked += 1
    assert checked >= 11


def test_the_trainee_list_says_people(login, personas, county, world):  # noqa: F811
    client = login(personas.county_admin)
    url = figures.figure("training.trainees").url(Scope(county.county), Period.year(2026))
    html = client.get(url).content.decode()
    assert re.search(r'共 <span id="attendance-count">\d+</span> 人<', html)
