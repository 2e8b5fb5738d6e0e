"""What a few cells look like on screen: their number format and column width, read lazily.

calamine hands over values, not formats. A message about a long number stored as a number
must say what the user sees, and that depends on the cell's number format and the column's
width: General shows 430104198107220000 as 4.30104E+17; format ``0`` shows it digit for
digit when the column is wide enough, and ``########`` when it is not. Only the rare cells
that need it are looked up, in one extra pass over that sheet's XML (guarded like every
other read: ooxml.open_package).
"""

from __future__ import annotations

import posixpath
import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from ..a1 import a1
from ..errors import ReadError
from .ooxml import open_package

# Built-in number formats (ECMA-376 18.8.30) that matter for whole numbers; every other
# built-in id is a date, time or fraction format.
BUILTIN = {0: "General", 1: "0", 2: "0.00", 3: "#,##0", 4: "#,##0.00", 9: "0%", 10: "0.00%",
           11: "0.00E+00", 37: "#,##0 ;(#,##0)", 38: "#,##0 ;[Red](#,##0)", 39: "#,##0.00;(#,##0.00)",
           40: "#,##0.00;[Red](#,##0.00)", 48: "##0.0E+0", 49: "@"}
DATE_IDS = frozenset({*range(14, 23), *range(27, 37), 45, 46, 47, *range(50, 59)})
DEFAULT_WIDTH = 8.43        # characters visible in a column whose width was never set
PADDING = 5 / 7             # a stored column width includes 5 pixels of padding (7-pixel digits)
GENERAL_MAX = 11            # General shows at most 11 characters, whatever the width
LAST_DATE = 2958465         # 9999-12-31: a larger number in a date format shows as ####
_TAIL = 4096
_ENTITIES = {"&lt;": "<", "&gt;": ">", "&quot;": '"', "&apos;": "'", "&amp;": "&"}


@dataclass(frozen=True)
class CellFormat:
    """A cell's number format code and how many characters its column shows."""
    code: str = "General"
    width: float = DEFAULT_WIDTH

    def show(self, x: float) -> str | None:
        """The text Excel shows for number x in this cell; None for a format this module
        does not render (the caller then names the format instead)."""
        section = self.code.split(";")[0]
        if section.strip().lower() in ("general", "@", ""):    # text format shows numbers as General
            return general(x, self.width)
        text = _render(section, x)
        if text is None:
            return None
        return text if len(text) <= int(self.width) and text != "#" else "#" * max(int(self.width), 1)


def general(x: float, width: float = GENERAL_MAX) -> str:
    """Excel's General format: the whole number when it fits, else scientific notation with
    as many digits as fit (at most 11 characters): 4.30104E+17, or 4.3E+17 in a column of 8."""
    limit = min(GENERAL_MAX, int(width))
    if float(x).is_integer() and len(str(int(x))) <= limit:
        return str(int(x))
    for decimals in range(5, -1, -1):
        mantissa, exp = f"{x:.{decimals}E}".split("E")
        if "." in mantissa:
            mantissa = mantissa.rstrip("0").rstrip(".")
        text = f"{mantissa}E{exp[0]}{int(exp[1:]):02d}"
        if len(text) <= limit:
            return text
    return "#" * max(int(width), 1)


_LITERAL = re.compile(r'"([^"]*)"|\\(.)|_(.)|\*(.)|\[[^\]]*\]')
_PLACEHOLDERS = re.compile(r"(?P<whole>[0#?][0#?,]*)?(?:\.(?P<frac>[0#?]*))?(?:[eE](?P<sign>[+-])(?P<exp>0+))?")


