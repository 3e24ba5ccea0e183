"""Lost updates: two people open the same edit form, the first saves, the second is told
「此记录已被他人修改」 with both values and saves nothing; through the API a stale `If-Match`
answers 412 (a stale `version` field 409) and a fresh one 200. Walks every edit page of the
record types and every endpoint of the router."""

import datetime
import re
import threading
import time
from typing import Any

import pytest
from django import forms
from django.db import connection, transaction
from django.urls import reverse
from helpers import record_routes
from rest_framework import serializers
from test_write_rules import Samples, api_url

from rencai.census import actions as census_actions
from rencai.census.choices import UnitStatus
from rencai.census.models import CensusUnit
from rencai.orgs.models import OrgUnit
from rencai.people.models import Person
from rencai.records.versions import StaleVersion, check_version, version_of
from rencai.training.models import Livestock, RectificationItem, TrainingProgram
from rencai.training.records import views as record_views

CONFLICT = "此记录已被他人修改"
MINE, THEIRS = "甲方修改", "乙方修改"


def edit_pages() -> list[tuple[str, type]]:
    """(URL name of the edit page, model) of every record type with an edit form."""
    pages = [(views.url_name("edit"), views.model) for views in record_views()]
    return [
        *pages,
        ("training:program_edit", TrainingProgram),
        ("training:inspections_item_edit", RectificationItem),
        ("people:edit", Person),
        ("orgs:edit", OrgUnit),
    ]


PAGES = edit_pages()


@pytest.fixture
def samples(county, people) -> Samples:
    found = Samples(county, people)
    found.by_model[OrgUnit] = county.dongguan
    return found


def editor(personas, model: type) -> Any:
    return personas.county_admin if model is OrgUnit else personas.chengguan_admin


def form_data(form: forms.BaseForm) -> dict[str, Any]:
    """What the browser posts back for an untouched form."""
    data: dict[str, Any] = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if name in getattr(form, "person_fields", ()):
            data[name] = ""  # a person is entered by ID number; blank keeps the current one
        elif isinstance(field.widget, forms.CheckboxInput):
            if value:
                data[name] = "on"
        elif isinstance(value, list | tuple):
            data[name] = [str(v) for v in value]
        elif isinstance(value, datetime.date):
            data[name] = value.isoformat()
        else:
            data[name] = "" if value is None else str(value)
    return data


TEXTS = ("name", "notes", "craft", "description", "programme", "findings")


def _changed(
    fields: dict[str, Any], current: dict[str, Any], text: type, number: type, date: type
) -> tuple[str, Any, Any]:
    """A plain field both writers change: a free text, else a number, else a date."""
    for name in TEXTS:
        if name in fields and isinstance(fields[name], text):
            return name, MINE, THEIRS
    for kind, step in ((number, 1), (date, datetime.timedelta(days=1))):
        for name, field in fields.items():
            if type(field) is kind and current.get(name) is not None:
                value = current[name]
                if isinstance(value, str) and kind is date:
                    value = datetime.date.fromisoformat(value)
                return name, value + step, value + step * 2
    raise AssertionError(f"no plain field to change among {list(fields)}")


def changed_field(form: forms.BaseForm) -> tuple[str, Any, Any]:
    fields = {n: f for n, f in form.fields.items() if n != "version" and not f.disabled}
    current = {n: form[n].value() for n in fields}
    return _changed(fields, current, forms.CharField, forms.IntegerField, forms.DateField)


def as_posted(value: Any) -> str:
    return value.isoformat() if isinstance(value, datetime.date) else str(value)


@pytest.mark.parametrize(("url_name", "model"), PAGES, ids=[u for u, _m in PAGES])
def test_second_of_two_open_edit_forms_gets_the_conflict_and_saves_nothing(
    samples, personas, login, url_name, model
):
    record = samples.by_model[model]
    url = reverse(url_name, args=[record.pk])
    user = editor(personas, model)
    first, second = login(user), login(user)
    page = first.get(url)
    form_first = page.context["form"]
    form_second = second.get(url).context["form"]
    assert 'type="hidden" name="version"' in page.content.decode()  # the browser sends it back
    name, mine, theirs = changed_field(form_first)

    data = {**form_data(form_first), name: as_posted(mine)}
    saved = first.post(url, data)
    assert saved.status_code == 302, saved.context["form"].errors if saved.context else saved

    stale = second.post(url, {**form_data(form_second), name: as_posted(theirs)})
    assert stale.status_code == 200
    errors = " ".join(stale.context["form"].non_field_errors())
    assert CONFLICT in errors
    assert f"他人保存的值：{as_posted(mine)}" in errors
    assert f"您提交的值：{as_posted(theirs)}" in errors
    record.refresh_from_db()
    assert as_posted(getattr(record, name)) == as_posted(mine)


def test_after_the_conflict_saving_again_overwrites_knowingly(samples, personas, login):
    program = samples.by_model[TrainingProgram]
    url = reverse("training:program_edit", args=[program.pk])
    first, second = login(personas.chengguan_admin), login(personas.chengguan_admin)
    data_first = form_data(first.get(url).context["form"])
    data_second = form_data(second.get(url).context["form"])
    assert first.post(url, {**data_first, "name": MINE}).status_code == 302
    stale = second.post(url, {**data_second, "name": THEIRS})
    again = second.post(url, form_data(stale.context["form"]))
    assert again.status_code == 302
    program.refresh_from_db()
    assert program.name == THEIRS


