"""演出 (Performance) of the 文艺团队 through the web, the import engine and the API. The
performance list filters down to exactly the rows the overview's 演出 figures count
(`figures.performance_rows`, `figures.audience`).

A performance is placed by its team's unit *and* by the village it was held in (the model's
`unit_fields`): a township's team playing in another township's village is the host's record as
much as the team's. So the place of a performance may be any unit of the county, as long as the
team or the place lies in the user's jurisdiction (the framework's rule, checked on every save);
and the team may be any team the user already knows of — their jurisdiction's, or a visiting team
whose shows in their villages they see (teams.py)."""

from collections import Counter
from dataclasses import dataclass
from typing import Any

import django_filters
from django.db.models import Q, QuerySet, Sum
from django.http import HttpRequest
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from rencai.accounts import roles
from rencai.imports.sheets import register
from rencai.orgs.forms import unit_choice_field
from rencai.orgs.models import OrgUnit
from rencai.records.api import RecordSerializer, record_viewset
from rencai.records.forms import RecordForm
from rencai.records.sheets import (
    RecordColumn,
    RecordSheet,
    day,
    integer,
    named,
    text,
    unit_column,
)
from rencai.records.views import RECORD, RecordViews, Show
from rencai.training import figures
from rencai.training.filters import FigureFilterForm, FigureFilterSet, UnitFilter
from rencai.training.models import ArtTeam, Performance
from rencai.training.teams import (
    ArtsContext,
    TeamChoiceField,
    TeamChoiceFilter,
    arts_context,
    known_teams,
    norm_name,
    unit_path,
)
from rencai.widgets import DatePicker


def county_units(user: Any, keep: tuple[int | None, ...] = ()) -> QuerySet:
    """Where a performance may be held: any active unit of the user's county (a team tours other
    townships' villages), plus the place the record already has. Whether the record stays in
    the user's jurisdiction (its team or its place) is checked on save."""
    kept = Q(pk__in=[pk for pk in keep if pk is not None])
    org = getattr(user, "org", None)
    if org is None or not roles.edits_records(user):
        return OrgUnit.objects.filter(kept)
    return OrgUnit.objects.filter(Q(path__startswith=org.root_path, is_active=True) | kept)


# --- 演出 -----------------------------------------------------------------------------------------


class PerformanceFilterForm(FigureFilterForm):
    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("结束日期不能早于开始日期"))
        return data


class PerformanceFilter(FigureFilterSet):
    """演出 filters. With a scope unit and a period, the rows are exactly those the overview's
    演出 figures count (`figures.performance_rows`), within what the user may see."""

    team = TeamChoiceFilter(
        label=_("文艺团队"), queryset=ArtTeam.objects.none(), empty_label=_("全部")
    )
    programme = django_filters.CharFilter(label=_("活动名称"), lookup_expr="icontains")
    village = UnitFilter(label=_("演出地点"))
    date_from = django_filters.DateFilter(
        label=_("演出日期自"), field_name="date", lookup_expr="gte", widget=DatePicker()
    )
    date_to = django_filters.DateFilter(
        label=_("演出日期至"), field_name="date", lookup_expr="lte", widget=DatePicker()
    )

    class Meta:
        model = Performance
        fields: list[str] = []
        form = PerformanceFilterForm

    def __init__(self, *args: Any, request: Any = None, **kwargs: Any):
        super().__init__(*args, request=request, **kwargs)
        self.filters["team"].queryset = known_teams(getattr(request, "user", None))

    def figure_rows(self, unit: OrgUnit, period: figures.Period) -> QuerySet:
        return figures.performance_rows(unit, period)


class PerformanceForm(RecordForm):
    """A team the user knows of, in any unit of the county: the record must still touch the
    user's jurisdiction through its team or its place (checked by `RecordForm`)."""

    class Meta:
        model = Performance
        fields = ["team", "date", "village", "programme", "audience"]

    def __init__(self, *args: Any, user: Any, **kwargs: Any):
        super().__init__(*args, user=user, **kwargs)
        team = self.fields["team"]
        teams = ArtTeam.objects.filter(
            Q(pk__in=known_teams(user).values("pk")) | Q(pk=self.instance.team_id or 0)
        )
        self.fields["team"] = TeamChoiceField(
            queryset=teams.select_related("org").order_by("org__path", "name"),
            label=team.label,
        )
        village = self.fields["village"]
        widened = unit_choice_field(
            county_units(user, keep=(self.instance.village_id,)), village.label
        )
        widened.help_text = _("可为本县任一单位；演出团队或演出地点须在您的管辖范围内")
        self.fields["village"] = widened
        self.order_fields(self._meta.fields)


