"""人员 (Person), the register, through the web and the API: its filter (one FilterSet for the
web list, the API and the export), forms, pages (list, detail, create, edit, status, delete,
reveal, export) and API route. Its certificates (资格/证书, edited on the person's page) are in
persons_qualifications.py, its import sheet, the 人员信息表, in persons_sheet.py."""

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from rest_framework import mixins, serializers, viewsets

from rencai.accounts import roles
from rencai.accounts.access import allow
from rencai.api import AttributedMixin, ReadsRecords
from rencai.listing import PAGING_KEYS, filtered, page_of
from rencai.orgs.forms import unit_choice_field
from rencai.orgs.models import OrgUnit
from rencai.people import actions, persons_record, validation
from rencai.people.choices import PersonStatus
from rencai.people.models import Person, TalentCategory
from rencai.people.persons_filter import PersonFilter
from rencai.people.persons_qualifications import QualificationSerializer
from rencai.records.api import LimitedTextSerializer
from rencai.records.forms import limit_text
from rencai.records.versions import VersionedForm, VersionedViewSet, saved_checked
from rencai.standards import codes
from rencai.standards.idnumber import mask_id_number, parse_id_number, region_warnings
from rencai.standards.phone import mask_phone
from rencai.widgets import DatePicker

# --- forms ---------------------------------------------------------------------------------------

FIELDS = [
    "name",
    "id_number",
    "gender",
    "birth_date",
    "ethnicity",
    "political_status",
    "education",
    "degree",
    "phone",
    "home_org",
    "work_org",
    "employer",
    "post",
    "title_series",
    "title_level",
    "skill_level",
    "specialty",
    "source",
    "categories",
    "notes",
]


