"""Show a change the way its record's own pages do: field labels, code labels, unit names.

Personal data is masked again on the way out, so rows written before a masking rule existed
(a full ID in an export's filters, a birth date in a diff) are shown masked too.
"""

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from rencai.audit.log import mask_value
from rencai.audit.masking import mask_text
from rencai.audit.models import AuditEvent

Change = tuple[str, Any, Any]  # (field label, before, after)


def _field(model: type[models.Model] | None, name: str) -> models.Field | None:
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except Exception:  # a field since removed from the model
        return None


def readable_changes(events: Iterable[AuditEvent]) -> dict[int, list[Change]]:
    """{event id: [(label, before, after)]} for a page of events, with foreign keys resolved in
    one query per related model."""
    events = list(events)
    wanted: dict[type[models.Model], set] = defaultdict(set)
    for event in events:
        model = event.content_type.model_class() if event.content_type_id else None
        for name, (before, after) in event.changes.items():
            field = _field(model, name)
            if isinstance(field, models.ForeignKey):
                wanted[field.related_model].update(v for v in (before, after) if v is not None)
    names = {
        related: {str(pk): str(obj) for pk, obj in related._base_manager.in_bulk(pks).items()}
        for related, pks in wanted.items()
    }

    def show(field: models.Field | None, value: Any) -> Any:
        if value is None or field is None:
            return value
        if isinstance(field, models.ForeignKey):
            return names.get(field.related_model, {}).get(str(value), f"#{value}")
        if field.choices:
            return dict(field.flatchoices).get(value, value)
        if isinstance(value, bool):
            return "是" if value else "否"
        return value

    def masked(model: type[models.Model] | None, name: str, value: Any) -> Any:
        if model is None:
            return mask_text(value, partial=False)
        return mask_value(model, name, value)

    out: dict[int, list[Change]] = {}
    for event in events:
        model = event.content_type.model_class() if event.content_type_id else None
        rows = []
        for name, (before, after) in event.changes.items():
            field = _field(model, name)
            before, after = masked(model, name, before), masked(model, name, after)
            label = (
                str(field.verbose_name)
                if field is not None and hasattr(field, "verbose_name")
                else name
            )
            rows.append((label, show(field, before), show(field, after)))
        out[event.pk] = rows
    return out


def mask_for_display(events: Iterable[AuditEvent]) -> None:
    """Mask the free text of events about to be shown (never saved: the log is append-only):
    the detail (an export's filters, a search) and the record label."""
    for event in events:
        event.detail = mask_text(event.detail or {})
        event.object_repr = mask_text(event.object_repr or "")
        event.detail_rows = readable_detail(event)


# The keys events write in their detail (record_event(detail=…)), as the log's reader calls them.
DETAIL_LABELS = {
    "sheet": _("表格"),
    "file": _("文件名"),
    "sha256": _("文件校验值（SHA-256）"),
    "file_sha256": _("文件校验值（SHA-256）"),
    "new": _("新增"),
    "updated": _("修改"),
    "unchanged": _("未变"),
    "rejected": _("有误"),
    "total": _("总行数"),
    "rows": _("行数"),
    "job": _("导入任务"),
    "step": _("步骤"),
    "filters": _("筛选条件"),
    "masked": _("已脱敏"),
    "programs": _("培训班次"),
    "error_workbook": _("错误明细（导入任务）"),
    "password": _("密码"),
    "forced": _("强制修改原因"),
    "must_change_at_login": _("登录后须修改密码"),
    "second_factor": _("双因素认证"),
    "stage": _("环节"),
    "recovery_codes": _("恢复码个数"),
    "recovery_codes_left": _("剩余恢复码"),
    "failures": _("连续失败次数"),
    "retired": _("令牌作废原因"),
    "fields": _("查看的字段"),
    "search": _("查询内容"),
    "matches": _("匹配人数"),
    "what": _("内容"),
    "count": _("数量"),
    "before": _("归档截止"),
    "events": _("事件数"),
    "first_id": _("首条事件编号"),
    "last_id": _("末条事件编号"),
    "census_round": _("普查轮次"),
}
# Code values events write, as words.
DETAIL_VALUES = {
    "changed": _("已修改"),
    "reset_one_time": _("重置为一次性密码"),
    "one_time": _("一次性密码"),
    "expired": _("已过期"),
    "password_changed": _("密码已修改"),
    "retry": _("重试"),
    "totp": _("动态验证码"),
    "recovery_code": _("恢复码"),
    "enrolled": _("已启用"),
    "recovery_codes_renewed": _("恢复码已更换"),
    "enrol": _("启用"),
    "login": _("登录"),
}


def _sheet_title(name: Any) -> Any:
    from rencai.imports.sheets import get_sheet  # imports records its events here: no cycle

    try:
        return get_sheet(str(name)).title
    except KeyError:
        return name


def _detail_value(key: str, value: Any) -> Any:
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, dict):
        return "；".join(f"{k}={_detail_value(k, v)}" for k, v in value.items()) or "—"
    if isinstance(value, list):
        return "、".join(str(_detail_value(key, v)) for v in value) or "—"
    if key == "sheet":
        return _sheet_title(value)
    if isinstance(value, str):
        moment = parse_datetime(value) if "T" in value else None
        if moment is not None and timezone.is_aware(moment):
            return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S")
        # the code stays beside its word: it is what the log holds and what one searches for
        word = DETAIL_VALUES.get(value)
        return f"{word}（{value}）" if word else value
    return value


def readable_detail(event: AuditEvent) -> list[tuple[str, Any]]:
    """An event's detail as (Chinese label, value) pairs: codes as words, times in the server's
    zone (Asia/Shanghai) as the list shows them, a sheet by its title. A key no label is known
    for is shown as written."""
    return [
        (str(DETAIL_LABELS.get(key, key)), _detail_value(key, value))
        for key, value in (event.detail or {}).items()
    ]
