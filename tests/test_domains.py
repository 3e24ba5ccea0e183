"""The domain registry: the spine reads the domains from it and never names one itself."""

import ast
import re
from pathlib import Path

from django.urls import reverse

from rencai import domains
from rencai.accounts.context_processors import menu_for

ROOT = Path(__file__).resolve().parent.parent / "rencai"
SPINE = (
    *("accounts", "orgs", "audit", "imports", "records", "standards", "config"),
    *("cockpit", "statements", "reports", "alerts"),  # where the figures are put to work
)
SPINE_FILES = ("urls.py", "domains.py")
DOMAIN_APPS = ("people", "census", "training")
ANY_DOMAIN = "|".join(DOMAIN_APPS)
DOMAIN_MODULE = re.compile(rf"^rencai\.({ANY_DOMAIN})(\.|$)")
DOMAIN_URL_NAME = re.compile(rf"^({ANY_DOMAIN}):")

# Spine files that still name a domain, each with the issue-11 item that removes it. The test
# fails when one is fixed and still listed, so the list only shrinks.
STILL_NAMING: dict[str, str] = {}


def _spine_files() -> list[Path]:
    files = [ROOT / name for name in SPINE_FILES]
    for package in SPINE:
        for path in sorted((ROOT / package).rglob("*")):
            if path.suffix in (".py", ".html") and "migrations" not in path.parts:
                files.append(path)
    return files


def _names_a_domain(path: Path) -> str:
    """The first domain module or domain URL name the file names, or ''."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".py":
        for node in ast.walk(ast.parse(text)):
            modules: list[str] = []
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                modules = [node.module]
                if node.module == "rencai":
                    modules = [f"rencai.{alias.name}" for alias in node.names]
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                if DOMAIN_MODULE.match(node.value):
                    return node.value
                if DOMAIN_URL_NAME.match(node.value):
                    return node.value
            for module in modules:
                if DOMAIN_MODULE.match(module):
                    return module
        return ""
    found = re.search(rf"""["']({ANY_DOMAIN}):|rencai\.({ANY_DOMAIN})\b""", text)
    return found.group(0).strip("\"'") if found else ""


def test_no_spine_module_names_a_domain() -> None:
    naming = {}
    for path in _spine_files():
        named = _names_a_domain(path)
        if named:
            naming[str(path.relative_to(ROOT))] = named
    unexpected = {p: n for p, n in naming.items() if p not in STILL_NAMING}
    assert unexpected == {}, "spine files naming a domain: read it from rencai/domains.py"
    fixed = set(STILL_NAMING) - set(naming)
    assert fixed == set(), "no longer names a domain: take it off STILL_NAMING"


def test_the_checker_sees_a_domain_import_and_url_name(tmp_path: Path) -> None:
    source = tmp_path / "menu.py"
    source.write_text('from rencai.training import records\nURL = "census:rounds"\n')
    assert _names_a_domain(source) == "rencai.training"
    source.write_text("from rencai import people\n")
    assert _names_a_domain(source) == "rencai.people"
    source.write_text('URL = "census:rounds"\n')
    assert _names_a_domain(source) == "census:rounds"
    template = tmp_path / "page.html"
    template.write_text("{% url 'training:overview' %}")
    assert _names_a_domain(template) == "training:"


def test_registry_lists_the_three_domains_in_installed_order() -> None:
    assert [d.key for d in domains.domains()] == ["people", "census", "training"]
    assert [str(d.label) for d in domains.domains()] == ["人才库", "人才普查", "人才培育"]


def test_each_domain_mounts_its_pages_and_api() -> None:
    for domain in domains.domains():
        for entry in domain.menu:
            assert reverse(entry.url_name).startswith(entry.prefix)
    prefixes = [prefix for prefix, _viewset, _basename in domains.api_routes()]
    assert prefixes[0] == "people" and "training/programs" in prefixes


def test_menu_is_built_from_the_registry(personas, monkeypatch) -> None:
    """A new domain's entry appears in the menu by its order, the spine untouched."""
    extra = domains.Domain(
        key="recruitment",
        label="人才引进",
        menu=(domains.MenuEntry("人才引进", "home", "/recruitment/", lambda user: True, 42),),
    )
    installed = domains.domains()
    monkeypatch.setattr(domains, "domains", lambda: (*installed, extra))
    labels = [str(label) for _name, label, _prefix in menu_for(personas.county_admin)]
    assert labels[:7] == [
        "驾驶舱",
        "人才库",
        "人才普查",
        "人才培育",
        "人才引进",
        "统计报表",
        "工作汇报",
    ]
