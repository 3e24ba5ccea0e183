"""Role rules that guard the separation of duties (三员分立) and accounts without a unit."""

from rencai.accounts.models import User
from rencai.accounts.roles import Role


def test_secadmin_cannot_change_own_role(personas, login):
    client = login(personas.secadmin)
    response = client.post(
        f"/accounts/users/{personas.secadmin.pk}/roles/",
        {"role": Role.COUNTY_ADMIN, "can_reveal": "on"},
    )
    assert response.status_code == 200
    assert "不能修改自己的角色和权限" in response.content.decode()
    personas.secadmin.refresh_from_db()
    assert personas.secadmin.role == Role.SECADMIN
    assert not personas.secadmin.can_reveal


def test_secadmin_changes_another_accounts_role(personas, login):
    client = login(personas.secadmin)
    response = client.post(
        f"/accounts/users/{personas.chengguan_clerk.pk}/roles/",
        {"role": Role.LEADER, "can_reveal": "on"},
    )
    assert response.status_code == 302
    personas.chengguan_clerk.refresh_from_db()
    assert personas.chengguan_clerk.role == Role.LEADER
    assert personas.chengguan_clerk.can_reveal


def test_business_account_without_unit_is_refused_not_crashed(county, login):
    orphan = User.objects.create_user("orphan", password="x", role=Role.TOWNSHIP_ADMIN)
    client = login(orphan)
    for url in ("/home/", "/people/", "/orgs/", "/people/categories/"):
        assert client.get(url).status_code == 403, url
    assert client.get("/api/people/").status_code == 403
