import hashlib
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from rencai import domains
from rencai.accounts import roles
from rencai.accounts.access import allow
from rencai.imports.engine import Importer, ImportFailed
from rencai.orgs import actions
from rencai.orgs.forms import OrgCreateForm, OrgEditForm, OrgImportForm, OrgMoveForm, OrgRetireForm
from rencai.orgs.models import OrgUnit
from rencai.orgs.sheets import ORG_SHEET
from rencai.records.versions import saved_checked

PATH_HEADERS = {
    "组织路径": "path",
    "路径": "path",
    "类型": "kind",
    "组织类型": "kind",
    "统计用区划代码": "division_code",
    "区划代码": "division_code",
}


def _unit(request: HttpRequest, pk: int) -> OrgUnit:
    return get_object_or_404(OrgUnit.objects.visible_to(request.user), pk=pk)


@allow(roles.reads_records)
def tree(request: HttpRequest) -> HttpResponse:
    units = OrgUnit.objects.visible_to(request.user)
    if not request.GET.get("retired"):
        units = units.active()
    return render(
        request,
        "orgs/tree.html",
        {
            "units": units.in_tree_order(),
            "root_level": request.user.org.level,
            "can_manage": roles.manages_orgs(request.user),
            "show_retired": bool(request.GET.get("retired")),
            "unit_list": domains.unit_list(),
        },
    )


@allow(roles.manages_orgs)
def create(request: HttpRequest) -> HttpResponse:
    form = OrgCreateForm(
        request.POST or None, user=request.user, initial={"parent": request.GET.get("parent")}
    )
    if request.method == "POST" and form.is_valid():
        try:
            unit = actions.create_org(acting_user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("已新增组织 %(name)s") % {"name": unit.name_path})
            return redirect("orgs:tree")
    return render(request, "form.html", {"form": form, "title": _("新增组织")})


def _apply_edit(unit: OrgUnit, data: dict[str, Any], user: Any) -> OrgUnit:
    if data["name"] != unit.name:
        actions.rename_org(unit, name=data["name"], acting_user=user)
    if (data["division_code"], data["kind"]) != (unit.division_code, unit.kind):
        unit.division_code, unit.kind = data["division_code"], data["kind"]
        unit.full_clean()
        unit.save()
    return unit


@allow(roles.manages_orgs)
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _unit(request, pk)
    form = OrgEditForm(
        request.POST or None,
        initial={"name": unit.name, "division_code": unit.division_code, "kind": unit.kind},
        record=unit,
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = saved_checked(form, lambda: _apply_edit(unit, form.cleaned_data, request.user))
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if saved is not None:
                messages.success(request, _("已保存 %(name)s") % {"name": unit.name_path})
                return redirect("orgs:tree")
    return render(request, "form.html", {"form": form, "title": _("编辑组织：%s") % unit.name_path})


@allow(roles.manages_orgs)
def move(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _unit(request, pk)
    if unit.parent_id is None:
        messages.error(request, _("县级组织不能移动"))
        return redirect("orgs:tree")
    form = OrgMoveForm(request.POST or None, user=request.user, unit=unit)
    if request.method == "POST" and form.is_valid():
        try:
            actions.move_org(
                unit, new_parent=form.cleaned_data["new_parent"], acting_user=request.user
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("已移动到 %(path)s") % {"path": unit.name_path})
            return redirect("orgs:tree")
    return render(request, "form.html", {"form": form, "title": _("移动组织：%s") % unit.name_path})


@allow(roles.manages_orgs)
def retire(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _unit(request, pk)
    form = OrgRetireForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.retire_org(unit, reason=form.cleaned_data["reason"], acting_user=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("已撤销 %(path)s") % {"path": unit.name_path})
            return redirect("orgs:tree")
    return render(
        request,
        "form.html",
        {"form": form, "title": _("撤销组织：%s") % unit.name_path, "submit_label": _("确认撤销")},
    )


@allow(roles.manages_orgs)
def import_tree(request: HttpRequest) -> HttpResponse:
    """Import a 组织机构表 in one step (the tree is small): checked and committed at once through
    the import engine, all or nothing. /imports/orgs/ offers the same sheet as a background job."""
    form = OrgImportForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        importer = Importer(ORG_SHEET, request.user)
        outcome = importer.validate(upload, upload.name)
        if outcome.ok:
            upload.seek(0)
            sha256 = hashlib.sha256(upload.read()).hexdigest()
            before = OrgUnit.objects.count()
            try:
                importer.commit(outcome, file_name=upload.name, sha256=sha256)
            except ImportFailed as exc:
                errors = [exc.message]
            else:
                messages.success(
                    request,
                    _("导入完成：新增 %(new)d 个组织，更新 %(upd)d 个，%(old)d 个未变")
                    % {
                        "new": OrgUnit.objects.count() - before,
                        "upd": outcome.counts["updated"],
                        "old": outcome.counts["unchanged"],
                    },
                )
                return redirect("orgs:tree")
        else:
            errors = [str(p) for p in outcome.problems]
    return render(request, "orgs/import.html", {"form": form, "errors": errors})
