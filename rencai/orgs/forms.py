from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from rencai.orgs.choices import OrgKind
from rencai.orgs.fields import UnitChoiceField
from rencai.orgs.models import OrgUnit
from rencai.records.versions import VersionedForm


def unit_choice_field(queryset, label: str, required: bool = True) -> forms.ModelChoiceField:
    """A unit picker over `queryset`, in tree order with type-ahead (rencai/orgs/fields.py)."""
    return UnitChoiceField(queryset=queryset, label=label, required=required)


class OrgCreateForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=100)
    kind = forms.ChoiceField(label=_("类型"), choices=OrgKind.choices)
    division_code = forms.RegexField(
        label=_("统计用区划代码"),
        regex=r"^\d{12}$",
        required=False,
        error_messages={"invalid": _("统计用区划代码应为 12 位数字")},
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["parent"] = unit_choice_field(
            OrgUnit.objects.visible_to(user).active(), _("上级组织")
        )
        self.order_fields(["parent", "name", "kind", "division_code"])

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        parent, name = data.get("parent"), data.get("name")
        if parent and name and parent.children.filter(name=name.strip()).exists():
            self.add_error(
                "name",
                _("“%(parent)s”下已有名为“%(name)s”的组织") % {"parent": parent.name, "name": name},
            )
        return data


class OrgEditForm(VersionedForm, forms.Form):
    """Rename a unit or correct its code and kind; `record=` the unit (its version is checked)."""

    name = forms.CharField(label=_("名称"), max_length=100)
    division_code = forms.RegexField(
        label=_("统计用区划代码"),
        regex=r"^\d{12}$",
        required=False,
        error_messages={"invalid": _("统计用区划代码应为 12 位数字")},
    )
    kind = forms.ChoiceField(label=_("类型"), choices=OrgKind.choices)


class OrgMoveForm(forms.Form):
    def __init__(self, *args: Any, user: Any, unit: OrgUnit, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["new_parent"] = unit_choice_field(
            OrgUnit.objects.visible_to(user).active().exclude(path__startswith=unit.path),
            _("新的上级组织"),
        )


class OrgRetireForm(forms.Form):
    reason = forms.CharField(label=_("撤销原因"), max_length=200)


class OrgImportForm(forms.Form):
    file = forms.FileField(
        label=_("组织路径表"),
        help_text=_(
            "第一个工作表：一行一个组织，列为“组织路径”（如 示范县/城关镇/东关村），"
            "可选“类型”“统计用区划代码”。已存在的组织跳过。"
        ),
    )
