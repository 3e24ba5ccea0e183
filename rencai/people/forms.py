from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from rencai.orgs.forms import unit_choice_field
from rencai.orgs.models import OrgUnit
from rencai.people import validation
from rencai.people.choices import QUALIFICATION_LEVELS, PersonStatus, QualificationKind
from rencai.people.models import Person, Qualification, TalentCategory
from rencai.records.forms import limit_text
from rencai.records.versions import VersionedForm
from rencai.standards.idnumber import parse_id_number
from rencai.widgets import DatePicker

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
        self.warnings = list(parsed.warnings)
        return data


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("新状态"), choices=PersonStatus.choices)
    reason = forms.CharField(label=_("原因"), max_length=200, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("status") != PersonStatus.ACTIVE and not data.get("reason", "").strip():
            self.add_error("reason", _("请填写状态变更原因（如：外出务工、调离本县、去世）"))
        return data


class CategoryForm(forms.ModelForm):
    class Meta:
        model = TalentCategory
        fields = ["name", "group", "description", "sort_order", "is_active"]


class QualificationForm(forms.ModelForm):
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
