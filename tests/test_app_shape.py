"""The shape of a domain app (docs/design.md §3): a record type's whole declaration is found by its
name, and no product module grows past ~600 lines."""

import importlib
import pkgutil
from pathlib import Path
from types import ModuleType

from rencai import domains
from rencai.training import records

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "rencai"
MAX_LINES = 600

# Child records declared with their parent (edited on the parent's page): API path → module.
CHILDREN = {"training/livestock": "bases", "training/rectification-items": "inspections"}

# API paths that differ from their record module's name (kept for the API's clients): path → module.
RENAMED = {"people": "persons"}

# Modules still over MAX_LINES. The test fails when one is back under it and still listed, so
# the list only shrinks.
STILL_OVER: set[str] = set()


def _module_for(api_path: str) -> str:
    if api_path in RENAMED:
        return RENAMED[api_path]
    return CHILDREN.get(api_path, api_path.rsplit("/", 1)[-1].replace("-", "_"))


def test_each_training_api_route_is_declared_in_the_module_named_after_it():
    misplaced = [
        f"{api_path} in {module.__name__}"
        for module in records.MODULES
        for api_path, _viewset, _basename in module.ROUTES
        if module.__name__.rsplit(".", 1)[-1] != _module_for(api_path)
    ]
    assert misplaced == [], "a record type's declaration belongs in the module named after it"


def test_every_training_api_route_comes_from_a_record_module():
    declared = [r for module in records.MODULES for r in module.ROUTES]
    assert records.routes() == declared


def _package_modules(package: str) -> list[ModuleType]:
    """The modules of a domain app's package itself (its sub-packages, migrations and commands,
    declare no record type)."""
    root = importlib.import_module(package)
    return [
        importlib.import_module(f"{package}.{info.name}")
        for info in pkgutil.iter_modules(root.__path__)
        if not info.ispkg
    ]


def _short(module_name: str) -> str:
    return module_name.rsplit(".", 1)[-1]


def test_each_domain_api_route_is_declared_in_the_module_named_after_it():
    """Every domain's API routes (what `rencai/urls.py` registers), not only 育's: each is in the
    `ROUTES` of exactly one module of its app, the one named after the route, and a viewset
    written by hand (not made by the records engine) is defined there or in a part beside it."""
    misplaced = []
    for domain in domains.domains():
        package = domain.urls.rsplit(".", 1)[0]  # "rencai.people.urls" → "rencai.people"
        modules = _package_modules(package)
        for route in domain.api_routes():
            api_path, viewset, _basename = route
            declaring = [_short(m.__name__) for m in modules if route in getattr(m, "ROUTES", ())]
            expected = _module_for(api_path)
            if declaring != [expected]:
                misplaced.append(f"{api_path} declared in {declaring or 'no ROUTES'}")
            defined = viewset.__module__
            if defined.startswith(f"{package}.") and not (
                _short(defined) == expected or _short(defined).startswith(f"{expected}_")
            ):
                misplaced.append(f"{api_path}'s {viewset.__name__} defined in {defined}")
    assert misplaced == [], "a record type's declaration belongs in the module named after it"


def _lines(path: Path) -> int:
    with path.open(encoding="utf-8") as source:
        return sum(1 for _line in source)


def test_no_product_module_over_600_lines():
    over = {
        str(path.relative_to(ROOT))
        for path in sorted(PACKAGE.rglob("*.py"))
        if "migrations" not in path.parts and _lines(path) > MAX_LINES
    }
    assert over - STILL_OVER == set(), f"over {MAX_LINES} lines: split by record type or part"
    assert STILL_OVER - over == set(), f"back under {MAX_LINES} lines: take it off STILL_OVER"
