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


SEED_POOLS = ["后备干部", "千人储备", "乡村振兴人才储备"]


class OutcomeKind(models.TextChoices):
    SCALE_FARM = "scale_farm", _("创办规模养殖场")
    SKILLED_WORK = "skilled_work", _("从事技工/务工")
    NEW_FARMER = "new_farmer", _("认定新型职业农民")
    STARTUP = "startup", _("创业")
    OTHER = "other", _("其他")


class MentorshipStatus(models.TextChoices):
    ONGOING = "ongoing", _("在带")
    GRADUATED = "graduated", _("已出师")
    ENDED = "ended", _("已终止")


class EntityKind(models.TextChoices):
    FAMILY_FARM = "family_farm", _("家庭农场")
    COOPERATIVE = "cooperative", _("专业合作社")
    ENTERPRISE = "enterprise", _("企业")
    STARTUP = "startup", _("创业主体")


class ArtKind(models.TextChoices):
    OPERA = "opera", _("戏曲")
    FOLK = "folk", _("民间文艺")


class MembershipStatus(models.TextChoices):
    ACTIVE = "active", _("在库")
    EXITED = "exited", _("已出库")
