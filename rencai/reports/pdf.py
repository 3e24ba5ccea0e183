"""The PDF preview of a report, through LibreOffice headless (`soffice --convert-to pdf`) when
it is installed. The preview renders `gbt9704.preview_copy` (LibreOffice's 28-character grid)
with the offices' fonts bound to Linux stand-ins by a fontconfig file of our own
(FONTCONFIG_FILE, for this process only): 仿宋_GB2312 / 宋体 → AR PL UMing CN, 楷体_GB2312 →
AR PL UKai CN, 黑体 → WenQuanYi Zen Hei Mono, 方正小标宋简体 → Noto Serif CJK SC (Bold). The
preview is never the official copy: the office signs the Word file. Each conversion runs in its
own LibreOffice profile, so that conversions in parallel do not collide."""

import shutil
import subprocess
import tempfile
from pathlib import Path

from django.utils.translation import gettext as _

from rencai.reports.gbt9704 import preview_copy

TIMEOUT = 120  # seconds
STAND_INS = {
    "仿宋_GB2312": ("AR PL UMing CN", "Noto Serif CJK SC"),
    "仿宋": ("AR PL UMing CN", "Noto Serif CJK SC"),
    "宋体": ("AR PL UMing CN", "Noto Serif CJK SC"),
    "楷体_GB2312": ("AR PL UKai CN", "Noto Serif CJK SC"),
    "楷体": ("AR PL UKai CN", "Noto Serif CJK SC"),
    "黑体": ("WenQuanYi Zen Hei Mono", "Noto Sans CJK SC"),
    "方正小标宋简体": ("Noto Serif CJK SC Black", "Noto Serif CJK SC"),
}


class PdfUnavailable(Exception):
    """No PDF: LibreOffice is not installed, or the conversion failed (the message says which,
    in Chinese)."""


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def available() -> bool:
    return soffice() is not None


def fontconfig() -> str:
    """A fontconfig file: the system's configuration plus strong aliases for the offices'
    fonts."""
    aliases = "".join(
        f"<alias binding='strong'><family>{name}</family><prefer>"
        + "".join(f"<family>{f}</family>" for f in fonts)
        + "</prefer></alias>"
        for name, fonts in STAND_INS.items()
    )
    return (
        "<?xml version='1.0'?><!DOCTYPE fontconfig SYSTEM 'fonts.dtd'><fontconfig>"
        "<include ignore_missing='yes'>/etc/fonts/fonts.conf</include>"
        f"{aliases}</fontconfig>"
    )


def to_pdf(docx: bytes) -> bytes:
    """The PDF preview of a report's .docx bytes; PdfUnavailable with a Chinese message."""
    program = soffice()
    if program is None:
        raise PdfUnavailable(_("本机未安装 LibreOffice，无法生成 PDF 预览；请下载 Word 文件。"))
    with tempfile.TemporaryDirectory(prefix="rencai-pdf-") as work:
        folder = Path(work)
        (folder / "fonts.conf").write_text(fontconfig(), "utf-8")
        source = folder / "report.docx"
        source.write_bytes(preview_copy(docx))
        env = {
            "PATH": "/usr/local/bin:/usr/bin:/bin",
            "HOME": str(folder),
            "FONTCONFIG_FILE": str(folder / "fonts.conf"),
            "LANG": "C.UTF-8",
        }
        command = [
            program,
            f"-env:UserInstallation=file://{folder / 'profile'}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            str(source),
        ]
        try:
            subprocess.run(command, env=env, capture_output=True, timeout=TIMEOUT, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise PdfUnavailable(_("PDF 转换失败：%(e)s") % {"e": exc}) from None
        result = folder / "report.pdf"
        if not result.exists():
            raise PdfUnavailable(_("PDF 转换失败：LibreOffice 没有生成文件"))
        return result.read_bytes()
