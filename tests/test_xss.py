"""Stored XSS: whatever a user typed into a record comes back as text, never as markup.

Story: the demo county (every record type of 人、育 and 普查) has every free-text field of every
row — person and unit names, notes, programme names, places, teachers, findings … — overwritten
with hostile values. The county admin then walks the site by following its links from the home
page: every list, detail, create and edit page (and the overview pages). No page may carry a
payload unescaped. The auditor walks the audit log the same way.
"""

import re
from collections import Counter
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.db import models

from rencai.accounts.roles import Role
from rencai.audit.context import acting_as
from rencai.audit.models import AuditEvent
from rencai.census import actions as census_actions
from rencai.census.models import CensusUnit, Demand
from rencai.demo import builder
from rencai.people.models import Person
from rencai.training.models import TrainingProgram
from tests.conftest import make_user

PAYLOADS = (
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
)
# What a payload looks like when it was NOT escaped.
UNESCAPED = ("<script>alert(1)", "<img src=x onerror", 'href="javascript:', "href='javascript:")

# Text columns that are identifiers with a format of their own, not free text a user types in.
NOT_FREE_TEXT = {
    "uid", "path", "division_code", "password", "username", "email", "id_number",
    "id_reversed", "phone", "name_initials", "sha256", "stored_path", "spool", "error_file",
    "stage", "sheet", "request_id", "object_id", "group",
}  # fmt: skip
# Links a walk must not follow: they change state or download a file.
NOT_PAGES = re.compile(r"/(logout|export|download|template|ledger\.xlsx)|\.(xlsx|docx|csv)$")
PER_SHAPE = 2  # pages per URL shape (same path with other ids): every row holds a payload
MAX_PAGES = 1500


def hostile_everywhere() -> int:
    """Overwrite every free-text column of every rencai row with a payload (the row's id keeps
    unique names unique); the number of values written."""
    written = 0
    for model in apps.get_models():
        if not model.__module__.startswith("rencai.") or model is AuditEvent:
            continue  # the audit log is append-only, down to the database
        columns = [
            f
            for f in model._meta.concrete_fields
            if isinstance(f, (models.CharField, models.TextField))
            and not f.choices
            and not f.primary_key
            and f.name not in NOT_FREE_TEXT
        ]
        for n, pk in enumerate(model._base_manager.values_list("pk", flat=True)):
            values = {}
            for i, column in enumerate(columns):
                for k in range(len(PAYLOADS)):
                    value = f"{PAYLOADS[(n + i + k) % len(PAYLOADS)]}{pk}"
                    if column.max_length is None or len(value) <= column.max_length:
                        values[column.attname] = value
                        break
            if values:
                model._base_manager.filter(pk=pk).update(**values)
                written += len(values)
    return written


def shape(url: str) -> str:
    parts = urlsplit(url)
    keys = sorted({p.split("=")[0] for p in parts.query.split("&") if p})
    return re.sub(r"\d+", "N", parts.path) + "?" + "&".join(keys)


def walk(client, start: list[str]) -> dict[str, Any]:
    """GET every page reachable by links from `start` (a few per URL shape): {url: response}."""
    seen: dict[str, Any] = {}
    per_shape: Counter = Counter()
    queue = list(start)
    while queue and len(seen) < MAX_PAGES:
        url = queue.pop(0)
        skip = NOT_PAGES.search(urlsplit(url).path) or per_shape[shape(url)] >= PER_SHAPE
        if url in seen or skip:
            continue
        per_shape[shape(url)] += 1
        response = client.get(url)
        assert response.status_code < 500, (url, response.status_code)
        seen[url] = response
        for link in re.findall(r'href="(/[^"#]*)"', html(response)):
            queue.append(link.replace("&amp;", "&"))
    return seen


def html(response: Any) -> str:
    """A page's HTML ("" for a download, a file or JSON)."""
    if response.streaming or "html" not in response.get("Content-Type", ""):
        return ""
    return response.content.decode()


def unescaped(pages: dict[str, Any]) -> list[tuple[str, str]]:
    return [(url, bad) for url, r in pages.items() for bad in UNESCAPED if bad in html(r)]


@pytest.fixture
def hostile_county(db):
    county, _added, _accounts, _trained = builder.build(400)
    admin = make_user("xss_county_admin", Role.COUNTY_ADMIN, county)
    auditor = make_user("xss_auditor", Role.AUDITOR, county)
    townships = list(county.children.all()[:3])
    census = census_actions.open_round(
        org=county, year=2025, deadline=None, units=townships, acting_user=admin
    )
    CensusUnit.objects.filter(round=census).update(return_reason="x")
    for unit in townships:
        Demand.objects.create(round=census, org=unit, specialty="养殖", level="general", count=2)
    assert hostile_everywhere() > 1000
    # Changes through the audited path: the audit log names the records and shows the diffs.
    with acting_as(admin):
        for record in (Person.objects.first(), TrainingProgram.objects.first()):
            record.notes = PAYLOADS[1]
            record.save()
    return admin, auditor


def test_no_page_shows_a_stored_payload_unescaped(login, hostile_county):
    admin, auditor = hostile_county
    pages = walk(login(admin), ["/home/", "/"])
    # The walk reached the pages of every part of the site, and their create and edit forms.
    paths = {urlsplit(url).path for url in pages}
    assert len(pages) > 150
    for part in ("/people/", "/orgs/", "/census/", "/training/", "/imports/"):
        assert any(p.startswith(part) for p in paths), part
    assert sum(p.endswith("/new/") for p in paths) >= 10
    assert sum(p.endswith("/edit/") for p in paths) >= 10
    assert any("<script>alert(1)" in _escaped_back(html(r)) for r in pages.values())
    assert unescaped(pages) == []

    audit = walk(login(auditor), ["/audit/"])
    assert any(PAYLOADS[1] in _escaped_back(html(r)) for r in audit.values())
    assert unescaped(audit) == []


def _escaped_back(page: str) -> str:
    """The page with the escaping undone: proves the payloads are on the pages at all."""
    return (
        page.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&#x27;", "'")
    )
