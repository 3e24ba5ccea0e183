from django.db import models
from django.utils.translation import gettext_lazy as _

from rencai.audit.querysets import AuditedQuerySet
from rencai.orgs.models import OrgUnit
from rencai.orgs.scoping import UnitScopedQuerySet
from rencai.people.choices import CategoryGroup, PersonStatus, QualificationKind, Source
from rencai.standards import codes
from rencai.standards.idnumber import mask_birth_date, mask_id_number
from rencai.standards.phone import mask_phone
from rencai.standards.pinyin import initials


class TalentCategory(models.Model):
    """人才类别: a label a Person can hold — one of the six national teams, a 2021 rural-talent
    class, a 农村实用人才 type or a local label such as 土专家. Categories are data, not code."""

    name = models.CharField(_("名称"), max_length=50, unique=True)
    group = models.CharField(_("分组"), max_length=20, choices=CategoryGroup.choices)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    sort_order = models.IntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("在用"), default=True)

    objects = AuditedQuerySet.as_manager()

    class Meta:
        verbose_name = _("人才类别")
        verbose_name_plural = _("人才类别")
        ordering = ["sort_order", "id"]

    def __str__(self) -> str:
        return self.name


class PersonQuerySet(UnitScopedQuerySet):
    """The only door to personal data: Persons whose home or work unit lies in the user's
    jurisdiction (a teacher living in 青山镇 and working at 城关镇卫生院 belongs to both)."""

    unit_fields = ("home_org", "work_org")


class Person(models.Model):
    """人员: one human in the register, unique by citizen ID number (GB 11643). Birth date and
    gender come from the ID; the codes follow the GB/T tables in rencai.standards."""

    name = models.CharField(_("姓名"), max_length=50)
    name_initials = models.CharField(_("拼音首字母"), max_length=50, editable=False)
    id_number = models.CharField(_("身份证号"), max_length=18, unique=True)
    id_reversed = models.CharField(max_length=18, editable=False)
    gender = models.CharField(_("性别"), max_length=1, choices=codes.GENDER.choices())
    birth_date = models.DateField(_("出生日期"))
    ethnicity = models.CharField(
        _("民族"), max_length=2, blank=True, choices=codes.ETHNICITY.choices()
    )
    political_status = models.CharField(
        _("政治面貌"), max_length=2, blank=True, choices=codes.POLITICAL_STATUS.choices()
    )
    education = models.CharField(
        _("学历"), max_length=2, blank=True, choices=codes.EDUCATION.choices()
    )
    degree = models.CharField(_("学位"), max_length=1, blank=True, choices=codes.DEGREE.choices())
    phone = models.CharField(_("手机号码"), max_length=11, blank=True)
    home_org = models.ForeignKey(
        OrgUnit,
        verbose_name=_("户籍/居住地（村、社区）"),
        on_delete=models.PROTECT,
        related_name="residents",
        db_index=False,  # person_home_status (home_org, status) serves every lookup by unit
    )
    work_org = models.ForeignKey(
        OrgUnit,
        verbose_name=_("工作单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
    )
    employer = models.CharField(_("工作单位名称"), max_length=100, blank=True)
    post = models.CharField(_("职务/岗位"), max_length=100, blank=True)
    title_series = models.CharField(_("职称系列"), max_length=50, blank=True)
    title_level = models.CharField(
        _("职称等级"), max_length=1, blank=True, choices=codes.TITLE_LEVEL.choices()
    )
    skill_level = models.CharField(
        _("技能等级"), max_length=1, blank=True, choices=codes.SKILL_LEVEL.choices()
    )
    specialty = models.CharField(_("从事产业/专业特长"), max_length=100, blank=True)
    source = models.CharField(
        _("来源"), max_length=12, choices=Source.choices, default=Source.LOCAL
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=PersonStatus.choices, default=PersonStatus.ACTIVE
    )
    status_reason = models.CharField(_("状态变更原因"), max_length=200, blank=True)
    categories = models.ManyToManyField(
        TalentCategory, verbose_name=_("人才类别"), blank=True, related_name="persons"
    )
    notes = models.TextField(_("备注"), blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = PersonQuerySet.as_manager()

    # The change log keeps these masked (PIPL; security checklist item 17). The birth date is
    # kept as year and month: its day would narrow the masked ID number 30-fold.
    audit_masked = {
        "id_number": mask_id_number,
        "phone": mask_phone,
        "id_reversed": mask_id_number,
        "birth_date": mask_birth_date,
    }
    audit_exclude = ("name_initials", "id_reversed", "updated_at")

    class Meta:
        verbose_name = _("人员")
        verbose_name_plural = _("人员")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["home_org", "status"], name="person_home_status"),
            models.Index(fields=["name_initials"], name="person_initials"),
            models.Index(fields=["id_reversed"], name="person_id_reversed"),
            models.Index(fields=["name"], name="person_name"),
            models.Index(fields=["birth_date"], name="person_birth"),
            # 新增在册人才 (people.new) and the list's 登记时间 filter count a period's new records
            models.Index(fields=["created_at"], name="person_created"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.fill_derived()
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("people:detail", args=[self.pk])

    def full_clean(self, *args, **kwargs) -> None:
        self.fill_derived()
        super().full_clean(*args, **kwargs)

    def fill_derived(self) -> None:
        """Search keys derived from the name and ID (also called by bulk writers)."""
        self.name_initials = initials(self.name)[:50]
        self.id_reversed = self.id_number[::-1]

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    @property
    def birth_month(self) -> str:
        """出生年月, ``1985-03``: all a page, the API or a masked export shows of the birth date."""
        return mask_birth_date(self.birth_date)

    @property
    def education_group(self) -> str:
        """学历 as offices group it (大学本科 for 大学本科毕业, 初中及以下 for 小学): what the list,
        the form and the export show of the stored GB/T 4658 code."""
        return codes.education_group_label(self.education)


class Qualification(models.Model):
    """资质证书: one certificate a Person holds — a 高素质农民 recognition, a social-work
    qualification, a 职称 or a skill-level certificate."""

    person = models.ForeignKey(
        Person, verbose_name=_("人员"), on_delete=models.CASCADE, related_name="qualifications"
    )
    kind = models.CharField(_("证书类型"), max_length=16, choices=QualificationKind.choices)
    level = models.CharField(_("等级"), max_length=50, blank=True)
    number = models.CharField(_("证书编号"), max_length=64, blank=True)
    issuer = models.CharField(_("发证机关"), max_length=100, blank=True)
    issued_on = models.DateField(_("发证日期"), null=True, blank=True)
    valid_until = models.DateField(_("有效期至"), null=True, blank=True)

    objects = AuditedQuerySet.as_manager()

    class Meta:
        verbose_name = _("资质证书")
        verbose_name_plural = _("资质证书")
        ordering = ["-issued_on", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.level}".strip()
