from django.db import models
from django.utils.translation import gettext_lazy as _


class Source(models.TextChoices):
    LOCAL = "local", _("本土")
    INTRODUCED = "introduced", _("引进")
    RETURNED = "returned", _("回引")


class PersonStatus(models.TextChoices):
    ACTIVE = "active", _("在册")
    OUTFLOW = "outflow", _("流出")
    EXITED = "exited", _("退出")
    DECEASED = "deceased", _("已故")


class CategoryGroup(models.TextChoices):
    NATIONAL = "national", _("六支人才队伍")
    RURAL_2021 = "rural2021", _("乡村人才五类")
    RURAL_PRACTICAL = "rural_practical", _("农村实用人才类型")
    LOCAL = "local", _("本地人才标签")


class QualificationKind(models.TextChoices):
    FARMER = "farmer", _("高素质农民(新型职业农民)认定")
    SOCIAL_WORK = "social_work", _("社会工作者职业水平证书")
    TITLE = "title", _("职称证书")
    SKILL = "skill", _("职业技能等级证书")
    OTHER = "other", _("其他证书")


class AgeBand(models.TextChoices):
    UP_TO_35 = "-35", _("35岁及以下")
    FROM_36_TO_45 = "36-45", _("36-45岁")
    FROM_46_TO_55 = "46-55", _("46-55岁")
    FROM_56 = "56-", _("56岁及以上")


# The levels each certificate kind can carry (free text for 其他证书).
QUALIFICATION_LEVELS: dict[str, tuple[str, ...]] = {
    QualificationKind.FARMER: ("初级", "中级", "高级"),
    QualificationKind.SOCIAL_WORK: ("助理社会工作师", "社会工作师", "高级社会工作师"),
    QualificationKind.TITLE: ("正高级", "副高级", "中级", "助理级", "员级"),
    QualificationKind.SKILL: (
        "学徒工",
        "五级/初级工",
        "四级/中级工",
        "三级/高级工",
        "二级/技师",
        "一级/高级技师",
        "特级技师",
        "首席技师",
    ),
}
