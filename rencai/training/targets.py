"""培训目标 through the web, the import engine and the API (its decomposition editor, 层层分解, is
in targets_decomposition.py): a year's target in 人次 for one unit, overall (no category) or for
one category, and its progress from the ledger (`figures.progress`: 人次 of programs that ended
since 1 January over the target).

Who sets a target: **a unit's target is set by the office above it.** The county sets its
townships' targets, a township its villages'; the top of the tree (the county, which has no
office above it) sets its own. So an editor may set the targets of the units *below* their own
unit, and of their own unit only when it is the top of the tree: a township admin decomposes
the township's target to its villages but cannot change the figure the county gave the
township, nor any other township's. The list's edit/delete, the decomposition editor, the import
sheet and the API all apply this rule (`settable_unit_ids`); reading follows the usual
jurisdiction (`TrainingTarget.objects.visible_to`)."""

import datetime
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import django_filters
from django import forms
from django.db.models import F, QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from rencai.accounts import roles
from rencai.accounts.access import allow
from rencai.imports.reader import cell_text
from rencai.imports.sheets import CellError, register
from rencai.orgs.choices import OrgKind
from rencai.orgs.models import OrgUnit
from rencai.orgs.resolve import UnitResolver
from rencai.records.api import RecordSerializer, record_viewset
from rencai.records.forms import OUTSIDE, RecordForm, unit_ids_editable_by
from rencai.records.sheets import (
    RecordColumn,
    RecordContext,
    RecordSheet,
    integer,
    named,
    unit_column,
)
from rencai.records.views import RECORD, Cell, RecordViews, Show
from rencai.standards.text import fold
from rencai.training import figures
from rencai.training.filters import UnitFilter
from rencai.training.models import TrainingCategory, TrainingTarget

ALL_CATEGORIES = _("全部类别")
FIRST_YEAR, LAST_YEAR = 2000, 2100
MAX_TARGET = 2_147_483_647  # PositiveIntegerField on every database
SET_ABOVE = _("%(u)s的培训目标由上级单位设定，您可以设定下级单位的目标")
NO_GROUPS = _("村民小组不单独设培训目标，请设定到村（社区）")
RULE = _(
    "培训目标由上级单位设定：县设定各乡镇（部门）的目标，乡镇再分解到各村（社区）；"
    "最上级单位（县）的目标由本级设定。您可以设定本单位下级单位的目标，本单位自己的目标由上级设定。"
)


# --- who may set which target ------------------------------------------------------------------


def settable_unit_ids(user: Any) -> set[int]:
    """The units whose targets `user` may set: the units below the user's unit (not 村民小组),
    and the user's own unit only when it is the top of its tree — a unit's target is set by the
    office above it."""
    ids = unit_ids_editable_by(user)
    if not ids:
        return set()
    if user.org.parent_id is not None:
        ids.discard(user.org_id)
    groups = OrgUnit.objects.filter(pk__in=ids, kind=OrgKind.VILLAGER_GROUP).values_list(
        "pk", flat=True
    )
    return ids - set(groups)


def refusal(user: Any, unit: OrgUnit, settable: set[int] | None = None) -> str:
    """Why `user` may not set `unit`'s target ("" when they may)."""
    settable = settable_unit_ids(user) if settable is None else settable
    if unit.pk in settable:
        return ""
    if unit.pk == user.org_id and roles.edits_records(user):
        return str(SET_ABOVE % {"u": unit.name})
    if unit.kind == OrgKind.VILLAGER_GROUP and unit.pk in unit_ids_editable_by(user):
        return str(NO_GROUPS)
    return str(OUTSIDE)


def child_units(unit: OrgUnit) -> list[OrgUnit]:
    """The units a target is decomposed to: the active direct children, not 村民小组 (as the
    overview lists them), in the order offices list them."""
    children = OrgUnit.objects.filter(parent=unit).active().exclude(kind=OrgKind.VILLAGER_GROUP)
    return sorted(children, key=OrgUnit.sibling_key)


# --- progress ------------------------------------------------------------------------------


def today() -> datetime.date:
    """The day progress is measured on (tests pin it)."""
    return timezone.localdate()