def _render(section: str, x: float) -> str | None:
    """One number format section of digit placeholders (0 # ? , . % E+00) and literals
    ("text", a backslash escape, _ spacing, [colour or locale]). Excel keeps 15 significant
    digits: so does this."""
    from decimal import Decimal     # only for the rare cells looked up

    literals: list[str] = []

    def hide(m: re.Match) -> str:
        literals.append(m.group(1) or m.group(2) or (" " if m.group(3) else ""))
        return "\x01"

    body = _LITERAL.sub(hide, section)
    if re.search(r"[yYmMdDhHsS]", re.sub(r"[eE][+-]", "", body)):      # a date or time format
        return "#" if abs(x) > LAST_DATE else None
    m = next((m for m in _PLACEHOLDERS.finditer(body) if m.group("whole") or m.group("frac")), None)
    if m is None or re.search(r"[0#?]\s*/", body):       # a fraction format: not rendered here
        return None
    prefix, suffix = body[:m.start()], body[m.end():]
    whole, frac, exp = m.group("whole") or "", m.group("frac"), m.group("exp")
    d = Decimal(f"{x:.15g}")
    if "%" in prefix + suffix:
        d *= 100
    d /= 1000 ** (len(whole) - len(whole.rstrip(",")))     # each trailing comma divides by 1000
    decimals = len(frac or "")
    if exp:
        number, e = f"{abs(d):.{decimals}E}".split("E")
        sign = e[0] if m.group("sign") == "+" or e[0] == "-" else ""
        text = f"{number}E{sign}{int(e[1:]):0{len(exp)}d}"
    else:
        int_part, _, frac_part = f"{abs(d):.{decimals}f}".partition(".")
        n = int(int_part)
        int_text = (f"{n:,}" if "," in whole.rstrip(",") else str(n)) if n else ""
        int_text = int_text.zfill(whole.count("0"))
        keep = frac.count("0") if frac else 0
        frac_part = frac_part[:keep] + frac_part[keep:].rstrip("0")
        text = int_text + ("." + frac_part if frac is not None else "")
    shown = ("-" if d < 0 else "") + prefix + text + suffix
    for literal in literals:
        shown = shown.replace("\x01", literal, 1)
    return shown


# --- reading the package -----------------------------------------------------------------
def _attrs(tag: bytes) -> dict[str, str]:
    return {k.decode(): re.sub(r"&(?:lt|gt|quot|apos|amp);", lambda m: _ENTITIES[m.group()], v.decode("utf-8", "replace"))
            for k, v in re.findall(rb'\s(?:\w+:)?(\w+)="([^"]*)"', tag)}


def _rels(reader, part: str) -> dict[str, tuple[str, str]]:
    """Relationship id -> (type, target part) of one part."""
    folder, base = posixpath.split(part)
    name = posixpath.join(folder, "_rels", base + ".rels")
    if name not in reader.names:
        return {}
    out = {}
    for tag in re.findall(rb"<(?:\w+:)?Relationship\s[^>]*>", reader.read(name)):
        a = _attrs(tag)
        target = a.get("Target", "")
        if a.get("TargetMode") == "External" or not target:
            continue
        target = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
        out[a.get("Id", "")] = (a.get("Type", ""), target)
    return out


def _styles(reader, part: str | None) -> list[str]:
    """Number format code per cellXfs index."""
    if not part or part not in reader.names:
        return []
    xml = reader.read(part)
    custom = {int(a["numFmtId"]): a.get("formatCode", "General")
              for a in map(_attrs, re.findall(rb"<(?:\w+:)?numFmt\s[^>]*>", xml)) if a.get("numFmtId", "").isdigit()}
    m = re.search(rb"<(?:\w+:)?cellXfs\b.*?</(?:\w+:)?cellXfs>", xml, re.S)
    codes = []
    for tag in re.findall(rb"<(?:\w+:)?xf\b[^>]*>", m.group() if m else b""):
        fid = int(_attrs(tag).get("numFmtId", "0") or 0)
        codes.append(custom.get(fid) or BUILTIN.get(fid) or ("yyyy-mm-dd" if fid in DATE_IDS else "General"))
    return codes


