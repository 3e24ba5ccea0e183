"""The org tree through the web: create, rename, move, retire, and importing a path sheet."""

import html as htmllib
import io
import random

import pytest
import xlsxwriter
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from rencai.orgs import actions
from rencai.orgs.choices import OrgKind
from rencai.orgs.models import OrgUnit

HEADER = ["组织路径", "类型", "统计用区划代码"]
TITLE = "示范县组织机构导入表（2026年）"
GOOD_ROWS = [
    ["示范县/城关镇/南门社区", "社区", "433130100001"],
    ["示范县/河口镇/柳树村", "", ""],  # both kinds guessed from the names: 镇, 村
    ["示范县/城关镇/东关村", "村", ""],  # exists already
    ["示范县/县农业农村局", "部门", ""],
]
NEW_PATHS = {
    "示范县/城关镇/南门社区",
    "示范县/河口镇",
    "示范县/河口镇/柳树村",
    "示范县/县农业农村局",
}


def unit(name_path: str) -> OrgUnit:
    return OrgUnit.objects.get(name_path=name_path)


def page_text(response) -> str:
    return htmllib.unescape(response.content.decode())


def assert_tree_consistent():
    """Every unit's path, level and name path agree with its parent's."""
    for org in OrgUnit.objects.select_related("parent"):
        if org.parent is None:
            assert (org.path, org.level, org.name_path) == (f"/{org.uid}/", 1, org.name)
        else:
            assert org.path == f"{org.parent.path}{org.uid}/", org.name_path
            assert org.level == org.parent.level + 1, org.name_path
            assert org.name_path == f"{org.parent.name_path}/{org.name}"


# --- create, rename, move, retire ---------------------------------------------------------------


def test_county_admin_creates_a_unit(county, personas, login):
    client = login(personas.county_admin)
    assert client.get("/orgs/new/").status_code == 200
    response = client.post(
        "/orgs/new/",
        {
            "parent": county.chengguan.pk,
            "name": " 南门社区 ",
            "kind": OrgKind.COMMUNITY,
            "division_code": "433130100001",
        },
    )
    assert response.status_code == 302
    created = unit("示范县/城关镇/南门社区")
    assert created.parent == county.chengguan
    assert created.level == 3
    assert created.path == f"{county.chengguan.path}{created.uid}/"
    assert (created.kind, created.division_code) == (OrgKind.COMMUNITY, "433130100001")
    assert_tree_consistent()


def test_create_refuses_a_duplicate_name_and_a_bad_code(county, personas, login):
    client = login(personas.county_admin)
    before = OrgUnit.objects.count()
    response = client.post(
        "/orgs/new/", {"parent": county.chengguan.pk, "name": "东关村", "kind": OrgKind.VILLAGE}
    )
    assert response.status_code == 200
    assert "已有名为“东关村”的组织" in " ".join(response.context["form"].errors["name"])
    response = client.post(
        "/orgs/new/",
        {
            "parent": county.chengguan.pk,
            "name": "南门社区",
            "kind": OrgKind.COMMUNITY,
            "division_code": "43313010000",
        },
    )
    assert response.status_code == 200
    assert "12 位数字" in " ".join(response.context["form"].errors["division_code"])
    assert OrgUnit.objects.count() == before


@pytest.mark.parametrize("role", ["chengguan_admin", "chengguan_clerk", "sysadmin"])
def test_only_the_county_admin_manages_the_tree(county, personas, login, role):
    client = login(getattr(personas, role))
    before = OrgUnit.objects.count()
    response = client.post(
        "/orgs/new/",
        {"parent": county.chengguan.pk, "name": "南门社区", "kind": OrgKind.COMMUNITY},
    )
    assert response.status_code == 403
    assert client.post(f"/orgs/{county.dongguan.pk}/retire/", {"reason": "x"}).status_code == 403
    assert OrgUnit.objects.count() == before
    county.dongguan.refresh_from_db()
    assert county.dongguan.is_active


