"""Look inside an .xlsx before any parser does: the guards and what calamine cannot tell.

* Zip guards: entry count, declared and *actual* uncompressed sizes (every XML part is
  decompressed here in bounded chunks, so a lying header or a deflate bomb stops at the
  limit instead of in a parser).
* The workbook's real structure: sheet names to parts, for transitional and Strict OOXML
  alike (parsed with defusedxml, so entity bombs are refused).
* Per worksheet, in one streaming pass: the real used range (rows and columns actually
  present, whatever ``<dimension>`` claims), the number of cells, and the cells holding
  formulas or error values — calamine returns a formula's cached value and drops errors
  to "", so these are found here.
"""

from __future__ import annotations

import contextlib
import functools
import posixpath
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from ..a1 import col_index, col_letter
from ..errors import ReadError
from .ahead import ahead
from .sniff import XLSB

MAX_ENTRIES = 10_000
MAX_PART_BYTES = 768 << 20      # one XML part, uncompressed
MAX_TOTAL_BYTES = 1536 << 20    # all XML parts together
MAX_RATIO = 250                 # deflate bombs run near 1000:1; real sheet XML 10-120:1
RATIO_FROM = 32 << 20           # ... and the ratio only matters for big parts
CHUNK = 8 << 20
_TAIL = 4096                    # bytes kept from the previous chunk (cell tags are short)


@dataclass
class SheetScan:
    """What one streaming pass over a worksheet's XML found."""
    max_row: int = 0            # 1-based; 0 when the sheet has no rows
    max_col: int = 0            # 1-based upper bound
    cells: int = 0
    formulas: dict[tuple[int, int], str] = field(default_factory=dict)   # 0-based -> text
    errors: dict[tuple[int, int], str] = field(default_factory=dict)     # 0-based -> #N/A ...
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # 0-based, inclusive
    hidden_rows: set[int] = field(default_factory=set)   # 0-based rows hidden (by hand or a filter)

    @property
    def area(self) -> int:
        """The bounding box's cells (what a dense reader would allocate)."""
        return self.max_row * self.max_col


@dataclass
class SheetPart:
    """A sheet of the workbook: its name, part, visibility and kind."""
    name: str
    part: str | None
    state: str                  # visible / hidden / veryHidden
    kind: str                   # worksheet / chartsheet / dialogsheet / macrosheet


@dataclass
class Package:
    """The workbook's structure and every worksheet's scan."""
    kind: str                   # xlsx / xlsm
    sheets: list[SheetPart]
    scans: dict[str, SheetScan]  # by sheet name


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _attr(el, name: str) -> str | None:
    """An attribute by local name, whatever its namespace (Strict uses another one)."""
    for k, v in el.attrib.items():
        if _local(k) == name:
            return v
    return None


class _Reader:
    def __init__(self, path: Path, zf: zipfile.ZipFile):
        self.path = path
        self.zf = zf
        self.total = 0
        self.names = {i.filename: i for i in zf.infolist()}

    def chunks(self, name: str):
        """Yield the part's bytes in chunks, enforcing the size limits on real output."""
        info = self.names[name]
        if info.file_size > MAX_PART_BYTES:
            raise ReadError(self.path, _too_big(name, info.file_size))
        seen = 0
        with self.zf.open(info) as fh:
            while True:
                chunk = fh.read(CHUNK)
                if not chunk:
                    return
                seen += len(chunk)
                self.total += len(chunk)
                if seen > RATIO_FROM and seen > MAX_RATIO * max(info.compress_size, 1):
                    raise ReadError(self.path, _too_big(name, seen, bomb=True))
                if seen > MAX_PART_BYTES:
                    raise ReadError(self.path, _too_big(name, seen, bomb=info.file_size < seen))
                if self.total > MAX_TOTAL_BYTES:
                    raise ReadError(self.path, "解压后的内容超过 1.5 GiB（压缩比异常），疑似压缩炸弹，已拒绝读取")
                yield chunk

    def read(self, name: str) -> bytes:
        return b"".join(self.chunks(name))

    def xml(self, name: str):
        try:
            return fromstring(self.read(name))
        except DefusedXmlException:
            raise ReadError(self.path, "文件里有不安全的 XML（实体扩展或外部实体），已拒绝读取") from None
        except ParseError as e:
            raise ReadError(self.path, f"文件已损坏：{name} 不是有效的 XML（{e}）") from None


def _too_big(name: str, size: int, bomb: bool = False) -> str:
    if bomb:
        return f"{name} 解压后的大小与压缩前相差过大（压缩比异常），疑似压缩炸弹，已拒绝读取"
    return f"文件太大：{name} 解压后有 {size / (1 << 20):.0f} MiB，超过 {MAX_PART_BYTES >> 20} MiB 的上限"


