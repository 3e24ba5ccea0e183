"""The 人才培育 module's sub-navigation: one line per page, in the order offices think of them."""

from django.utils.translation import gettext_lazy as _

NAV = [
    ("training:overview", _("培训概况")),
    ("training:programs", _("培训班次")),
    ("training:attendances", _("培训台账")),
    ("training:targets", _("培训目标")),
    ("training:bases", _("实训基地")),
    ("training:inspections", _("督导检查")),
    ("training:rectifications", _("整改事项")),
    ("training:outcomes", _("培训成效")),
    ("training:entities", _("经营主体")),
    ("training:mentorships", _("名师带徒")),
    ("training:teams", _("文艺团队")),
    ("training:performances", _("演出")),
    ("training:pools", _("储备")),
    ("training:lists", _("类别与储备库")),
]
