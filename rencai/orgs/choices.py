from django.db import models
from django.utils.translation import gettext_lazy as _


class OrgKind(models.TextChoices):
    COUNTY = "county", _("县(市、区)")
    TOWNSHIP = "township", _("乡镇")
    STREET = "street", _("街道")
    VILLAGE = "village", _("村")
    COMMUNITY = "community", _("社区")
    VILLAGER_GROUP = "group", _("村民组")
    DEPARTMENT = "department", _("部门")
    INSTITUTION = "institution", _("事业单位")
    ENTERPRISE = "enterprise", _("企业")
    SOCIAL_ORG = "social_org", _("社会组织")


# Kinds that form a township level (乡镇/街道) and a village level (村/社区).
TOWNSHIP_KINDS = (OrgKind.TOWNSHIP, OrgKind.STREET)
VILLAGE_KINDS = (OrgKind.VILLAGE, OrgKind.COMMUNITY)

# How offices name units, used to guess a kind when an imported path says nothing else.
# Checked in order; the first suffix that matches wins.
KIND_BY_SUFFIX: list[tuple[tuple[str, ...], str]] = [
    (("街道", "街道办事处", "街道办"), OrgKind.STREET),
    (("社区", "居委会", "社区居委会"), OrgKind.COMMUNITY),
    (("村民小组", "村民组", "组"), OrgKind.VILLAGER_GROUP),
    (("村", "村委会", "村民委员会"), OrgKind.VILLAGE),
    (("镇", "乡", "民族乡"), OrgKind.TOWNSHIP),
    (("县", "市", "区", "旗"), OrgKind.COUNTY),
    (("事务所", "服务中心", "协会", "商会", "社工站"), OrgKind.SOCIAL_ORG),
    (
        ("学校", "中学", "小学", "幼儿园", "医院", "卫生院", "中心", "站", "所", "院"),
        OrgKind.INSTITUTION,
    ),
    (("公司", "厂", "合作社", "农场", "集团", "有限公司"), OrgKind.ENTERPRISE),
    (("局", "委", "办", "部", "委员会", "政府", "党校"), OrgKind.DEPARTMENT),
]


def guess_kind(name: str) -> str | None:
    for suffixes, kind in KIND_BY_SUFFIX:
        if name.endswith(suffixes):
            return kind
    return None