def _rels(reader: _Reader, part: str) -> dict[str, str]:
    """Relationship id -> target part name for a part."""
    folder, base = posixpath.split(part)
    rels_name = posixpath.join(folder, "_rels", base + ".rels")
    if rels_name not in reader.names:
        return {}
    out = {}
    for el in reader.xml(rels_name):
        target, rid = el.get("Target"), el.get("Id")
        if not target or not rid or el.get("TargetMode") == "External":
            continue
        target = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
            posixpath.join(folder, target))
        out[rid] = target
    return out


def open_package(path: Path) -> tuple[zipfile.ZipFile, _Reader]:
    """Open the zip with its entry-count guard; the reader enforces size limits on every part."""
    try:
        zf = zipfile.ZipFile(path)
        infos = zf.infolist()
    except zipfile.BadZipFile as e:
        raise ReadError(path, f"文件已损坏：压缩包不完整或格式错误（{e}）") from None
    except (OSError, ValueError, EOFError, NotImplementedError) as e:
        raise ReadError(path, f"文件已损坏：无法打开压缩包（{e}）") from None
    if len(infos) > MAX_ENTRIES:
        zf.close()
        raise ReadError(path, f"压缩包里有 {len(infos)} 个条目，不像正常的工作簿，已拒绝读取")
    return zf, _Reader(path, zf)


def inspect(path: Path, content: bool = True) -> Package:
    """Guard and map the package; scan every worksheet (its extent only, without content:
    then scan_content fills in the rest). Raises ReadError."""
    with _opened(path) as reader:
        return _inspect(path, reader, content)


def scan_content(path: Path, package: Package, names: list[str]) -> None:
    """The formulas, error values and merges of these worksheets, into package.scans: a
    second pass over parts inspect has guarded (their sizes are not counted again)."""
    parts = {sp.name: sp.part for sp in package.sheets}
    with _opened(path) as reader:
        for name in names:
            scan_sheet(ahead(reader.chunks(parts[name]), depth=2, name="gcs-inflate"), package.scans[name], extent=False)


@contextlib.contextmanager
def _opened(path: Path):
    """The package's reader; damage found while reading it is a ReadError."""
    zf, reader = open_package(path)
    try:
        yield reader
    except ReadError:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, KeyError,
            NotImplementedError, RuntimeError) as e:
        # RuntimeError: zipfile's "encrypted, password required"; the rest: damaged data.
        raise ReadError(path, f"文件已损坏：{type(e).__name__}: {e}") from None
    finally:
        zf.close()


def _inspect(path: Path, reader: _Reader, content: bool) -> Package:
    names = reader.names
    if "mimetype" in names and "content.xml" in names:
        raise ReadError(path, "这是 OpenDocument 表格（.ods），请另存为 .xlsx")
    root_rels = _rels(reader, "") if "_rels/.rels" in names else {}
    workbook = next((t for t in root_rels.values() if t.endswith(("workbook.xml", "workbook.bin"))), None)
    if workbook is None:
        workbook = next((n for n in ("xl/workbook.xml", "xl/workbook.bin") if n in names), None)
    if workbook is None or workbook not in names:
        raise ReadError(path, "文件已损坏或不是 Excel 工作簿：压缩包里找不到 workbook.xml")
    if workbook.endswith(".bin"):
        raise ReadError(path, XLSB)

    # Guard every XML part the parsers will touch (sharedStrings, styles, sheets ...).
    for name in names:
        if name.endswith((".xml", ".rels", ".vml")) and not name.startswith("xl/worksheets/"):
            for _ in reader.chunks(name):
                pass

    rels = _rels(reader, workbook)
    sheets = []
    for el in reader.xml(workbook).iter():
        if _local(el.tag) != "sheet":
            continue
        name = el.get("name") or ""
        part = rels.get(_attr(el, "id") or "")
        kind = "worksheet"
        if part and "/" in part:
            kind = {"chartsheets": "chartsheet", "dialogsheets": "dialogsheet",
                    "macrosheets": "macrosheet"}.get(part.split("/")[-2], "worksheet")
        sheets.append(SheetPart(name, part if part in names else None, el.get("state") or "visible", kind))
    scans = {}
    for sp in sheets:
        if sp.kind == "worksheet" and sp.part:
            scans[sp.name] = scan_sheet(ahead(reader.chunks(sp.part), depth=2, name="gcs-inflate"), content=content)
    kind = "xlsm" if "xl/vbaProject.bin" in names or path.suffix.lower() == ".xlsm" else "xlsx"
    return Package(kind, sheets, scans)


