"""Read the first sheet of an uploaded workbook (.xlsx .xls .ods via python-calamine, or .csv)
into rows of text cells, keeping row numbers as the office sees them."""

import csv
import io
from collections.abc import Iterator
from datetime import date, datetime, time
from pathlib import Path
from typing import IO, Any

from django.utils.translation import gettext as _

SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods"}
TEXT_ENCODINGS = ("utf-8-sig", "gb18030")


class UnreadableFile(ValueError):
    """The upload is not a workbook rencai can read; the message says why, in Chinese."""


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def _read_csv(data: bytes) -> Iterator[list[str]]:
    for encoding in TEXT_ENCODINGS:
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise UnreadableFile(_("CSV 文件编码无法识别，请保存为 UTF-8 或 GB18030 编码"))
    yield from csv.reader(io.StringIO(text))


def _read_workbook(stream: IO[bytes]) -> Iterator[list[Any]]:
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_filelike(stream)
        if not workbook.sheet_names:
            raise UnreadableFile(_("工作簿中没有工作表"))
        sheet = workbook.get_sheet_by_index(0)
        yield from sheet.iter_rows()
    except UnreadableFile:
        raise
    except Exception as exc:  # calamine raises its own types for every kind of damage
        raise UnreadableFile(
            _("无法读取该文件，它可能已损坏或不是 Excel 文件（%(err)s）")
            % {"err": type(exc).__name__}
        ) from exc


def read_rows(stream: IO[bytes], filename: str) -> Iterator[tuple[int, list[str]]]:
    """(1-based row number, text cells) for every row of the first sheet."""
    suffix = Path(filename).suffix.lower()
    if suffix == ".csv":
        rows: Iterator[list[Any]] = _read_csv(stream.read())
    elif suffix in SPREADSHEET_SUFFIXES:
        rows = _read_workbook(stream)
    else:
        raise UnreadableFile(
            _("不支持的文件类型“%(suffix)s”，请上传 .xlsx、.xls、.ods 或 .csv 文件")
            % {"suffix": suffix or filename}
        )
    for number, row in enumerate(rows, start=1):
        yield number, [cell_text(v) for v in row]
