"""报送单位 (CensusUnit, a unit that must report in a round) through the web and the import engine:
its review form, its pages (the unit's submission with its completeness, jobs and conflicts;
approving or returning it) and its 普查名册 (`census_roster`), the 人员信息表 submitted for the
unit. The roster imports like the people sheet, scoped to the unit, except that a row naming a
person another unit registered is neither applied nor an error: it becomes a 普查冲突
(conflicts.py) for the county to settle, and the rest of the roster imports. A committed roster
marks its unit 已报 (`on_roster_committed`, connected in apps.py)."""

from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from rencai.accounts import roles
from rencai.accounts.access import allow
from rencai.census import actions, figures
from rencai.census.choices import UnitStatus
from rencai.census.models import CensusConflict, CensusUnit
from rencai.census.rounds import ROUND_OPTION, option_id
from rencai.imports.models import ImportJob
from rencai.imports.options import IMPORT, OptionError, SheetOption
from rencai.imports.sheets import CONFLICT, CellError, RowPlan, register
from rencai.imports.views import upload_url
from rencai.orgs.models import OrgUnit
from rencai.people.persons_sheet import COLUMNS as PERSON_COLUMNS
from rencai.people.persons_sheet import (
    PERSON_SHEET,
    PersonSheet,
    PersonSheetContext,
)
from rencai.records.versions import VersionedForm, saved_checked

# --- form ---------------------------------------------------------------------------------------


class ReviewForm(VersionedForm, forms.Form):
    """Approve or return a unit's submission; `record=` the CensusUnit, so a reviewer whose page
    predates a later submission (returned and submitted again) is told, not approving it unseen."""

    approve = forms.TypedChoiceField(
        label=_("审核结果"),
        choices=[("", _("请选择")), ("1", _("审核通过")), ("0", _("退回"))],
        coerce=lambda v: v == "1",
    )
    reason = forms.CharField(
        label=_("退回原因"), max_length=200, required=False, help_text=_("退回时必填")
    )


# --- pages -------------------------------------------------------------------------------------


def _unit(request: HttpRequest, pk: int, unit_pk: int) -> CensusUnit:
    return get_object_or_404(
        CensusUnit.objects.visible_to(request.user).select_related(
            "round", "org", "job", "submitted_by", "reviewed_by"
        ),
        pk=unit_pk,
        round_id=pk,
    )


def _unit_page(request: HttpRequest, unit: CensusUnit, review_form: ReviewForm | None = None):
    census = unit.round
    may_submit = actions.submits_census(request.user) and unit.submit_problem() is None
    jobs = ImportJob.objects.visible_to(request.user).filter(
        sheet=ROSTER_SHEET.name, options__census_unit=unit.pk
    )
    conflicts = (
        CensusConflict.objects.visible_to(request.user)
        .filter(Q(first_org=unit.org) | Q(second_org=unit.org), round=census)
        .select_related("person", "first_org", "second_org")
    )
    can_review = actions.runs_census(request.user) and unit.status == UnitStatus.SUBMITTED
    completeness = figures.completeness(unit.org)
    submit_url = upload_url(ROSTER_SHEET.name, {"census_round": census.pk, "census_unit": unit.pk})
    return render(
        request,
        "census/unit_detail.html",
        {
            "census": census,
            "unit": unit,
            "completeness": completeness,
            "fields": completeness.by_field(),
            # (key, label, rate): a rate under 100% links to the persons who lack the field
            "field_rows": [
                (key, label, rate)
                for (key, _l, _f), (label, rate) in zip(
                    figures.COMPLETENESS_FIELDS, completeness.by_field(), strict=True
                )
            ],
            "jobs": jobs.select_related("user")[:20],
            "conflicts": conflicts,
            "submit_url": submit_url if may_submit else None,
            "review_form": (review_form or ReviewForm(record=unit)) if can_review else None,
        },
    )


@allow(roles.reads_records)
def unit_detail(request: HttpRequest, pk: int, unit_pk: int) -> HttpResponse:
    return _unit_page(request, _unit(request, pk, unit_pk))


