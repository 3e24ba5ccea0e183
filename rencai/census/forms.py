from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rencai.census.choices import Resolution
from rencai.census.models import CensusRound
from rencai.orgs.choices import TOWNSHIP_KINDS, OrgKind
from rencai.orgs.models import OrgUnit
from rencai.records.versions import VersionedForm

# Units that may report in a census: townships and streets (checked by default) and departments
# (sorted township, street, department by the kind's value).
REPORTING_KINDS = (*TOWNSHIP_KINDS, OrgKind.DEPARTMENT)


class RoundForm(forms.Form):
    wide_fields = ("units",)

    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    deadline = forms.DateField(
        label=_("报送截止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    units = forms.ModelMultipleChoiceField(
        label=_("报送单位"),
        queryset=OrgUnit.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("默认为全部乡镇、街道；县直部门按需勾选"),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        units = OrgUnit.objects.visible_to(user).active().filter(kind__in=REPORTING_KINDS)
        self.fields["units"].queryset = units.order_by("-kind", "division_code", "name")
        self.fields["units"].label_from_instance = lambda o: o.name
        self.initial.setdefault("year", timezone.localdate().year)
        self.initial.setdefault("units", [u.pk for u in units if u.kind in TOWNSHIP_KINDS])

    def clean_year(self) -> int:
        year = self.cleaned_data["year"]
        if CensusRound.objects.filter(org=self.user.org, year=year).exists():
            raise forms.ValidationError(_("%(year)s 年的人才资源普查已经开启") % {"year": year})
        return year


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


class ResolveForm(forms.Form):
    resolution = forms.ChoiceField(
        label=_("处理方式"), choices=[("", _("请选择")), *Resolution.choices]
    )
    reason = forms.CharField(
        label=_("处理理由"),
        max_length=200,
        error_messages={"required": _("请填写处理理由")},
    )