def test_rename_carries_the_new_name_down_to_descendants(county, personas, login):
    group = county.add("第一村民组", OrgKind.VILLAGER_GROUP, county.dongguan)
    client = login(personas.county_admin)
    response = client.post(
        f"/orgs/{county.chengguan.pk}/edit/",
        {"name": "城关街道", "kind": OrgKind.STREET, "division_code": "433130001000"},
    )
    assert response.status_code == 302
    county.chengguan.refresh_from_db()
    assert county.chengguan.name_path == "示范县/城关街道"
    assert (county.chengguan.kind, county.chengguan.division_code) == (
        OrgKind.STREET,
        "433130001000",
    )
    group.refresh_from_db()
    assert group.name_path == "示范县/城关街道/东关村/第一村民组"
    assert unit("示范县/城关街道/城关镇卫生院") == county.clinic
    assert not OrgUnit.objects.filter(name_path__startswith="示范县/城关镇").exists()
    assert unit("示范县/青山镇/石桥村") == county.shiqiao  # untouched
    assert_tree_consistent()


def test_rename_to_a_sibling_name_is_refused(county, personas, login):
    client = login(personas.county_admin)
    response = client.post(
        f"/orgs/{county.chengguan.pk}/edit/",
        {"name": "青山镇", "kind": OrgKind.TOWNSHIP, "division_code": ""},
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    county.chengguan.refresh_from_db()
    assert county.chengguan.name == "城关镇"
    assert unit("示范县/城关镇/东关村") == county.dongguan


def test_move_carries_path_and_level_down_to_descendants(county, people, personas, login):
    group = county.add("第一村民组", OrgKind.VILLAGER_GROUP, county.dongguan)
    client = login(personas.county_admin)
    response = client.post(f"/orgs/{county.chengguan.pk}/move/", {"new_parent": county.qingshan.pk})
    assert response.status_code == 302
    county.chengguan.refresh_from_db()
    assert county.chengguan.parent == county.qingshan
    assert county.chengguan.level == 3
    assert county.chengguan.path.startswith(county.qingshan.path)
    group.refresh_from_db()
    assert group.level == 5
    assert group.name_path == "示范县/青山镇/城关镇/东关村/第一村民组"
    assert group.path.startswith(county.chengguan.path)
    for child in (county.dongguan, county.xiguan, county.clinic):
        child.refresh_from_db()
        assert child.level == 4
        assert child.path == f"{county.chengguan.path}{child.uid}/"
    assert_tree_consistent()
    # Jurisdictions follow the tree: 青山镇's admin now sees 张三 of 东关村.
    names = {p.name for p in login(personas.outsider_admin).get("/people/").context["page"]}
    assert "张三" in names


def test_move_to_a_higher_level_shortens_descendant_paths(county, personas, login):
    group = county.add("第一村民组", OrgKind.VILLAGER_GROUP, county.dongguan)
    client = login(personas.county_admin)
    response = client.post(f"/orgs/{county.dongguan.pk}/move/", {"new_parent": county.county.pk})
    assert response.status_code == 302
    group.refresh_from_db()
    assert (group.level, group.name_path) == (3, "示范县/东关村/第一村民组")
    assert_tree_consistent()


def test_moving_under_an_own_descendant_is_refused(county, personas, login):
    client = login(personas.county_admin)
    response = client.post(f"/orgs/{county.chengguan.pk}/move/", {"new_parent": county.dongguan.pk})
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors["new_parent"])
    assert any("\u4e00" <= ch <= "\u9fff" for ch in errors), errors
    county.chengguan.refresh_from_db()
    assert county.chengguan.parent == county.county

    with pytest.raises(ValidationError) as excinfo:
        actions.move_org(
            county.chengguan, new_parent=county.dongguan, acting_user=personas.county_admin
        )
    assert "不能把组织移动到它自己或它的下级之下" in excinfo.value.messages
    with pytest.raises(ValidationError):
        actions.move_org(
            county.chengguan, new_parent=county.chengguan, acting_user=personas.county_admin
        )
    assert_tree_consistent()


def test_the_county_itself_cannot_be_moved(county, personas, login):
    client = login(personas.county_admin)
    response = client.post(
        f"/orgs/{county.county.pk}/move/", {"new_parent": county.chengguan.pk}, follow=True
    )
    assert "县级组织不能移动" in page_text(response)
    county.county.refresh_from_db()
    assert county.county.parent is None


