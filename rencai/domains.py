"""The domain registry: what each domain app (人才库, 人才普查, 人才培育 …) adds to the spine.

A domain app declares itself once, in its own `domain.py`:

    DOMAIN = Domain(
        key="training",
        label=_("人才培育"),
        menu=(MenuEntry(_("人才培育"), "training:overview", "/training/", reads_records, 40),),
        urls="rencai.training.urls",
        url_prefix="training/",
        api_routes=routes,
    )

and the spine reads the registry: `rencai/urls.py` includes each domain's URL module and
registers its API routes, the main menu (`accounts/context_processors.py`) lists its entries in
`order`. Import sheets register themselves when the domain app's `AppConfig.ready()` runs (the
import pages and `rencai import` read `imports.sheets`); `Domain.sheets` names the modules that
hold them so a reader finds them here. So adding a domain touches `INSTALLED_APPS` and the new
app only, and no spine module names a domain (tests/test_domains.py).

`Domain.figures` names the module whose `FIGURES` are the domain's figures (rencai/figures.py
gathers them for the overview pages, `/api/figures/` and `rencai figures`).

`Domain.person_sections` is a function (person, user) → the domain's sections of the 人才档案,
the person's page: what the domain holds about the person (training attended, mentorships …),
each row linking to its record, and the records whose audit events join the person's change
history. The people app asks every domain (`person_sections()`) and names none.

What the figures are put to work in (the 驾驶舱, the 统计报表, the 工作开展情况汇报, the 预警
inbox, the data-quality score) is declared by each domain in a module of its own, named here
by dotted path and read by the spine app that uses it, which names no domain:

- `tiles`: `TILES` and `CHARTS`, the domain's KPI tiles and charts on the 驾驶舱
  (`rencai.cockpit`);
- `tables`: `TABLES`, the domain's standard statistical tables (`rencai.statements`);
- `report`: `SECTIONS`, the domain's sections of the Word report, its 存在的问题 and its
  下一步工作打算 (`rencai.reports`);
- `alerts`: `ALERTS`, what needs attention, each with its rule and its list (`rencai.alerts`);
- `quality`: `QUALITY`, the domain's parts of the data-quality score per unit
  (`rencai.alerts.quality`).

`declared(attribute, name)` gathers one of them over every domain."""

import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.apps import apps
from django.db import models
from django.utils.functional import Promise

MODULE = "domain"  # each domain app's `<app>/domain.py` holds `DOMAIN`

Predicate = Callable[[Any], bool]
Route = tuple[str, type, str]  # (URL prefix, viewset, basename) for the API router


@dataclass(frozen=True)
class MenuEntry:
    """One entry of the main menu: shown to the users `visible_to` admits, at `order`
    (spine entries: 组织机构 50, 账号管理 80, 审计日志 90, 接口文档 100)."""

    label: str | Promise
    url_name: str
    prefix: str  # the entry is highlighted while the path starts with it
    visible_to: Predicate
    order: int


@dataclass(frozen=True)
class PersonRow:
    """One row of a person-page section: its cells, and the record's page (the first cell
    links there when given)."""

    cells: tuple[Any, ...]
    url: str = ""


@dataclass(frozen=True)
class PersonSection:
    """What one domain shows about a person on the 人才档案 (see the module docstring):
    `records` are the rows' records, whose audit events join the person's change history."""

    title: str | Promise
    columns: tuple[str | Promise, ...]
    rows: tuple[PersonRow, ...]
    records: tuple[models.Model, ...] = ()
    more_url: str = ""  # the full list when `rows` is cut short


def no_sections(person: Any, user: Any) -> tuple[PersonSection, ...]:
    return ()


@dataclass(frozen=True)
class Domain:
    """A domain app as the spine sees it (see the module docstring)."""

    key: str
    label: str | Promise
    menu: tuple[MenuEntry, ...] = ()
    urls: str = ""  # dotted path of the URL module (its `app_name` is the namespace)
    url_prefix: str = ""  # mounted at this path, e.g. "training/"
    api_routes: Callable[[], Iterable[Route]] = tuple  # a function giving the routes
    sheets: tuple[str, ...] = ()  # modules holding the domain's import sheets
    # the register's person ("app_label.Model"), whom records name (records engine): one domain
    person_model: str = ""
    # a list filtered by `?org=<unit id>`: the org tree's 查看 link (人员) goes there
    unit_list: str = ""
    figures: str = ""  # dotted path of the module whose `FIGURES` declare the domain's figures
    # (person, user) → the domain's sections of the person's page (人才档案)
    person_sections: Callable[[Any, Any], Iterable[PersonSection]] = no_sections
    # dotted paths of the modules declaring what the figures are put to work in (see above)
    tiles: str = ""  # TILES, CHARTS: the 驾驶舱
    tables: str = ""  # TABLES: the 统计报表
    report: str = ""  # SECTIONS: the 工作开展情况汇报
    alerts: str = ""  # ALERTS: the 预警 inbox
    quality: str = ""  # QUALITY: the data-quality score's parts


@cache
def domains() -> tuple[Domain, ...]:
    """Every installed domain, in `INSTALLED_APPS` order: each app's `domain.DOMAIN`."""
    found = []
    for config in apps.get_app_configs():
        try:
            module = importlib.import_module(f"{config.name}.{MODULE}")
        except ModuleNotFoundError as missing:
            if missing.name != f"{config.name}.{MODULE}":
                raise  # the domain module exists but something it imports does not
            continue
        found.append(module.DOMAIN)
    return tuple(found)


def declared(attribute: str, name: str) -> list[Any]:
    """Every domain's `name` (e.g. "TILES") from the module its `attribute` (e.g. "tiles")
    names, in `INSTALLED_APPS` order and each domain's own order; a module that does not
    declare `name` adds nothing."""
    found: list[Any] = []
    for domain in domains():
        module = getattr(domain, attribute)
        if module:
            found.extend(getattr(importlib.import_module(module), name, ()))
    return found


def menu_entries(spine: Iterable[MenuEntry] = ()) -> list[MenuEntry]:
    """The domains' menu entries and the spine's own, in menu order."""
    entries = [entry for domain in domains() for entry in domain.menu]
    return sorted([*entries, *spine], key=lambda entry: entry.order)


@cache
def person_model() -> type[models.Model]:
    """The person model records link to (`Domain.person_model`), like Django's AUTH_USER_MODEL:
    the records engine asks for it instead of importing a domain."""
    (label,) = [d.person_model for d in domains() if d.person_model]
    return apps.get_model(label)


def unit_list() -> str:
    """The URL name of the list of a unit's people (`Domain.unit_list`), or ''."""
    return next((d.unit_list for d in domains() if d.unit_list), "")


def api_routes() -> list[Route]:
    """Every domain's API routes, in registration order."""
    return [route for domain in domains() for route in domain.api_routes()]


def person_sections(person: Any, user: Any) -> list[PersonSection]:
    """Every domain's sections of a person's page, in `INSTALLED_APPS` order; empty sections
    are left out."""
    found = [s for domain in domains() for s in domain.person_sections(person, user)]
    return [section for section in found if section.rows]
