"""The shape of a domain app (docs/design.md §3): a record type's whole declaration is found by its
name, and no product module grows past ~600 lines."""

from pathlib import Path

from rencai.training import records

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "rencai"
MAX_LINES = 600

# Child records declared with their parent (edited on the parent's page): API path → module.
CHILDREN = {"training/livestock": "bases", "training/rectification-items": "inspections"}

# Modules still over MAX_LINES. The test fails when one is back under it and still listed, so
# the list only shrinks.
STILL_OVER: set[str] = set()


def _module_for(api_path: str) -> str:
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
