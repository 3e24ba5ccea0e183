"""Roles and what each may do. The one place a permission question is answered.

Business roles work on records inside their jurisdiction (their unit and everything below it).
The three security roles (三员: 系统管理员, 安全管理员, 审计管理员) run the system and do no
business work: they see no personal data. Each checks the others (三员分立):

- the 系统管理员 creates accounts *without* a role and resets passwords to one-time passwords
  that must be changed at the next login — it never decides what an account may do;
- the 安全管理员 gives business accounts their role, unit and reveal permission — never to a
  三员 account and never to itself, and never a 三员 role;
- the 审计管理员 reads the audit log, where both others' actions are recorded.

三员 roles are given only on the command line (`rencai createuser`), by whoever runs the server.
An account without a role (`role == ""`, freshly created by the 系统管理员) may do nothing but
change its password: every predicate below answers no.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    COUNTY_ADMIN = "county_admin", _("县人才办管理员")
    TOWNSHIP_ADMIN = "township_admin", _("乡镇(街道)管理员")
    CLERK = "clerk", _("录入员")
    LEADER = "leader", _("领导")
    SYSADMIN = "sysadmin", _("系统管理员")
    SECADMIN = "secadmin", _("安全管理员")
    AUDITOR = "auditor", _("审计管理员")


BUSINESS_ROLES = frozenset({Role.COUNTY_ADMIN, Role.TOWNSHIP_ADMIN, Role.CLERK, Role.LEADER})
EDITING_ROLES = frozenset({Role.COUNTY_ADMIN, Role.TOWNSHIP_ADMIN, Role.CLERK})
SECURITY_ROLES = frozenset({Role.SYSADMIN, Role.SECADMIN, Role.AUDITOR})
# Accounts whose passwords expire after RENCAI_PASSWORD_MAX_AGE_DAYS (others: ..._OTHERS).
PRIVILEGED_ROLES = SECURITY_ROLES | {Role.COUNTY_ADMIN}

# Which roles an account manager may hand out when creating an account. The 系统管理员 creates
# accounts without a role; no page hands out a 三员 role.
GRANTABLE_ROLES: dict[str, tuple[str, ...]] = {
    Role.COUNTY_ADMIN: (Role.COUNTY_ADMIN, Role.TOWNSHIP_ADMIN, Role.CLERK, Role.LEADER),
    Role.TOWNSHIP_ADMIN: (Role.TOWNSHIP_ADMIN, Role.CLERK, Role.LEADER),
    Role.SYSADMIN: (),
}
# What the 安全管理员 may set on an account that is not a 三员 account ("" takes the role away).
ASSIGNABLE_ROLES: tuple[str, ...] = tuple(r for r in Role.values if r in BUSINESS_ROLES)


def _role(user) -> str | None:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    return user.role


def reads_records(user) -> bool:
    """May see personal and activity records of their jurisdiction (a business role with a unit)."""
    return _role(user) in BUSINESS_ROLES and user.org_id is not None


def edits_records(user) -> bool:
    return _role(user) in EDITING_ROLES and user.org_id is not None


def manages_orgs(user) -> bool:
    return _role(user) == Role.COUNTY_ADMIN and user.org_id is not None


def manages_lists(user) -> bool:
    """Keeps the county's editable lists (培训类别, 储备库): the county talent office."""
    return _role(user) == Role.COUNTY_ADMIN and user.org_id is not None


def manages_accounts(user) -> bool:
    """Creates accounts, resets passwords to one-time passwords, disables accounts (business
    admins within their jurisdiction; the 系统管理员 every account but the 三员's)."""
    return _role(user) in {Role.COUNTY_ADMIN, Role.TOWNSHIP_ADMIN, Role.SYSADMIN}


def assigns_roles(user) -> bool:
    """Changes roles and grants the reveal permission (安全管理员)."""
    return _role(user) == Role.SECADMIN


def reads_audit(user) -> bool:
    return _role(user) == Role.AUDITOR


def integrates(user) -> bool:
    """Is shown the API's documentation in the menu: those who connect other systems to the
    platform (the county talent office, the 系统管理员). The page itself stays open to every
    signed-in user, as the API is: a link typed or bookmarked by another role still works."""
    return _role(user) in {Role.COUNTY_ADMIN, Role.SYSADMIN}


def may_reveal(user) -> bool:
    """May see an ID number or phone in full — one record at a time, audited."""
    return reads_records(user) and bool(user.can_reveal)
