"""三员分立 (security checklist item 11), told by persona through the pages.

The 系统管理员 creates accounts without a role and resets passwords to one-time passwords; the
安全管理员 gives business accounts their role and reveal permission, never to a 三员 account
or itself; no account holds a 三员 role with a business permission; the auditor sees both others'
actions in the audit log.
"""

import re

import pytest
from conftest import PASSWORD
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client

from rencai.accounts import roles
from rencai.accounts.models import User
from rencai.accounts.roles import Role
from rencai.audit.models import AuditAction, AuditEvent
from rencai.people.models import Person

NEW_ACCOUNT = {"username": "new_clerk", "display_name": "新录入员", "password": ""}


def create_as(client: Client, org, **fields) -> object:
    return client.post("/accounts/users/new/", {**NEW_ACCOUNT, "org": org.pk, **fields})


def shown_password(response) -> str:
    return re.search(r'id="one-time-password">([^<]+)<', response.content.decode()).group(1)


# --- the 系统管理员 creates accounts without a role ----------------------------------------------


def test_sysadmin_creates_an_account_without_a_role(county, personas, login):
    client = login(personas.sysadmin)
    form = client.get("/accounts/users/new/").context["form"]
    assert "role" not in form.fields
    response = create_as(client, county.chengguan, role=Role.COUNTY_ADMIN)
    assert response.status_code == 200
    user = User.objects.get(username="new_clerk")
    assert user.role == ""
    assert user.must_change_password
    assert shown_password(response)  # generated, shown once


@pytest.mark.parametrize("role", [Role.COUNTY_ADMIN, Role.SECADMIN, Role.AUDITOR, Role.CLERK])
def test_sysadmin_cannot_give_a_new_account_any_role(county, personas, login, role):
    create_as(login(personas.sysadmin), county.county, role=role)
    assert User.objects.get(username="new_clerk").role == ""


def test_an_account_without_a_role_reads_nothing(county, personas, people, login):
    user = User(username="blank", org=county.county, display_name="blank")
    user.set_password(PASSWORD)
    user.save()
    assert not any(
        predicate(user)
        for predicate in (
            roles.reads_records,
            roles.edits_records,
            roles.manages_orgs,
            roles.manages_lists,
            roles.manages_accounts,
            roles.assigns_roles,
            roles.reads_audit,
            roles.may_reveal,
        )
    )
    assert not Person.objects.visible_to(user).exists()
    assert list(User.objects.visible_to(user)) == [user]
    client = login(user)
    for url in ("/home/", "/people/", "/orgs/", "/training/", "/audit/", "/accounts/users/"):
        assert client.get(url).status_code == 403, url
    assert client.get("/api/people/").status_code == 403
    assert "尚未为其分配角色" in client.get("/", follow=True).content.decode()


# --- one-time passwords -----------------------------------------------------------------------


