"""What a file really is, from its first bytes rather than its name."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

from ..errors import ReadError

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
EMPTY_ZIP_MAGIC = b"PK\x05\x06"
_ENCRYPTION_INFO = "EncryptionInfo".encode("utf-16-le")
_WORKBOOK_STREAMS = ("Workbook".encode("utf-16-le"), "Book".encode("utf-16-le"))

# Reasons more than one reader gives.
ENCRYPTED = "文件设置了打开密码（已加密），请在 Excel 或 WPS 中去掉密码后另存为 .xlsx 再处理"
XLSB = "这是 .xlsb 二进制工作簿，请在 Excel 中另存为 .xlsx"

MAX_FILE_BYTES = 2 << 30   # 2 GiB: far beyond any real workbook or monthly export

CSV_SUFFIXES = (".csv", ".txt")
# Extensions by which calamine and openpyxl decide a format, whatever the content.
_OTHER_FORMAT_SUFFIXES = (".xls", ".xla", ".xlsb", ".ods")
LOCK_MAX_BYTES = 4096      # Excel's and WPS's owner files (~$name.xlsx) are 162-165 bytes

# Files that are plainly something else, by their first bytes (a PDF has text enough in
# its head to pass for a CSV export).
_OTHER_FILES = (
    (b"%PDF-", "PDF 文件", "表格请从原来的系统导出为 Excel（.xlsx）或 CSV"),
    (b"\x89PNG\r\n\x1a\n", "PNG 图片", ""), (b"\xff\xd8\xff", "JPEG 图片", ""),
    (b"GIF87a", "GIF 图片", ""), (b"GIF89a", "GIF 图片", ""),
    (b"II*\x00", "TIFF 图片", ""), (b"MM\x00*", "TIFF 图片", ""),
    (b"Rar!\x1a\x07", "RAR 压缩包", "请先解压"), (b"7z\xbc\xaf\x27\x1c", "7z 压缩包", "请先解压"),
    (b"\x1f\x8b", "gzip 压缩文件", "请先解压"), (b"{\\rtf", "RTF 文档", ""), (b"\x7fELF", "程序文件", ""),
)


def is_office_lock(path: Path) -> bool:
    """Whether path is the owner file Excel or WPS keeps beside a workbook it has open
    (~$name.xlsx, a few bytes; picked up by a *.xlsx wildcard). Not a data file."""
    if not path.name.startswith("~$"):
        return False
    try:
        if path.stat().st_size > LOCK_MAX_BYTES:
            return False
        with open(path, "rb") as fh:
            return not fh.read(4).startswith((ZIP_MAGIC[:2], OLE2_MAGIC[:4]))
    except OSError:
        return False


def sniff(path: Path) -> str:
    """Return "zip" or "csv", or raise ReadError saying in one line what the file is."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise ReadError(path, "找不到这个文件") from None
    except OSError as e:
        raise ReadError(path, f"无法访问：{e.strerror}") from None
    if path.is_dir():
        raise ReadError(path, "这是一个文件夹，不是文件")
    if size == 0:
        raise ReadError(path, "文件是空的（0 字节）")
    if size > MAX_FILE_BYTES:
        raise ReadError(path, f"文件太大（{size / (1 << 30):.1f} GiB），超过 2 GiB 的上限")
    try:
        with open(path, "rb") as fh:
            head = fh.read(4096)
    except OSError as e:
        raise ReadError(path, f"无法读取：{e.strerror}") from None
    suffix = path.suffix.lower()
    if head.startswith(OLE2_MAGIC):
        raise ReadError(path, _ole2_reason(path, suffix))
    if head.startswith(ZIP_MAGIC) or head.startswith(EMPTY_ZIP_MAGIC):
        if suffix in CSV_SUFFIXES:
            raise ReadError(path, "扩展名是 .csv，内容却是 Excel 工作簿（压缩包），请改成 .xlsx")
        if suffix in _OTHER_FORMAT_SUFFIXES and _is_ooxml_workbook(path):
            raise ReadError(path, f"扩展名是 {suffix}，内容却是 .xlsx 工作簿（被改过扩展名）；"
                                  "请把扩展名改回 .xlsx 再处理")
        return "zip"
    for magic, what, advice in _OTHER_FILES:
        if head.startswith(magic):
            space = " " if what[0].isascii() else ""
            raise ReadError(path, f"这是{space}{what}，不是 Excel 工作簿，也不是 CSV" + (f"；{advice}" if advice else ""))
    text_kind = _text_kind(head)
    if suffix in CSV_SUFFIXES:
        if text_kind in ("html", "xml2003"):
            raise ReadError(path, _TEXT_REASONS[text_kind])
        if text_kind is None:
            raise ReadError(path, "不是文本（CSV）文件，内容是二进制数据")
        return "csv"
    if text_kind:
        raise ReadError(path, _TEXT_REASONS[text_kind].replace("{suffix}", suffix or "（无）"))
    if suffix == ".xlsb":
        raise ReadError(path, XLSB)
    raise ReadError(path, "不是 Excel 工作簿（.xlsx/.xlsm）也不是 CSV：文件开头不对，可能已损坏")


_TEXT_REASONS = {
    "html": "这是网页（HTML）格式的导出文件，只是扩展名为 {suffix}，不是真正的 Excel 工作簿；请用 Excel 或 WPS 打开后另存为 .xlsx",
    "xml2003": "这是“XML 电子表格 2003”格式，请用 Excel 或 WPS 打开后另存为 .xlsx",
    "text": "这是文本（CSV/制表符分隔）导出文件，扩展名却是 {suffix}；请改名为 .csv，或用 Excel 打开后另存为 .xlsx",
}


def _is_ooxml_workbook(path: Path) -> bool:
    """Whether a zip holds an Excel 2007+ workbook (its directory only; the guards of
    ooxml.py come later for what is read)."""
    try:
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    return "xl/workbook.xml" in names


def _text_kind(head: bytes) -> str | None:
    """html / xml2003 / text for text files, None for binary data."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "text"               # UTF-16 with BOM: Excel's "Unicode text" export
    if b"\x00" in head:
        return None
    probe = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if probe.startswith((b"<!doctype html", b"<html", b"<table", b"<meta")) or b"<html" in probe[:512]:
        return "html"
    if probe.startswith(b"<?xml") and b"urn:schemas-microsoft-com:office:spreadsheet" in head:
        return "xml2003"
    for encoding in ("utf-8", "gb18030"):
        try:
            head.decode(encoding)
            return "text"
        except UnicodeDecodeError as e:
            if e.start >= len(head) - 4:   # a character cut at the end of the probe
                return "text"
    return None


def _ole2_reason(path: Path, suffix: str) -> str:
    """An OLE2 container: an encrypted OOXML workbook, a legacy .xls, or a WPS .et."""
    limit = min(os.path.getsize(path), 64 << 20)
    with open(path, "rb") as fh:
        data = fh.read(limit)
    if _ENCRYPTION_INFO in data:
        return ENCRYPTED
    if suffix == ".et":
        return "这是 WPS 表格（.et）文件，请在 WPS 中另存为 .xlsx"
    if any(s in data for s in _WORKBOOK_STREAMS):
        return "这是旧版 Excel 97-2003（.xls）文件，请在 Excel 或 WPS 中另存为 .xlsx"
    return "这是 OLE2 复合文档（可能是旧版 Office 文件），不是 .xlsx 工作簿"