class PerformanceViews(RecordViews):
    model = Performance
    slug = "performances"
    count_measure = _("场")  # the measure of its figure (rencai/training/figures_registry.py)
    filterset = PerformanceFilter
    form = PerformanceForm
    sheet = "performances"
    nav_template = "training/_nav_include.html"
    count_template = "training/performances_count.html"
    detail_template = "training/performances_detail.html"
    related = ("team", "team__org", "village")
    ordering = ("-date", "-id")
    columns = [
        Show(_("演出日期"), "date", link=RECORD),
        Show(_("文艺团队"), "team.name"),
        Show(_("演出地点"), "village.name_path"),
        Show(_("活动名称"), "programme"),
        Show(_("观众人数"), "audience", numeric=True),
    ]
    fields = [
        Show(_("演出日期"), "date"),
        Show(_("文艺团队"), "team.name"),
        Show(_("团队所在单位"), "team.org.name_path"),
        Show(_("演出地点"), "village.name_path"),
        Show(_("活动名称"), "programme"),
        Show(_("观众人数"), "audience", numeric=True),
    ]

    def list_context(self, request: HttpRequest, rows: QuerySet) -> dict[str, Any]:
        """The filtered rows' audience total (`figures.audience` when the figure filter is on),
        shown next to the count."""
        return {"audience_total": rows.aggregate(n=Sum("audience"))["n"] or 0}

    def detail_context(self, request: HttpRequest, record: Any) -> dict[str, Any]:
        visible = ArtTeam.objects.visible_to(request.user).filter(pk=record.team_id).exists()
        return {"team_visible": visible}


# --- import sheet ----------------------------------------------------------------------------


@dataclass
class PerformanceSheet(RecordSheet):
    """演出, keyed by 文艺团队 + 演出日期 + 演出地点 + 活动名称."""

    def context(self, user: Any, options: dict[str, Any]) -> ArtsContext:
        return arts_context(self, user)

    def key_label(self, key: Any) -> str:
        team_id, date, village_id, programme = key
        team = ArtTeam.objects.filter(pk=team_id).values_list("name", flat=True).first()
        return _g("文艺团队 %(t)s，演出日期 %(d)s，演出地点 %(v)s，活动名称 %(p)s") % {
            "t": team or team_id,
            "d": date,
            "v": unit_path(village_id),
            "p": programme,
        }

    def export_rows(self, user: Any, queryset: Any, *, reveal: bool):
        """A team by its name, or 单位/名称 where the user knows two teams of that name."""
        names = Counter(norm_name(n) for n in known_teams(user).values_list("name", flat=True))
        for show in queryset.iterator(chunk_size=1000):
            team = show.team
            written = (
                team.name if names[norm_name(team.name)] <= 1 else f"{team.org.name}/{team.name}"
            )
            audience = show.audience if show.audience is not None else ""
            yield [show.date, written, show.village.name_path, show.programme, audience]


PERFORMANCE_SHEET = register(
    PerformanceSheet(
        name="performances",
        title="演出",
        model=Performance,
        filterset=PerformanceFilter,
        related=("team__org", "village"),
        key=("team_id", "date", "village_id", "programme"),
        key_column="date",
        columns=[
            RecordColumn(
                "date", "演出日期", ("日期",), required=True, parse=day, width=12, attname="date"
            ),
            RecordColumn(
                "team_id",
                "文艺团队",
                ("团队名称", "团队"),
                required=True,
                parse=named(ArtTeam),
                width=20,
                attname="team_id",
                help="团队名称；有重名时写 单位/名称，如 城关镇/花灯剧团",
            ),
            unit_column("village_id", "演出地点", required=True),
            RecordColumn(
                "programme",
                "活动名称",
                ("活动", "演出活动"),
                required=True,
                parse=text(100),
                width=18,
                attname="programme",
                help="如 百座戏台千场戏、文艺三下乡",
            ),
            RecordColumn(
                "audience", "观众人数", ("观众",), parse=integer, width=10, attname="audience"
            ),
        ],
        instructions=[
            "一行一场演出，以“文艺团队 + 演出日期 + 演出地点 + 活动名称”识别：已有的演出按本表"
            "更新观众人数（空白保留原值），没有的新增。",
            "演出地点可为本县任一单位，但演出团队或演出地点须在您的管辖范围内。",
            "整张表全部正确才会导入。",
        ],
    )
)


# --- API ----------------------------------------------------------------------------------------


class PerformanceSerializer(RecordSerializer):
    """The team: one the caller knows of; the place: any unit of the county — as on the web
    form, and the record must touch the caller's jurisdiction (checked by `validate`)."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        user = getattr(request, "user", None)
        current = self.instance if isinstance(self.instance, Performance) else None
        self.fields["team"].queryset = ArtTeam.objects.filter(
            Q(pk__in=known_teams(user).values("pk")) | Q(pk=getattr(current, "team_id", 0) or 0)
        )
        self.fields["village"].queryset = county_units(
            user, keep=(getattr(current, "village_id", None),)
        )


PerformanceViewSet = record_viewset(
    Performance,
    PerformanceFilter,
    ["team", "date", "village", "programme", "audience"],
    related=("team", "village"),
    extra={
        "team_name": serializers.CharField(source="team.name", read_only=True),
        "village_name": serializers.CharField(source="village.name_path", read_only=True),
    },
    base=PerformanceSerializer,
    doc="演出：本辖区团队的演出和在本辖区举办的演出。",
)


VIEWS = [PerformanceViews()]
ROUTES: list[tuple[str, Any, str]] = [
    ("training/performances", PerformanceViewSet, "training-performance")
]
