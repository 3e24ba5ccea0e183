"""Masking that cannot be rebuilt (docs/design.md, "Masking that cannot be rebuilt").

Each non-reveal role's whole view of a crowd of people — list, detail and edit pages, the API,
the person export, the 培训台账 list, page and export, and for the auditor the audit log — is
gathered, and every full ID number is rebuilt by brute force over what that view leaves
unknown, using every visible fact: the county's region code, birth year and month, gender,
the characters of any mask, and the day if a full birth date shows anywhere. No number may come
out unique; each must keep at least 1,000 candidates.
"""

import calendar
import datetime
import io
import json
import random
import re
from dataclasses import dataclass

import pytest
from conftest import make_id
from imports.support import validate
from imports.workbooks import persons_xlsx
from openpyxl import load_workbook

from rencai.audit.context import acting_as
from rencai.audit.models import AuditAction, AuditEvent
from rencai.people.models import Person
from rencai.people.validation import CANNOT_REGISTER
from rencai.standards.idnumber import CHECK_CHARS, WEIGHTS, mask_id_number
from rencai.training.models import Attendance
from tests.test_api import new_person, post_json, token_client
from tests.test_people import new_person_data
from tests.test_training import Training

NON_REVEAL = ["county_admin", "chengguan_admin", "chengguan_clerk", "chengguan_leader", "auditor"]
FULL_ID = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
MOBILE = re.compile(r"(?<![0-9A-Za-z])1[3-9]\d{9}(?![0-9A-Za-z])")
MASK = re.compile(r"[0-9X*]{18}")
MIN_CANDIDATES = 1000


@dataclass
class Crowd:
    people: list[Person]


@pytest.fixture
def crowd(county, people, personas) -> Crowd:
    """24 people of 城关镇 with birth dates in every month (February and 31-day months included),
    and phones; each attends 城关镇's course, so the 培训台账 shows them too."""
    rng = random.Random(20261203)
    training = Training(county, people)
    crowd = []
    with acting_as(personas.county_admin):
        for i in range(24):
            birth = datetime.date(1960 + i, i % 12 + 1, rng.randint(1, 28))
            number = make_id(birth.strftime("%Y%m%d"), rng.randint(1, 999))
            person = Person.objects.create(
                name=f"群众{i:02d}",
                id_number=number,
                gender="1" if int(number[16]) % 2 else "2",
                birth_date=birth,
                phone=f"139{rng.randint(0, 99_999_999):08d}",
                home_org=county.dongguan if i % 2 else county.xiguan,
            )
            Attendance.objects.create(program=training.chengguan_course, person=person)
            crowd.append(person)
    return Crowd(crowd)


def _workbook_text(content: bytes) -> str:
    book = load_workbook(io.BytesIO(content), read_only=True)
    return "\n".join(
        " ".join("" if v is None else str(v) for v in row)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
    )


BUSINESS_VIEWS = {
    "/people/",
    "/api/people/",
    "/people/export.xlsx",
    "/training/attendances/",
    "/training/attendances/export.xlsx",
}


def seen_by(client, crowd: Crowd, opened: set[str] | None = None) -> str:
    """Everything a role's client can open about the crowd, as one text (pages it may not open
    answer 403/404 and add nothing); the URLs that answered go into `opened`."""
    texts = []
    opened = opened if opened is not None else set()

    def get(url: str, **params) -> None:
        response = client.get(url, params)
        if response.status_code != 200:
            return
        opened.add(url)
        if response.get("Content-Type", "").startswith("application/vnd.openxmlformats"):
            texts.append(_workbook_text(b"".join(response.streaming_content)))
        else:
            texts.append(response.content.decode())

    get("/people/")
    get("/api/people/")
    get("/people/export.xlsx")
    for person in crowd.people:
        get(f"/people/{person.pk}/")
        get(f"/people/{person.pk}/edit/")
        get(f"/api/people/{person.pk}/")
    get("/training/attendances/")
    get("/training/attendances/export.xlsx")
    for program in {a.program_id for a in Attendance.objects.all()}:
        get(f"/training/programs/{program}/")
    get("/audit/")
    pages = AuditEvent.objects.count() // 50 + 1
    for page in range(2, pages + 1):
        get("/audit/", page=page)
    for pk in AuditEvent.objects.values_list("pk", flat=True):
        get(f"/audit/{pk}/")
    return "\n".join(texts)


