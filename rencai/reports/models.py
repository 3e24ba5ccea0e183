"""Saved reports: a generated 工作开展情况汇报 kept as it was written, so it can be signed."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from rencai.orgs.models import OrgUnit
from rencai.orgs.scoping import UnitScopedQuerySet


class Report(models.Model):
    """工作开展情况汇报: one generated draft of a unit and a period — the .docx bytes as rencai
    wrote them (the office edits its own copy) and the snapshot of every figure the text used:
    key, label, value, unit of measure, 口径, scope unit and period (`figures`), so that reopening
    it shows which numbers have moved since. Never edited: 重新生成 makes a new Report."""

    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="reports"
    )
    period_start = models.DateField(_("期间自"))
    period_end = models.DateField(_("期间至"))
    title = models.CharField(_("标题"), max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("生成人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("生成时间"), auto_now_add=True)
    docx = models.BinaryField(_("Word 文件"))
    blocks = models.JSONField(_("正文段落"), default=list)
    figures = models.JSONField(_("所用数字"), default=list)

    # the one jurisdiction rule of records placed in units: the reports of the user's unit and
    # every unit below, for the roles that read records only (the 三员 read none)
    objects = UnitScopedQuerySet.placed_by("unit").as_manager()
    audit_exclude = ("docx", "blocks", "figures")

    class Meta:
        verbose_name = _("工作汇报")
        verbose_name_plural = _("工作汇报")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title
