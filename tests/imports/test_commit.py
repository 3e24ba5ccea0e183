"""Dry run, then commit: the counts, the Persons and their categories, the import's audit event
and its change entries; importing again changes nothing, export → import is a no-op, a blank
cell keeps the stored value, and another township's person cannot be touched."""

import hashlib
import io
import json

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import translation

from imports.support import (
    Written,
    import_events,
    problems_text,
    validate,
    validate_and_commit,
)
from imports.workbooks import HEADER, XIGUAN, make_id, person_row, persons_xlsx, xlsx_members
from rencai.audit.models import AuditAction, AuditEvent
from rencai.imports.engine import Importer, ImportFailed
from rencai.imports.exports import export_sheet
from rencai.imports.sheets import get_sheet
from rencai.people.models import Person, TalentCategory

ZHAO = make_id("19880808", 41)
QIAN = make_id("19920202", 42)


@pytest.fixture(autouse=True)
def _chinese():
    with translation.override("zh-hans"):
        yield


def _row_of(person: Person, **changes) -> list:
    """The HEADER row of a stored person, every other cell blank."""
    row = [None] * len(HEADER)
    row[HEADER.index("姓名")] = person.name
    row[HEADER.index("身份证号")] = person.id_number
    row[HEADER.index("户籍/居住地")] = person.home_org.name_path
    for label, value in changes.items():
        row[HEADER.index(label)] = value
    return row


def _mixed_file(people, *, bad: bool) -> bytes:
    rows = [
        person_row("赵六", seq=41, categories="农村实用人才、土专家"),
        person_row("钱七", birth="19920202", seq=42, home=XIGUAN, categories="专业技术人才"),
        _row_of(people.zhang_san, 备注="养殖大户", 人才类别="农村实用人才、乡村治理人才"),
        _row_of(people.wang_wu),
    ]
    if bad:
        rows.append(person_row("孙八", seq=43, political="党委书记"))
    return persons_xlsx(rows)


def test_dry_run_counts_every_kind_of_row(personas, people):
    before = Written.now()
    outcome = validate(personas.chengguan_admin, _mixed_file(people, bad=True))
    assert outcome.summary() == {"new": 2, "updated": 1, "unchanged": 1, "rejected": 1, "total": 5}
    assert problems_text(outcome).startswith("第 6 行〔政治面貌〕：政治面貌「党委书记」无法识别")
    assert outcome.spool is None
    with pytest.raises(ImportFailed, match="文件有错误，不能导入"):
        Importer(get_sheet("persons"), personas.chengguan_admin).commit(
            outcome, file_name="x.xlsx", sha256="0" * 64
        )
    assert Written.now() == before


def test_commit_writes_persons_one_import_event_and_one_entry_per_change(personas, people):
    data = _mixed_file(people, bad=False)
    before = Written.now()
    outcome, event = validate_and_commit(personas.chengguan_admin, data, "城关镇人才.xlsx")
    assert outcome.summary() == {"new": 2, "updated": 1, "unchanged": 1, "rejected": 0, "total": 4}
    assert Person.objects.count() == before.persons + 2

    zhao = Person.objects.get(id_number=ZHAO)
    assert (zhao.name, zhao.gender, zhao.home_org.name, zhao.phone) == (
        "赵六",
        "1",
        "东关村",
        "13700001111",
    )
    assert sorted(c.name for c in zhao.categories.all()) == ["农村实用人才", "土专家"]
    qian = Person.objects.get(id_number=QIAN)
    assert (qian.gender, qian.home_org.name) == ("2", "西关村")
    assert [c.name for c in qian.categories.all()] == ["专业技术人才"]
    zhang = Person.objects.get(pk=people.zhang_san.pk)
    assert zhang.notes == "养殖大户"
    assert sorted(c.name for c in zhang.categories.all()) == ["乡村治理人才", "农村实用人才"]

    assert list(import_events()) == [event]
    assert event.user == personas.chengguan_admin
    assert event.detail == {
        "sheet": "persons",
        "file": "城关镇人才.xlsx",
        "sha256": hashlib.sha256(data).hexdigest(),
        "new": 2,
        "updated": 1,
        "unchanged": 1,
        "rejected": 0,
        "total": 4,
    }
    entries = AuditEvent.objects.filter(batch=event)
    person_type = ContentType.objects.get_for_model(Person)
    assert sorted((e.action, e.object_id) for e in entries) == sorted(
        [
            (AuditAction.CREATE, str(zhao.pk)),
            (AuditAction.CREATE, str(qian.pk)),
            (AuditAction.UPDATE, str(zhang.pk)),
        ]
    )
    assert {e.content_type_id for e in entries} == {person_type.pk}
    assert {e.username for e in entries} == {"chengguan_admin"}
    update = entries.get(action=AuditAction.UPDATE)
    assert update.changes["notes"] == ["", "养殖大户"]
    assert update.changes["categories"] == [["农村实用人才"], ["乡村治理人才", "农村实用人才"]]
    created = entries.get(object_id=str(zhao.pk))
    assert created.changes["id_number"] == [None, zhao.masked_id_number]
    assert created.changes["categories"] == [[], ["农村实用人才", "土专家"]]
    # The import event, its three entries — nothing else.
    assert AuditEvent.objects.count() == before.events + 4


