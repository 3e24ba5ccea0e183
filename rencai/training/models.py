"""育 — the records of talent cultivation (DESIGN §2.3): training bases and their inspections'
subjects, programs, the 人次 ledger and the yearly targets decomposed down the tree.

Each record type's manager is a UnitScopedQuerySet: what places a record in a jurisdiction is
declared once, next to the model (`unit_fields`)."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from rencai.audit.querysets import AuditedQuerySet
from rencai.orgs.models import OrgUnit
from rencai.orgs.scoping import UnitScopedQuerySet
from rencai.people.models import Person
from rencai.training.choices import BaseStatus, LivestockUnit


class TrainingCategory(models.Model):
    """培训类别: an editable list (种养殖技术, 其他技术, 乡村工匠 …); `group` is what reports add
    categories up under."""

    name = models.CharField(_("名称"), max_length=50, unique=True)
    group = models.CharField(_("分组"), max_length=20, blank=True)
    sort_order = models.IntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("在用"), default=True)

    objects = AuditedQuerySet.as_manager()

    class Meta:
        verbose_name = _("培训类别")
        verbose_name_plural = _("培训类别")
        ordering = ["sort_order", "id"]

    def __str__(self) -> str:
        return self.name


class BaseQuerySet(UnitScopedQuerySet):
    unit_fields = ("org",)


class TrainingBase(models.Model):
    """实训基地: a farm or workshop where training happens (篇三: 大坪子养殖场, 明远养殖场)."""

    name = models.CharField(_("名称"), max_length=100)
    org = models.ForeignKey(
        OrgUnit, verbose_name=_("所在单位"), on_delete=models.PROTECT, related_name="training_bases"
    )
    kind = models.CharField(_("类型"), max_length=50, help_text=_("如 养殖场、种植基地"))
    land_area_mu = models.DecimalField(
        _("占地面积（亩）"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    building_area_mu = models.DecimalField(
        _("建筑面积（亩）"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    investment_wan = models.DecimalField(
        _("投资（万元）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=BaseStatus.choices, default=BaseStatus.ACTIVE
    )
    notes = models.TextField(_("备注"), blank=True)

    objects = BaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("实训基地")
        verbose_name_plural = _("实训基地")
        ordering = ["org__path", "name"]
        constraints = [
            models.UniqueConstraint(fields=["org", "name"], name="training_base_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class LivestockQuerySet(UnitScopedQuerySet):
    unit_fields = ("base__org",)


class Livestock(models.Model):
    """存栏: how many of one kind a base keeps (牛 100 头, 羊 300 只, 家禽 500 羽)."""

    base = models.ForeignKey(
        TrainingBase, verbose_name=_("实训基地"), on_delete=models.CASCADE, related_name="livestock"
    )
    kind = models.CharField(_("品种"), max_length=20)
    count = models.PositiveIntegerField(_("数量"))
    unit = models.CharField(
        _("单位"), max_length=4, choices=LivestockUnit.choices, default=LivestockUnit.HEAD
    )

    objects = LivestockQuerySet.as_manager()

    class Meta:
        verbose_name = _("存栏")
        verbose_name_plural = _("存栏")
        ordering = ["base", "id"]
        constraints = [
            models.UniqueConstraint(fields=["base", "kind"], name="livestock_unique_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.count} {self.unit}"


class ProgramQuerySet(UnitScopedQuerySet):
    unit_fields = ("organiser",)

    def ended_between(self, start, end) -> "ProgramQuerySet":
        """Programs whose last day falls in [start, end]: a program counts in the period it
        ended in (the 口径 of 培训人次)."""
        return self.filter(end_date__gte=start, end_date__lte=end)


class TrainingProgram(models.Model):
    """培训班次: one course, from its first to its last day."""

    name = models.CharField(_("培训名称"), max_length=200)
    category = models.ForeignKey(
        TrainingCategory, verbose_name=_("类型"), on_delete=models.PROTECT, related_name="programs"
    )
    organiser = models.ForeignKey(
        OrgUnit, verbose_name=_("主办单位"), on_delete=models.PROTECT, related_name="programs"
    )
    base = models.ForeignKey(
        TrainingBase,
        verbose_name=_("实训基地"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="programs",
    )
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"))
    hours = models.DecimalField(_("学时"), max_digits=6, decimal_places=1, null=True, blank=True)
    teachers = models.CharField(_("主讲人"), max_length=200, blank=True)
    location = models.CharField(_("地点"), max_length=200, blank=True)
    subsidy_per_attendance = models.DecimalField(
        _("每人次补贴（元）"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    funding_source = models.CharField(_("经费来源"), max_length=100, blank=True)
    notes = models.TextField(_("备注"), blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = ProgramQuerySet.as_manager()

    class Meta:
        verbose_name = _("培训班次")
        verbose_name_plural = _("培训班次")
        ordering = ["-end_date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")), name="program_ends_after_start"
            ),
        ]
        indexes = [models.Index(fields=["organiser", "end_date"], name="program_organiser_end")]

    def __str__(self) -> str:
        return self.name


class AttendanceQuerySet(UnitScopedQuerySet):
    # A row is the organiser's (its ledger) and the trainee's home unit's (it counts there).
    unit_fields = ("program__organiser", "person__home_org")


class Attendance(models.Model):
    """培训台账: one Person in one program — one 人次, the row every training figure counts."""

    program = models.ForeignKey(
        TrainingProgram,
        verbose_name=_("培训班次"),
        on_delete=models.CASCADE,
        related_name="attendances",
    )
    person = models.ForeignKey(
        Person, verbose_name=_("学员"), on_delete=models.PROTECT, related_name="attendances"
    )
    notes = models.CharField(_("备注"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = AttendanceQuerySet.as_manager()

    class Meta:
        verbose_name = _("培训台账")
        verbose_name_plural = _("培训台账")
        ordering = ["program", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "person"],
                name="attendance_once_per_program",
                violation_error_message=_("该学员已在本培训班次中登记"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.program} · {self.person}"


class TargetQuerySet(UnitScopedQuerySet):
    unit_fields = ("org",)


class TrainingTarget(models.Model):
    """培训目标: a year's target in 人次 for one unit, for all categories (category empty) or
    one. The county sets its own and decomposes it to townships, townships to villages."""

    year = models.PositiveSmallIntegerField(_("年度"))
    org = models.ForeignKey(
        OrgUnit, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="training_targets"
    )
    category = models.ForeignKey(
        TrainingCategory,
        verbose_name=_("培训类别"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="targets",
        help_text=_("留空表示全部类别"),
    )
    attendances = models.PositiveIntegerField(_("目标人次"))

    objects = TargetQuerySet.as_manager()

    class Meta:
        verbose_name = _("培训目标")
        verbose_name_plural = _("培训目标")
        ordering = ["-year", "org__path", "category__sort_order"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "org", "category"],
                name="target_unique_per_category",
                violation_error_message=_("该单位该年度该类别已有目标"),
            ),
            models.UniqueConstraint(
                fields=["year", "org"],
                condition=Q(category__isnull=True),
                name="target_unique_overall",
                violation_error_message=_("该单位该年度已有总目标"),
            ),
        ]

    def __str__(self) -> str:
        what = self.category.name if self.category_id else _("全部类别")
        return f"{self.year} {self.org.name} {what} {self.attendances} 人次"
