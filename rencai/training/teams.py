"""文艺团队 (ArtTeam: 戏曲 / 民间文艺 troupes and their members) through the web, the import
engine and the API, and which teams a user may name (`known_teams`); their 演出 are in
performances.py."""

from dataclasses import dataclass, field
from typing import Any

import django_filters
from django import forms
from django.contrib import messages
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import URLPattern, path
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from rest_framework import serializers
from rest_framework.exceptions import ValidationError

from rencai.accounts import roles
from rencai.accounts.access import allow
from rencai.imports.cells import Masked
from rencai.imports.sheets import NEW, UNCHANGED, UPDATED, RowPlan, register
from rencai.orgs.models import OrgUnit
from rencai.orgs.resolve import UnitResolver
from rencai.people.models import Person
from rencai.records.api import RecordSerializer, record_viewset
from rencai.records.forms import (
    NOT_IN_REGISTER,
    RecordForm,
    person_by_id,
    unit_ids_editable_by,
)
from rencai.records.sheets import (
    RecordColumn,
    RecordContext,
    RecordSheet,
    choice,
    labels_of,
    person,
    text,
    unit_column,
)
from rencai.records.views import RECORD, RecordViews, Show
from rencai.standards.idnumber import IdNumber, mask_id_number
from rencai.standards.text import fold
from rencai.training.choices import ArtKind
from rencai.training.filters import UnitFilter
from rencai.training.models import ArtTeam, Performance

DUPLICATE_TEAM = _("“%(unit)s”已有名为“%(name)s”的文艺团队")
ALREADY_MEMBER = _("%(name)s 已是本团队成员")

# --- who may be named where ---------------------------------------------------------------------


def known_teams(user: Any) -> QuerySet:
    """The teams a user may name on a performance: the teams of their jurisdiction, and the
    visiting teams whose shows in their villages they already see (a name they know, not a
    record they may open)."""
    return ArtTeam.objects.filter(
        Q(pk__in=ArtTeam.objects.visible_to(user).values("pk"))
        | Q(pk__in=Performance.objects.visible_to(user).values("team_id"))
    ).select_related("org")


def _team_label(team: ArtTeam) -> str:
    return f"{team.name}（{team.org.name}）"


def norm_name(name: str) -> str:
    """A team name as the import compares it (as `records.sheets.named` reads a cell)."""
    return fold(name).replace("／", "/").replace(" ", "")


class TeamChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: ArtTeam) -> str:
        return _team_label(obj)


class TeamChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = TeamChoiceField


# --- 文艺团队 -------------------------------------------------------------------------------------


class TeamFilter(django_filters.FilterSet):
    name = django_filters.CharFilter(label=_("名称"), lookup_expr="icontains")
    kind = django_filters.ChoiceFilter(
        label=_("类型"), choices=ArtKind.choices, empty_label=_("全部")
    )
    org = UnitFilter(label=_("所在单位"))

    class Meta:
        model = ArtTeam
        fields: list[str] = []


class TeamForm(RecordForm):
    """A team's name, kind and unit; its members are added on its page, one by one."""

    class Meta:
        model = ArtTeam
        fields = ["name", "kind", "org"]

    def clean(self) -> dict[str, Any]:
        """One name per unit: the import finds a team by 团队名称 + 所在单位."""
        data = super().clean()
        name, org = data.get("name"), data.get("org")
        if name and org:
            same = ArtTeam.objects.filter(org=org, name=name.strip()).exclude(pk=self.instance.pk)
            if same.exists():
                self.add_error("name", DUPLICATE_TEAM % {"unit": org.name_path, "name": name})
        return data