def test_importing_the_same_file_again_changes_nothing(personas, people):
    data = _mixed_file(people, bad=False)
    validate_and_commit(personas.chengguan_admin, data)
    before = Written.now()
    outcome, event = validate_and_commit(personas.chengguan_admin, data)
    assert outcome.summary() == {"new": 0, "updated": 0, "unchanged": 4, "rejected": 0, "total": 4}
    assert event is not None and event.detail["unchanged"] == 4
    assert not AuditEvent.objects.filter(batch=event).exists()
    assert Written.now() == Written(before.persons, before.events + 1)


def _export(user, tmp_path, name="导出.xlsx") -> bytes:
    path = tmp_path / name
    export_sheet(get_sheet("persons"), user, {}, str(path))
    return path.read_bytes()


@pytest.mark.parametrize(
    ("persona", "rows"), [("county_admin", 3), ("chengguan_admin", 2), ("outsider_admin", 2)]
)
@pytest.mark.parametrize("reveal", [False, True], ids=["masked", "revealed"])
def test_export_then_import_is_a_no_op(persona, rows, reveal, personas, people, tmp_path):
    user = getattr(personas, persona)
    if reveal:
        user.can_reveal = True
        user.save()
    people.zhang_san.notes = "=1+2 不是公式"
    people.zhang_san.save()
    people.wang_wu.categories.set(
        TalentCategory.objects.filter(name__in=["土专家", "专业技术人才"])
    )
    data = _export(user, tmp_path)
    xml = "".join(xlsx_members(data).values())
    visible = Person.objects.visible_to(user)
    assert visible.count() == rows
    for person in visible:
        assert (person.id_number in xml) is reveal
        assert person.masked_id_number in xml or reveal
    before = Written.now()
    outcome, event = validate_and_commit(user, data, "导出.xlsx")
    assert problems_text(outcome) == ""
    assert outcome.summary() == {
        "new": 0,
        "updated": 0,
        "unchanged": rows,
        "rejected": 0,
        "total": rows,
    }
    assert not AuditEvent.objects.filter(batch=event).exists()
    assert Written.now() == Written(before.persons, before.events + 1)


def test_a_masked_row_cannot_create_a_person(personas, people, tmp_path):
    data = _export(personas.chengguan_admin, tmp_path)
    people.zhang_san.delete()
    before = Written.now()
    outcome = validate(personas.chengguan_admin, data)
    assert "身份证号已脱敏，且与人员编号对应的人员不符；新登记请填写完整身份证号" in (
        problems_text(outcome)
    )
    assert Written.now() == before