def test_retire_needs_a_reason(county, personas, login):
    client = login(personas.county_admin)
    response = client.post(f"/orgs/{county.xiguan.pk}/retire/", {"reason": "  "})
    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    county.xiguan.refresh_from_db()
    assert county.xiguan.is_active

    response = client.post(f"/orgs/{county.xiguan.pk}/retire/", {"reason": "并入东关村"})
    assert response.status_code == 302
    county.xiguan.refresh_from_db()
    assert not county.xiguan.is_active
    assert county.xiguan.retired_reason == "并入东关村"
    assert county.xiguan not in client.get("/orgs/").context["units"]
    assert county.xiguan in client.get("/orgs/", {"retired": "1"}).context["units"]


def test_retire_is_refused_while_active_children_remain(county, personas, login):
    client = login(personas.county_admin)
    response = client.post(f"/orgs/{county.chengguan.pk}/retire/", {"reason": "撤乡并镇"})
    assert response.status_code == 200
    assert "还有在用的下级组织" in page_text(response)
    county.chengguan.refresh_from_db()
    assert county.chengguan.is_active


def test_retired_unit_is_no_longer_offered_for_new_records(county, personas, login):
    actions.retire_org(county.xiguan, reason="并村", acting_user=personas.county_admin)
    client = login(personas.county_admin)
    form = client.get("/people/new/").context["form"]
    assert county.xiguan not in form.fields["home_org"].queryset
    assert county.dongguan in form.fields["home_org"].queryset


# --- import -------------------------------------------------------------------------------------


def xlsx(rows: list[list], title: str | None = TITLE, header: list[str] | None = None) -> bytes:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet("组织")
    r = 0
    if title:
        sheet.merge_range(0, 0, 0, 2, title)
        r = 1
    sheet.write_row(r, 0, header or HEADER)
    for i, row in enumerate(rows, start=r + 1):
        for j, value in enumerate(row):
            if isinstance(value, str):
                sheet.write_string(i, j, value)
            else:
                sheet.write_number(i, j, value)
    workbook.close()
    return buffer.getvalue()


def csv_bytes(rows: list[list], encoding: str) -> bytes:
    lines = [f"{TITLE},,", ",".join(HEADER), *(",".join(map(str, row)) for row in rows)]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def upload(client, name: str, data: bytes, follow: bool = False):
    return client.post("/orgs/import/", {"file": SimpleUploadedFile(name, data)}, follow=follow)


def org_snapshot() -> list[tuple]:
    return list(OrgUnit.objects.order_by("id").values_list("id", "name_path", "kind", "level"))


@pytest.mark.parametrize(
    ("filename", "encoding"),
    [("组织.xlsx", None), ("组织.csv", "utf-8-sig"), ("组织.csv", "gb18030")],
)
def test_import_of_a_path_sheet_creates_the_missing_units(
    county, personas, login, filename, encoding
):
    client = login(personas.county_admin)
    data = xlsx(GOOD_ROWS) if encoding is None else csv_bytes(GOOD_ROWS, encoding)
    response = upload(client, filename, data, follow=True)
    assert response.status_code == 200
    assert "新增 4 个组织" in page_text(response)
    for path in NEW_PATHS:
        assert OrgUnit.objects.filter(name_path=path).exists(), path
    assert unit("示范县/城关镇/南门社区").kind == OrgKind.COMMUNITY
    assert unit("示范县/城关镇/南门社区").division_code == "433130100001"
    assert unit("示范县/河口镇").kind == OrgKind.TOWNSHIP
    assert unit("示范县/河口镇/柳树村").kind == OrgKind.VILLAGE
    assert unit("示范县/县农业农村局").kind == OrgKind.DEPARTMENT
    assert OrgUnit.objects.filter(name="东关村").count() == 1
    assert_tree_consistent()

    before = org_snapshot()
    response = upload(client, filename, data, follow=True)
    assert "新增 0 个组织" in page_text(response)
    assert org_snapshot() == before


def test_import_reads_a_numeric_code_cell_as_text(county, personas, login):
    client = login(personas.county_admin)
    response = upload(client, "组织.xlsx", xlsx([["示范县/城关镇/北街社区", "社区", 433130100002]]))
    assert response.status_code == 302
    assert unit("示范县/城关镇/北街社区").division_code == "433130100002"


def test_import_without_a_title_row_works_too(county, personas, login):
    client = login(personas.county_admin)
    response = upload(client, "组织.xlsx", xlsx(GOOD_ROWS[:1], title=None))
    assert response.status_code == 302
    assert OrgUnit.objects.filter(name_path="示范县/城关镇/南门社区").exists()