def candidates(number: str, text: str) -> int:
    """How many ID numbers agree with every fact about `number` visible in `text`: its region
    (the county's), birth year and month, gender (parity of digit 17), the characters of any
    mask of it, and its day when a full birth date shows."""
    known: dict[int, str] = {}
    for token in MASK.findall(text):
        if "*" in token and all(c in ("*", n) for c, n in zip(token, number, strict=True)):
            known.update((i, c) for i, c in enumerate(token) if c != "*")
    year, month = int(number[6:10]), int(number[10:12])
    day_known = birth_shown(number, text)
    days = [int(number[12:14])] if day_known else range(1, calendar.monthrange(year, month)[1] + 1)
    head = sum(int(c) * w for c, w in zip(number[:12], WEIGHTS, strict=False))
    parity = int(number[16]) % 2
    count = 0
    for day in days:
        dd = f"{day:02d}"
        if any(known.get(12 + i, c) != c for i, c in enumerate(dd)):
            continue
        s_day = head + int(dd[0]) * WEIGHTS[12] + int(dd[1]) * WEIGHTS[13]
        for seq in range(1000):
            digits = f"{seq:03d}"
            if int(digits[2]) % 2 != parity:
                continue
            if any(known.get(14 + i, c) != c for i, c in enumerate(digits)):
                continue
            total = s_day + sum(int(c) * WEIGHTS[14 + i] for i, c in enumerate(digits))
            if known.get(17, CHECK_CHARS[total % 11]) != CHECK_CHARS[total % 11]:
                continue
            count += 1
    return count


def birth_shown(number: str, text: str) -> bool:
    """Whether the full birth date in `number` appears in any of the forms pages use."""
    d = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    return any(
        form in text
        for form in (d.isoformat(), f"{d.year}年{d.month}月{d.day}日", d.strftime("%Y%m%d"))
    )


@pytest.mark.parametrize("persona", NON_REVEAL)
def test_no_masked_id_can_be_rebuilt_from_what_a_role_sees(crowd, personas, login, persona):
    user = getattr(personas, persona)
    assert not user.can_reveal
    opened: set[str] = set()
    text = seen_by(login(user), crowd, opened)
    assert opened >= ({"/audit/"} if persona == "auditor" else BUSINESS_VIEWS)
    if persona != "auditor":
        seen = sum(p.name in text for p in crowd.people)
        assert seen >= len(crowd.people) // 2, "the role should see (part of) the crowd"
    for person in crowd.people:
        found = candidates(person.id_number, text)
        assert found >= MIN_CANDIDATES, (person.name, mask_id_number(person.id_number), found)


@pytest.mark.parametrize("persona", NON_REVEAL)
def test_no_full_id_phone_or_birth_date_reaches_a_non_reveal_role(crowd, personas, login, persona):
    text = seen_by(login(getattr(personas, persona)), crowd)
    assert not FULL_ID.search(text)
    assert not MOBILE.search(text)
    for person in crowd.people:
        assert not birth_shown(person.id_number, text), person.name


def test_the_old_mask_with_the_birth_date_is_rebuilt():
    """The arithmetic of the finding: 4 + 4 characters next to a full birth date leave one
    number; the new mask next to the birth month leaves more than a thousand."""
    number = make_id("19850312", 123)
    old = f"{number[:4]}**********{number[-4:]} 1985-03-12"
    assert candidates(number, old) == 1
    assert candidates(number, f"{mask_id_number(number)} 1985-03") >= MIN_CANDIDATES


# --- the ID-tail search -------------------------------------------------------------------------

REFUSED = "按身份证号查找时最多输入末尾 6 位"


def list_names(client, q: str) -> tuple[set[str], str]:
    response = client.get("/people/", {"q": q})
    assert response.status_code == 200
    return {p.name for p in response.context["page"].object_list}, response.content.decode()


def test_a_tail_of_six_characters_finds_the_person(people, personas, login):
    li = people.li_si
    found, _html = list_names(login(personas.county_admin), li.id_number[-6:])
    assert found == {"李四"}


@pytest.mark.parametrize("length", [7, 12, 18])
def test_a_longer_tail_is_refused_and_confirms_nothing(people, personas, login, length):
    li = people.li_si
    tail = li.id_number[-length:]
    client = login(personas.county_admin)  # sees 李四, but may not reveal
    found, html = list_names(client, tail)
    assert found == set()
    assert REFUSED in html
    api = client.get("/api/people/", {"q": tail})
    assert api.status_code == 400
    assert REFUSED in api.content.decode()
    export = client.get("/people/export.xlsx", {"q": tail})
    assert "李四" not in _workbook_text(b"".join(export.streaming_content))
    assert not AuditEvent.objects.filter(action=AuditAction.REVEAL).exists()