def test_a_blank_cell_keeps_the_stored_value(personas, people):
    zhang = people.zhang_san
    row = _row_of(zhang)  # phone, political status, education, categories … all blank
    outcome, _event = validate_and_commit(personas.chengguan_admin, persons_xlsx([row]))
    assert outcome.summary()["unchanged"] == 1
    zhang.refresh_from_db()
    assert (zhang.phone, zhang.political_status, zhang.education, zhang.specialty) == (
        "13812345678",
        "01",
        "30",
        "养殖",
    )
    assert [c.name for c in zhang.categories.all()] == ["农村实用人才"]


def test_a_phone_update_is_logged_masked(personas, people):
    zhang = people.zhang_san
    row = _row_of(zhang, 手机号码="139 0000 1111")
    outcome, event = validate_and_commit(personas.chengguan_admin, persons_xlsx([row]))
    assert outcome.summary()["updated"] == 1
    zhang.refresh_from_db()
    assert zhang.phone == "13900001111"
    entry = AuditEvent.objects.get(batch=event)
    assert entry.changes == {"phone": ["138****5678", "139****1111"]}
    logged = json.dumps([entry.changes, entry.detail, event.detail], ensure_ascii=False)
    assert "13812345678" not in logged and "13900001111" not in logged


def test_a_person_of_another_township_is_rejected(personas, people):
    li = people.li_si
    rows = [person_row(), _row_of(li, 备注="城关镇想改")]
    before = Written.now()
    outcome = validate(personas.chengguan_admin, persons_xlsx(rows))
    assert [str(p) for p in outcome.problems] == [
        "第 3 行〔身份证号〕：该身份证号无法在本单位登记，请联系上级人才办核实"
    ]
    assert outcome.summary() == {"new": 1, "updated": 0, "unchanged": 0, "rejected": 1, "total": 2}
    assert Written.now() == before
    li.refresh_from_db()
    assert li.notes == ""


def test_moving_a_person_out_of_the_jurisdiction_is_rejected(personas, people):
    row = _row_of(people.zhang_san)
    row[HEADER.index("户籍/居住地")] = "示范县/青山镇/石桥村"
    outcome = validate(personas.chengguan_admin, persons_xlsx([row]))
    assert (
        problems_text(outcome) == "第 2 行〔户籍/居住地〕：“示范县/青山镇/石桥村”不在您的管辖范围内"
    )


def test_the_county_admin_may_update_any_township(personas, people):
    row = _row_of(people.li_si, 备注="县里核实")
    outcome, _event = validate_and_commit(personas.county_admin, persons_xlsx([row]))
    assert outcome.summary()["updated"] == 1
    people.li_si.refresh_from_db()
    assert people.li_si.notes == "县里核实"


def test_a_commit_that_fails_writes_nothing(personas, people, monkeypatch):
    """Any failure inside the commit (here: the writer's statements, after the import event)
    rolls back."""
    from rencai.people import bulk

    importer = Importer(get_sheet("persons"), personas.chengguan_admin)
    outcome = importer.validate(io.BytesIO(persons_xlsx([person_row()])), "a.xlsx")
    assert outcome.ok
    before = Written.now()

    def broken(self, cursor, table, columns, rows):
        raise RuntimeError("disk full")

    monkeypatch.setattr(bulk.PersonBulkWriter, "_insert", broken)
    with pytest.raises(RuntimeError):
        importer.commit(outcome, file_name="a.xlsx", sha256="0" * 64)
    assert Written.now() == before
    assert not Person.objects.filter(id_number=ZHAO).exists()


def test_a_person_registered_meanwhile_fails_the_commit_cleanly(personas, people):
    """Between the dry run and the commit someone registers the same ID: the unique index
    stops the commit, which reports it in Chinese and writes nothing."""
    importer = Importer(get_sheet("persons"), personas.chengguan_admin)
    outcome = importer.validate(io.BytesIO(persons_xlsx([person_row()])), "a.xlsx")
    Person.objects.create(
        name="赵六",
        id_number=ZHAO,
        gender="1",
        birth_date="1988-08-08",
        home_org=personas.chengguan_clerk.org,
    )
    before = Written.now()
    with pytest.raises(ImportFailed, match="导入时发现数据已被他人修改"):
        importer.commit(outcome, file_name="a.xlsx", sha256="0" * 64)
    assert Written.now() == before
