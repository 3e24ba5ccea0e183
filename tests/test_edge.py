"""The edge of every request (rencai/edge.py): security headers on every response, and a NUL
character anywhere in a request refused with a clear 400 before any query sees it."""

import json
import re
from urllib.parse import urlsplit

import pytest
from django.db import models
from django.db.models.query_utils import DeferredAttribute
from django.test import Client
from helpers import record_routes

from rencai.audit.models import AuditEvent
from rencai.edge import CONTENT_SECURITY_POLICY, PERMISSIONS_POLICY
from rencai.urls import router
from tests.test_api import token_client
from tests.test_training import Training
from tests.test_xss import walk

NUL_MESSAGE = "请求中含有不允许的空字符（NUL）"


@pytest.fixture
def training(county, people) -> Training:
    return Training(county, people)


@pytest.fixture
def pages(login, personas, training) -> dict:
    """Every page the county admin reaches by links from the home page."""
    return walk(login(personas.county_admin), ["/home/", "/"])


def api_lists() -> list[str]:
    return [f"/api/{prefix}/" for prefix, _viewset, _basename in router.registry]


def test_every_response_carries_the_csp_and_permissions_policy(pages, personas):
    assert len(pages) > 50
    responses = list(pages.values())
    responses.append(Client().get("/accounts/login/"))
    responses.append(Client().get("/static/rencai/rencai.css"))
    responses.append(token_client(personas.county_admin).get("/api/people/"))
    for response in responses:
        assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
        assert response["Permissions-Policy"] == PERMISSIONS_POLICY
    assert "script-src 'self';" in CONTENT_SECURITY_POLICY
    assert "unsafe-inline" not in CONTENT_SECURITY_POLICY
    assert "camera=()" in PERMISSIONS_POLICY


def test_no_page_has_an_inline_script_style_or_event_handler(pages):
    """What the policy would refuse in a browser, found in the HTML already."""
    for url, response in pages.items():
        if "html" not in response.get("Content-Type", ""):
            continue
        page = response.content.decode()
        for refused in ("<script>", "<style", " style=", " onclick=", " onsubmit=", " onchange="):
            assert refused not in page, (url, refused)
        # data blocks (json_script: type application/json) are never executed, so allowed
        data = len(re.findall(r'<script id="[^"]+" type="application/json">', page))
        assert page.count("<script") == page.count("<script src=") + data, url


def test_api_docs_init_script_is_a_file(login, personas):
    client = login(personas.county_admin)
    page = client.get("/api/docs/").content.decode()
    assert '<script src="/api/docs/?script="' in page
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200
    assert "SwaggerUIBundle" in script.content.decode()


def test_nul_in_the_query_of_every_page_is_a_400_inside_the_layout(login, personas, pages):
    client = login(personas.county_admin)
    shapes = {urlsplit(url).path for url in pages if not url.startswith("/static/")}
    assert len(shapes) > 30
    for path in sorted(shapes):
        for query in ("q=%00", "status=a%00b", "%00=1"):
            response = client.get(f"{path}?{query}")
            assert response.status_code == 400, (path, query, response.status_code)
            if not path.startswith("/api/"):
                page = response.content.decode()
                assert NUL_MESSAGE in page, path
                assert 'class="navbar' in page, path  # inside the layout, with the menu


def test_nul_in_a_path_or_a_form_field_is_a_400(login, personas, training):
    client = login(personas.chengguan_admin)
    assert client.get("/people/%00/").status_code == 400
    response = client.post("/training/programs/new/", {"name": "培训\x00班", "notes": "x"})
    assert response.status_code == 400
    assert NUL_MESSAGE in response.content.decode()
    response = client.post("/people/new/", {"name": "张\x00三"})
    assert response.status_code == 400


@pytest.mark.parametrize("url", api_lists())
def test_nul_in_an_api_query_or_json_body_is_a_400(personas, training, url):
    api = token_client(personas.county_admin)
    response = api.get(url, {"search": "a\x00b"})
    assert response.status_code == 400, (url, response.status_code)
    assert response.json() == {"detail": NUL_MESSAGE}
    body = json.dumps({"name": "a\x00b", "notes": "\x00"})
    assert "\\u0000" in body
    response = api.post(url, body, content_type="application/json")
    assert response.status_code == 400, (url, response.content)
    assert response.json() == {"detail": NUL_MESSAGE}


