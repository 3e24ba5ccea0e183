"""Plain helpers shared by the import tests (fixtures stay in each module)."""

import hashlib
import io
import os
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation

from rencai import cli
from rencai.audit.models import AuditAction, AuditEvent
from rencai.imports.engine import Importer, Outcome
from rencai.imports.sheets import get_sheet
from rencai.people.models import Person

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Written:
    """How much the database holds; equal before and after = nothing was written."""

    persons: int
    events: int

    @classmethod
    def now(cls) -> "Written":
        return cls(Person.objects.count(), AuditEvent.objects.count())


def validate(user: Any, data: bytes, filename: str = "人员.xlsx", **kwargs: Any) -> Outcome:
    with translation.override("zh-hans"):
        return Importer(get_sheet("persons"), user).validate(io.BytesIO(data), filename, **kwargs)


def validate_and_commit(user: Any, data: bytes, filename: str = "人员.xlsx"):
    """(outcome, import event or None) — commits only a clean file."""
    with translation.override("zh-hans"):
        importer = Importer(get_sheet("persons"), user)
        outcome = importer.validate(io.BytesIO(data), filename)
        if not outcome.ok:
            return outcome, None
        event = importer.commit(
            outcome, file_name=filename, sha256=hashlib.sha256(data).hexdigest()
        )
        return outcome, event


def problems_text(outcome: Outcome) -> str:
    return "\n".join(str(p) for p in outcome.problems)


def run_cli(argv: list[str], capsys: Any) -> tuple[int, str, str]:
    """`rencai …` in this process: (exit code, stdout, stderr)."""
    with translation.override("zh-hans"):
        try:
            cli.main(argv)
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def import_events() -> Any:
    return AuditEvent.objects.filter(action=AuditAction.IMPORT)


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def require_soffice() -> str:
    """The LibreOffice binary; a skip (or, with RENCAI_REQUIRE_LIBREOFFICE set, a failure)
    when it is not installed."""
    binary = shutil.which("soffice") or shutil.which("libreoffice")
    if binary is None:
        hint = "LibreOffice (soffice) is not installed: apt-get install -y libreoffice-calc"
        if os.environ.get("RENCAI_REQUIRE_LIBREOFFICE"):
            pytest.fail(f"RENCAI_REQUIRE_LIBREOFFICE is set, but {hint}")
        pytest.skip(f"{hint} (set RENCAI_REQUIRE_LIBREOFFICE=1 to fail instead)")
    return binary


def soffice_converter(folder: Path) -> Callable[..., Path]:
    """convert(path, target, infilter=None) -> the file `soffice --headless --convert-to target`
    wrote. One LibreOffice profile per folder, so its first-start cost is paid once."""
    binary = require_soffice()
    profile = folder / "profile"

    def convert(path: Path, target: str, infilter: str | None = None) -> Path:
        out = folder / "out"
        out.mkdir(exist_ok=True)
        result = subprocess.run(
            [
                binary,
                f"-env:UserInstallation={profile.as_uri()}",
                "--headless",
                *([f"--infilter={infilter}"] if infilter else []),
                "--convert-to",
                target,
                "--outdir",
                str(out),
                str(path),
            ],
            capture_output=True,
            timeout=180,
            check=False,
        )
        converted = out / f"{path.stem}.{target.split(':')[0]}"
        assert result.returncode == 0 and converted.exists(), (
            f"soffice could not convert {path.name} to {target}: "
            f"{result.stdout!r} {result.stderr!r}"
        )
        return converted

    return convert