def until_in(year: int) -> datetime.date:
    """The last day counted so far in `year`: today, within the year (31 December once the year
    is over, 1 January before it begins) — as on the overview."""
    return min(datetime.date(year, 12, 31), max(today(), datetime.date(year, 1, 1)))


def progress_of(target: TrainingTarget, until: datetime.date | None = None) -> figures.Progress:
    """The target's progress up to `until` (default: to date), by `figures.progress`."""
    return figures.progress(
        target.org, target.year, until=until or until_in(target.year), category=target.category
    )


def progress_for_page(request: Any, targets: list[TrainingTarget]) -> dict[int, figures.Progress]:
    """`progress_of(target)` to date for each of `targets` (`figures.progress_many`: a few
    grouped queries, not one per row), remembered on the request: the 进度滞后 filter and the
    list's columns ask for the same rows' progress."""
    known = getattr(request, "_target_progress", None)
    if known is None:
        known = {}
        setattr(request, "_target_progress", known)  # noqa: B010 -- a request or a namespace
    missing = [t for t in targets if t.pk not in known]
    if missing:
        known.update(figures.progress_many(missing, until_in))
    return {t.pk: known[t.pk] for t in targets}


def is_behind(progress: figures.Progress) -> bool:
    """进度滞后: `Progress.behind`, once the year has begun (a target for next year is not yet
    behind)."""
    return progress.behind and today() >= datetime.date(progress.year, 1, 1)


def ledger_url(unit: OrgUnit, year: int, until: datetime.date, category_id: int | None) -> str:
    """The 培训台账 rows a progress counts (its count equals `Progress.achieved`)."""
    params: dict[str, Any] = {
        "scope": unit.pk,
        "start": datetime.date(year, 1, 1).isoformat(),
        "end": until.isoformat(),
    }
    if category_id:
        params["category"] = category_id
    return reverse("training:attendances") + "?" + urlencode(params)


def percent_text(progress: figures.Progress) -> str:
    return "—" if progress.percent is None else f"{progress.percent}%"


def difference_text(parent: int | None, total: int) -> str:
    """下级合计 5800，比本级目标少 200 人次."""
    if parent is None:
        return gettext("下级合计 %(t)d 人次（本级未设目标）") % {"t": total}
    diff = total - parent
    if diff == 0:
        return gettext("下级合计 %(t)d，与本级目标一致") % {"t": total}
    if diff < 0:
        return gettext("下级合计 %(t)d，比本级目标少 %(d)d 人次") % {"t": total, "d": -diff}
    return gettext("下级合计 %(t)d，比本级目标多 %(d)d 人次") % {"t": total, "d": diff}


def category_name(target: TrainingTarget) -> str:
    return target.category.name if target.category_id else str(ALL_CATEGORIES)


# --- list filters and form -------------------------------------------------------------------

OVERALL, BEHIND = "overall", "behind"


def category_choices() -> list[tuple[str, str]]:
    """全部类别 (the overall targets), then each category — read when the form is built."""
    categories = TrainingCategory.objects.values_list("pk", "name")
    return [(OVERALL, gettext("全部类别（总目标）")), *((str(pk), n) for pk, n in categories)]


