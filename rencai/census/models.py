"""人才资源普查: a yearly round in which each reporting unit submits its roster (through the
人员信息表 import) and its talent demand; the county reviews each submission and settles the
persons two units both claim."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from rencai.accounts import roles
from rencai.audit.querysets import AuditedQuerySet
from rencai.census.choices import SUBMITTABLE, DemandLevel, Resolution, UnitStatus
from rencai.orgs.models import PATH_SEPARATOR, OrgUnit
from rencai.people.models import Person


def _jurisdiction(user) -> OrgUnit | None:
    return user.org if roles.reads_records(user) else None


class CensusRoundQuerySet(AuditedQuerySet):
    def visible_to(self, user) -> "CensusRoundQuerySet":
        """Rounds opened at the user's unit or above it (a township sees the county's round),
        or below it; none for the security roles."""
        org = _jurisdiction(user)
        if org is None:
            return self.none()
        uids = [u for u in org.path.split(PATH_SEPARATOR) if u]
        above = [f"/{'/'.join(uids[: i + 1])}/" for i in range(len(uids))]
        return self.filter(Q(org__path__in=above) | Q(org__path__startswith=org.path))


class CensusRound(models.Model):
    """普查轮次: one year's census of the talent resources of a county (or any unit whose admin
    opens it), with the units that must report."""

    org = models.ForeignKey(
        OrgUnit, verbose_name=_("组织单位"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    deadline = models.DateField(_("报送截止日期"), null=True, blank=True)
    is_open = models.BooleanField(_("进行中"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("开启人"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("开启时间"), auto_now_add=True)

    objects = CensusRoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("普查轮次")
        verbose_name_plural = _("普查轮次")
        ordering = ["-year", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["org", "year"], name="census_round_one_per_year"),
        ]

    def __str__(self) -> str:
        return _("%(year)s年人才资源普查") % {"year": self.year}


class CensusUnitQuerySet(AuditedQuerySet):
    def visible_to(self, user) -> "CensusUnitQuerySet":
        """The reporting units inside the user's jurisdiction (a township admin: their own)."""
        org = _jurisdiction(user)
        if org is None:
            return self.none()
        return self.filter(org__path__startswith=org.path)


class CensusUnit(models.Model):
    """普查报送单位: one unit's part in a round — 未报, 已报 (its roster committed), 已审核, or
    退回 with the county's reason, after which it submits again."""

    round = models.ForeignKey(
        CensusRound, verbose_name=_("普查轮次"), on_delete=models.CASCADE, related_name="units"
    )
    org = models.ForeignKey(
        OrgUnit, verbose_name=_("报送单位"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=UnitStatus.choices, default=UnitStatus.PENDING
    )
    job = models.ForeignKey(
        "imports.ImportJob",
        verbose_name=_("报送的名册"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("报送人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    return_reason = models.CharField(_("退回原因"), max_length=200, blank=True)

    objects = CensusUnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("普查报送单位")
        verbose_name_plural = _("普查报送单位")
        ordering = ["round", "org__path"]
        constraints = [
            models.UniqueConstraint(fields=["round", "org"], name="census_unit_once_per_round"),
        ]

    def __str__(self) -> str:
        return f"{self.round} · {self.org.name}"

    def submit_problem(self) -> str | None:
        """Why the unit cannot submit its roster now (in Chinese), or None."""
        if not self.round.is_open:
            return gettext("本轮普查已结束，不能再报送")
        if self.status not in SUBMITTABLE:
            return gettext("该单位的名册已审核，不能再报送")
        return None


class CensusConflictQuerySet(AuditedQuerySet):
    def visible_to(self, user) -> "CensusConflictQuerySet":
        """Conflicts either of whose units lies in the user's jurisdiction."""
        org = _jurisdiction(user)
        if org is None:
            return self.none()
        return self.filter(
            Q(first_org__path__startswith=org.path) | Q(second_org__path__startswith=org.path)
        )

    def open(self) -> "CensusConflictQuerySet":
        return self.filter(resolution="")


class CensusConflict(models.Model):
    """普查冲突: a person whom one unit registered and another unit's roster also names. The row
    is not applied; the county keeps the person with the first unit or moves them to the second,
    with a reason. `proposed_*` are the units the second unit's row gave."""

    round = models.ForeignKey(
        CensusRound, verbose_name=_("普查轮次"), on_delete=models.CASCADE, related_name="conflicts"
    )
    person = models.ForeignKey(
        Person, verbose_name=_("人员"), on_delete=models.CASCADE, related_name="+"
    )
    first_org = models.ForeignKey(
        OrgUnit, verbose_name=_("原登记单位"), on_delete=models.PROTECT, related_name="+"
    )
    second_org = models.ForeignKey(
        OrgUnit, verbose_name=_("报送单位"), on_delete=models.PROTECT, related_name="+"
    )
    proposed_home_org = models.ForeignKey(
        OrgUnit,
        verbose_name=_("报送的户籍/居住地"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    proposed_work_org = models.ForeignKey(
        OrgUnit,
        verbose_name=_("报送的工作单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    resolution = models.CharField(
        _("处理结果"), max_length=10, choices=Resolution.choices, blank=True
    )
    reason = models.CharField(_("处理理由"), max_length=200, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("处理人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    resolved_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("发现时间"), auto_now_add=True)

    objects = CensusConflictQuerySet.as_manager()

    class Meta:
        verbose_name = _("普查冲突")
        verbose_name_plural = _("普查冲突")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "person", "second_org"], name="census_conflict_once_per_unit"
            ),
        ]

    def __str__(self) -> str:
        # Never the ID number: this label goes into the change log and onto pages.
        return _("%(name)s：%(first)s / %(second)s") % {
            "name": self.person.name,
            "first": self.first_org.name,
            "second": self.second_org.name,
        }


class DemandQuerySet(AuditedQuerySet):
    def visible_to(self, user) -> "DemandQuerySet":
        org = _jurisdiction(user)
        if org is None:
            return self.none()
        return self.filter(org__path__startswith=org.path)


class Demand(models.Model):
    """人才需求: a unit's declared need in a census round — how many people of a specialty and
    level it lacks. One row per (round, unit, specialty, level); importing again updates it."""

    round = models.ForeignKey(
        CensusRound, verbose_name=_("普查轮次"), on_delete=models.CASCADE, related_name="demands"
    )
    org = models.ForeignKey(
        OrgUnit, verbose_name=_("需求单位"), on_delete=models.PROTECT, related_name="+"
    )
    specialty = models.CharField(_("专业/领域"), max_length=100)
    level = models.CharField(_("层次"), max_length=10, choices=DemandLevel.choices)
    count = models.PositiveIntegerField(_("需求人数"), validators=[MinValueValidator(1)])
    notes = models.CharField(_("说明"), max_length=200, blank=True)

    objects = DemandQuerySet.as_manager()

    class Meta:
        verbose_name = _("人才需求")
        verbose_name_plural = _("人才需求")
        ordering = ["round", "org__path", "specialty", "level"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "org", "specialty", "level"], name="demand_one_per_key"
            ),
        ]
        indexes = [models.Index(fields=["round", "specialty"], name="demand_round_specialty")]

    def __str__(self) -> str:
        # No relation here: the audited bulk paths label every row they write with it.
        return f"{self.specialty}（{self.get_level_display()}）{self.count}"