class PersonForm(VersionedForm, forms.ModelForm):
    """Create or edit a Person. On edit the ID number and phone are not shown: a blank field
    keeps the stored value, so editing never displays personal identifiers in full."""

    wide_fields = ("categories", "notes")

    # Wider than the stored values: offices type "139-0000-1111", "+86 …", "4331 2419 …".
    id_number = forms.CharField(label=_("身份证号"), max_length=40)
    phone = forms.CharField(label=_("手机号码"), max_length=30, required=False)

    class Meta:
        model = Person
        fields = FIELDS
        widgets = {
            "birth_date": DatePicker(),
            "notes": forms.Textarea(attrs={"rows": 2}),
            "categories": forms.CheckboxSelectMultiple(),
        }

    def __init__(self, *args: Any, user: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.user = user
        units = OrgUnit.objects.assignable_by(
            user, keep=(self.instance.home_org_id, self.instance.work_org_id)
        )
        self.fields["home_org"] = unit_choice_field(units, _("户籍/居住地（村、社区）"))
        self.fields["work_org"] = unit_choice_field(units, _("工作单位"), required=False)
        self.fields["categories"].queryset = TalentCategory.objects.filter(is_active=True)
        self.fields["education"] = forms.ChoiceField(
            label=_("学历"), choices=[("", _("请选择")), *codes.EDUCATION_GROUPS], required=False
        )
        self.initial["education"] = codes.education_group_of(self.instance.education)
        self.fields["gender"].required = False
        limit_text(self.fields["notes"])
        self.fields["birth_date"].required = False
        self.fields["gender"].help_text = _("可不填，按身份证号自动填写")
        self.fields["birth_date"].help_text = _("可不填，按身份证号自动填写")
        self.editing = self.instance.pk is not None
        if self.editing:
            # Derived from the ID and never shown in full on edit: a stored date (or a "does
            # not agree" answer to a typed one) would give away what the mask hides.
            del self.fields["birth_date"]
            for name, masked in (
                ("id_number", self.instance.masked_id_number),
                ("phone", self.instance.masked_phone),
            ):
                self.fields[name].required = False
                self.fields[name].widget.attrs["placeholder"] = masked
                self.fields[name].help_text = _("当前为 %(v)s；不修改请留空") % {"v": masked}
                self.initial[name] = ""

    def clean_name(self) -> str:
        return validation.clean_name(self.cleaned_data["name"])

    def clean_id_number(self) -> str:
        raw = self.cleaned_data.get("id_number", "")
        if self.editing and not raw:
            return self.instance.id_number
        self.parsed_id = validation.clean_id_number(raw, person_pk=self.instance.pk, user=self.user)
        return self.parsed_id.number

    def clean_education(self) -> str:
        """The form offers the 学历 groups: an unchanged group keeps the finer code stored
        (大学本科毕业 from an import), a new one stores the group's GB/T 4658 head code."""
        chosen = self.cleaned_data.get("education", "")
        return codes.refined("education", chosen, self.instance.education)

    def clean_phone(self) -> str:
        raw = self.cleaned_data.get("phone", "")
        if self.editing and not raw:
            return self.instance.phone
        return validation.clean_phone(raw)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        number = data.get("id_number")
        if not number:
            return data
        parsed = getattr(self, "parsed_id", None) or parse_id_number(number)
        if data.get("birth_date") and data["birth_date"] != parsed.birth_date:
            self.add_error(
                "birth_date",
                _("出生日期 %(d)s 与身份证号中的 %(id)s 不一致")
                % {"d": data["birth_date"], "id": parsed.birth_date},
            )
        if data.get("gender") and data["gender"] != parsed.gender:
            self.add_error(
                "gender",
                _("性别与身份证号不一致：身份证号第 17 位表示%(g)s")
                % {"g": "男" if parsed.gender == "1" else "女"},
            )
        data["birth_date"] = parsed.birth_date
        data["gender"] = parsed.gender
        self.warnings = list(region_warnings(parsed))  # the import engine's check too
        return data


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("新状态"), choices=PersonStatus.choices)
    reason = forms.CharField(label=_("原因"), max_length=200, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("status") != PersonStatus.ACTIVE and not data.get("reason", "").strip():
            self.add_error("reason", _("请填写状态变更原因（如：外出务工、调离本县、去世）"))
        return data


# --- pages ---------------------------------------------------------------------------------------


@allow(roles.reads_records)
def person_list(request: HttpRequest) -> HttpResponse:
    base = Person.objects.visible_to(request.user)
    filterset = PersonFilter(request.GET or None, queryset=base, request=request)
    people = (
        filtered(filterset)
        .select_related("home_org", "work_org")
        .prefetch_related("categories")
        .order_by("-id")
    )
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
            **persons_record.record_context(person, request.user),
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
        messages.success(request, gettext("已登记 %(name)s") % {"name": person.name})
        return redirect("people:detail", pk=person.pk)
    return render(request, "people/person_form.html", {"form": form, "title": gettext("登记人员")})


@allow(roles.edits_records)
def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    person = _editable_person(request, pk)
    form = PersonForm(request.POST or None, instance=person, user=request.user)
    if request.method == "POST" and form.is_valid() and _save(request, form):
        messages.success(request, gettext("已保存 %(name)s") % {"name": person.name})
        return redirect("people:detail", pk=person.pk)
    return render(
        request,
        "people/person_form.html",
        {
            "form": form,
            "title": gettext("编辑：%(name)s") % {"name": person.name},
            "person": person,
        },
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
                gettext("%(name)s 的状态已改为“%(s)s”")
                % {"name": person.name, "s": person.get_status_display()},
            )
            return redirect("people:detail", pk=person.pk)
    return render(
        request, "form.html", {"form": form, "title": gettext("变更状态：%s") % person.name}
    )


@allow(roles.edits_records)
def person_delete(request: HttpRequest, pk: int) -> HttpResponse:
    person = _editable_person(request, pk)
    if request.method == "POST":
        name = person.name
        actions.delete_person(person, acting_user=request.user)
        messages.success(request, gettext("已删除 %(name)s") % {"name": name})
        return redirect("people:list")
    return render(request, "people/person_confirm_delete.html", {"person": person})


@allow(roles.reads_records)
def person_export(request: HttpRequest) -> HttpResponse:
    """The filtered list as the 人员信息表 workbook (same columns as the import template)."""
    import tempfile

    from django.http import FileResponse

    from rencai.imports.exports import export_sheet
    from rencai.imports.sheets import get_sheet

    params = {k: v for k, v in request.GET.items() if k not in PAGING_KEYS}
    out = tempfile.TemporaryFile()  # noqa: SIM115 -- FileResponse closes it
    export_sheet(get_sheet("persons"), request.user, params, out)
    out.seek(0)
    return FileResponse(
        out,
        as_attachment=True,
        filename="人员信息表.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


# --- API -----------------------------------------------------------------------------------------


class MaskedField(serializers.CharField):
    """Read as masked, write in full: identifiers never leave the API unmasked."""

    def __init__(self, masker, **kwargs: Any):
        self.masker = masker
        super().__init__(**kwargs)

    def to_representation(self, value: str) -> str:
        return self.masker(value)


class PersonSerializer(LimitedTextSerializer):
    id_number = MaskedField(mask_id_number, max_length=30)
    phone = MaskedField(mask_phone, max_length=30, required=False, allow_blank=True)
    home_org = serializers.PrimaryKeyRelatedField(queryset=OrgUnit.objects.none())
    work_org = serializers.PrimaryKeyRelatedField(
        queryset=OrgUnit.objects.none(), required=False, allow_null=True
    )
    categories = serializers.PrimaryKeyRelatedField(
        many=True, required=False, queryset=TalentCategory.objects.filter(is_active=True)
    )
    home_org_path = serializers.CharField(source="home_org.name_path", read_only=True)
    # 出生年月 only: the day would narrow the masked ID number 30-fold (docs/design.md, Masking).
    birth_month = serializers.CharField(read_only=True)
    qualifications = QualificationSerializer(many=True, read_only=True)

    class Meta:
        model = Person
        fields = [
            "id",
            "name",
            "id_number",
            "gender",
            "birth_month",
            "ethnicity",
            "political_status",
            "education",
            "degree",
            "phone",
            "home_org",
            "home_org_path",
            "work_org",
            "employer",
            "post",
            "title_series",
            "title_level",
            "skill_level",
            "specialty",
            "source",
            "status",
            "status_reason",
            "categories",
            "qualifications",
            "notes",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "gender",
            "status",
            "status_reason",
            "created_at",
            "updated_at",
        ]
        validators: list = []  # the ID's uniqueness is checked in validate_id_number

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            person = self.instance if isinstance(self.instance, Person) else None
            keep = (person.home_org_id, person.work_org_id) if person else ()
            units = OrgUnit.objects.assignable_by(request.user, keep=keep)
            self.fields["home_org"].queryset = units
            self.fields["work_org"].queryset = units

    def validate_name(self, value: str) -> str:
        return validation.clean_name(value)

    def validate_id_number(self, value: str) -> str:
        pk = self.instance.pk if isinstance(self.instance, Person) else None
        user = getattr(self.context.get("request"), "user", None)
        return validation.clean_id_number(value, person_pk=pk, user=user).number

    def validate_phone(self, value: str) -> str:
        return validation.clean_phone(value)

    def _write(self, person: Person, data: dict) -> Person:
        categories = data.pop("categories", None)
        for key, value in data.items():
            setattr(person, key, value)
        parsed = parse_id_number(person.id_number)
        person.birth_date, person.gender = parsed.birth_date, parsed.gender
        with transaction.atomic():
            return actions.save_person(
                person, categories=categories, acting_user=self.context["request"].user
            )

    def create(self, validated_data: dict) -> Person:
        return self._write(Person(), validated_data)

    def update(self, instance: Person, validated_data: dict) -> Person:
        return self._write(instance, validated_data)


class PersonViewSet(
    AttributedMixin,
    VersionedViewSet,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.ReadOnlyModelViewSet,
):
    """人员: the register within the caller's jurisdiction, with the web list's filters.
    ID numbers and phones are always masked."""

    serializer_class = PersonSerializer
    permission_classes = [ReadsRecords]
    filterset_class = PersonFilter

    def get_queryset(self):
        qs = Person.objects.visible_to(self.request.user)
        if self.request.method not in ("GET", "HEAD", "OPTIONS"):
            qs = Person.objects.editable_by(self.request.user)
        return (
            qs.select_related("home_org")
            .prefetch_related("categories", "qualifications")
            .order_by("-id")
        )


ROUTES: list[tuple[str, Any, str]] = [("people", PersonViewSet, "person")]
