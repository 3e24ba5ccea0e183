"""What a user has marked as seen in the 预警 inbox. The alerts themselves are never stored: they
are computed from the records on demand (rencai/alerts/inbox.py); a mark names the alert and the
item's stable subject key, so it outlives the computation and drops the item from the badge."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AlertSeen(models.Model):
    """一条预警已读: `user` has seen the item `subject` of the alert `alert` at `seen_at`."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    alert = models.CharField(_("预警"), max_length=60)
    subject = models.CharField(_("事项"), max_length=200)
    seen_at = models.DateTimeField(_("已读时间"), auto_now_add=True)

    # A user's own bookkeeping, not a record: no change-log entry (it would also move the
    # audit log's change mark and throw away every cached figure).
    audited = False

    class Meta:
        verbose_name = _("预警已读")
        verbose_name_plural = _("预警已读")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "alert", "subject"], name="alert_seen_once_per_item"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.alert} {self.subject}"
