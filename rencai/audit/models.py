from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def event_time():
    """An event's time, set on creation (it is hashed before the row is written); looked up
    at call time, so a test's patched clock applies."""
    return timezone.now()


class AuditAction(models.TextChoices):
    CREATE = "create", _("新增")
    UPDATE = "update", _("修改")
    DELETE = "delete", _("删除")
    LOGIN = "login", _("登录")
    LOGOUT = "logout", _("退出登录")
    LOGIN_FAILED = "login_failed", _("登录失败")
    LOCKED = "locked", _("账号锁定")
    REVEAL = "reveal", _("查看完整信息")
    EXPORT = "export", _("导出")
    IMPORT = "import", _("导入")
    BULK = "bulk", _("批量操作")
    TOKEN = "token", _("签发令牌")
    ARCHIVE = "archive", _("归档审计日志")


class AppendOnlyQuerySet(models.QuerySet):
    """The audit trail cannot be edited or deleted through the application."""

    def update(self, **kwargs):
        raise PermissionError("audit events are append-only")

    def bulk_create(self, objs, *args, **kwargs):
        """Chained in order (rencai/audit/chain.py) before they are written."""
        from rencai.audit import chain

        objs = list(objs)
        with transaction.atomic(using=self.db):
            chain.seal(objs, self.db)
            return super().bulk_create(objs, *args, **kwargs)

    def delete(self):
        raise PermissionError("audit events are append-only")

    def bulk_update(self, objs, fields, batch_size=None):
        raise PermissionError("audit events are append-only")


class AuditEvent(models.Model):
    """审计日志: one thing that happened — a change to one record, a login, a reveal, an export.

    Changes to records carry `changes` as {field: [before, after]} with personal identifiers
    masked. Events that belong to one import or bulk job point at it through `batch`. Each event
    carries the hash of the one before and its own (`rencai/audit/chain.py`), so an edit or a
    deletion anywhere shows; the time is set on creation, before hashing.
    """

    time = models.DateTimeField(_("时间"), default=event_time, editable=False, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_constraint=False,  # the event outlives the account; `username` names it
    )
    username = models.CharField(_("操作人账号"), max_length=150, db_index=True)
    ip = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)
    request_id = models.CharField(_("请求编号"), max_length=32, blank=True)
    action = models.CharField(_("操作"), max_length=16, choices=AuditAction.choices, db_index=True)
    content_type = models.ForeignKey(
        ContentType,
        verbose_name=_("对象类型"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # audit_object (content_type, object_id) serves the lookups
    )
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    object_repr = models.CharField(_("对象"), max_length=200, blank=True)
    changes = models.JSONField(_("变更内容"), default=dict, blank=True)
    detail = models.JSONField(_("详情"), default=dict, blank=True)
    success = models.BooleanField(_("成功"), default=True)
    batch = models.ForeignKey(
        "self",
        verbose_name=_("所属批次"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="entries",
    )
    prev_hash = models.CharField(_("前一条的哈希"), max_length=64, default="", editable=False)
    row_hash = models.CharField(_("哈希"), max_length=64, default="", editable=False)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("审计日志")
        verbose_name_plural = _("审计日志")
        ordering = ["-time", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="audit_object")]

    def __str__(self) -> str:
        return f"{self.time:%Y-%m-%d %H:%M:%S} {self.username} {self.get_action_display()}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise PermissionError("audit events are append-only")
        from rencai.audit import chain

        using = kwargs.get("using") or type(self).objects.db
        with transaction.atomic(using=using):
            chain.seal([self], using)
            kwargs["force_insert"] = True
            super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("audit events are append-only")


class AuditArchive(models.Model):
    """审计日志归档: one export of old events to a file, after which they were deleted.

    `anchor` is the hash of the last archived event — the previous hash the first remaining
    event carries — and `first_prev` the previous hash of the first archived one, so the chain
    of archives and remaining events can still be verified end to end.
    """

    time = models.DateTimeField(_("归档时间"), default=timezone.now, editable=False)
    before = models.DateField(_("归档截止日期"))
    first_id = models.BigIntegerField(_("首条事件编号"))
    last_id = models.BigIntegerField(_("末条事件编号"))
    events = models.PositiveIntegerField(_("事件数"))
    first_prev = models.CharField(_("首条事件的前一哈希"), max_length=64)
    anchor = models.CharField(_("末条事件的哈希"), max_length=64)
    file_name = models.CharField(_("归档文件"), max_length=255)
    file_sha256 = models.CharField(_("归档文件校验值"), max_length=64)

    class Meta:
        verbose_name = _("审计日志归档")
        verbose_name_plural = _("审计日志归档")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.before} 之前 {self.events} 条"
