"""育 — the records of talent cultivation (DESIGN §2.3): training bases and inspections, programs,
the 人次 ledger, the yearly targets decomposed down the tree, outcomes, mentorships, business
entities, art teams and their performances, and the reserve pools.

Each record type's manager is a UnitScopedQuerySet: what places a record in a jurisdiction is
declared once, next to the model (`placed_by`), or for programs and the ledger, whose querysets
say more, in querysets.py."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from rencai.audit.querysets import AuditedQuerySet
from rencai.orgs.models import OrgUnit
from rencai.orgs.scoping import UnitScopedQuerySet
from rencai.people.models import Person, Qualification
from rencai.training.choices import (
    ArtKind,
    BaseStatus,
    EntityKind,
    LivestockUnit,
    MembershipStatus,
    MentorshipStatus,
    OutcomeKind,
)
from rencai.training.querysets import AttendanceQuerySet, ProgramQuerySet


class EditableList(models.Model):
    """An entry of a list the county keeps as data, not code (categories, pools): a unique
    name, a place in the list, and whether it is still offered."""

    name = models.CharField(_("名称"), max_length=50, unique=True)
    sort_order = models.IntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("在用"), default=True)

    objects = AuditedQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["sort_order", "id"]

    def __str__(self) -> str:
        return self.name


class TrainingCategory(EditableList):
    """培训类别: an editable list (种养殖技术, 其他技术, 乡村工匠 …); `group` is what reports add
    categories up under."""

    group = models.CharField(_("分组"), max_length=20, blank=True)

    class Meta(EditableList.Meta):
        verbose_name = _("培训类别")
        verbose_name_plural = _("培训类别")


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

    objects = UnitScopedQuerySet.placed_by("org").as_manager()

    class Meta:
        verbose_name = _("实训基地")
        verbose_name_plural = _("实训基地")
        ordering = ["org__path", "name"]
        constraints = [
            models.UniqueConstraint(fields=["org", "name"], name="training_base_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


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

    objects = UnitScopedQuerySet.placed_by("base__org").as_manager()

    class Meta:
        verbose_name = _("存栏")
        verbose_name_plural = _("存栏")
        ordering = ["base", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["base", "kind"],
                name="livestock_unique_kind",
                violation_error_message=_("本基地已登记该品种的存栏"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.count} {self.unit}"


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
                condition=Q(end_date__gte=F("start_date")),
                name="program_ends_after_start",
                violation_error_message=_("结束日期不能早于开始日期"),
            ),
        ]
        indexes = [models.Index(fields=["organiser", "end_date"], name="program_organiser_end")]

    def __str__(self) -> str:
        return self.name


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

    objects = UnitScopedQuerySet.placed_by("org").as_manager()

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


class Inspection(models.Model):
    """督导检查 of a training base or a unit: who inspected, what they found, and the
    rectification items it left (closed when every item is done)."""

    org = models.ForeignKey(
        OrgUnit, verbose_name=_("被检查单位"), on_delete=models.PROTECT, related_name="inspections"
    )
    base = models.ForeignKey(
        TrainingBase,
        verbose_name=_("实训基地"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inspections",
    )
    date = models.DateField(_("检查日期"))
    inspectors = models.CharField(_("检查人员"), max_length=200)
    findings = models.TextField(_("发现问题"), blank=True)

    objects = UnitScopedQuerySet.placed_by("org").as_manager()

    class Meta:
        verbose_name = _("督导检查")
        verbose_name_plural = _("督导检查")
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.date} {self.base or self.org}"

    def save(self, *args, **kwargs) -> None:
        if self.base_id is not None:
            self.org_id = self.base.org_id  # a base's inspection belongs to the base's unit
        super().save(*args, **kwargs)

    @property
    def closed(self) -> bool:
        return not self.items.filter(done_on__isnull=True).exists()


class RectificationItem(models.Model):
    """整改事项: one thing an inspection asked to be put right, by whom and by when."""

    inspection = models.ForeignKey(
        Inspection, verbose_name=_("督导检查"), on_delete=models.CASCADE, related_name="items"
    )
    description = models.CharField(_("整改内容"), max_length=300)
    owner = models.CharField(_("责任人"), max_length=100)
    due_on = models.DateField(_("整改期限"))
    done_on = models.DateField(_("完成日期"), null=True, blank=True)

    objects = UnitScopedQuerySet.placed_by("inspection__org").as_manager()

    class Meta:
        verbose_name = _("整改事项")
        verbose_name_plural = _("整改事项")
        ordering = ["inspection", "due_on", "id"]

    def __str__(self) -> str:
        return self.description

    def overdue_on(self, day) -> bool:
        return self.done_on is None and self.due_on < day


class Outcome(models.Model):
    """培训成效: what a trainee did with it — started a scale farm, became a skilled worker, was
    recognised as a 新型职业农民 (with the Qualification that records it), started a business."""

    person = models.ForeignKey(
        Person, verbose_name=_("人员"), on_delete=models.PROTECT, related_name="training_outcomes"
    )
    kind = models.CharField(_("成效类型"), max_length=16, choices=OutcomeKind.choices)
    date = models.DateField(_("日期"))
    program = models.ForeignKey(
        TrainingProgram,
        verbose_name=_("来源培训"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="outcomes",
    )
    qualification = models.OneToOneField(
        Qualification,
        verbose_name=_("资质证书"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="training_outcome",
    )
    notes = models.CharField(_("说明"), max_length=200, blank=True)

    objects = UnitScopedQuerySet.placed_by("person__home_org", "person__work_org").as_manager()

    class Meta:
        verbose_name = _("培训成效")
        verbose_name_plural = _("培训成效")
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.person} {self.get_kind_display()}"


class Mentorship(models.Model):
    """名师带徒: a master teaching an apprentice a craft or art form."""

    master = models.ForeignKey(
        Person, verbose_name=_("师傅"), on_delete=models.PROTECT, related_name="apprentices_taught"
    )
    apprentice = models.ForeignKey(
        Person, verbose_name=_("徒弟"), on_delete=models.PROTECT, related_name="masters"
    )
    craft = models.CharField(_("技艺"), max_length=100)
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=MentorshipStatus.choices, default=MentorshipStatus.ONGOING
    )
    result = models.CharField(_("成果"), max_length=200, blank=True)

    objects = UnitScopedQuerySet.placed_by("master__home_org", "apprentice__home_org").as_manager()

    class Meta:
        verbose_name = _("名师带徒")
        verbose_name_plural = _("名师带徒")
        ordering = ["-start_date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(master=F("apprentice")),
                name="mentorship_two_people",
                violation_error_message=_("师傅和徒弟不能是同一人"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.master} → {self.apprentice}（{self.craft}）"


class Entity(models.Model):
    """经营主体: a family farm, cooperative, enterprise or startup, and the jobs it brings."""

    name = models.CharField(_("名称"), max_length=200)
    kind = models.CharField(_("类型"), max_length=16, choices=EntityKind.choices)
    org = models.ForeignKey(
        OrgUnit, verbose_name=_("所在单位"), on_delete=models.PROTECT, related_name="entities"
    )
    leader = models.ForeignKey(
        Person,
        verbose_name=_("负责人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="entities_led",
    )
    founded_on = models.DateField(_("成立日期"), null=True, blank=True)
    industry = models.CharField(_("产业"), max_length=100, blank=True)
    jobs_driven = models.PositiveIntegerField(_("带动就业人数"), default=0)

    objects = UnitScopedQuerySet.placed_by("org").as_manager()

    class Meta:
        verbose_name = _("经营主体")
        verbose_name_plural = _("经营主体")
        ordering = ["org__path", "name"]

    def __str__(self) -> str:
        return self.name


class ArtTeam(models.Model):
    """文艺团队: a 戏曲 or 民间文艺 troupe and its members."""

    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=8, choices=ArtKind.choices)
    org = models.ForeignKey(
        OrgUnit, verbose_name=_("所在单位"), on_delete=models.PROTECT, related_name="art_teams"
    )
    members = models.ManyToManyField(
        Person, verbose_name=_("成员"), blank=True, related_name="art_teams"
    )

    objects = UnitScopedQuerySet.placed_by("org").as_manager()

    class Meta:
        verbose_name = _("文艺团队")
        verbose_name_plural = _("文艺团队")
        ordering = ["org__path", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["org", "name"],
                name="art_team_unique_name",
                violation_error_message=_("该单位已有同名文艺团队"),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Performance(models.Model):
    """演出: a team's show in a village (百座戏台千场戏, 文艺三下乡 …)."""

    team = models.ForeignKey(
        ArtTeam, verbose_name=_("文艺团队"), on_delete=models.CASCADE, related_name="performances"
    )
    date = models.DateField(_("演出日期"))
    village = models.ForeignKey(
        OrgUnit, verbose_name=_("演出地点"), on_delete=models.PROTECT, related_name="performances"
    )
    programme = models.CharField(_("活动名称"), max_length=100, help_text=_("如 百座戏台千场戏"))
    audience = models.PositiveIntegerField(_("观众人数"), null=True, blank=True)

    objects = UnitScopedQuerySet.placed_by("team__org", "village").as_manager()

    class Meta:
        verbose_name = _("演出")
        verbose_name_plural = _("演出")
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.date} {self.team} · {self.village.name}"

    def clean(self) -> None:
        """A team tours its own county's villages, not the next county's: the show would count
        in that county's figures (one installation may hold a city's several counties)."""
        if (
            self.team_id
            and self.village_id
            and not self.village.path.startswith(self.team.org.root_path)
        ):
            raise ValidationError({"village": _("演出地点须在文艺团队所在县内")})


