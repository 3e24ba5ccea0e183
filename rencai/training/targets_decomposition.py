"""The decomposition editor of 培训目标 (层层分解, targets.py): one unit's target for a year
(overall or one category) and a number per direct child unit, saved together."""

from collections import Counter
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from rencai.orgs.choices import OrgKind
from rencai.orgs.models import OrgUnit
from rencai.records.forms import unit_ids_editable_by
from rencai.records.views import RecordViews
from rencai.standards.text import fold
from rencai.training import targets
from rencai.training.filters import UnitChoiceField
from rencai.training.models import TrainingCategory, TrainingTarget
from rencai.training.targets import (
    FIRST_YEAR,
    LAST_YEAR,
    MAX_TARGET,
    OVERALL,
    RULE,
    child_units,
    decompose_query,
    difference_text,
    settable_unit_ids,
)

# `today` is called through the module: a test pinning `targets.today` pins the editor's year too.


class DecomposeForm(forms.Form):
    """Which target to decompose: a unit the user edits, a year, overall or one category."""

    org = UnitChoiceField(label=_("单位"), queryset=OrgUnit.objects.none())
    year = forms.IntegerField(label=_("年度"), min_value=FIRST_YEAR, max_value=LAST_YEAR)
    category = forms.ModelChoiceField(
        label=_("类别"),
        queryset=TrainingCategory.objects.filter(is_active=True),
        required=False,
        empty_label=_("全部类别（总目标）"),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        ids = unit_ids_editable_by(user)
        self.fields["org"].queryset = (
            OrgUnit.objects.filter(pk__in=ids)
            .active()
            .exclude(kind=OrgKind.VILLAGER_GROUP)
            .order_by("name_path")
        )


NEGATIVE = _("%(u)s：目标人次不能为负数（填写的是“%(t)s”）")
NOT_WHOLE = _("%(u)s：目标人次须为不小于 0 的整数（填写的是“%(t)s”）")
TOO_LARGE = _("%(u)s：目标人次过大（填写的是“%(t)s”）")


class TargetNumber(forms.CharField):
    """One unit's target in the grid: blank (no target) or a whole number ≥ 0, any error naming
    the unit."""

    def __init__(self, unit: OrgUnit, **kwargs: Any):
        super().__init__(
            label=unit.name,
            required=False,
            widget=forms.NumberInput(attrs={"min": 0, "step": 1, "class": "form-control"}),
            **kwargs,
        )
        self.unit = unit

    def clean(self, value: Any) -> int | None:
        text = fold(value if isinstance(value, str) else "" if value is None else str(value))
        number = text.replace(",", "").replace(" ", "")
        if number == "":
            return None
        names = {"u": self.unit.name, "t": text[:20]}
        if number.startswith("-") and number[1:].replace(".", "", 1).isdigit():
            raise forms.ValidationError(NEGATIVE % names)
        if number.endswith(".0"):
            number = number[:-2]
        if not (number.isascii() and number.isdigit()):
            raise forms.ValidationError(NOT_WHOLE % names)
        if int(number) > MAX_TARGET:
            raise forms.ValidationError(TOO_LARGE % names)
        return int(number)


@dataclass
class GridRow:
    """One unit of the decomposition grid: its stored target, and whether the user may set it."""

    unit: OrgUnit
    target: TrainingTarget | None
    editable: bool
    is_parent: bool = False
    has_children: bool = False
    field: Any = None  # the bound field when editable
    decompose_url: str = ""

    @property
    def value(self) -> int | None:
        return self.target.attendances if self.target else None


@dataclass
class Grid:
    unit: OrgUnit
    year: int
    category: TrainingCategory | None
    rows: list[GridRow] = field(default_factory=list)

    @property
    def parent(self) -> GridRow:
        return self.rows[0]

    @property
    def children(self) -> list[GridRow]:
        return self.rows[1:]

    @property
    def children_total(self) -> int:
        return sum(r.value or 0 for r in self.children)

    @property
    def difference(self) -> str:
        return difference_text(self.parent.value, self.children_total)

    @property
    def adds_up(self) -> bool:
        return self.parent.value is not None and self.children_total == self.parent.value


def decompose_view(views: RecordViews, request: HttpRequest) -> HttpResponse:
    """层层分解: one unit's target for a year (overall or one category) and a number per
    direct child unit; saving writes every row in one transaction (a cleared number
    deletes the child's target), each change audited. The unit's own target is editable
    here only when the user may set it (see the module's rule)."""
    user = request.user
    params = {k: v for k, v in request.GET.items() if v not in ("", None)}
    if params.get("category") == OVERALL:
        params.pop("category")
    chooser = DecomposeForm({"org": user.org_id, "year": targets.today().year, **params}, user=user)
    context: dict[str, Any] = {"chooser": chooser, "views": views, "rule": RULE}
    if not chooser.is_valid():
        return render(request, "training/targets_decompose.html", context)
    unit = chooser.cleaned_data["org"]
    year = chooser.cleaned_data["year"]
    category = chooser.cleaned_data["category"]
    grid = grid_for(user, unit, year, category)
    grid_form = forms.Form(request.POST if request.method == "POST" else None)
    for row in grid.rows:
        if row.editable:
            grid_form.fields[f"u{row.unit.pk}"] = TargetNumber(
                row.unit, initial=row.value if row.value is not None else ""
            )
    if request.method == "POST" and grid_form.fields and grid_form.is_valid():
        counts = save_grid(grid, grid_form, year, category)
        if counts is None:
            grid_form.add_error(None, gettext("保存失败：目标可能刚被他人修改，请刷新页面后重试"))
        else:
            messages.success(
                request,
                gettext("已保存分解目标：新增 %(n)d 个，修改 %(u)d 个，删除 %(d)d 个")
                % {"n": counts["new"], "u": counts["updated"], "d": counts["deleted"]},
            )
            return redirect(request.get_full_path())
    for row in grid.rows:
        if row.editable:
            row.field = grid_form[f"u{row.unit.pk}"]
    errors = [e for errs in grid_form.errors.values() for e in errs]
    context.update(
        grid=grid,
        grid_form=grid_form,
        errors=errors,
        list_url=reverse("training:targets") + "?" + urlencode({"year": year, "org": unit.pk}),
    )
    return render(request, "training/targets_decompose.html", context)


def grid_for(user: Any, unit: OrgUnit, year: int, category: TrainingCategory | None) -> Grid:
    children = child_units(unit)
    units = [unit, *children]
    stored = {
        t.org_id: t
        for t in TrainingTarget.objects.filter(
            year=year, category=category, org__in=[u.pk for u in units]
        )
    }
    parents = set(
        OrgUnit.objects.filter(parent__in=children)
        .active()
        .exclude(kind=OrgKind.VILLAGER_GROUP)
        .values_list("parent_id", flat=True)
    )
    settable = settable_unit_ids(user)
    grid = Grid(unit, year, category)
    for u in units:
        is_parent = u.pk == unit.pk
        grid.rows.append(
            GridRow(
                unit=u,
                target=stored.get(u.pk),
                editable=u.pk in settable,
                is_parent=is_parent,
                has_children=u.pk in parents,
                decompose_url=""
                if is_parent or u.pk not in parents
                else decompose_query(u.pk, year, category.pk if category else None),
            )
        )
    return grid


def save_grid(
    grid: Grid, form: forms.Form, year: int, category: TrainingCategory | None
) -> Counter | None:
    """Create, update or delete each editable row's target; all or nothing. A number left
    empty deletes the target; a unit the request does not mention at all is left alone (a
    partial or forged request never clears targets it did not show)."""
    counts: Counter = Counter()
    try:
        with transaction.atomic():
            for row in grid.rows:
                name = f"u{row.unit.pk}"
                if not row.editable or name not in form.data:
                    continue
                wanted = form.cleaned_data[name]
                current = (
                    TrainingTarget.objects.select_for_update()
                    .filter(year=year, org=row.unit, category=category)
                    .order_by("pk")
                    .first()
                )
                if wanted is None:
                    if current is not None:
                        current.delete()
                        counts["deleted"] += 1
                elif current is None:
                    TrainingTarget.objects.create(
                        year=year, org=row.unit, category=category, attendances=wanted
                    )
                    counts["new"] += 1
                elif current.attendances != wanted:
                    current.attendances = wanted
                    current.save()
                    counts["updated"] += 1
    except IntegrityError:
        return None
    return counts