def _widths(head: bytes) -> tuple[float, list[tuple[int, int, float]]]:
    """Default visible width and (first, last, visible width) per <col> range (1-based)."""
    default = DEFAULT_WIDTH
    m = re.search(rb"<(?:\w+:)?sheetFormatPr\s[^>]*>", head)
    if m:
        a = _attrs(m.group())
        if "defaultColWidth" in a:
            default = float(a["defaultColWidth"]) - PADDING
        elif "baseColWidth" in a:
            default = float(a["baseColWidth"]) + DEFAULT_WIDTH - 8
    cols = []
    for tag in re.findall(rb"<(?:\w+:)?col\s[^>]*>", head):
        a = _attrs(tag)
        if a.get("min", "").isdigit() and a.get("max", "").isdigit() and "width" in a:
            width = 0.0 if a.get("hidden") in ("1", "true") else max(float(a["width"]) - PADDING, 0.0)
            cols.append((int(a["min"]), int(a["max"]), width))
    return default, cols


def cell_formats(path: str | Path, sheet: str, cells: Iterable[tuple[int, int]]) -> dict[tuple[int, int], CellFormat]:
    """Number format and column width of the given cells ((0-based row, 0-based column))
    of one sheet. A cell that cannot be found is left out (the caller assumes General);
    a package that cannot be read gives an empty answer, never an error: the values were
    read already, this only sharpens a message."""
    wanted = sorted(set(cells))
    if not wanted:
        return {}
    try:
        zf, reader = open_package(Path(path))
    except ReadError:
        return {}
    try:
        return _cell_formats(reader, sheet, wanted)
    except (ReadError, OSError, ValueError, KeyError, EOFError, RuntimeError, zipfile.BadZipFile, zlib.error):
        return {}
    finally:
        zf.close()


def _cell_formats(reader, sheet: str, wanted: list[tuple[int, int]]) -> dict[tuple[int, int], CellFormat]:
    root = _rels(reader, "")
    workbook = next((t for kind, t in root.values() if kind.endswith("/officeDocument")), "xl/workbook.xml")
    rels = _rels(reader, workbook)
    styles = next((t for kind, t in rels.values() if kind.endswith("/styles")), None)
    part = None
    for tag in re.findall(rb"<(?:\w+:)?sheet\s[^>]*>", reader.read(workbook)):
        a = _attrs(tag)
        if a.get("name") == sheet:
            part = rels.get(a.get("id", ""), ("", None))[1]
    if part is None or part not in reader.names:
        return {}
    codes = _styles(reader, styles)
    found: dict[tuple[int, int], int] = {}
    head = b""
    widths = None
    k = 0
    tail = b""
    for chunk in reader.chunks(part):
        buf = tail + chunk
        if widths is None:
            head += chunk
            if b"sheetData" in head:
                widths = _widths(head[:head.find(b"sheetData")])
                head = b""
        pos = 0
        while k < len(wanted):
            r, c = wanted[k]
            at = buf.find(f' r="{a1(c, r + 1)}"'.encode(), pos)
            if at < 0:
                if _last_row(buf) > r + 1:      # the sheet has gone past that row: no such cell
                    k += 1
                    continue
                break
            start, end = buf.rfind(b"<", 0, at), buf.find(b">", at)
            if end < 0:
                break
            s = _attrs(buf[start:end + 1]).get("s", "0")
            found[wanted[k]] = int(s) if s.isdigit() else 0
            pos = end
            k += 1
        if k == len(wanted):
            break
        tail = buf[-_TAIL:]
    default, cols = widths or (DEFAULT_WIDTH, [])
    out = {}
    for (r, c), style in found.items():
        width = next((w for lo, hi, w in cols if lo <= c + 1 <= hi), default)
        out[(r, c)] = CellFormat(codes[style] if style < len(codes) else "General", width)
    return out


def _last_row(buf: bytes) -> int:
    """The number of the last row that starts in buf (0 when none does)."""
    rows = re.findall(rb'<(?:\w+:)?row\b[^>]*?\sr="(\d+)"', buf[-_TAIL * 4:])
    return int(rows[-1]) if rows else 0