class Pool(EditableList):
    """储备库: a reserve list a Person can be entered in (后备干部, 千人储备 …)."""

    class Meta(EditableList.Meta):
        verbose_name = _("储备库")
        verbose_name_plural = _("储备库")


class PoolMembership(models.Model):
    """储备: one Person in one pool from an entry date, until they leave it (with a reason)."""

    pool = models.ForeignKey(
        Pool, verbose_name=_("储备库"), on_delete=models.PROTECT, related_name="memberships"
    )
    person = models.ForeignKey(
        Person, verbose_name=_("人员"), on_delete=models.PROTECT, related_name="pool_memberships"
    )
    entered_on = models.DateField(_("入库日期"))
    status = models.CharField(
        _("状态"), max_length=8, choices=MembershipStatus.choices, default=MembershipStatus.ACTIVE
    )
    exited_on = models.DateField(_("出库日期"), null=True, blank=True)
    exit_reason = models.CharField(_("出库原因"), max_length=200, blank=True)

    objects = UnitScopedQuerySet.placed_by("person__home_org", "person__work_org").as_manager()

    class Meta:
        verbose_name = _("储备")
        verbose_name_plural = _("储备")
        ordering = ["pool", "-entered_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["pool", "person"],
                condition=Q(status="active"),
                name="pool_member_once",
                violation_error_message=_("该人员已在此储备库中"),
            ),
            models.CheckConstraint(
                condition=Q(status="active") | ~Q(exit_reason=""),
                name="pool_exit_has_reason",
                violation_error_message=_("出库须填写原因"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pool} · {self.person}"


# -- tallies ---------------------------------------------------------------------------------
# Counts of the 人次 ledger kept by database triggers (rencai/training/tally.py), so a figure over
# a million Attendance rows reads a few hundred thousand small rows instead. They hold nothing
# of their own: `tally.rebuild` recomputes both from the ledger, and nothing but the triggers
# and `rebuild` writes them (no ORM writes, so no change-log entries: the ledger rows they count
# are audited). Their keys are their primary keys (one index each: a trigger's upsert maintains
# as little as it can) and plain references without database constraints, so deleting a
# program or a person never has to go through them.


class ProgramTally(models.Model):
    """培训人次 of one program from one home unit: Attendance rows of `program` whose trainee
    lives in `home_org` now (a trainee moving moves their rows)."""

    audited = False  # derived by triggers from the audited ledger (audit.log.is_audited)

    pk = models.CompositePrimaryKey("program", "home_org")
    program = models.ForeignKey(
        TrainingProgram,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,  # the key's first column
        related_name="+",
    )
    home_org = models.ForeignKey(
        OrgUnit, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    attendances = models.IntegerField()

    def __str__(self) -> str:
        return f"{self.program_id}@{self.home_org_id}: {self.attendances}"


class TraineeTally(models.Model):
    """One Person's 人次 in one year by half-year (`h1` 上半年, `h2` 下半年, by the program's
    end date), for one category (`category` = its pk) and for every category (`category` = 0):
    培训人数 of a whole half-year or year is a count of these rows."""

    audited = False  # derived by triggers from the audited ledger (audit.log.is_audited)

    pk = models.CompositePrimaryKey("person", "year", "category")
    person = models.ForeignKey(
        Person,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,  # the key's first column
        related_name="+",
    )
    year = models.PositiveSmallIntegerField()
    category = models.PositiveIntegerField()  # a TrainingCategory pk; 0 = every category
    h1 = models.IntegerField()
    h2 = models.IntegerField()

    class Meta:
        indexes = [models.Index(fields=["year", "category"], name="trainee_tally_year")]

    def __str__(self) -> str:
        return f"{self.person_id} {self.year}/{self.category}: {self.h1}+{self.h2}"