class TargetFilter(django_filters.FilterSet):
    year = django_filters.NumberFilter(label=_("年度"), field_name="year")
    org = UnitFilter(label=_("单位"))
    category = django_filters.ChoiceFilter(
        label=_("类别"), choices=category_choices, method="filter_category", empty_label=_("不限")
    )
    progress = django_filters.ChoiceFilter(  # last: it looks at the rows the others leave
        label=_("进度"),
        choices=[(BEHIND, _("仅看进度滞后"))],
        method="filter_behind",
        empty_label=_("全部"),
    )

    class Meta:
        model = TrainingTarget
        fields: list[str] = []

    def filter_category(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        if value == OVERALL:
            return qs.filter(category__isnull=True)
        return qs.filter(category_id=int(value))

    def filter_behind(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        """Progress is a figure of the ledger, not a column: computed for each remaining row."""
        if value != BEHIND:
            return qs
        rows = list(qs.select_related("org", "category"))
        progress = progress_for_page(self.request, rows)
        behind = [t.pk for t in rows if is_behind(progress[t.pk])]
        return qs.filter(pk__in=behind)


class TargetForm(RecordForm):
    """A target of a unit the user may set (see the module's rule); 年度 2000–2100."""

    year = forms.IntegerField(label=_("年度"), min_value=FIRST_YEAR, max_value=LAST_YEAR)

    class Meta:
        model = TrainingTarget
        fields = ["year", "org", "category", "attendances"]

    def __init__(self, *args: Any, user: Any, **kwargs: Any):
        super().__init__(*args, user=user, **kwargs)
        self.settable = settable_unit_ids(user)
        org = self.fields["org"]
        org.queryset = org.queryset.filter(pk__in=self.settable | {self.instance.org_id or 0})
        org.help_text = RULE
        self.fields["category"].empty_label = ALL_CATEGORIES
        self.fields["category"].help_text = _("留空表示全部类别（总目标）")
        if not self.instance.pk:
            self.initial.setdefault("year", today().year)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        org = data.get("org")
        if org is not None and (why := refusal(self.user, org, self.settable)):
            self.add_error("org", why)
        return data


# --- list and detail ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProgressShow(Show):
    """A value of the target's progress to date (computed for the rows on the page only):
    `ledger` links it to the ledger rows that make it, `badge` marks 进度滞后."""

    ledger: bool = False
    badge: bool = False


def _progress_state(target: TrainingTarget) -> str:
    progress = target.progress
    if is_behind(progress):
        return gettext("进度滞后")
    if today() < datetime.date(target.year, 1, 1):
        return gettext("未开始")
    return gettext("正常")


def decompose_query(unit_id: Any, year: Any, category_id: Any = None) -> str:
    params = {"org": unit_id, "year": year}
    if category_id:
        params["category"] = category_id
    return reverse("training:targets_decompose") + "?" + urlencode(params)


class TargetViews(RecordViews):
    model = TrainingTarget
    slug = "targets"
    filterset = TargetFilter
    form = TargetForm
    sheet = "targets"
    nav_template = "training/_nav_include.html"
    list_template = "training/targets_list.html"
    detail_template = "training/targets_detail.html"
    related = ("org", "category")
    ordering = ("-year", "org__path", F("category__sort_order").asc(nulls_first=True), "id")
    columns = [
        Show(_("年度"), "year", link=RECORD),
        Show(_("单位"), "org.name_path"),
        Show(_("类别"), category_name),
        Show(_("目标人次"), "attendances", numeric=True),
        ProgressShow(_("已完成人次"), lambda t: t.progress.achieved, numeric=True, ledger=True),
        ProgressShow(_("完成率"), lambda t: percent_text(t.progress), numeric=True),
        ProgressShow(_("进度"), _progress_state, badge=True),
    ]
    fields = [
        Show(_("年度"), "year"),
        Show(_("单位"), "org.name_path"),
        Show(_("类别"), category_name),
        Show(_("目标人次"), "attendances", numeric=True),
    ]

    def urls(self) -> list[URLPattern]:
        edits = allow(roles.edits_records)
        decompose = path(
            f"{self.slug}/decompose/", edits(self.decompose_view), name=f"{self.slug}_decompose"
        )
        return [decompose, *super().urls()]

    def editable(self, request: HttpRequest) -> QuerySet:
        """Only the targets the user may set (a unit's target is set by the office above)."""
        return super().editable(request).filter(org__in=settable_unit_ids(request.user))

    # --- list --------------------------------------------------------------------------------

    def cells(self, request: HttpRequest, records: list[Any], shows: Any) -> list:
        """The progress columns: to date, each 已完成人次 a link to the ledger rows it counts."""
        if not any(isinstance(s, ProgressShow) for s in shows):
            return super().cells(request, records, shows)
        progress = progress_for_page(request, records)
        for target in records:
            target.progress = progress[target.pk]
            target.behind = target.row_warning = is_behind(target.progress)
        rows = []
        for target, cells in super().cells(request, records, shows):
            out = []
            for show, cell in zip(shows, cells, strict=True):
                if isinstance(show, ProgressShow) and show.ledger:
                    p = target.progress
                    url = ledger_url(p.unit, p.year, p.until, target.category_id)
                    cell = Cell(cell.text, url, numeric=True)
                elif isinstance(show, ProgressShow) and show.badge:
                    cell = Cell(cell.text, badge="warning" if target.behind else "")
                out.append(cell)
            rows.append((target, out))
        return rows

    # --- detail --------------------------------------------------------------------------------

    def detail_context(self, request: HttpRequest, record: Any) -> dict[str, Any]:
        """上半年 and 全年 progress (and to date while the year runs), the children's targets
        for the same year and category, and whether they add up to this one."""
        year, category = record.year, record.category
        day = today()
        periods = []
        for label, until in (
            (gettext("上半年（1月1日—6月30日）"), datetime.date(year, 6, 30)),
            (gettext("全年（1月1日—12月31日）"), datetime.date(year, 12, 31)),
        ):
            progress = progress_of(record, until)
            over = day >= until
            periods.append(self._period(label, progress, record, over))
        if datetime.date(year, 1, 1) <= day < datetime.date(year, 12, 31):
            label = gettext("截至今日（%(d)s）") % {"d": day.isoformat()}
            periods.append(self._period(label, progress_of(record), record, True))
        children = child_units(record.org)
        stored = {
            t.org_id: t
            for t in TrainingTarget.objects.filter(
                year=year, category=category, org__in=[c.pk for c in children]
            ).select_related("org", "category")
        }
        progress_by_pk = progress_for_page(request, list(stored.values()))
        rows = []
        for child in children:
            target = stored.get(child.pk)
            progress = progress_by_pk[target.pk] if target else None
            rows.append(
                {
                    "unit": child,
                    "target": target,
                    "progress": progress,
                    "behind": bool(progress and is_behind(progress)),
                }
            )
        total = sum(t.attendances for t in stored.values())
        mismatch = next(
            (
                m
                for m in figures.decomposition_mismatches(record.org, year)
                if m.parent.pk == record.pk
            ),
            None,
        )
        user = request.user
        editable_units = unit_ids_editable_by(user)
        links = {}
        if record.org_id in editable_units and children:
            links["decompose"] = decompose_query(record.org_id, year, record.category_id)
        if record.org.parent_id in editable_units:
            links["parent"] = decompose_query(record.org.parent_id, year, record.category_id)
        return {
            "periods": periods,
            "children": rows,
            "has_children": bool(children),
            "children_total": total,
            "difference": difference_text(record.attendances, total) if stored else "",
            "mismatch": mismatch,
            "decompose_links": links,
            "rule": RULE,
        }

    @staticmethod
    def _period(
        label: str, progress: figures.Progress, record: TrainingTarget, over: bool
    ) -> dict[str, Any]:
        return {
            "label": label,
            "progress": progress,
            "url": ledger_url(record.org, record.year, progress.until, record.category_id),
            "over": over,
            "behind": over and is_behind(progress),
        }

    # --- the decomposition editor --------------------------------------------------------------

    def decompose_view(self, request: HttpRequest) -> HttpResponse:
        """层层分解, in targets_decomposition.py (imported here: it imports this module)."""
        from rencai.training.targets_decomposition import decompose_view

        return decompose_view(self, request)


# --- import sheet ------------------------------------------------------------------------------


def year_cell(raw: Any, ctx: Any) -> int:
    """年度: 2026 (or 2026年), between 2000 and 2100."""
    text = fold(cell_text(raw)).removesuffix("年")
    value = integer(text, ctx)
    if not FIRST_YEAR <= value <= LAST_YEAR:
        raise CellError(
            gettext("年度应在 %(a)d—%(b)d 之间，实际为“%(t)s”")
            % {"a": FIRST_YEAR, "b": LAST_YEAR, "t": cell_text(raw)}
        )
    return value


_category_by_name = named(TrainingCategory)
OVERALL_WORDS = {"全部类别", "全部", "总目标", "合计"}


def category_cell(raw: Any, ctx: Any) -> int | None:
    """培训类别 by name; blank or 全部类别 is the overall target."""
    if fold(cell_text(raw)).replace(" ", "") in OVERALL_WORDS:
        return None
    return _category_by_name(raw, ctx)


@dataclass
class TargetContext(RecordContext):
    settable: set[int] = field(default_factory=set)
    units_by_pk: dict[int, OrgUnit] = field(default_factory=dict)


@dataclass
class TargetSheet(RecordSheet):
    """Targets keyed by 年度 + 单位 + 类别; a unit's target only by the office above it."""

    def context(self, user: Any, options: dict[str, Any]) -> TargetContext:
        editable = unit_ids_editable_by(user)
        return TargetContext(
            user,
            UnitResolver(user),
            editable,
            self.model,
            settable=settable_unit_ids(user),
            units_by_pk=OrgUnit.objects.in_bulk(list(editable)),
        )

    def key_label(self, key: Any) -> str:
        year, org_id, category_id = key
        unit = OrgUnit.objects.filter(pk=org_id).first()
        category = TrainingCategory.objects.filter(pk=category_id).first() if category_id else None
        return gettext("年度 %(y)s，单位 %(u)s，类别 %(c)s") % {
            "y": year,
            "u": unit.name_path if unit else org_id,
            "c": category.name if category else ALL_CATEGORIES,
        }

    def _problem(self, ctx: Any, record: Any, pk: int | None):
        unit = ctx.units_by_pk.get(record.org_id)
        if unit is None:
            return gettext("单位"), gettext("该记录不在您的管辖范围内")
        if why := refusal(ctx.user, unit, ctx.settable):
            return gettext("单位"), why
        return super()._problem(ctx, record, pk)


TARGET_SHEET = register(
    TargetSheet(
        name="targets",
        title="培训目标",
        model=TrainingTarget,
        filterset=TargetFilter,
        related=("org", "category"),
        key=("year", "org_id", "category_id"),
        key_column="org_id",
        columns=[
            RecordColumn(
                "year",
                "年度",
                ("年份", "目标年度"),
                required=True,
                parse=year_cell,
                width=8,
                attname="year",
                help="如 2026",
            ),
            unit_column("org_id", "单位", aliases=("组织", "所在单位"), required=True),
            RecordColumn(
                "category_id",
                "培训类别",
                ("类别", "类型"),
                parse=category_cell,
                width=14,
                attname="category_id",
                help="留空或写“全部类别”表示总目标",
                export=lambda t, reveal: category_name(t),
            ),
            RecordColumn(
                "attendances",
                "目标人次",
                ("目标", "人次", "目标培训人次"),
                required=True,
                parse=integer,
                width=10,
                attname="attendances",
            ),
        ],
        instructions=[
            "一行一个培训目标，以“年度 + 单位 + 培训类别”识别：已有的目标按本表更新，没有的新增。",
            "培训类别留空（或写“全部类别”）表示该单位的总目标。",
            "各单位的目标由上级单位设定：乡镇可填写本镇各村的目标，县可填写各乡镇的目标。",
            "整张表全部正确才会导入。",
        ],
    )
)


# --- API -----------------------------------------------------------------------------------


class TargetSerializer(RecordSerializer):
    """A target of a unit the caller may set; `category` null is the overall target."""

    org_name_path = serializers.CharField(source="org.name_path", read_only=True)
    category_name = serializers.SerializerMethodField()

    def get_category_name(self, target: TrainingTarget) -> str:
        return category_name(target)

    def validate_year(self, value: int) -> int:
        if not FIRST_YEAR <= value <= LAST_YEAR:
            raise serializers.ValidationError(
                gettext("年度应在 %(a)d—%(b)d 之间") % {"a": FIRST_YEAR, "b": LAST_YEAR}
            )
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        org = attrs.get("org") or getattr(self.instance, "org", None)
        user = self.context["request"].user
        if org is not None and (why := refusal(user, org)):
            raise serializers.ValidationError({"org": [why]})
        return super().validate(attrs)


_TargetViewSet = record_viewset(
    TrainingTarget,
    TargetFilter,
    ["year", "org", "category", "attendances"],
    related=("org", "category"),
    base=TargetSerializer,
)


class TargetViewSet(_TargetViewSet):
    """培训目标：本辖区内的目标；修改只限可设定的单位（单位的目标由上级单位设定）。"""

    def get_queryset(self) -> QuerySet:
        rows = super().get_queryset()
        if self.request.method in ("GET", "HEAD", "OPTIONS"):
            return rows
        return rows.filter(org__in=settable_unit_ids(self.request.user))


VIEWS = [TargetViews()]
ROUTES: list[tuple[str, Any, str]] = [("training/targets", TargetViewSet, "training-target")]
