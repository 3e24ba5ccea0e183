"""Smaller page fixes of issue 12 item 15: the role page names its account, the auditor's
header does not repeat its role, 报送率 is printed once on the round's page."""

import pytest

pytestmark = pytest.mark.django_db


def test_the_role_page_names_the_account(login, personas):
    personas.chengguan_clerk.display_name = "张科员"
    personas.chengguan_clerk.save()
    html = login(personas.secadmin).get(f"/accounts/users/{personas.chengguan_clerk.pk}/roles/")
    assert html.status_code == 200
    assert "角色与权限：张科员（chengguan_clerk）" in html.content.decode()


def test_the_header_does_not_repeat_a_role_the_name_says(login, personas):
    personas.auditor.display_name = "审计管理员"
    personas.auditor.save()
    html = login(personas.auditor).get("/audit/").content.decode()
    assert "审计管理员 · 示范县" in html
    assert "审计管理员 · 审计管理员" not in html
    html = login(personas.chengguan_clerk).get("/", follow=True).content.decode()
    assert "chengguan_clerk · 录入员 · 东关村" in html