def test_sysadmin_reset_gives_a_one_time_password_that_must_be_changed(personas, login):
    clerk = personas.chengguan_clerk
    response = login(personas.sysadmin).post(f"/accounts/users/{clerk.pk}/password/", {})
    assert response.status_code == 200
    one_time = shown_password(response)
    clerk.refresh_from_db()
    assert clerk.check_password(one_time)
    assert clerk.must_change_password
    reset = AuditEvent.objects.get(
        action=AuditAction.UPDATE, object_id=str(clerk.pk), detail__password="reset_one_time"
    )
    assert reset.username == "sysadmin"
    assert one_time not in str(reset.detail) + str(reset.changes)
    # The clerk logs in with it and can open nothing but the password change.
    client = Client()
    client.post("/accounts/login/", {"username": clerk.username, "password": one_time})
    response = client.get("/people/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/"


def test_typed_reset_password_must_be_changed_too(personas, login):
    clerk = personas.chengguan_clerk
    response = login(personas.chengguan_admin).post(
        f"/accounts/users/{clerk.pk}/password/", {"password": "Fresh-password-2026"}
    )
    assert response.status_code == 302
    clerk.refresh_from_db()
    assert clerk.must_change_password
    assert login(clerk).get("/people/")["Location"] == "/accounts/password/"


def test_account_created_by_a_county_admin_must_change_its_password(county, personas, login):
    response = create_as(
        login(personas.county_admin),
        county.dongguan,
        role=Role.CLERK,
        password="Village-entry-2026",
    )
    assert response.status_code == 302
    assert User.objects.get(username="new_clerk").must_change_password


@pytest.mark.parametrize("target", ["secadmin", "auditor"])
def test_sysadmin_cannot_reset_or_edit_a_three_admins_account(personas, login, target):
    victim = getattr(personas, target)
    client = login(personas.sysadmin)
    response = client.post(
        f"/accounts/users/{victim.pk}/password/", {"password": "Taken-over-2026"}
    )
    assert response.status_code == 404
    response = client.post(
        f"/accounts/users/{victim.pk}/edit/",
        {"display_name": "x", "org": victim.org_id, "is_active": ""},
    )
    assert response.status_code == 404
    victim.refresh_from_db()
    assert victim.check_password(PASSWORD)
    assert victim.is_active and not victim.must_change_password


def test_sysadmin_cannot_move_an_account_that_holds_a_role(county, personas, login):
    admin = personas.chengguan_admin
    response = login(personas.sysadmin).post(
        f"/accounts/users/{admin.pk}/edit/",
        {"display_name": admin.display_name, "org": county.county.pk, "is_active": "on"},
    )
    assert response.status_code == 302
    admin.refresh_from_db()
    assert admin.org == county.chengguan  # a township admin at the county would read it all


# --- the 安全管理员 assigns business roles only --------------------------------------------------


def test_secadmin_assigns_a_role_to_an_account_the_sysadmin_created(county, personas, login):
    create_as(login(personas.sysadmin), county.dongguan)
    new = User.objects.get(username="new_clerk")
    response = login(personas.secadmin).post(
        f"/accounts/users/{new.pk}/roles/", {"role": Role.CLERK, "can_reveal": ""}
    )
    assert response.status_code == 302
    new.refresh_from_db()
    assert new.role == Role.CLERK
    event = AuditEvent.objects.get(action=AuditAction.UPDATE, object_id=str(new.pk))
    assert (event.username, event.changes["role"]) == ("secadmin", ["", Role.CLERK])


@pytest.mark.parametrize("role", [Role.SYSADMIN, Role.SECADMIN, Role.AUDITOR])
def test_secadmin_cannot_give_a_three_admins_role(personas, login, role):
    clerk = personas.chengguan_clerk
    response = login(personas.secadmin).post(f"/accounts/users/{clerk.pk}/roles/", {"role": role})
    assert response.status_code == 200
    assert response.context["form"].errors["role"]
    clerk.refresh_from_db()
    assert clerk.role == Role.CLERK


@pytest.mark.parametrize("target", ["sysadmin", "auditor"])
def test_secadmin_cannot_give_a_three_admins_account_a_business_role(personas, login, target):
    victim = getattr(personas, target)
    response = login(personas.secadmin).post(
        f"/accounts/users/{victim.pk}/roles/", {"role": Role.COUNTY_ADMIN}
    )
    assert response.status_code == 200
    assert "三员账号的角色只能在服务器命令行" in response.content.decode()
    victim.refresh_from_db()
    assert victim.role == target


def test_secadmin_cannot_give_itself_a_business_role(personas, login):
    secadmin = personas.secadmin
    response = login(secadmin).post(
        f"/accounts/users/{secadmin.pk}/roles/", {"role": Role.COUNTY_ADMIN}
    )
    assert response.status_code == 200
    secadmin.refresh_from_db()
    assert secadmin.role == Role.SECADMIN


def test_secadmin_takes_a_role_away(personas, login):
    leader = personas.chengguan_leader
    response = login(personas.secadmin).post(f"/accounts/users/{leader.pk}/roles/", {"role": ""})
    assert response.status_code == 302
    leader.refresh_from_db()
    assert leader.role == ""
    assert login(leader).get("/people/").status_code == 403


# --- no account holds a 三员 role and a business permission --------------------------------------


@pytest.mark.parametrize(
    "flags", [{"can_reveal": True}, {"is_staff": True}, {"is_superuser": True}]
)
@pytest.mark.parametrize("role", [Role.SYSADMIN, Role.SECADMIN, Role.AUDITOR])
def test_a_three_admins_role_holds_no_other_power(county, role, flags):
    user = User(username="combo", role=role, org=county.county, **flags)
    user.set_unusable_password()
    with pytest.raises(ValidationError):
        user.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        user.save()


def test_reveal_permission_needs_a_business_role(county):
    user = User(username="blank_reveal", role="", org=county.county, can_reveal=True)
    user.set_unusable_password()
    with pytest.raises(ValidationError):
        user.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        user.save()


def test_createuser_refuses_a_three_admins_account_with_the_reveal_permission(county):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="查看完整信息"):
        call_command(
            "createuser",
            username="sec2",
            password="Village-entry-2026",
            role=Role.SECADMIN,
            org="示范县",
            can_reveal=True,
        )
    assert not User.objects.filter(username="sec2").exists()


# --- the auditor audits the other two ---------------------------------------------------------


def test_auditor_sees_the_sysadmins_and_secadmins_actions(county, personas, login):
    create_as(login(personas.sysadmin), county.dongguan)
    new = User.objects.get(username="new_clerk")
    login(personas.sysadmin).post(f"/accounts/users/{personas.chengguan_clerk.pk}/password/", {})
    login(personas.secadmin).post(f"/accounts/users/{new.pk}/roles/", {"role": Role.CLERK})
    auditor = login(personas.auditor)
    for who in ("sysadmin", "secadmin"):
        page = auditor.get("/audit/", {"username": who}).content.decode()
        assert "new_clerk" in page, who
    page = auditor.get("/audit/", {"username": "sysadmin"}).content.decode()
    assert "reset_one_time" in page
    for other in ("sysadmin", "secadmin"):
        assert login(getattr(personas, other)).get("/audit/").status_code == 403


def test_a_three_admins_password_is_reset_on_the_command_line(personas):
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command("resetpassword", "auditor", stdout=out)
    one_time = out.getvalue().split()[-1]
    auditor = User.objects.get(username="auditor")
    assert auditor.check_password(one_time)
    assert auditor.must_change_password
    event = AuditEvent.objects.get(detail__password="reset_one_time", object_id=str(auditor.pk))
    assert event.username == "system:resetpassword"