# --- huge text values ---------------------------------------------------------------------------

HUGE = "x" * 9_000_000  # the 9 MB 备注 that was once accepted
TOO_LONG = "不能超过 2000 个字"


def form_pages(pages: dict) -> list[str]:
    """The create and edit pages the walk reached."""
    return [u for u in pages if re.search(r"/(new|edit)/$", urlsplit(u).path)]


def test_a_huge_text_in_any_form_is_a_field_error_not_a_save(login, personas, pages):
    client = login(personas.county_admin)
    limited = set()
    for url in form_pages(pages):
        textareas = re.findall(r'<textarea name="([^"]+)"', pages[url].content.decode())
        if not textareas:
            continue
        before = audit_count()
        response = client.post(url, {name: HUGE for name in textareas})
        assert response.status_code == 200, (url, response.status_code)  # the form again
        page = response.content.decode()
        assert re.search(r"不(能)?超过 \d+ 个字", page), url
        assert audit_count() == before, url  # nothing saved
        if TOO_LONG in page:
            limited.add(re.sub(r"\d+", "N", urlsplit(url).path))
    # The record types whose 备注 / 检查发现 are TextFields (no length in the database).
    assert {
        "/people/new/",
        "/people/N/edit/",
        "/training/programs/new/",
        "/training/bases/new/",
        "/training/inspections/new/",
    } <= limited


VIEWSETS = {f"/api/{prefix}/": viewset for prefix, viewset in record_routes()}


def text_fields(url: str) -> list[str]:
    """The writable fields of an endpoint that are model TextFields (no length in the database)."""
    serializer_class = VIEWSETS[url].serializer_class
    model = serializer_class.Meta.model
    return [
        name
        for name, field in serializer_class().fields.items()
        if not field.read_only
        and isinstance(getattr(model, field.source, None), DeferredAttribute)
        and isinstance(model._meta.get_field(field.source), models.TextField)
    ]


def test_every_api_serializer_limits_its_text_fields(db):
    limited = []
    for url, viewset in VIEWSETS.items():
        for name in text_fields(url):
            assert viewset.serializer_class().fields[name].max_length == 2000, (url, name)
            limited.append(url)
    assert {"/api/people/", "/api/training/programs/", "/api/training/bases/"} <= set(limited)


@pytest.mark.parametrize("url", [u for u in VIEWSETS if text_fields(u)])
def test_a_huge_text_through_the_api_is_a_400_not_a_save(personas, training, url):
    api = token_client(personas.county_admin)
    names = text_fields(url)
    before = audit_count()
    response = api.post(url, json.dumps({n: HUGE for n in names}), content_type="application/json")
    assert response.status_code == 400, (url, response.status_code)
    for name in names:
        assert response.json()[name] == [TOO_LONG], (url, name)
    assert audit_count() == before


def audit_count() -> int:
    return AuditEvent.objects.count()


# --- the server's workers -----------------------------------------------------------------------


def test_serve_forks_its_workers_without_the_masters_database_connection(db, monkeypatch):
    """`rencai serve` migrates, then forks gunicorn workers: a connection the master kept open
    was shared by the workers, and on PostgreSQL one request got another's rows (500s found by
    bench/schemathesis_api.py). The master closes its connections before the fork."""
    from django.db import connections
    from gunicorn.app.base import BaseApplication

    from rencai import cli

    events: list[str] = []
    monkeypatch.setattr(cli, "_call", lambda command, *a, **k: events.append(command))
    monkeypatch.setattr(connections, "close_all", lambda: events.append("close connections"))
    monkeypatch.setattr(BaseApplication, "run", lambda self: events.append("fork workers"))
    cli.serve("127.0.0.1", 0, workers=2)
    assert events[-2:] == ["close connections", "fork workers"]