@allow(actions.runs_census)
@require_POST
def unit_review(request: HttpRequest, pk: int, unit_pk: int) -> HttpResponse:
    unit = _unit(request, pk, unit_pk)
    form = ReviewForm(request.POST, record=unit)
    if form.is_valid():
        data = form.cleaned_data
        try:
            reviewed = saved_checked(
                form,
                lambda: actions.review_unit(
                    unit, approve=data["approve"], reason=data["reason"], acting_user=request.user
                ),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if reviewed is None:  # submitted again since the page was opened
                return _unit_page(request, _unit(request, pk, unit_pk), form)
            status = unit.get_status_display()
            messages.success(request, gettext("%(u)s：%(s)s") % {"u": unit.org.name, "s": status})
            return redirect("census:unit", pk=pk, unit_pk=unit.pk)
    return _unit_page(request, unit, form)


# --- 普查名册 ------------------------------------------------------------------------------------


def _unit_option(user: Any, text: str, resolved: dict[str, Any]) -> dict[str, Any]:
    """`--unit 示范县/城关镇`: the reporting unit of the round named by --round, by its path."""
    if "census_round" not in resolved:
        raise OptionError(gettext("请同时用 --round 指定普查轮次"))
    org = OrgUnit.objects.by_path_text(text)
    unit = (
        CensusUnit.objects.visible_to(user)
        .filter(round_id=resolved["census_round"], org=org)
        .first()
        if org is not None
        else None
    )
    if unit is None:
        raise OptionError(
            gettext("“%(t)s”不是本轮普查的报送单位，或不在您的管辖范围内") % {"t": text}
        )
    return {"census_unit": unit.pk}


@dataclass
class RosterContext(PersonSheetContext):
    census_unit: CensusUnit | None = None


class CensusRosterSheet(PersonSheet):
    """The 人员信息表 as a census submission. The editable scope is the reporting unit's subtree
    (not the importer's whole jurisdiction): a county admin submitting for one township cannot
    overwrite another township's person either."""

    def may_import(self, user: Any) -> bool:
        return actions.submits_census(user)

    def _unit(self, user: Any, round_id: Any, unit_id: Any) -> CensusUnit | None:
        return (
            CensusUnit.objects.visible_to(user)
            .select_related("round", "org")
            .filter(pk=unit_id, round_id=round_id)
            .first()
        )

    def upload_options(self, user: Any, params: Any) -> dict[str, Any]:
        round_id, unit_id = option_id(params, "census_round"), option_id(params, "census_unit")
        if self._unit(user, round_id, unit_id) is None:
            raise Http404
        return {"census_round": round_id, "census_unit": unit_id}

    def options_label(self, options: dict[str, Any]) -> str:
        unit = (
            CensusUnit.objects.select_related("round", "org")
            .filter(pk=options.get("census_unit"))
            .first()
        )
        return f"{unit.round} · {unit.org.name}" if unit else ""

    def context(self, user: Any, options: dict[str, Any]) -> RosterContext:
        ctx = super().context(user, options)
        if not actions.submits_census(user):
            raise CellError(gettext("只有乡镇(街道)管理员或县人才办可以报送普查名册"))
        unit = self._unit(user, options.get("census_round"), options.get("census_unit"))
        if unit is None:
            raise CellError(gettext("请从人才普查页面报送本单位的名册"))
        if problem := unit.submit_problem():
            raise CellError(problem)
        scope = (
            None
            if OrgUnit.objects.is_sole_root(unit.org)
            else set(OrgUnit.objects.subtree_ids(unit.org))
        )
        return RosterContext(**{**vars(ctx), "editable_units": scope}, census_unit=unit)

    def _outside_unit(self, ctx: RosterContext, number: int) -> tuple:
        return (
            number,
            self.column("home_org").label,
            gettext("户籍/居住地和工作单位都不在报送单位“%(u)s”内")
            % {"u": ctx.census_unit.org.name_path},
        )

    def _plan_new(self, ctx, number, values, parsed):
        plan = super()._plan_new(ctx, number, values, parsed)
        if isinstance(plan, RowPlan) and not self._editable(
            ctx, values["home_org"], values.get("work_org")
        ):
            return self._outside_unit(ctx, number)
        return plan

    def _registered_elsewhere(self, ctx, number, values, current):
        home, work = values["home_org"], values.get("work_org")
        if not self._editable(ctx, home, work or current["work_org_id"]):
            return self._outside_unit(ctx, number)
        return RowPlan(number, CONFLICT, (current["pk"], home, work))

    def commit(self, ctx: RosterContext, plans: list[RowPlan]) -> None:
        super().commit(ctx, plans)
        conflicts = [p.payload for p in plans if p.kind == CONFLICT]
        if conflicts:
            actions.record_conflicts(ctx.census_unit, conflicts)


ROSTER_SHEET = register(
    CensusRosterSheet(
        name="census_roster",
        title=PERSON_SHEET.title,
        columns=PERSON_COLUMNS,
        key_column=PERSON_SHEET.key_column,
        instructions=[
            *PERSON_SHEET.instructions,
            "本表为人才普查名册：已由其他单位登记的人员不会被修改，记为“冲突”交县人才办处理，"
            "其余人员照常导入。",
        ],
        command_options=[
            ROUND_OPTION,
            SheetOption(
                "unit",
                _("报送单位的组织路径，如 示范县/城关镇（必填）"),
                _unit_option,
                commands=(IMPORT,),
                required_for=(IMPORT,),
                metavar="组织路径",
            ),
            *PERSON_SHEET.command_options,
        ],
    )
)


def on_roster_committed(sender: Any, job: Any, **kwargs: Any) -> None:
    """已报: a committed roster marks its unit submitted and links the job."""
    if job.sheet != ROSTER_SHEET.name:
        return
    unit = CensusUnit.objects.filter(
        pk=job.options.get("census_unit"), round_id=job.options.get("census_round")
    ).first()
    if unit is not None:
        actions.mark_submitted(unit, job=job)
