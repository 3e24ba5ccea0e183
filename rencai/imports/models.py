from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    VALIDATING = "validating", _("检查中")
    VALID = "valid", _("检查通过，待确认")
    INVALID = "invalid", _("有错误，未导入")
    COMMITTING = "committing", _("导入中")
    COMMITTED = "committed", _("已导入")
    FAILED = "failed", _("导入失败，未写入")
    CANCELLED = "cancelled", _("已取消")


class ImportJobQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ImportJobQuerySet":
        """Jobs of accounts inside the user's jurisdiction (a county admin sees every township's
        imports; a clerk only their unit's)."""
        from rencai.accounts import roles

        if not roles.reads_records(user):
            return self.none()
        return self.filter(user__org__path__startswith=user.org.path)


class ImportJob(models.Model):
    """导入记录: one uploaded workbook and what became of it — checked (dry run), then committed
    or cancelled. The job runs in the background; its page polls this row."""

    sheet = models.CharField(_("表"), max_length=40)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("导入人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    file_name = models.CharField(_("文件名"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.BigIntegerField(_("文件大小"), default=0)
    stored_path = models.CharField(max_length=500)
    status = models.CharField(
        _("状态"), max_length=12, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    stage = models.CharField(max_length=12, blank=True)
    done = models.PositiveIntegerField(_("已处理行数"), default=0)
    total = models.PositiveIntegerField(_("数据行数"), default=0)
    counts = models.JSONField(_("统计"), default=dict, blank=True)
    problems = models.JSONField(_("问题（前若干条）"), default=list, blank=True)
    problem_count = models.PositiveIntegerField(default=0)
    spool = models.CharField(max_length=500, blank=True)
    error_file = models.CharField(max_length=500, blank=True)
    message = models.TextField(_("说明"), blank=True)
    options = models.JSONField(default=dict, blank=True)
    audit_event = models.ForeignKey(
        "audit.AuditEvent", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # What a queued job will do when a worker is free ("validate" or "commit"), and since when
    # it waits: the queue is ordered by that, and a retried job joins its end.
    next_action = models.CharField(max_length=10, blank=True)
    queued_at = models.DateTimeField(null=True, blank=True)
    # The worker process running the job and when it last said it was alive: a job whose worker
    # is gone (killed, server restarted) is found by these and marked failed.
    worker_pid = models.IntegerField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("导入记录")
        verbose_name_plural = _("导入记录")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.file_name}（{self.get_status_display()}）"

    @property
    def running(self) -> bool:
        return self.status in (JobStatus.QUEUED, JobStatus.VALIDATING, JobStatus.COMMITTING)

    @property
    def queue_position(self) -> int | None:
        """1 for the next job a free worker takes; None when the job is not waiting."""
        if self.status != JobStatus.QUEUED or self.queued_at is None:
            return None
        ahead = ImportJob.objects.filter(status=JobStatus.QUEUED).filter(
            models.Q(queued_at__lt=self.queued_at)
            | models.Q(queued_at=self.queued_at, pk__lt=self.pk)
        )
        return ahead.count() + 1
