"""Data quality per unit (issue 13 §5): each part's count equals its list's, the score's
arithmetic, the page per child unit, and the jurisdiction."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from rencai.alerts import quality
from rencai.alerts.quality import PartScore, Quality
from rencai.census import actions as census
from rencai.census.models import CensusConflict
from rencai.figures import Period, Scope, today, value
from rencai.imports.models import ImportJob, JobStatus
from rencai.people.models import Person

D = datetime.timedelta


class World:
    """张三 (东关村) has every key field; 李四 (石桥村) lacks 民族 and was last updated four
    years ago; 王五 (lives 石桥村, works 城关镇卫生院) lacks 手机号码, 民族 and 人才类别.
    A census conflict over 张三 (东关村 / 石桥村) is open, one over 李四 settled. 城关镇's
    admin imported 10 rows of which 2 were rejected (and 5 of 5, 13 months ago); 青山镇's
    4 rows without error."""

    def __init__(self, county, people, personas) -> None:
        Person.objects.filter(pk=people.zhang_san.pk).update(ethnicity="01")
        old = timezone.now() - D(days=4 * 365)
        Person.objects.filter(pk=people.li_si.pk).update(updated_at=old)
        found = census.open_round(
            org=county.county, year=today().year, deadline=None,
            units=[county.chengguan, county.qingshan], acting_user=personas.county_admin,
        )  # fmt: skip
        CensusConflict.objects.create(
            round=found, person=people.zhang_san, first_org=county.dongguan,
            second_org=county.shiqiao, proposed_home_org=county.shiqiao,
        )  # fmt: skip
        CensusConflict.objects.create(
            round=found, person=people.li_si, first_org=county.shiqiao,
            second_org=county.dongguan, proposed_home_org=county.dongguan,
            resolution="keep", reason="核实",
        )  # fmt: skip
        self.recent = self.job(personas.chengguan_admin, 10, 2)
        self.old = self.job(personas.chengguan_admin, 5, 5)
        ImportJob.objects.filter(pk=self.old.pk).update(created_at=timezone.now() - D(days=400))
        self.qingshan = self.job(personas.outsider_admin, 4, 0)
        ImportJob.objects.create(  # still being checked: no counts yet, not counted
            sheet="persons", user=personas.chengguan_admin, file_name="进行中.xlsx",
            sha256="0" * 64, stored_path="x", status=JobStatus.VALIDATING,
        )  # fmt: skip

    @staticmethod
    def job(user, total: int, rejected: int) -> ImportJob:
        status = JobStatus.INVALID if rejected else JobStatus.COMMITTED
        return ImportJob.objects.create(
            sheet="persons", user=user, file_name=f"{user.username}-{total}.xlsx",
            sha256="0" * 64, stored_path="x", status=status, total=total,
            counts={"new": total - rejected, "rejected": rejected, "total": total},
        )  # fmt: skip


@pytest.fixture
def world(county, people, personas) -> World:
    return World(county, people, personas)


def by_unit(user) -> dict[str, Quality]:
    return {unit.name: q for unit, q in quality.per_unit(Scope(user.org, user))}


def test_the_parts_are_declared_by_the_domains_and_the_spine():
    keys = [p.key for p in quality.parts()]
    assert keys == [
        "people.no_category",
        "people.stale",
        "census.completeness",
        "census.duplicates",
        "imports.rejected",
    ]


def test_each_part_of_each_township(world, personas, county):
    units = by_unit(personas.county_admin)
    assert list(units) == ["城关镇", "青山镇", "县教育局"]
    cg = units["城关镇"]  # 张三 and 王五 (works at the clinic)
    assert (cg.part("people.no_category").count, cg.part("people.no_category").percent) == (1, 50.0)
    assert (cg.part("people.stale").count, cg.part("people.stale").percent) == (0, 100.0)
    completeness = value("census.completeness", Scope(county.chengguan), Period.year(today().year))
    assert completeness == 85.0  # 17 of 2 × 10 cells
    assert (cg.part("census.completeness").count, cg.part("census.completeness").percent) == (
        1,
        85.0,
    )
    assert (cg.part("census.duplicates").count, cg.part("census.duplicates").percent) == (1, 50.0)
    assert (cg.part("imports.rejected").count, cg.part("imports.rejected").percent) == (2, 80.0)
    assert cg.percent == round((50 + 100 + 85 + 50 + 80) / 5, 1) == 73.0
    qs = units["青山镇"]  # 李四 and 王五 (lives in 石桥村)
    assert qs.part("people.stale").count == 1 and qs.part("people.stale").percent == 50.0
    assert qs.part("census.duplicates").count == 1  # 张三's conflict names 石桥村 as second
    assert qs.part("census.duplicates").percent == 100.0  # …but 张三 is not 青山镇's
    assert (qs.part("imports.rejected").count, qs.part("imports.rejected").percent) == (0, 100.0)
    education = units["县教育局"]  # nobody, no imports: nothing applies
    assert all(p.percent is None for p in education.parts) and education.percent is None


def test_every_part_count_equals_its_list(world, personas, login):
    """Every number on the page leads to a list showing as many rows as the number."""
    user = personas.county_admin
    client = login(user)
    own = quality.score(Scope(user.org, user))
    for q in [own, *by_unit(user).values()]:
        for part in q.parts:
            page = client.get(part.url)
            assert page.status_code == 200, part.url
            if "count" in page.context:  # the spine's list of the part's rows
                listed = page.context["count"]
                rows = page.context["page"].paginator.count
                if part.key == "imports.rejected":
                    rows = sum(line[1][-1] for line in page.context["lines"])
                assert listed == rows == part.count, part.url
            else:  # the register's list, filtered
                assert page.context["page"].paginator.count == part.count, part.url


def test_the_page_per_child_unit(world, personas, county, login):
    page = login(personas.county_admin).get(reverse("alerts:quality"))
    assert page.status_code == 200
    html = page.content.decode()
    for name in ("示范县", "城关镇", "青山镇", "县教育局"):
        assert f"<td>{name}</td>" in html
    assert "73.0" in html and "关键信息缺项" in html
    chosen = login(personas.county_admin).get(
        reverse("alerts:quality"), {"unit": county.chengguan.pk}
    )
    names = [unit.name for unit, _q in chosen.context["rows"]]
    assert names == ["东关村", "西关村", "城关镇卫生院"]


def test_the_page_keeps_to_the_jurisdiction(world, personas, county, login):
    outsider = login(personas.outsider_admin)
    page = outsider.get(reverse("alerts:quality"), {"unit": county.chengguan.pk})
    assert page.status_code == 200 and "rows" not in page.context
    assert "有效" in page.content.decode()  # the picker's Chinese message
    rows = reverse("alerts:quality_rows")
    assert (
        outsider.get(rows, {"unit": county.chengguan.pk, "part": "census.completeness"}).status_code
        == 404
    )
    assert outsider.get(rows, {"unit": "abc", "part": "census.completeness"}).status_code == 404
    assert outsider.get(rows, {"part": "nothing"}).status_code == 404
    mine = outsider.get(rows, {"part": "census.duplicates"})
    assert mine.status_code == 200 and mine.context["count"] == 1
    for name in ("sysadmin", "auditor"):
        assert login(getattr(personas, name)).get(reverse("alerts:quality")).status_code == 403


def test_the_score_is_the_mean_of_the_parts_that_apply():
    def part(percent):
        return PartScore("k", "l", "r", percent, 0, "/")

    assert Quality((part(80.0), part(None), part(50.0))).percent == 65.0
    assert Quality((part(100.0), part(33.3), part(66.7))).percent == 66.7
    assert Quality((part(90.0), part(85.0), part(70.0))).percent == 81.7  # 81.666…
    assert Quality((part(None),)).percent is None
    assert Quality(()).percent is None
    assert quality.share_without(1, 3) == 66.7 and quality.share_without(0, 0) is None


@pytest.mark.parametrize(
    "who", ["county_admin", "chengguan_admin", "outsider_admin", "chengguan_clerk"]
)
def test_per_unit_reads_each_child_as_its_own_score(world, personas, who):
    """`per_unit` reads every part for all the children at once; each child's reading equals
    the part measured for that child alone."""
    user = getattr(personas, who)
    scope = Scope(user.org, user)
    found = quality.per_unit(scope)
    assert [unit for unit, _q in found] == scope.children
    for child, q in found:
        assert q == quality.score(scope.below(child)), child.name


def test_per_unit_costs_the_same_queries_for_more_children(
    world, personas, county, django_assert_max_num_queries
):
    from tests.conftest import County

    user = personas.county_admin
    with django_assert_max_num_queries(20) as counted:
        quality.per_unit(Scope(user.org, user))
    before = len(counted.captured_queries)
    for n in range(5):
        County.add(f"新镇{n}", "township", county.county)
    with django_assert_max_num_queries(before):
        assert len(quality.per_unit(Scope(user.org, user))) == 3 + 5


def test_the_command_line_scope_reads_the_same(world, personas, county):
    """The report asks without a viewer (`rencai report` without --as): the same score as the
    county admin's."""
    admin = personas.county_admin
    assert quality.score(Scope(county.county)) == quality.score(Scope(county.county, admin))
    assert quality.per_unit(Scope(county.county)) == quality.per_unit(Scope(county.county, admin))