@pytest.mark.parametrize("how", ["list", "api"])
def test_a_full_id_search_by_a_user_who_may_reveal_is_an_audited_reveal(
    people, personas, login, how
):
    admin = personas.county_admin
    admin.can_reveal = True
    admin.save()
    li = people.li_si
    client = login(admin)
    if how == "list":
        found, _html = list_names(client, li.id_number)
    else:
        body = client.get("/api/people/", {"q": li.id_number}).json()
        found = {row["name"] for row in body["results"]}
    assert found == {"李四"}
    event = AuditEvent.objects.get(action=AuditAction.REVEAL)
    assert (event.username, event.object_id) == ("county_admin", str(li.pk))
    assert event.detail == {"search": mask_id_number(li.id_number), "matches": 1}
    assert li.id_number not in json.dumps(event.detail)


# --- the audit log: free text masked when written and when shown ---------------------------------


def test_an_export_filtered_by_an_id_number_is_logged_and_shown_masked(people, personas, login):
    li = people.li_si
    admin = personas.county_admin
    admin.can_reveal = True  # may search the full number
    admin.save()
    export = login(admin).get("/people/export.xlsx", {"q": li.id_number})
    assert "李四" in _workbook_text(b"".join(export.streaming_content))
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert event.detail["filters"] == {"q": mask_id_number(li.id_number)}
    auditor = login(personas.auditor)
    for url in ("/audit/", f"/audit/{event.pk}/"):
        html = auditor.get(url).content.decode()
        assert mask_id_number(li.id_number) in html
        assert li.id_number not in html


def test_old_rows_with_full_numbers_are_shown_masked(people, personas, login):
    """Rows written before masking reached every field (an export's filters, a label, a diff
    with the full birth date) are masked on the auditor's pages."""
    from django.contrib.contenttypes.models import ContentType

    zhang = people.zhang_san
    old = AuditEvent(
        action=AuditAction.UPDATE,
        username="county_admin",
        content_type=ContentType.objects.get_for_model(Person),
        object_id=str(zhang.pk),
        object_repr=f"张三 {zhang.phone}",
        changes={"birth_date": ["1985-03-12", "1985-03-12"], "notes": ["", zhang.id_number]},
        detail={"filters": {"q": zhang.id_number}, "note": f"电话 {zhang.phone}"},
    )
    old.save()
    auditor = login(personas.auditor)
    for url in ("/audit/", f"/audit/{old.pk}/"):
        html = auditor.get(url).content.decode()
        assert not FULL_ID.search(html)
        assert not MOBILE.search(html)
        assert "1985-03-12" not in html
        assert mask_id_number(zhang.id_number) in html


# --- registration probing: one answer for a number out of reach ----------------------------------


def test_the_form_and_the_api_give_one_answer_for_a_number_out_of_reach(
    people, county, personas, login
):
    li = people.li_si  # lives in 青山镇: out of 城关镇's reach
    answers = set()
    for name in ("李四", "别人"):
        response = login(personas.chengguan_admin).post(
            "/people/new/", new_person_data(county.dongguan, id_number=li.id_number, name=name)
        )
        answers.add(" ".join(response.context["form"].errors["id_number"]))
        api = post_json(
            token_client(personas.chengguan_admin),
            "/api/people/",
            new_person(county.dongguan, id_number=li.id_number, name=name),
        )
        answers.add(" ".join(api.json()["id_number"]))
    assert answers == {str(CANNOT_REGISTER)}


def _sheet_answers(user, rows: list[list]) -> list[str]:
    outcome = validate(user, persons_xlsx(rows, SHEET_HEADER))
    return [str(p).split("：", 1)[1] for p in outcome.problems]


SHEET_HEADER = ["人员编号", "姓名", "身份证号", "户籍/居住地"]


def test_the_people_sheet_gives_one_answer_whatever_the_name_or_mask(people, personas):
    li = people.li_si
    home = li.home_org.name_path
    wrong_mask = li.id_number[:4] + "*" * 13 + ("0" if li.id_number[-1] != "0" else "1")
    full = [
        _sheet_answers(personas.chengguan_admin, [[None, name, li.id_number, home]])
        for name in ("李四", "别人")
    ]
    assert full == [[str(CANNOT_REGISTER)]] * 2
    masked = [
        _sheet_answers(personas.chengguan_admin, [[li.pk, "李四", mask, home]])
        for mask in (mask_id_number(li.id_number), wrong_mask)
    ]
    assert len(masked[0]) == 1 and masked[0] == masked[1]
