from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from rencai.people.models import Person
from rencai.records.forms import RecordForm, person_by_id
from rencai.training.models import TrainingProgram


class ProgramForm(RecordForm):
    """Create or edit a 培训班次: the record form's scoped choices (organiser among the units
    the user may assign, base among the bases they see, categories in use — keeping what the
    program already has), no negative hours or subsidy, and the end not before the start."""

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

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("结束日期不能早于开始日期"))
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
