"""Read the first sheet of an uploaded workbook (.xlsx .xlsm .xls .ods via python-calamine, or
.csv in UTF-8 with or without BOM, or GB18030) as rows of raw cell values, numbered as the office
sees them in Excel (row 1 is the sheet's first row)."""

import csv
import io
import zipfile
from collections.abc import Iterator
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from django.utils.translation import gettext as _

SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods"}
TEXT_ENCODINGS = ("utf-8-sig", "gb18030")
# A zip bomb guard: an .xlsx/.ods is a zip; refuse one that inflates beyond this.
MAX_UNCOMPRESSED_BYTES = 1024 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200


class UnreadableFile(ValueError):
    """The upload is not a workbook rencai can read; the message says why, in Chinese."""


class NumberText(str):
    """The text of a number too long for Excel's 15 significant digits, as Excel shows it when
    the cell is widened (431121198808088000): an ID number typed into a number cell. A `str`
    that remembers it was a number, so the error workbook can say so."""


# The CFB (OLE2) container: an .xls, or an .xlsx encrypted with an opening password (the
# encrypted package is a stream named EncryptedPackage, its directory entry in UTF-16).
CFB_MAGIC = bytes.fromhex("d0cf11e0a1b11ae1")
ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")


def cell_text(value: Any) -> str:
    """A raw cell as the text an office worker sees."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        if abs(value) < 1e15:
            return str(int(value))
        return NumberText(int(Decimal(f"{value:.15g}")))
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
        raise UnreadableFile(_("CSV 文件编码无法识别，请另存为 UTF-8 或 GB18030 编码"))
    yield from csv.reader(io.StringIO(text))


def _password_protected() -> UnreadableFile:
    return UnreadableFile(_("文件设有打开密码，请去掉密码后再导入"))


def _check_password(stream: IO[bytes]) -> None:
    """Refuse, in words an office understands, a workbook protected by an opening password
    (calamine would call it damaged)."""
    stream.seek(0)
    head = stream.read(8)
    if head == CFB_MAGIC:
        stream.seek(0)
        if ENCRYPTED_PACKAGE in stream.read():  # wherever the container's directory sits
            stream.seek(0)
            raise _password_protected()
    stream.seek(0)


def _check_zip(stream: IO[bytes]) -> None:
    """Refuse zip bombs before calamine inflates them."""
    stream.seek(0)
    if not zipfile.is_zipfile(stream):
        stream.seek(0)
        return
    stream.seek(0)
    with zipfile.ZipFile(stream) as archive:
        infos = archive.infolist()
        total = sum(i.file_size for i in infos)
        packed = sum(i.compress_size for i in infos) or 1
    stream.seek(0)
    if total > MAX_UNCOMPRESSED_BYTES or total / packed > MAX_COMPRESSION_RATIO:
        raise UnreadableFile(
            _("文件解压后异常巨大（%(mb)d MB），疑似压缩炸弹，已拒绝") % {"mb": total // 2**20}
        )


class Workbook:
    """The first sheet of a workbook: its rows (raw values) and its merged ranges."""

    def __init__(self, stream: IO[bytes], filename: str):
        self.suffix = Path(filename).suffix.lower()
        self.merged: list[tuple[tuple[int, int], tuple[int, int]]] = []
        if self.suffix == ".csv":
            self._rows: Any = _read_csv(stream.read())
            self.start_col = 0
        elif self.suffix in SPREADSHEET_SUFFIXES:
            self._rows, self.start_col = self._open_workbook(stream)
        else:
            raise UnreadableFile(
                _("不支持的文件类型“%(suffix)s”，请上传 .xlsx、.xls、.ods 或 .csv 文件")
                % {"suffix": self.suffix or filename}
            )

    def _open_workbook(self, stream: IO[bytes]) -> tuple[Iterator[list[Any]], int]:
        from python_calamine import CalamineWorkbook

        _check_zip(stream)
        _check_password(stream)
        try:
            workbook = CalamineWorkbook.from_filelike(stream)
            if not workbook.sheet_names:
                raise UnreadableFile(_("工作簿中没有工作表"))
            sheet = workbook.get_sheet_by_index(0)
            self.merged = list(sheet.merged_cell_ranges or [])
            start_col = sheet.start[1] if sheet.start else 0
            return iter(sheet.iter_rows()), start_col
        except UnreadableFile:
            raise
        except Exception as exc:  # calamine raises its own types for every kind of damage
            if any(word in str(exc).lower() for word in ("password", "encrypt")):
                raise _password_protected() from exc
            raise UnreadableFile(
                _("无法读取该文件，它可能已损坏，或不是真正的 Excel 文件")
            ) from exc

    def rows(self) -> Iterator[tuple[int, list[Any]]]:
        """(1-based row number, raw cells) for every row of the sheet."""
        try:
            for number, row in enumerate(self._rows, start=1):
                yield number, row if row.__class__ is list else list(row)
        except UnreadableFile:
            raise
        except Exception as exc:  # no English class name reaches the user
            raise UnreadableFile(_("读取文件时出错，文件可能已损坏")) from exc
