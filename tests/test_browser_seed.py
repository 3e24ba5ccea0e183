"""In Chromium at a phone's 390×844: the seed figures' lists — the 整改事项 list, the 实训基地 list
with its totals, the 培训台账 of the youths — are readable (nothing squeezed, no sideways scroll),
and each shows the number of the figure it stands for. Needs Chromium as tests/test_browser.py."""

import pytest
from test_browser_phone import PHONE, walk

from rencai import figures
from rencai.figures import Scope, parse_period
from tests.seed_county import seeded_county  # noqa: F401 -- the fixture

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

KEYS = ("training.rectifications_overdue", "training.bases", "training.youth_trainees")


def test_the_seed_figures_lists_on_a_phone(live_server, personas, seeded_county, browser):  # noqa: F811
    s = seeded_county
    scope, period = Scope(s.units.chengguan), parse_period(s.h1)
    urls = [figures.figure(key).url(scope, period) for key in KEYS]
    context = browser.new_context(locale="zh-CN", viewport=PHONE)
    context.set_default_timeout(15_000)
    try:
        page = context.new_page()
        found = walk(page, live_server.url, personas.chengguan_admin.username, urls)
        assert not found, "\n".join(found)
        for key, url in zip(KEYS, urls, strict=True):
            page.goto(live_server.url + url)
            count = page.locator("#record-count, #attendance-count").first.inner_text()
            assert int(count) == s.expected["城关镇", s.h1, key], key
    finally:
        context.close()
