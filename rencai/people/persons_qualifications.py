"""资格/证书 (Qualification), a Person's certificates, added, edited and deleted on the
person's page: its form, those pages, and how the person's API answer lists them (read only;
persons.py nests QualificationSerializer in PersonSerializer)."""

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from rencai.accounts import roles
from rencai.accounts.access import allow
from rencai.people.choices import QUALIFICATION_LEVELS, QualificationKind
from rencai.people.models import Person, Qualification
from rencai.widgets import DatePicker


class QualificationForm(forms.ModelForm):
    """Add or edit a certificate: the level must be one its kind has, and the validity may not
    end before the issue date."""

    class Meta:
        model = Qualification
        fields = ["kind", "level", "number", "issuer", "issued_on", "valid_until"]
        widgets = {
            "issued_on": DatePicker(),
            "valid_until": DatePicker(),
        }

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        hints = "；".join(
            f"{QualificationKind(kind).label}：{'、'.join(levels)}"
            for kind, levels in QUALIFICATION_LEVELS.items()
        )
        self.fields["level"].help_text = hints

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        kind, level = data.get("kind"), (data.get("level") or "").strip()
        allowed = QUALIFICATION_LEVELS.get(kind)
        if allowed and level not in allowed:
            self.add_error(
                "level",
                _("“%(kind)s”的等级应为：%(levels)s")
                % {"kind": QualificationKind(kind).label, "levels": "、".join(allowed)},
            )
        issued, until = data.get("issued_on"), data.get("valid_until")
        if issued and until and until < issued:
            self.add_error("valid_until", _("有效期至不能早于发证日期"))
        return data


def _qualification_form(
    request: HttpRequest, person: Person, instance: Qualification | None
) -> HttpResponse:
    form = QualificationForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        qualification = form.save(commit=False)
        qualification.person = person
        qualification.save()
        messages.success(request, gettext("已保存 %(name)s 的证书") % {"name": person.name})
        return redirect("people:detail", pk=person.pk)
    title = gettext("%(name)s：%(what)s") % {
        "name": person.name,
        "what": gettext("编辑证书") if instance else gettext("添加证书"),
    }
    return render(
        request,
        "form.html",
        {"form": form, "title": title, "cancel_url": person.get_absolute_url()},
    )


@allow(roles.edits_records)
def qualification_create(request: HttpRequest, pk: int) -> HttpResponse:
    """添加证书 from the person's page: only for a Person the user may edit."""
    person = get_object_or_404(Person.objects.editable_by(request.user), pk=pk)
    return _qualification_form(request, person, None)


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
        messages.success(request, gettext("已删除 %(name)s 的一项证书") % {"name": person.name})
    return redirect("people:detail", pk=person.pk)


class QualificationSerializer(serializers.ModelSerializer):
    """A certificate as the person's API answer lists it."""

    class Meta:
        model = Qualification
        fields = ["id", "kind", "level", "number", "issuer", "issued_on", "valid_until"]