class MemberForm(forms.Form):
    """添加成员: one person of the register the user sees, by ID number."""

    id_number = forms.CharField(label=_("成员身份证号"), max_length=40)

    def __init__(self, *args: Any, team: ArtTeam, user: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.team = team
        self.user = user
        self.person: Person | None = None

    def clean_id_number(self) -> str:
        found = person_by_id(self.user, self.cleaned_data["id_number"])
        if self.team.members.filter(pk=found.pk).exists():
            raise forms.ValidationError(ALREADY_MEMBER % {"name": found.name})
        self.person = found
        return found.id_number


class TeamViews(RecordViews):
    model = ArtTeam
    slug = "teams"
    count_measure = _("个")  # the measure of its figure (rencai/training/figures_registry.py)
    filterset = TeamFilter
    form = TeamForm
    sheet = "teams"
    nav_template = "training/_nav_include.html"
    detail_template = "training/teams_detail.html"
    related = ("org",)
    ordering = ("org__path", "name", "id")
    delete_warning = _("删除文艺团队会同时删除该团队的全部演出记录（成员仍保留在人才库中）。")
    columns = [
        Show(_("名称"), "name", link=RECORD),
        Show(_("类型"), "get_kind_display"),
        Show(_("所在单位"), "org.name_path"),
        Show(_("成员人数"), "member_count", numeric=True),
        Show(_("演出场次"), "performance_count", numeric=True),
    ]
    fields = [
        Show(_("名称"), "name"),
        Show(_("类型"), "get_kind_display"),
        Show(_("所在单位"), "org.name_path"),
    ]

    def urls(self) -> list[URLPattern]:
        edits = allow(roles.edits_records)
        s = self.slug
        return [
            *super().urls(),
            path(
                f"{s}/<int:pk>/members/add/",
                edits(require_POST(self.member_add_view)),
                name=f"{s}_member_add",
            ),
            path(
                f"{s}/<int:pk>/members/<int:person_pk>/remove/",
                edits(require_POST(self.member_remove_view)),
                name=f"{s}_member_remove",
            ),
        ]

    def list_queryset(self, request: HttpRequest, rows: QuerySet) -> QuerySet:
        return rows.annotate(
            member_count=Count("members", distinct=True),
            performance_count=Count("performances", distinct=True),
        )

    def detail_context(self, request: HttpRequest, record: Any) -> dict[str, Any]:
        """The members (linked when the user may open them, ID numbers masked) and the team's
        latest performances."""
        members = list(record.members.select_related("home_org").order_by("name", "pk"))
        openable = set(
            Person.objects.visible_to(request.user)
            .filter(pk__in=[m.pk for m in members])
            .values_list("pk", flat=True)
        )
        shows = (
            Performance.objects.visible_to(request.user)
            .filter(team=record)
            .select_related("village")
            .order_by("-date", "-id")
        )
        can_edit = self.may_edit(request, record)
        return {
            "members": members,
            "openable": openable,
            "member_form": MemberForm(team=record, user=request.user) if can_edit else None,
            "performances": list(shows[:50]),
            "performance_count": shows.count(),
        }

    def member_add_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Add one member by ID number; errors show on the team's page. Audited by the audit
        signals (a change of the team's `members`)."""
        team = get_object_or_404(self.editable(request), pk=pk)
        form = MemberForm(request.POST, team=team, user=request.user)
        if form.is_valid():
            with transaction.atomic():
                team.members.add(form.person)
            messages.success(request, _g("已将 %(name)s 添加为团队成员") % {"name": form.person})
            return redirect(self.url_name("detail"), pk=team.pk)
        return self.detail_view(request, pk, member_form=form)

    def member_remove_view(self, request: HttpRequest, pk: int, person_pk: int) -> HttpResponse:
        """Remove one member (the person stays in the register). Audited like an add."""
        team = get_object_or_404(self.editable(request), pk=pk)
        member = get_object_or_404(team.members.all(), pk=person_pk)
        with transaction.atomic():
            team.members.remove(member)
        messages.success(request, _g("已将 %(name)s 移出本团队") % {"name": member.name})
        return redirect(self.url_name("detail"), pk=team.pk)


# --- import sheets ----------------------------------------------------------------------------


@dataclass
class _Team:
    """A team as the teams sheet plans it: stored (pk) or new, its members by pk."""

    pk: int | None
    kind: str
    members: dict[int, tuple[str, str]] = field(default_factory=dict)  # pk → (ID number, 姓名)
    first_row: int = 0
    sheet_kind: str = ""  # the 类型 its rows give
    adding: set[int] = field(default_factory=set)


@dataclass
class ArtsContext(RecordContext):
    """The record context, knowing teams by name as `known_teams` does, and the teams a
    teams-sheet import plans and creates."""

    teams: dict[tuple[str, int], _Team] | None = None
    ambiguous: set[tuple[str, int]] = field(default_factory=set)
    created: dict[tuple[str, int], ArtTeam] = field(default_factory=dict)

    def names(self, model: type) -> dict[str, set[int]]:
        if model is ArtTeam and model not in self._names:
            found: dict[str, set[int]] = {}
            for pk, name, org in known_teams(self.user).values_list("pk", "name", "org__name"):
                found.setdefault(norm_name(name), set()).add(pk)
                found.setdefault(norm_name(f"{org}/{name}"), set()).add(pk)
            self._names[model] = found
        return super().names(model)


def arts_context(sheet: RecordSheet, user: Any) -> ArtsContext:
    return ArtsContext(user, UnitResolver(user), unit_ids_editable_by(user), sheet.model)


def _id_key(value: Any) -> Any:
    if isinstance(value, IdNumber):
        return value.number
    if isinstance(value, Masked):
        return value.text
    return value


def unit_path(pk: Any) -> str:
    return OrgUnit.objects.filter(pk=pk).values_list("name_path", flat=True).first() or str(pk)


@dataclass
class TeamSheet(RecordSheet):
    """文艺团队 with their members, one row per member: the rows of one 团队名称 + 所在单位 are
    one team. A sheet adds teams and members and may change a team's 类型; it never removes a
    member (that is done on the team's page)."""

    def context(self, user: Any, options: dict[str, Any]) -> ArtsContext:
        return arts_context(self, user)

    def row_key(self, values: dict[str, Any]) -> Any:
        return (values.get("name"), values.get("org_id"), _id_key(values.get("member_id")))

    def key_label(self, key: Any) -> str:
        name, org_id, member = key
        parts = [
            _g("团队名称 %(n)s") % {"n": name},
            _g("所在单位 %(u)s") % {"u": unit_path(org_id)},
        ]
        if member:
            shown = member if "*" in member else mask_id_number(member)
            parts.append(_g("成员身份证号 %(m)s") % {"m": shown})
        return "，".join(parts)

    def _teams(self, ctx: ArtsContext) -> dict[tuple[str, int], _Team]:
        """The teams the importer may edit, by (name as compared, unit), with their members."""
        if ctx.teams is None:
            teams: dict[tuple[str, int], _Team] = {}
            by_pk: dict[int, _Team] = {}
            editable = ArtTeam.objects.editable_by(ctx.user)
            for pk, name, org_id, kind in editable.values_list("pk", "name", "org_id", "kind"):
                key = (fold(name), org_id)
                if key in teams:
                    ctx.ambiguous.add(key)
                teams[key] = by_pk[pk] = _Team(pk, kind)
            through = ArtTeam.members.through.objects.filter(artteam__in=editable.values("pk"))
            for team_id, pk, number, name in through.values_list(
                "artteam_id", "person_id", "person__id_number", "person__name"
            ):
                by_pk[team_id].members[pk] = (number, name)
            ctx.teams = teams
        return ctx.teams

    def plan(self, ctx: ArtsContext, rows: list[tuple[int, dict[str, Any]]]):
        """A row of a team not yet stored is NEW (the team is checked like a new record: its
        unit in the importer's jurisdiction); a row adding a member or changing the 类型 of a
        stored team is UPDATED; anything else is UNCHANGED."""
        teams = self._teams(ctx)
        people = self._people(ctx, rows)
        for number, values in rows:
            key = (fold(values["name"]), values["org_id"])
            team = teams.get(key)
            if key in ctx.ambiguous:
                yield number, _g("团队名称"), _g("该单位有多个同名团队，无法确定是哪一个")
                continue
            if team is None:
                record = ArtTeam(name=values["name"], kind=values["kind"], org_id=values["org_id"])
                if problem := self._problem(ctx, record, pk=None):
                    yield (number, *problem)
                    continue
            if team is not None and team.sheet_kind and team.sheet_kind != values["kind"]:
                yield (
                    number,
                    _g("类型"),
                    _g("同一团队各行的类型须一致（第 %(r)d 行为“%(k)s”）")
                    % {
                        "r": team.first_row,
                        "k": ArtKind(team.sheet_kind).label,
                    },
                )
                continue
            member = self._member(team, values, people)
            if isinstance(member, str):
                yield number, _g("成员身份证号"), member
                continue
            if team is None:
                team = teams[key] = _Team(None, values["kind"])
            if not team.sheet_kind:
                team.sheet_kind, team.first_row = values["kind"], number
            adds = member is not None and member not in team.members and member not in team.adding
            if adds:
                team.adding.add(member)
            if team.pk is None:
                kind = NEW
            elif adds or team.kind != values["kind"]:
                kind = UPDATED
            else:
                kind = UNCHANGED
            payload = (team.pk, values["name"], values["org_id"], values["kind"], member)
            yield RowPlan(number, kind, payload)

    def _member(self, team: _Team | None, values: dict[str, Any], people: dict) -> int | str | None:
        """The row's member as a Person pk (None for a row naming no member), or why not: an
        existing member is recognised by full or masked ID number (with 姓名) even when the
        importer does not see them; a new member must be in the register the importer sees."""
        id_cell, name = values.get("member_id"), values.get("member__name")
        if id_cell is None:
            if name:
                return _g("填写了成员姓名“%(n)s”，请同时填写其身份证号") % {"n": name}
            return None
        for pk, (number, stored_name) in (team.members if team else {}).items():
            if isinstance(id_cell, IdNumber) and id_cell.number == number:
                if name and name != stored_name:
                    return _g("姓名“%(n)s”与人才库中该身份证号的姓名“%(r)s”不一致") % {
                        "n": name,
                        "r": stored_name,
                    }
                return pk
            if isinstance(id_cell, Masked) and (mask_id_number(number), stored_name) == (
                id_cell.text,
                name,
            ):
                return pk
        return people.get((id_cell, name), str(NOT_IN_REGISTER))

    def commit(self, ctx: ArtsContext, plans: list[RowPlan]) -> None:
        """Per team: create it or set its 类型, then add its new members in one change (one
        audit entry of its `members`)."""
        groups: dict[tuple[str, int], tuple[int | None, str, list[int]]] = {}
        for plan in plans:
            pk, name, org_id, kind, member = plan.payload
            _pk, _kind, members = groups.setdefault((name, org_id), (pk, kind, []))
            if member is not None:
                members.append(member)
        for (name, org_id), (pk, kind, members) in groups.items():
            team = ArtTeam.objects.get(pk=pk) if pk else ctx.created.get((name, org_id))
            if team is None:
                team = ctx.created[(name, org_id)] = ArtTeam.objects.create(
                    name=name, kind=kind, org_id=org_id
                )
            elif team.kind != kind:
                team.kind = kind
                team.save()
            if members:
                team.members.add(*members)

    def export_rows(self, user: Any, queryset: Any, *, reveal: bool):
        """One row per member (a team without members: one row, member cells blank). ID
        numbers are masked unless the user may reveal — and always for a member the user does
        not see (added by a unit above)."""
        seen = set(
            Person.objects.visible_to(user)
            .filter(art_teams__in=queryset.values("pk"))
            .values_list("pk", flat=True)
        )
        for team in queryset.prefetch_related("members").iterator(chunk_size=500):
            head = [team.name, team.get_kind_display(), team.org.name_path]
            members = sorted(team.members.all(), key=lambda p: (p.name, p.pk))
            if not members:
                yield [*head, "", ""]
            for member in members:
                shown = reveal and member.pk in seen
                number = member.id_number if shown else member.masked_id_number
                yield [*head, member.name, number]


TEAM_SHEET = register(
    TeamSheet(
        name="teams",
        title="文艺团队",
        model=ArtTeam,
        filterset=TeamFilter,
        related=("org",),
        key=("name", "org_id"),
        key_column="name",
        columns=[
            RecordColumn(
                "name",
                "团队名称",
                ("文艺团队", "名称"),
                required=True,
                parse=text(100),
                width=24,
                attname="name",
            ),
            RecordColumn(
                "kind",
                "类型",
                ("团队类型",),
                required=True,
                parse=choice(ArtKind, "类型"),
                choices=labels_of(ArtKind),
                attname="kind",
            ),
            unit_column("org_id", "所在单位", required=True),
            RecordColumn("member__name", "成员姓名", ("姓名",), parse=text(50), width=10),
            RecordColumn(
                "member_id",
                "成员身份证号",
                ("身份证号",),
                parse=person,
                text=True,
                width=22,
                attname="member_id",
                name_column="member__name",
                help="18 位，须为人才库中的人员；本列须为文本格式",
            ),
        ],
        instructions=[
            "一行一名成员，“团队名称 + 所在单位”相同的行是同一个团队；没有的团队新增。",
            "导入只添加成员，不会移出成员（移出请在团队页面操作）；同一团队各行的类型须一致。",
            "成员须为人才库中的人员，填写身份证号（导出的脱敏号码须与姓名一同保留）；"
            "暂无成员的团队，成员两列留空。",
            "整张表全部正确才会导入。",
        ],
    )
)


# --- API ----------------------------------------------------------------------------------------


class PersonRef(serializers.Serializer):
    """A person by id and name (never the ID number)."""

    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)


class TeamSerializer(RecordSerializer):
    """`members` are written as person ids of the register the caller sees; the members a team
    already has may be kept even when the caller does not see them."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if isinstance(self.instance, ArtTeam) and "members" in self.fields:
            self.fields["members"].child_relation.queryset = Person.objects.filter(
                Q(pk__in=Person.objects.visible_to(user).values("pk"))
                | Q(pk__in=self.instance.members.values("pk"))
            )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        current = self.instance if isinstance(self.instance, ArtTeam) else None
        name = attrs.get("name", getattr(current, "name", ""))
        org = attrs.get("org", getattr(current, "org", None))
        same = ArtTeam.objects.filter(org=org, name=name)
        if current is not None:
            same = same.exclude(pk=current.pk)
        if org is not None and same.exists():
            message = DUPLICATE_TEAM % {"unit": org.name_path, "name": name}
            raise ValidationError({"name": [message]})
        return attrs


TeamViewSet = record_viewset(
    ArtTeam,
    TeamFilter,
    ["name", "kind", "org", "members"],
    related=("org",),
    extra={"member_list": PersonRef(source="members", many=True, read_only=True)},
    base=TeamSerializer,
    prefetch=("members",),
    doc="文艺团队：本辖区内的团队及其成员（成员只给出 id 和姓名）。",
)


VIEWS = [TeamViews()]
ROUTES: list[tuple[str, Any, str]] = [("training/teams", TeamViewSet, "training-team")]
