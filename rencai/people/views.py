from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from rencai.accounts import roles
from rencai.accounts.access import allow
from rencai.listing import filtered, page_of
from rencai.people import actions
from rencai.people.filters import PersonFilter
from rencai.people.forms import CategoryForm, PersonForm, QualificationForm, StatusForm
from rencai.people.models import Person, Qualification, TalentCategory
from rencai.records.versions import saved_checked


@allow(roles.reads_records)
def person_list(request: HttpRequest) -> HttpResponse:
    base = Person.objects.visible_to(request.user)
    filterset = PersonFilter(request.GET or None, queryset=base, request=request)
    people = filtered(filterset).select_related("home_org", "work_org").order_by("-id")
    page = page_of(request, people)
    return render(
        request,
        "people/person_list.html",
        {
            "filter": filterset,
            "page": page,
            "can_edit": roles.edits_records(request.user),
        },
    )


def _visible_person(request: HttpRequest, pk: int) -> Person:
    return get_object_or_404(Person.objects.visible_to(request.user), pk=pk)


def _editable_person(request: HttpRequest, pk: int) -> Person:
    return get_object_or_404(Person.objects.editable_by(request.user), pk=pk)


@allow(roles.reads_records)
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = _visible_person(request, pk)
    return render(
        request,
        "people/person_detail.html",
        {
            "person": person,
            "categories": person.categories.all(),
            "qualifications": person.qualifications.all(),
            "can_edit": roles.edits_records(request.user),
            "can_reveal": roles.may_reveal(request.user),
            "status_form": StatusForm(initial={"status": person.status}),
        },
    )


@allow(roles.may_reveal)
def person_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    """POST only: shows the full ID, birth date and phone once, and writes an audit event."""
    person = _visible_person(request, pk)
    if request.method != "POST":
        return redirect("people:detail", pk=pk)
    values = actions.reveal_person(
        person, acting_user=request.user, fields=("id_number", "birth_date", "phone")
    )
    return render(request, "people/_revealed.html", {"person": person, "values": values})


def _save(request: HttpRequest, form: PersonForm) -> Person | None:
    person = form.save(commit=False)
    categories = form.cleaned_data["categories"]
    try:
        saved = saved_checked(
            form,
            lambda: actions.save_person(person, categories=categories, acting_user=request.user),
        )
    except ValidationError as exc:
        form.add_error(None, exc)
        return None
    if saved is None:  # changed by someone else since the form was opened
        return None
    for warning in getattr(form, "warnings", []):
        messages.warning(request, warning)
    return person


@allow(roles.edits_records)
def person_create(request: HttpRequest) -> HttpResponse:
    form = PersonForm(
        request.POST or None, user=request.user, initial={"home_org": request.user.org_id}
    )
    if request.method == "POST" and form.is_valid() and (person := _save(request, form)):
        messages.success(request, _("已登记 %(name)s") % {"name": person.name})
        return redirect("people:detail", pk=person.pk)
    return render(request, "people/person_form.html", {"form": form, "title": _("登记人员")})


@allow(roles.edits_records)
def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    person = _editable_person(request, pk)
    form = PersonForm(request.POST or None, instance=person, user=request.user)
    if request.method == "POST" and form.is_valid() and _save(request, form):
        messages.success(request, _("已保存 %(name)s") % {"name": person.name})
        return redirect("people:detail", pk=person.pk)
    return render(
        request,
        "people/person_form.html",
        {"form": form, "title": _("编辑：%(name)s") % {"name": person.name}, "person": person},
    )


@allow(roles.edits_records)
def person_status(request: HttpRequest, pk: int) -> HttpResponse:
    person = _editable_person(request, pk)
    form = StatusForm(request.POST or None, initial={"status": person.status})
    if request.method == "POST" and form.is_valid():
        try:
            actions.change_status(
                person,
                status=form.cleaned_data["status"],
                reason=form.cleaned_data["reason"],
                acting_user=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("%(name)s 的状态已改为“%(s)s”")
                % {"name": person.name, "s": person.get_status_display()},
            )
            return redirect("people:detail", pk=person.pk)
    return render(request, "form.html", {"form": form, "title": _("变更状态：%s") % person.name})


