"""The standards package must stay importable without Django."""

from __future__ import annotations

import subprocess
import sys

import rencai.standards as standards


def test_importing_standards_does_not_import_django() -> None:
    code = (
        "import sys, rencai.standards\n"
        "loaded = [m for m in sys.modules if m == 'django' or m.startswith('django.')]\n"
        "assert not loaded, loaded\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_public_names_are_exported() -> None:
    for name in standards.__all__:
        assert hasattr(standards, name), name
    expected = {
        "StandardError",
        "fold",
        "normalize_name",
        "IdNumber",
        "IdNumberError",
        "check_digit",
        "parse_id_number",
        "mask_id_number",
        "is_id_number",
        "PhoneError",
        "normalize_phone",
        "mask_phone",
        "Code",
        "CodeTable",
        "CodeError",
        "TABLES",
        "GENDER",
        "ETHNICITY",
        "POLITICAL_STATUS",
        "EDUCATION",
        "EDUCATION_GROUPS",
        "DEGREE",
        "TITLE_LEVEL",
        "SKILL_LEVEL",
        "MARITAL_STATUS",
        "education_group",
        "education_groups_codes",
        "initials",
    }
    assert expected <= set(standards.__all__)


def test_errors_share_one_base() -> None:
    for error in (standards.IdNumberError, standards.PhoneError, standards.CodeError):
        assert issubclass(error, standards.StandardError)
        assert issubclass(error, ValueError)
