"""人才培育's sections of the 人才档案 (the person's page): every training the person attended,
their outcomes, mentorships (as master or apprentice), pools, art teams and the entities they
lead, each row linking to its record. The people app reads them through the domain registry
(`Domain.person_sections`, rencai/domains.py) and never imports this app.

Each section lists only the records the user may see (`visible_to`): a person of one's own
village who trained in another county's course is shown with the rows one's jurisdiction holds.
"""

from typing import Any
from urllib.parse import urlencode

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from rencai.domains import PersonRow, PersonSection
from rencai.training.models import (
    ArtTeam,
    Attendance,
    Entity,
    Mentorship,
    Outcome,
    PoolMembership,
)

LIMIT = 200  # rows a section shows; beyond that it links to the full list


def _date(value: Any) -> str:
    return value.strftime("%Y-%m-%d") if value else "—"


def _fetch(model: Any, user: Any, where: Q, related: tuple[str, ...], order: tuple) -> list:
    """The person's records of `model` the user may see, one more than a section shows."""
    rows = model.objects.visible_to(user).filter(where).select_related(*related)
    return list(rows.order_by(*order)[: LIMIT + 1])


def _section(title: Any, columns: tuple, records: list, row: Any, more: str = "") -> PersonSection:
    shown = records[:LIMIT]
    return PersonSection(
        title=title,
        columns=columns,
        rows=tuple(row(record) for record in shown),
        records=tuple(shown),
        more_url=more if len(records) > LIMIT else "",
    )


def _trainings(person: Any, user: Any) -> PersonSection:
    rows = _fetch(
        Attendance,
        user,
        Q(person=person),
        ("program__category", "program__organiser"),
        ("-program__start_date", "-id"),
    )
    more = f"{reverse('training:attendances')}?{urlencode({'q': person.name})}"
    return _section(
        _("参加培训"),
        (_("培训班次"), _("培训日期"), _("类型"), _("学时"), _("主办单位")),
        rows,
        lambda a: PersonRow(
            (
                a.program.name,
                f"{_date(a.program.start_date)} 至 {_date(a.program.end_date)}",
                a.program.category.name,
                a.program.hours if a.program.hours is not None else "—",
                a.program.organiser.name,
            ),
            reverse("training:program_detail", args=[a.program_id]),
        ),
        more,
    )


def _outcomes(person: Any, user: Any) -> PersonSection:
    rows = _fetch(Outcome, user, Q(person=person), ("program",), ("-date", "-id"))
    return _section(
        _("培训成效"),
        (_("成效类型"), _("日期"), _("来源培训"), _("说明")),
        rows,
        lambda o: PersonRow(
            (o.get_kind_display(), _date(o.date), o.program.name if o.program else "—", o.notes),
            reverse("training:outcomes_detail", args=[o.pk]),
        ),
    )


def _mentorships(person: Any, user: Any) -> PersonSection:
    rows = _fetch(
        Mentorship,
        user,
        Q(master=person) | Q(apprentice=person),
        (
            "master",
            "apprentice",
        ),
        ("-start_date", "-id"),
    )

    def row(m: Mentorship) -> PersonRow:
        as_master = m.master_id == person.pk
        other = m.apprentice if as_master else m.master
        return PersonRow(
            (
                m.craft,
                _("师傅") if as_master else _("徒弟"),
                other.name,
                f"{_date(m.start_date)} 至 {_date(m.end_date)}",
                m.get_status_display(),
            ),
            reverse("training:mentorships_detail", args=[m.pk]),
        )

    return _section(
        _("名师带徒"), (_("技艺"), _("身份"), _("对方"), _("起止日期"), _("状态")), rows, row
    )


def _pools(person: Any, user: Any) -> PersonSection:
    rows = _fetch(PoolMembership, user, Q(person=person), ("pool",), ("-entered_on", "-id"))
    return _section(
        _("储备库"),
        (_("储备库"), _("入库日期"), _("状态"), _("出库日期")),
        rows,
        lambda m: PersonRow(
            (m.pool.name, _date(m.entered_on), m.get_status_display(), _date(m.exited_on)),
            reverse("training:pools_detail", args=[m.pk]),
        ),
    )


def _teams(person: Any, user: Any) -> PersonSection:
    rows = _fetch(ArtTeam, user, Q(members=person), ("org",), ("name",))
    return _section(
        _("文艺团队"),
        (_("团队名称"), _("所在单位")),
        rows,
        lambda t: PersonRow((t.name, t.org.name), reverse("training:teams_detail", args=[t.pk])),
    )


def _entities(person: Any, user: Any) -> PersonSection:
    rows = _fetch(Entity, user, Q(leader=person), ("org",), ("name",))
    return _section(
        _("领办经营主体"),
        (_("名称"), _("类型"), _("所在单位"), _("产业")),
        rows,
        lambda e: PersonRow(
            (e.name, e.get_kind_display(), e.org.name, e.industry or "—"),
            reverse("training:entities_detail", args=[e.pk]),
        ),
    )


def person_sections(person: Any, user: Any) -> list[PersonSection]:
    """`person`'s sections as `user` may see them (`Domain.person_sections`)."""
    return [
        build(person, user)
        for build in (_trainings, _outcomes, _mentorships, _pools, _teams, _entities)
    ]