@allow(roles.edits_records)
def person_delete(request: HttpRequest, pk: int) -> HttpResponse:
    person = _editable_person(request, pk)
    if request.method == "POST":
        name = person.name
        actions.delete_person(person, acting_user=request.user)
        messages.success(request, _("已删除 %(name)s") % {"name": name})
        return redirect("people:list")
    return render(request, "people/person_confirm_delete.html", {"person": person})


@allow(roles.reads_records)
def category_list(request: HttpRequest) -> HttpResponse:
    """人才类别: the labels in use, with how many Persons of the user's jurisdiction hold each."""
    visible = Person.objects.visible_to(request.user).values("id")
    counts = dict(
        Person.categories.through.objects.filter(person_id__in=visible)
        .values_list("talentcategory_id")
        .annotate(n=Count("*"))
        .order_by()
    )
    categories = [(c, counts.get(c.pk, 0)) for c in TalentCategory.objects.all()]
    return render(
        request,
        "people/category_list.html",
        {"categories": categories, "can_manage": roles.manages_orgs(request.user)},
    )


def _category_form(request: HttpRequest, instance: TalentCategory | None) -> HttpResponse:
    form = CategoryForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        category = form.save()
        messages.success(request, _("已保存人才类别 %(name)s") % {"name": category.name})
        return redirect("people:categories")
    title = _("编辑人才类别") if instance else _("新增人才类别")
    return render(request, "form.html", {"form": form, "title": title})


@allow(roles.manages_orgs)
def category_create(request: HttpRequest) -> HttpResponse:
    return _category_form(request, None)


@allow(roles.manages_orgs)
def category_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _category_form(request, get_object_or_404(TalentCategory, pk=pk))


def _qualification_form(
    request: HttpRequest, person: Person, instance: Qualification | None
) -> HttpResponse:
    form = QualificationForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        qualification = form.save(commit=False)
        qualification.person = person
        qualification.save()
        messages.success(request, _("已保存 %(name)s 的证书") % {"name": person.name})
        return redirect("people:detail", pk=person.pk)
    title = _("%(name)s：%(what)s") % {
        "name": person.name,
        "what": _("编辑证书") if instance else _("添加证书"),
    }
    return render(
        request,
        "form.html",
        {"form": form, "title": title, "cancel_url": person.get_absolute_url()},
    )


@allow(roles.edits_records)
def qualification_create(request: HttpRequest, pk: int) -> HttpResponse:
    return _qualification_form(request, _editable_person(request, pk), None)


def _editable_qualification(request: HttpRequest, pk: int) -> Qualification:
    editable = Person.objects.editable_by(request.user).values("id")
    return get_object_or_404(
        Qualification.objects.select_related("person").filter(person_id__in=editable), pk=pk
    )


@allow(roles.edits_records)
def qualification_edit(request: HttpRequest, pk: int) -> HttpResponse:
    qualification = _editable_qualification(request, pk)
    return _qualification_form(request, qualification.person, qualification)


@allow(roles.edits_records)
def qualification_delete(request: HttpRequest, pk: int) -> HttpResponse:
    qualification = _editable_qualification(request, pk)
    person = qualification.person
    if request.method == "POST":
        qualification.delete()
        messages.success(request, _("已删除 %(name)s 的一项证书") % {"name": person.name})
    return redirect("people:detail", pk=person.pk)


@allow(roles.reads_records)
def person_export(request: HttpRequest) -> HttpResponse:
    """The filtered list as the 人员信息表 workbook (same columns as the import template)."""
    import tempfile

    from django.http import FileResponse

    from rencai.imports.exports import export_sheet
    from rencai.imports.sheets import get_sheet

    params = {k: v for k, v in request.GET.items() if k != "page"}
    out = tempfile.TemporaryFile()  # noqa: SIM115 -- FileResponse closes it
    export_sheet(get_sheet("persons"), request.user, params, out)
    out.seek(0)
    return FileResponse(
        out,
        as_attachment=True,
        filename="人员信息表.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
