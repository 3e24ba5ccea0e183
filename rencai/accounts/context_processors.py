"""The main menu: only what the user's role can open."""

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from rencai.accounts import roles
from rencai.domains import MenuEntry, menu_entries


def _account_manager(user: Any) -> bool:
    return roles.manages_accounts(user) or roles.assigns_roles(user)


# The spine's own entries; the domains' (人才库, 人才普查, 人才培育) come from their
# `domain.py` (rencai/domains.py) and sort in by `order`.
SPINE_MENU = (
    MenuEntry(_("驾驶舱"), "home", "/home", roles.reads_records, 10),
    MenuEntry(_("统计报表"), "statements:index", "/statements/", roles.reads_records, 44),
    MenuEntry(_("工作汇报"), "reports:list", "/reports/", roles.reads_records, 45),
    MenuEntry(_("组织机构"), "orgs:tree", "/orgs/", roles.reads_records, 50),
    MenuEntry(_("账号管理"), "accounts:users", "/accounts/users/", _account_manager, 80),
    MenuEntry(_("审计日志"), "audit:events", "/audit/", roles.reads_audit, 90),
    MenuEntry(_("接口文档"), "api-docs", "/api/docs/", roles.integrates, 100),
)


def menu_for(user: Any) -> list[tuple[str, str, str]]:
    """(url name, label, url prefix) entries for the user's role."""
    return [
        (entry.url_name, entry.label, entry.prefix)
        for entry in menu_entries(SPINE_MENU)
        if entry.visible_to(user)
    ]


def identity(user: Any) -> str:
    """The header's 姓名 · 角色 · 单位, the role left out when the name already says it (the
    三员 accounts are named after their role: 审计管理员, not 审计管理员 · 审计管理员)."""
    name = user.display_name or user.username
    role = str(user.get_role_display()) if user.role else ""
    parts = [name, role if role and role != name else "", user.org.name if user.org else ""]
    return " · ".join(p for p in parts if p)


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    return {
        "header_identity": identity(user),
        "nav_items": [
            {"url": reverse(name), "label": label, "active": request.path.startswith(prefix)}
            for name, label, prefix in menu_for(user)
        ],
    }
