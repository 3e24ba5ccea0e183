"""A leading underscore means "only this package uses it" (issue 11 item 3): the cell parsers every
sheet shares were once imported from inside the people sheet by their private names, so nobody could
tell what the import engine offered. This test reads every module under `rencai/` and fails, naming
file and line, when one top-level package takes another's `_private` name — by `from rencai.x import
_name` or by `x._name` on an imported module. Inside one package it is allowed; `__dunder__` too."""

import ast
import importlib.util
from collections.abc import Iterator
from pathlib import Path

import rencai

PACKAGE = Path(rencai.__file__).resolve().parent
ROOT = PACKAGE.parent


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _top(module: str) -> str:
    """`rencai.people.persons` → `people`; a top-level module (`rencai.cli`) is its own package."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def _is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _absolute(node: ast.ImportFrom, module: str, is_package: bool) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".")
    base = base if is_package else base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _is_module(dotted: str) -> bool:
    try:
        return importlib.util.find_spec(dotted) is not None
    except (ImportError, ValueError):
        return False


def _dotted(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute) and (head := _dotted(node.value)) is not None:
        return f"{head}.{node.attr}"
    return None


def violations_in(path: Path, source: str | None = None) -> Iterator[str]:
    """Each `file:line: name` where the module at `path` uses another package's private name."""
    module = _module_name(path)
    mine = _top(module)
    text = path.read_text(encoding="utf-8") if source is None else source
    tree = ast.parse(text, filename=str(path))
    where = path.relative_to(ROOT)
    # Local name → the rencai module it is bound to (for `alias._name` below).
    modules: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if not alias.name.startswith("rencai."):
                    continue
                if alias.asname:
                    modules[alias.asname] = alias.name
                else:  # `import rencai.x.y` binds `rencai`: `rencai.x.y._name` is read below.
                    modules["rencai"] = "rencai"
        elif isinstance(node, ast.ImportFrom):
            source = _absolute(node, module, path.name == "__init__.py")
            if not source.startswith("rencai"):
                continue
            for alias in node.names:
                target = f"{source}.{alias.name}"
                if _top(target if source == "rencai" else source) == mine:
                    continue
                if _is_private(alias.name):
                    yield f"{where}:{node.lineno}: from {source} import {alias.name}"
                elif _is_module(target):
                    modules[alias.asname or alias.name] = target
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Attribute) and _is_private(node.attr)):
            continue
        owner = _dotted(node.value) or ""
        head, _dot, rest = owner.partition(".")
        if head not in modules:
            continue
        target = modules[head] + (f".{rest}" if rest else "")
        if _top(target) != mine:
            yield f"{where}:{node.lineno}: {owner}.{node.attr}"


def test_no_package_imports_another_packages_private_name():
    found = [v for path in sorted(PACKAGE.rglob("*.py")) for v in violations_in(path)]
    assert not found, "private names used across packages:\n" + "\n".join(found)


def test_the_check_sees_both_forms():
    """The walker itself: a `from … import _x` and an `alias._x` from another package are caught,
    the same package and dunder names are not."""
    fake = PACKAGE / "training" / "_private_imports_probe.py"
    found = list(violations_in(fake, SOURCE))
    assert [v.split(": ", 1)[1] for v in found] == [
        "from rencai.people.persons_sheet import _hidden",
        "from rencai.people import _also",
        "persons_sheet._stored",
        "wb._write",
        "people.persons_sheet._deep",
        "rencai.audit.log._jsonable",
    ]


SOURCE = """
from rencai.people.persons_sheet import _hidden, public
from rencai.people import _also
from rencai.training.sheets import _ours
from rencai.people import persons_sheet
import rencai.imports.workbooks as wb
from . import _sibling
persons_sheet._stored("x")
wb._write(1)
from rencai import people
people.persons_sheet._deep()
import rencai.audit.log
rencai.audit.log._jsonable(1)
import rencai.training.ledger
rencai.training.ledger._ours()
persons_sheet.__name__
"""
