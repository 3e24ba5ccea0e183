from django.db import models
from django.utils.translation import gettext_lazy as _

# The program categories offices report by (seed of the editable TrainingCategory list), with
# the group the reports add them up under: 篇三's "2000 人次 种养殖类 and 500 其他技术类".
SEED_CATEGORIES = [
    ("种养殖技术", "技术技能"),
    ("其他技术", "技术技能"),
    ("乡村工匠", "技术技能"),
    ("文艺传承", "文化文艺"),
    ("干部轮训", "干部"),
    ("校地联姻", "校地合作"),
    ("高素质农民", "技术技能"),
    ("社会工作", "社会工作"),
]


class BaseStatus(models.TextChoices):
    ACTIVE = "active", _("运营中")
    BUILDING = "building", _("在建")
    SUSPENDED = "suspended", _("停用")


class LivestockUnit(models.TextChoices):
    HEAD = "头", _("头")
    PIECE = "只", _("只")
    FOWL = "羽", _("羽")
    BOX = "箱", _("箱")
