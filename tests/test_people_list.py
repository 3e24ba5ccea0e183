"""The people list (issue 12 item 12): each person's 人才类别, a page size (20/50/100) and a jump
to a page in the shared pagination every list uses, and one 学历 vocabulary — the GB/T 4658
codes stored, the groups offices use (codes.EDUCATION_GROUPS) shown in the form, the filter,
the import template's drop-down, the list and the export."""

import datetime
import re

import pytest
from conftest import make_id
from helpers import edit_form_data

from rencai.imports.sheets import get_sheet
from rencai.people.models import Person
from rencai.people.persons import PersonForm
from rencai.people.persons_filter import PersonFilter
from rencai.standards import codes
from tests.records_support import export_table

GROUPS = [label for _group, label in codes.EDUCATION_GROUPS]


def crowd(home, n: int) -> None:
    for seq in range(n):
        Person.objects.create(
            name=f"测试{seq:02d}",
            id_number=make_id("19800101", 100 + seq),
            gender="1",
            birth_date=datetime.date(1980, 1, 1),
            home_org=home,
        )


def test_the_list_shows_each_persons_categories(people, personas, login):
    html = login(personas.county_admin).get("/people/").content.decode()
    row = re.search(r"<tr>\s*<td><a[^>]*>张三</a>.*?</tr>", html, re.S).group(0)
    assert "农村实用人才" in row
    row = re.search(r"<tr>\s*<td><a[^>]*>李四</a>.*?</tr>", html, re.S).group(0)
    assert "专业技术人才" in row


@pytest.mark.parametrize(("size", "per_page"), [("20", 20), ("50", 50), ("100", 100), ("7", 50)])
def test_a_page_size_is_chosen_from_20_50_100(county, people, personas, login, size, per_page):
    crowd(county.dongguan, 60)  # 63 in all
    response = login(personas.county_admin).get("/people/", {"size": size})
    page = response.context["page"]
    assert page.paginator.per_page == per_page and page.size == per_page
    html = response.content.decode()
    assert "每页" in html
    for other in (20, 50, 100):
        if other != per_page:
            assert f"size={other}" in html


def test_jumping_to_a_page_keeps_the_filters_and_the_size(county, people, personas, login):
    crowd(county.dongguan, 45)
    client = login(personas.county_admin)
    response = client.get("/people/", {"q": "测试", "size": "20"})
    html = response.content.decode()
    jump = re.search(r'<form method="get" class="[^"]*page-jump.*?</form>', html, re.S).group(0)
    assert 'name="q" value="测试"' in jump and 'name="size" value="20"' in jump
    assert 'name="page"' in jump and 'max="3"' in jump
    response = client.get("/people/", {"q": "测试", "size": "20", "page": "3"})
    page = response.context["page"]
    assert page.number == 3 and len(page.object_list) == 5


def test_every_list_gets_the_page_size_and_jump(county, people, personas, login):
    """The mechanism is in the shared pagination: the audit log has it too."""
    crowd(county.dongguan, 30)
    html = login(personas.auditor).get("/audit/", {"size": "20"}).content.decode()
    assert "page-jump" in html and "每页" in html


def test_one_education_vocabulary_in_form_filter_template_and_export(people, personas, login):
    form = PersonForm(instance=people.zhang_san, user=personas.county_admin)
    assert [label for code, label in form.fields["education"].choices if code] == GROUPS
    assert form.initial["education"] == "30"
    person_filter = PersonFilter(request=None)
    assert [str(c[1]) for c in person_filter.form.fields["education"].choices if c[0]] == GROUPS
    column = next(c for c in get_sheet("persons").columns if c.key == "education")
    assert list(column.choices) == GROUPS
    for label in GROUPS:  # every label the drop-down offers imports as a code
        assert codes.education_group_of(codes.EDUCATION.lookup(label).code)


def test_a_fine_code_is_shown_as_its_group_and_kept(people, personas, login):
    li = people.li_si
    li.education = "80"  # 小学: in 初中及以下
    li.save()
    zhang = people.zhang_san
    zhang.education = "31"  # 大学专科毕业
    zhang.save()
    client = login(personas.county_admin)
    names = [p.name for p in client.get("/people/", {"education": "70"}).context["page"]]
    assert names == ["李四"]
    html = client.get("/people/", {"education": "70"}).content.decode()
    assert "初中及以下" in html and "<td>小学</td>" not in html
    table = export_table(client, "/people/export.xlsx?education=30")
    header = table[0]
    column = next(i for i, h in enumerate(header) if str(h).startswith("学历"))
    assert [row[column] for row in table[1:]] == ["大学专科"]
    # editing without touching 学历 keeps the finer code; choosing a group stores its head
    assert client.post(f"/people/{zhang.pk}/edit/", edit_form_data(zhang)).status_code == 302
    assert Person.objects.get(pk=zhang.pk).education == "31"
    data = edit_form_data(zhang, education="20")
    assert client.post(f"/people/{zhang.pk}/edit/", data).status_code == 302
    assert Person.objects.get(pk=zhang.pk).education == "20"


def test_an_import_of_the_group_keeps_the_finer_code() -> None:
    assert codes.refined("education", "30", "31") == "31"
    assert codes.refined("education", "70", "80") == "80"
    assert codes.refined("education", "20", "31") == "20"
    assert codes.refined("education", "21", "20") == "21"
    assert codes.refined("education", "30", "") == "30"
    assert codes.refined("political_status", "01", "13") == "01"
