"""名师带徒 (Mentorship) through the web, the import engine and the API, scoped, masked and
audited like the people register: master and apprentice are two people; the end date is not
before the start, and a pairing marked 已出师 or 已终止 has an end date."""

from typing import Any

import django_filters
from django.db import models
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from rencai.imports.sheets import register
from rencai.orgs.models import OrgUnit
from rencai.records.api import record_viewset
from rencai.records.forms import RecordForm
from rencai.records.sheets import (
    RecordColumn,
    RecordContext,
    RecordSheet,
    choice,
    day,
    labels_of,
    person_columns,
    text,
)
from rencai.records.views import PERSON, RECORD, RecordViews, Show
from rencai.training import figures
from rencai.training.choices import MentorshipStatus
from rencai.training.filters import FigureFilterSet, UnitFilter
from rencai.training.models import Mentorship
from rencai.training.rules import MaskedKeys, Problems, add_problems, draft, ruled

NAV = "training/_nav_include.html"


def mentorship_problems(record: Mentorship) -> Problems:
    """名师带徒's rules beyond the database's: two people, dates in order, an end to a finished
    pairing."""
    found: Problems = []
    if record.master_id and record.master_id == record.apprentice_id:
        found.append(("apprentice", _t("师傅和徒弟不能是同一人")))
    if record.start_date and record.end_date and record.end_date < record.start_date:
        found.append(("end_date", _t("结束日期不能早于开始日期")))
    elif record.status != MentorshipStatus.ONGOING and not record.end_date:
        found.append(("end_date", _t("已出师或已终止的须填写结束日期")))
    return found


# --- 名师带徒 ----------------------------------------------------------------------------------


class MentorshipFilter(FigureFilterSet):
    craft = django_filters.CharFilter(label=_("技艺"), lookup_expr="icontains")
    status = django_filters.ChoiceFilter(
        label=_("状态"), choices=MentorshipStatus.choices, empty_label=_("全部")
    )
    name = django_filters.CharFilter(label=_("师傅或徒弟姓名"), method="filter_name")
    org = UnitFilter(label=_("所在单位"), method="filter_org")

    class Meta(FigureFilterSet.Meta):
        model = Mentorship
        fields: list[str] = []

    def filter_name(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return qs.filter(Q(master__name__icontains=value) | Q(apprentice__name__icontains=value))

    def filter_org(self, qs: QuerySet, name: str, value: OrgUnit) -> QuerySet:
        """Pairs whose master or apprentice lives in the unit or below it."""
        units = OrgUnit.objects.subtree_ids(value)
        return qs.filter(Q(master__home_org__in=units) | Q(apprentice__home_org__in=units))

    def figure_rows(self, unit: OrgUnit, period: figures.Period) -> QuerySet:
        return figures.mentorship_rows(unit, period)


class MentorshipForm(RecordForm):
    wide_fields = ("result",)

    class Meta:
        model = Mentorship
        fields = ["master", "apprentice", "craft", "start_date", "end_date", "status", "result"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        add_problems(self, mentorship_problems(draft(self, data)))
        return data


class MentorshipViews(RecordViews):
    model = Mentorship
    slug = "mentorships"
    count_measure = _("对")  # the measure of its figure (rencai/training/figures_registry.py)
    filterset = MentorshipFilter
    form = MentorshipForm
    sheet = "mentorships"
    nav_template = NAV
    related = ("master", "apprentice")
    ordering = ("-start_date", "-id")
    columns = [
        Show(_("技艺"), "craft", link=RECORD),
        Show(_("师傅"), "master", link=PERSON),
        Show(_("徒弟"), "apprentice", link=PERSON),
        Show(_("开始日期"), "start_date"),
        Show(_("结束日期"), "end_date"),
        Show(_("状态"), "get_status_display"),
        Show(_("成果"), "result"),
    ]
    fields = columns


class MentorshipSheet(MaskedKeys, RecordSheet):
    """名师带徒 rows, keyed by master + apprentice + craft; `mentorship_problems` first, so the
    same person twice reads in Chinese rather than as the database constraint's name."""

    def _problem(self, ctx: RecordContext, record: models.Model, pk: int | None):
        record.pk = pk
        labels = {c.attname.removesuffix("_id"): c.label for c in self.setters}
        for name, message in mentorship_problems(record):
            return labels.get(name, _t("整行")), message
        return super()._problem(ctx, record, pk)


MENTORSHIP_SHEET = register(
    MentorshipSheet(
        name="mentorships",
        title="名师带徒",
        model=Mentorship,
        filterset=MentorshipFilter,
        related=("master", "apprentice"),
        key=("master_id", "apprentice_id", "craft"),
        key_column="apprentice_id",
        columns=[
            *person_columns("master_id", "师傅"),
            *person_columns("apprentice_id", "徒弟"),
            RecordColumn(
                "craft",
                "技艺",
                ("技艺项目", "传承技艺"),
                required=True,
                parse=text(100),
                width=16,
                attname="craft",
            ),
            RecordColumn(
                "start_date",
                "开始日期",
                ("拜师日期",),
                required=True,
                parse=day,
                attname="start_date",
            ),
            RecordColumn("end_date", "结束日期", ("出师日期",), parse=day, attname="end_date"),
            RecordColumn(
                "status",
                "状态",
                (),
                parse=choice(MentorshipStatus, "状态"),
                choices=labels_of(MentorshipStatus),
                help="留空为“在带”",
                attname="status",
            ),
            RecordColumn("result", "成果", (), parse=text(200), width=24, attname="result"),
        ],
        instructions=[
            "一行一对师徒，以“师傅身份证号 + 徒弟身份证号 + 技艺”识别：已有的按本表更新"
            "（空白单元格保留原值），没有的新增。",
            "师傅和徒弟须为人才库中的两个不同人员，填写身份证号（导出的脱敏号码须与姓名一同保留）。",
            "结束日期不能早于开始日期；“已出师”“已终止”须填写结束日期。",
            "整张表全部正确才会导入。",
        ],
    )
)


VIEWS = [MentorshipViews()]
ROUTES: list[tuple[str, Any, str]] = [
    (
        "training/mentorships",
        record_viewset(
            Mentorship,
            MentorshipFilter,
            ["master", "apprentice", "craft", "start_date", "end_date", "status", "result"],
            related=("master", "apprentice"),
            base=ruled(mentorship_problems),
        ),
        "training-mentorship",
    ),
]