# --- the worksheet scan -------------------------------------------------------------
# Each chunk is searched by a few C-level scans (bytes.find/count, regexes that start with a
# literal); a regex starting with "<" or a translated copy of the chunk costs several times
# as much on a sheet of a million rows. Python loops only where something was found.
# Row numbers and column letters of any length: a row past Excel's 1,048,576 (written with
# eight digits) must count too, or calamine would size its grid by it unseen.
_ROW_STD = re.compile(rb'<row r="(\d+)"')
_ROW_ANY = re.compile(rb'<(?:\w+:)?row\b[^>]*?\sr="(\d+)"')
_REF = re.compile(rb' r="([A-Z]+)(\d+)"')
_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
_ERROR = re.compile(rb'\st="e"')
_CELL_REF = re.compile(rb'\sr="([A-Z]{1,3})(\d{1,7})"')
_CELL_START = (b"<c ", b":c ")
_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s[^>]*?ref="([A-Z]{1,3})(\d{1,7})(?::([A-Z]{1,3})(\d{1,7}))?"')
_HIDDEN_ROW = re.compile(rb'<(?:\w+:)?row\b[^>]*?\shidden="(?:1|true)"')
_ENTITIES = ((b"&lt;", b"<"), (b"&gt;", b">"), (b"&quot;", b'"'), (b"&apos;", b"'"), (b"&amp;", b"&"))


@functools.cache
def _past(col: int) -> re.Pattern:
    """A search for cell references in a column past col (1-based, 0 for none yet): one
    quick scan where there are none, and the widest column is found exactly where there are."""
    def after(letter: str) -> str:
        return "" if letter == "Z" else f"[{chr(ord(letter) + 1)}-Z]"
    name = col_letter(col - 1) if col else ""
    if not name:
        alts = ["[A-Z]"]
    elif len(name) == 1:
        alts = ["[A-Z]{2}", after(name)]
    elif len(name) == 2:
        alts = ["[A-Z]{3}", after(name[0]) and after(name[0]) + "[A-Z]", after(name[1]) and name[0] + after(name[1])]
    else:
        alts = ["[A-Z]{3}"]
    return re.compile(b' r="(?:' + "|".join(a for a in alts if a).encode() + b")")


@functools.lru_cache(maxsize=512)
def _rows_past(n: int) -> re.Pattern:
    """A search for <row r="..."> numbers greater than n (more digits, or as many and
    greater at the first digit that differs): where rows ascend, as Excel writes them,
    it finds nothing at the speed of a byte search."""
    digits = str(n)
    alts = [rf"\d{{{len(digits) + 1},}}"]
    for i, d in enumerate(digits):
        if d != "9":
            rest = len(digits) - i - 1
            alts.append(f"{digits[:i]}[{int(d) + 1}-9]" + (rf"\d{{{rest}}}" if rest else ""))
    return re.compile(b'<row r="(?:' + "|".join(alts).encode() + b')"')


def _last_row(buf: bytes, lo: int, hi: int, max_row: int) -> int:
    """The greatest row number in buf[lo:hi] or max_row: the last row's, once nothing
    greater is found; else each row's."""
    last = buf.rfind(b'<row r="', lo, hi)
    if last < 0:
        if buf.find(b"row", lo, hi) < 0:
            return max_row
        rows = _ROW_ANY.findall(buf, lo, hi)        # prefixed (<x:row>) or r not first
    else:
        m = _ROW_STD.match(buf, last)
        top = max(max_row, int(m.group(1))) if m else max_row
        if not _rows_past(top).search(buf, lo, hi):
            return top
        rows = _ROW_STD.findall(buf, lo, hi)
    return max(max_row, max(map(int, rows))) if rows else max_row


def _data_end(buf: bytes, lo: int) -> int:
    """Where the sheet's data ends in buf, searching from lo: the start of </sheetData>
    (any prefix) or the end of an empty <sheetData/>; -1 when not in buf. A byte search:
    the opening <sheetData> is found too and passed over."""
    i = buf.find(b"sheetData", max(lo, buf.rfind(b"</row>", lo)))  # it follows the last row
    while i >= 0:
        if buf.startswith(b"/>", i + 9):
            return i + 11
        start = buf.rfind(b"<", max(0, i - 64), i)
        if start >= 0 and buf.startswith(b"/", start + 1):
            return start
        i = buf.find(b"sheetData", i + 9)
    return -1


def _cell_at(buf: bytes, pos: int) -> tuple[int, int] | None:
    """The 0-based (row, col) of the cell whose tag or content holds buf[pos]. The cell's
    tag is close before it: look back a bounded window, never the whole buffer."""
    lo = max(0, pos - 1024)
    start = max(buf.rfind(s, lo, pos + 1) for s in _CELL_START)
    if start < 0:
        return None
    end = buf.find(b">", start)
    m = _CELL_REF.search(buf, start, end if end >= 0 else len(buf))
    if not m:
        return None
    return int(m.group(2)) - 1, col_index(m.group(1)) - 1


