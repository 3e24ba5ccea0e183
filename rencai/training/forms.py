from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from rencai.orgs.forms import unit_choice_field
from rencai.orgs.models import OrgUnit
from rencai.people.models import Person
from rencai.records.forms import person_by_id
from rencai.training.models import TrainingBase, TrainingCategory, TrainingProgram
from rencai.widgets import DatePicker


class ProgramForm(forms.ModelForm):
    """Create or edit a 培训班次. Every choice is limited to the user's jurisdiction (plus what
    the program already has, so an edit never forces a change)."""

    wide_fields = ("notes",)

    class Meta:
        model = TrainingProgram
        fields = [
            "name",
            "category",
            "organiser",
            "base",
            "start_date",
            "end_date",
            "hours",
            "teachers",
            "location",
            "subsidy_per_attendance",
            "funding_source",
            "notes",
        ]
        widgets = {
            "start_date": DatePicker(),
            "end_date": DatePicker(),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, user: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        instance = self.instance
        self.fields["organiser"] = unit_choice_field(
            OrgUnit.objects.assignable_by(user, keep=(instance.organiser_id,)), _("主办单位")
        )
        self.fields["base"].queryset = TrainingBase.objects.filter(
            Q(pk__in=TrainingBase.objects.visible_to(user).values("pk"))
            | Q(pk=instance.base_id or 0)
        )
        self.fields["category"].queryset = TrainingCategory.objects.filter(
            Q(is_active=True) | Q(pk=instance.category_id or 0)
        )
        self.order_fields(self.Meta.fields)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("结束日期不能早于开始日期"))
        for name in ("hours", "subsidy_per_attendance"):
            value = data.get(name)
            if value is not None and value < Decimal(0):
                self.add_error(name, _("不能为负数"))
        return data


class EnrolForm(forms.Form):
    """登记学员: one trainee of the register, by ID number."""

    id_number = forms.CharField(label=_("学员身份证号"), max_length=40)

    def __init__(self, *args: Any, program: TrainingProgram, user: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.program = program
        self.user = user
        self.person: Person | None = None

    def clean_id_number(self) -> str:
        missing = _("人才库中没有该身份证号的人员，请先登记或用签到表导入")
        person = person_by_id(self.user, self.cleaned_data["id_number"], missing)
        if self.program.attendances.filter(person=person).exists():  # one 人次 per program
            raise forms.ValidationError(_("该学员已在本培训班次中登记"))
        self.person = person
        return person.id_number