def test_second_of_two_open_livestock_counts_gets_the_conflict(samples, personas, login):
    """A 存栏 row is corrected inline on its base's page: the same check, from a hidden input."""
    row = samples.by_model[Livestock]
    first, second = login(personas.chengguan_admin), login(personas.chengguan_admin)
    page = first.get(reverse("training:bases_detail", args=[row.base_id])).content.decode()
    url = reverse("training:bases_livestock_edit", args=[row.pk])
    found = re.search(rf'action="{url}".*?name="version" value="(\d+)"', page, re.S)
    assert found, "the row's form carries no version"
    opened = {"unit": row.unit, "version": found.group(1)}
    assert first.post(url, {**opened, "count": 120}).status_code == 302
    stale = second.post(url, {**opened, "count": 130})
    text = stale.content.decode()
    assert CONFLICT in text and "他人保存的值：120" in text and "您提交的值：130" in text
    row.refresh_from_db()
    assert row.count == 120


def test_a_review_opened_before_a_resubmission_is_not_applied_to_it(county, personas, login):
    """普查审核: a reviewer opens 城关镇's submission; meanwhile another returns it and 城关镇
    submits again. The first reviewer's 审核通过 would approve a roster they never saw: refused
    with the conflict message, the unit left 已报."""
    census = census_actions.open_round(
        org=county.county, year=2025, deadline=None, units=[county.chengguan],
        acting_user=personas.county_admin,
    )  # fmt: skip
    unit = CensusUnit.objects.get(round=census, org=county.chengguan)
    unit.status = UnitStatus.SUBMITTED
    unit.save()
    page = f"/census/{census.pk}/units/{unit.pk}/"
    first, other = login(personas.county_admin), login(personas.county_admin)
    opened = form_data(first.get(page).context["review_form"])
    returned = other.post(f"{page}review/", {"approve": "0", "reason": "缺少手机号码"})
    assert returned.status_code == 302
    unit.refresh_from_db()
    unit.status = UnitStatus.SUBMITTED  # 城关镇 submits again
    unit.save()
    stale = first.post(f"{page}review/", {**opened, "approve": "1"})
    assert stale.status_code == 200
    assert CONFLICT in " ".join(stale.context["review_form"].non_field_errors())
    unit.refresh_from_db()
    assert unit.status == UnitStatus.SUBMITTED


# --- the API -------------------------------------------------------------------------------------

ENDPOINTS = [(prefix, viewset.serializer_class.Meta.model) for prefix, viewset in record_routes()]


def changed_value(prefix: str, shown: dict[str, Any]) -> tuple[str, Any, Any]:
    serializer = dict(record_routes())[prefix].serializer_class
    fields = {n: f for n, f in serializer().fields.items() if not f.read_only}
    return _changed(
        fields, shown, serializers.CharField, serializers.IntegerField, serializers.DateField
    )


@pytest.mark.parametrize(("prefix", "model"), ENDPOINTS, ids=[p for p, _m in ENDPOINTS])
def test_api_stale_if_match_is_refused_and_a_fresh_one_saves(
    samples, personas, login, prefix, model
):
    record = samples.by_model[model]
    client = login(editor(personas, model))
    url = api_url(prefix, record.pk)
    opened = client.get(url)
    old_tag = opened["ETag"]
    name, mine, theirs = changed_value(prefix, opened.json())

    mine, theirs = as_posted(mine), as_posted(theirs)
    fresh = client.patch(url, {name: mine}, content_type="application/json", HTTP_IF_MATCH=old_tag)
    assert fresh.status_code == 200, fresh.content.decode()
    new_tag = client.get(url)["ETag"]
    assert new_tag != old_tag

    stale = client.patch(
        url, {name: theirs}, content_type="application/json", HTTP_IF_MATCH=old_tag
    )
    assert stale.status_code == 412
    assert CONFLICT in stale.json()["detail"]
    by_field = client.patch(
        url, {name: theirs, "version": old_tag.strip('"')}, content_type="application/json"
    )
    assert by_field.status_code == 409
    if "delete" in {m.lower() for m in client.options(url).get("Allow", "").split(", ")}:
        assert client.delete(url, HTTP_IF_MATCH=old_tag).status_code == 412
    record.refresh_from_db()
    assert as_posted(getattr(record, name)) == mine


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks: PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_the_check_and_the_save_are_one_step_a_second_writer_waits_then_is_stale(people):
    """Two writers opened 张三 at the same version. While the first is between its check and
    its commit, the second's check waits for the row lock and then sees the first's change: it
    cannot pass the check on the old version and overwrite."""
    opened = version_of(people.zhang_san)
    locked, second_done = threading.Event(), threading.Event()
    outcome: dict[str, str] = {}

    def first() -> None:
        try:
            with transaction.atomic():
                check_version(people.zhang_san, opened)
                locked.set()
                time.sleep(1.0)
                person = Person.objects.get(pk=people.zhang_san.pk)
                person.employer = MINE
                person.save()
        finally:
            connection.close()

    def second() -> None:
        try:
            with transaction.atomic():
                check_version(Person(pk=people.zhang_san.pk), opened)
                outcome["second"] = "passed"
        except StaleVersion:
            outcome["second"] = "stale"
        finally:
            second_done.set()
            connection.close()

    writer = threading.Thread(target=first)
    writer.start()
    assert locked.wait(10)
    other = threading.Thread(target=second)
    other.start()
    assert not second_done.wait(0.5), "the second check did not wait for the first writer"
    writer.join(10)
    other.join(10)
    assert outcome["second"] == "stale"
    assert Person.objects.get(pk=people.zhang_san.pk).employer == MINE
