"""The main menu: only what the user's role can open."""

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from rencai.accounts import roles


def menu_for(user: Any) -> list[tuple[str, str, str]]:
    """(url name, label, url prefix) entries for the user's role."""
    items: list[tuple[str, str, str]] = []
    if roles.reads_records(user):
        items += [
            ("home", _("工作台"), "/home"),
            ("people:list", _("人才库"), "/people/"),
            ("census:rounds", _("人才普查"), "/census/"),
            ("training:overview", _("人才培育"), "/training/"),
            ("orgs:tree", _("组织机构"), "/orgs/"),
        ]
    if roles.manages_accounts(user) or roles.assigns_roles(user):
        items.append(("accounts:users", _("账号管理"), "/accounts/users/"))
    if roles.reads_audit(user):
        items.append(("audit:events", _("审计日志"), "/audit/"))
    if user.is_authenticated:
        items.append(("api-docs", _("接口文档"), "/api/docs/"))
    return items


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    return {
        "nav_items": [
            {"url": reverse(name), "label": label, "active": request.path.startswith(prefix)}
            for name, label, prefix in menu_for(user)
        ]
    }
