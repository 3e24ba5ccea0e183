"""The error pages (rencai/errors.py): Chinese, inside the layout with the menu and a way back,
in a clerk's words; a 403 logged without its traceback; the 500 page answers even when the
layout cannot be rendered (issue 12 item 7). DEBUG is off in every test (settings default)."""

import logging

import pytest
from django.conf import settings
from django.test import Client, RequestFactory

from rencai import errors
from rencai.people.models import Person

pytestmark = pytest.mark.django_db


def assert_in_layout(response, status: int, *words: str) -> str:
    assert response.status_code == status
    page = response.content.decode()
    assert "人才工作管理平台" in page and 'href="/"' in page  # the layout's brand and 返回首页
    for word in words:
        assert word in page, word
    assert "Not Found" not in page and "Forbidden" not in page and "Server Error" not in page
    return page


def test_debug_is_off():
    assert settings.DEBUG is False


def test_404_on_a_record_names_the_kind_of_record(login, personas, people):
    # 李四 lives in 青山镇: outside 城关镇's jurisdiction, so not found for its clerk
    client = login(personas.chengguan_clerk)
    page = assert_in_layout(
        client.get(f"/people/{people.li_si.pk}/"), 404, "此人员不在您的管辖范围内或不存在"
    )
    assert "人才库" in page  # the menu is there
    missing = Person.objects.order_by("-pk").first().pk + 1
    assert_in_layout(client.get(f"/people/{missing}/"), 404, "此人员不在您的管辖范围内或不存在")


def test_404_on_a_page_says_the_page_does_not_exist(login, personas):
    assert_in_layout(login(personas.county_admin).get("/no-such-page/"), 404, "页面不存在")


def test_record_kind_comes_from_the_models_verbose_name():
    assert errors.record_kind(Exception("No Person matches the given query.")) == "人员"
    assert errors.record_kind(Exception("No OrgUnit matches the given query.")) != ""
    assert errors.record_kind(Exception("something else")) == ""
    assert errors.record_kind(None) == ""


def test_403_is_chinese_in_the_layout_and_logs_no_traceback(login, personas, caplog):
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = login(personas.auditor).get("/accounts/users/")
    assert_in_layout(response, 403, "无权访问", "审计日志")
    forbidden = [r for r in caplog.records if r.name == "django.request"]
    assert forbidden and all(r.exc_info is None for r in forbidden)
    assert "Traceback" not in caplog.text


def test_400_is_chinese_in_the_layout(personas):
    request = RequestFactory().get("/")
    request.user = personas.county_admin
    response = errors.bad_request(request)
    assert response.status_code == 400
    assert "请求有误" in response.content.decode()


def test_csrf_failure_is_chinese_in_the_layout(personas):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "x", "password": "y"})
    page = assert_in_layout(response, 403, "页面已过期", "刷新后重新提交")
    assert "CSRF verification failed" not in page and "<h1>Forbidden" not in page


def test_500_renders_in_the_layout(personas):
    request = RequestFactory().get("/")
    request.user = personas.county_admin
    response = errors.server_error(request)
    assert response.status_code == 500
    assert "系统出错" in response.content.decode()
    assert "审计日志" not in response.content.decode()  # county admin's menu, not the auditor's


def test_500_renders_when_the_layout_fails(monkeypatch):
    """A request whose context processors fail (here: no user, no session) still gets the page."""

    def broken(*args, **kwargs):
        raise RuntimeError("the database is gone")

    monkeypatch.setattr(errors, "render", broken)
    response = errors.server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    page = response.content.decode()
    assert "系统出错" in page and 'href="/"' in page


def test_an_unhandled_error_gives_the_chinese_500(personas, monkeypatch):
    from rencai.accounts import views

    def boom(request):
        raise RuntimeError("boom")

    monkeypatch.setattr(views.password_policy, "change_reason", boom)
    client = Client(raise_request_exception=False)
    client.force_login(personas.chengguan_clerk)
    response = client.get("/")
    assert response.status_code == 500
    assert "系统出错" in response.content.decode()
