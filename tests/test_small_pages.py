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


def test_the_overview_links_to_the_figure_rules_page(login, personas):
    import re

    from rencai import figures

    client = login(personas.county_admin)
    overview = client.get("/training/").content.decode()
    assert "docs/figures.md" not in overview
    link = re.search(r'href="([^"]+)">各统计数的口径说明', overview)
    assert link, "the overview's footnote links to the 口径说明 page"
    page = client.get(link.group(1))
    assert page.status_code == 200
    text = page.content.decode()
    assert "口径说明" in text
    for figure in figures.registry().values():
        assert f'id="{figure.key}"' in text
        assert str(figure.label) in text and str(figure.measure) in text
    assert login(personas.auditor).get(link.group(1)).status_code == 403


def test_category_counts_agree_with_the_workbench(login, personas, people):
    """人才类别's 本辖区在册人数 counts 在册 persons, as the 工作台's 在册人才 by category does."""
    import re

    from rencai.people.choices import PersonStatus

    people.zhang_san.status = next(s for s, _label in PersonStatus.choices if s != "active")
    people.zhang_san.save()
    client = login(personas.county_admin)
    page = client.get("/people/categories/").content.decode()
    assert "本辖区在册人数" in page
    farmer = re.search(r"农村实用人才</td>.*?status=active\">(\d+)</a>", page, re.S)
    assert farmer and farmer.group(1) == "0"  # 张三, the only one, is no longer 在册
    listed = client.get(farmer.group(0).split('href="')[-1].split('"')[0].replace("&amp;", "&"))
    assert listed.status_code == 200