def test_import_with_bad_rows_creates_nothing_and_lists_each_error(county, personas, login):
    rows = [
        ["示范县/城关镇/南门社区", "社区", "433130100001"],  # row 3: fine
        ["别的县/城关镇/北门村", "村", ""],  # row 4
        ["示范县/城关镇/新建村", "星球", ""],  # row 5
        ["示范县/城关镇/河湾村", "村", "43313010020"],  # row 6: 11 digits
    ]
    client = login(personas.county_admin)
    before = org_snapshot()
    for filename, data in (("组织.xlsx", xlsx(rows)), ("组织.csv", csv_bytes(rows, "utf-8-sig"))):
        response = upload(client, filename, data)
        assert response.status_code == 200
        text = page_text(response)
        assert "第 4 行〔组织路径〕：" in text
        assert "别的县" in text
        assert "第 5 行〔类型〕：" in text
        assert "星球" in text
        assert "第 6 行〔统计用区划代码〕：" in text
        assert "43313010020" in text
        assert "第 3 行" not in text
        assert org_snapshot() == before


def test_import_of_a_leaf_whose_kind_cannot_be_guessed_asks_for_the_kind(county, personas, login):
    client = login(personas.county_admin)
    response = upload(client, "组织.xlsx", xlsx([["示范县/城关镇/张家湾", "", ""]]))
    assert response.status_code == 200
    assert "第 3 行〔类型〕：" in page_text(response)
    assert not OrgUnit.objects.filter(name="张家湾").exists()


def test_import_of_an_unknown_intermediate_unit_asks_for_its_own_row(county, personas, login):
    client = login(personas.county_admin)
    before = org_snapshot()
    rows = [["示范县/城关镇/南门社区", "社区", ""], ["示范县/张家湾/李家村", "村", ""]]
    response = upload(client, "组织.xlsx", xlsx(rows))
    assert response.status_code == 200
    text = page_text(response)
    assert "第 4 行〔组织路径〕：" in text
    assert "张家湾" in text
    assert org_snapshot() == before  # 南门社区 is not created either


@pytest.mark.parametrize(
    ("filename", "data", "message"),
    [
        ("组织.xlsx", random.Random(7).randbytes(4096), "无法读取该文件"),
        ("组织.xls", random.Random(8).randbytes(4096), "无法读取该文件"),
        ("组织.xlsx", b"PK\x03\x04" + random.Random(9).randbytes(512), "无法读取该文件"),
        ("组织.xlsx", b"", "空文件"),
        ("组织.txt", "组织路径\n示范县/城关镇/南门社区\n".encode(), "不支持的文件类型"),
        ("组织.csv", b"\xff\xfe\x00\xd8garbage\x81\x30", "编码无法识别"),
    ],
    ids=["random-xlsx", "random-xls", "broken-zip", "empty", "txt", "bad-encoding"],
)
def test_unreadable_files_give_a_chinese_message_and_no_500(
    county, personas, login, filename, data, message
):
    client = login(personas.county_admin)
    before = org_snapshot()
    response = upload(client, filename, data)
    assert response.status_code == 200
    assert message in page_text(response)
    assert org_snapshot() == before


@pytest.mark.parametrize("filename", ["组织.xlsx", "组织.csv"])
def test_a_sheet_without_the_path_header_is_refused(county, personas, login, filename):
    header = ["名称", "类型", "代码"]
    rows = [["示范县/城关镇/南门社区", "社区", ""]]
    if filename.endswith(".xlsx"):
        data = xlsx(rows, header=header)
    else:
        data = "\n".join([",".join(header), ",".join(rows[0])]).encode("utf-8")
    client = login(personas.county_admin)
    response = upload(client, filename, data)
    assert response.status_code == 200
    assert "找不到表头" in page_text(response)
    assert not OrgUnit.objects.filter(name="南门社区").exists()


def test_import_is_for_the_county_admin_only(county, personas, login):
    client = login(personas.chengguan_admin)
    response = upload(client, "组织.xlsx", xlsx(GOOD_ROWS))
    assert response.status_code == 403
    assert not OrgUnit.objects.filter(name="南门社区").exists()