def _formula_text(buf: bytes, pos: int) -> str:
    open_end = buf.find(b">", pos)
    if open_end < 0 or buf[open_end - 1:open_end] == b"/":
        return ""
    close = buf.find(b"</", open_end)
    raw = buf[open_end + 1:close if close >= 0 else open_end + 201][:200]
    for ent, ch in _ENTITIES:
        raw = raw.replace(ent, ch)
    return "=" + raw.decode("utf-8", "replace") if raw else ""


def _error_text(buf: bytes, pos: int) -> str:
    v = buf.find(b"<v>", pos, pos + 600)
    if v < 0:
        m = re.search(rb"<(?:\w+:)?v>", buf[pos:pos + 600])
        if not m:
            return "#错误"
        v = pos + m.start()
        start = pos + m.end()
    else:
        start = v + 3
    end = buf.find(b"<", start)
    return buf[start:end].decode("utf-8", "replace") or "#错误"


def scan_sheet(chunks, scan: SheetScan | None = None, extent: bool = True, content: bool = True) -> SheetScan:
    """The real extent and cell count (extent) and the formulas, error values and merges
    (content) of one worksheet, from its XML in chunks: both by default. The extent is
    what must be known before calamine may parse the sheet; the content can be scanned
    while it does (it parses without the GIL), into the same scan."""
    scan = scan if scan is not None else SheetScan()
    tail = b""
    max_row = max_col = 0
    merged: set[tuple[int, int, int, int]] = set()
    past_data = False       # after </sheetData>: <xm:f> in extLst is a list source, not a cell
    for chunk in chunks:
        buf = tail + chunk
        lo = max(0, len(tail) - 32)   # tokens may straddle the previous boundary
        hi = len(buf)
        if past_data:
            hi = lo
        else:
            end = _data_end(buf, lo)
            if end >= 0:
                hi, past_data = end, True
        if extent:
            max_row = _last_row(buf, lo, hi, max_row)
            pos = lo
            while wider := _past(max_col).search(buf, pos, hi):    # a column past the widest so far
                ref = _REF.match(buf, wider.start())
                if ref:
                    max_col = max(max_col, col_index(ref.group(1)))
                    max_row = max(max_row, int(ref.group(2)))
                pos = wider.end()
            fresh = max(0, len(tail) - 2)       # counts must not see the overlap twice
            cells = buf.count(b"<c ", fresh)
            prefixed = not cells and b":c " in buf      # <x:c ...> (namespace prefixes)
            scan.cells += buf.count(b":c ", fresh) if prefixed else cells
        if not content:
            tail = buf[-_TAIL:]
            continue
        if not extent:
            prefixed = b"<c " not in buf and b":c " in buf     # found at once where it is there
        # An "f" found by memchr is rare in sheet XML: only then look for <f (a slow scan).
        if buf.find(b"f", lo, hi) >= 0 and (buf.find(b"<f", lo, hi) >= 0 or (prefixed and buf.find(b":f", lo, hi) >= 0)):
            for m in _FORMULA.finditer(buf, lo, hi):
                where = _cell_at(buf, m.start())
                if where:
                    scan.formulas[where] = _formula_text(buf, m.start())
        if buf.find(b't="e"', lo, hi) >= 0:
            for m in _ERROR.finditer(buf, lo, hi):
                where = _cell_at(buf, m.start())
                if where:
                    scan.errors[where] = _error_text(buf, m.start())
        if buf.find(b'hidden="', lo, hi) >= 0:    # <row ... hidden="1">: kept, but people should know
            for m in _HIDDEN_ROW.finditer(buf, lo, hi):
                r = _ROW_ANY.match(buf, m.start())
                if r:
                    scan.hidden_rows.add(int(r.group(1)) - 1)
        if past_data and buf.find(b"mergeCell", hi) >= 0:     # <mergeCells> follows the data
            for m in _MERGE.finditer(buf, hi):
                r1, c1 = int(m.group(2)) - 1, col_index(m.group(1)) - 1
                r2 = int(m.group(4)) - 1 if m.group(4) else r1
                c2 = col_index(m.group(3)) - 1 if m.group(3) else c1
                merged.add((r1, c1, r2, c2))
        tail = buf[-_TAIL:]
    if content:
        scan.merged = sorted(merged)
    if extent:
        scan.max_row = max_row
        scan.max_col = max_col or (26 if scan.cells else 0)   # cells without references: at most Z, as before
    return scan
