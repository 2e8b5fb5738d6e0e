"""Long runs of formatted but empty rows, set aside while openpyxl edits a copy.

Rows formatted as a whole in Excel (select rows 2 to 1,048,576, pick a fill) are kept as
one ``<row r=".." s=".." customFormat="1"/>`` each: a sheet of two data rows can hold a
million of them. openpyxl makes an object of each and writes each back, 35 s and 1 GB
for a copy of two rows. So before openpyxl loads a workbook, each worksheet's trailing
run of identical empty rows is cut down to its first row; after openpyxl has saved the
copy, that first row, as openpyxl wrote it (its style renumbered), is repeated down to
the run's last row again. The copy has exactly the rows of the original.

Only a run that is uniform (every row the same apart from its number) and long is set
aside; anything else is left to openpyxl as it is.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from defusedxml.ElementTree import fromstring

MIN_RUN = 10_000        # rows; below this openpyxl is quick enough

_ROW_NUMBER = re.compile(rb'\sr="(\d+)"')
_ROW_START = re.compile(rb'<row[\s>/]')
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


@dataclass(frozen=True)
class Run:
    """Rows first..last (1-based) of a sheet: empty, all alike; first stays in the copy."""
    sheet: str
    first: int
    last: int


def sheet_parts(z: zipfile.ZipFile) -> dict[str, str]:
    """Worksheet name -> its part in the package (xl/workbook.xml and its relationships)."""
    names = set(z.namelist())
    if "xl/workbook.xml" not in names or "xl/_rels/workbook.xml.rels" not in names:
        return {}
    targets = {}
    for el in fromstring(z.read("xl/_rels/workbook.xml.rels")):
        target = el.get("Target") or ""
        part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
        targets[el.get("Id")] = part
    out = {}
    for el in fromstring(z.read("xl/workbook.xml")).iter():
        if el.tag.rsplit("}", 1)[-1] == "sheet":
            part = targets.get(el.get(_NS_REL) or "")
            if part and part in names and part.startswith("xl/worksheets/"):
                out[el.get("name") or ""] = part
    return out


def set_aside(path: str | Path) -> tuple[bytes | None, list[Run]]:
    """The workbook with each worksheet's long trailing run of identical empty rows cut
    to its first row (None when no sheet has such a run), and the runs cut."""
    with zipfile.ZipFile(path) as z:
        parts = sheet_parts(z)
        cut: dict[str, bytes] = {}
        runs = []
        for sheet, part in parts.items():
            if z.getinfo(part).file_size < MIN_RUN * 10:      # too small to hold a long run
                continue
            found = _trailing_run(z.read(part))
            if found:
                xml, first, last = found
                cut[part] = xml
                runs.append(Run(sheet, first, last))
        if not runs:
            return None, []
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as out:
            for info in z.infolist():
                out.writestr(info, cut.get(info.filename) or z.read(info), compress_type=zipfile.ZIP_DEFLATED)
    return buf.getvalue(), runs


def _trailing_run(xml: bytes) -> tuple[bytes, int, int] | None:
    """(the sheet without the run but its first row, first, last) for a sheet whose rows
    after its last cell are MIN_RUN or more empty rows alike but for their number."""
    end = xml.rfind(b"</sheetData>")
    if end < 0:
        return None
    last_cell = max(xml.rfind(b"<c ", 0, end), xml.rfind(b"<c>", 0, end))
    if last_cell >= 0:
        close = xml.find(b"</row>", last_cell, end)
        if close < 0:
            return None
        start = close + len(b"</row>")
    else:
        open_tag = xml.find(b"<sheetData")
        start = xml.find(b">", open_tag) + 1
        if xml[start - 2:start] == b"/>":
            return None
    tail = xml[start:end]
    first_end = _row_end(tail, 0)
    if first_end is None or not tail.startswith(b"<row"):
        return None
    template = tail[:first_end]
    first_m = _ROW_NUMBER.search(template)
    last_m = _ROW_NUMBER.search(tail, tail.rfind(b"<row"))
    if first_m is None or last_m is None:
        return None
    first, last = int(first_m.group(1)), int(last_m.group(1))
    if last - first + 1 < MIN_RUN:
        return None
    before, after = template[:first_m.start(1)], template[first_m.end(1):]
    if tail != _rows(first, last + 1, before, after):    # every row the first one but for its number
        return None
    return xml[:start] + template + xml[end:], first, last


def _row_end(buf: bytes, pos: int) -> int | None:
    """The end of the empty row element starting at pos: <row .../> or <row ...></row>."""
    close = buf.find(b">", pos)
    if close < 0:
        return None
    if buf[close - 1:close] == b"/":
        return close + 1
    end = buf.find(b"</row>", close)
    if end < 0 or buf[close + 1:end].strip():
        return None
    return end + len(b"</row>")


def put_back(saved: bytes, runs: list[Run], names: dict[str, str], out) -> None:
    """Write the package openpyxl saved (bytes) to out (a path or file) with each run's
    rows back: its first row as the copy has it, repeated to the run's last row.
    names: a sheet's name in the original -> its name in the copy."""
    with zipfile.ZipFile(io.BytesIO(saved)) as z:
        parts = sheet_parts(z)
        edited = {}
        for run in runs:
            part = parts.get(names.get(run.sheet, run.sheet))
            if part is not None:
                edited[part] = _with_run(edited.get(part) or z.read(part), run)
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as target:
            for info in z.infolist():
                # the restored sheet is big and repetitive: the fastest level packs it well
                target.writestr(info, edited.get(info.filename) or z.read(info), compress_type=zipfile.ZIP_DEFLATED,
                                compresslevel=1 if info.filename in edited else None)


def _with_run(xml: bytes, run: Run) -> bytes:
    """The sheet with the rows of run after its first row, merged in row order with any
    rows the copy has there (a plan appended under the data, say)."""
    m = re.search(rb'<row\s[^>]*?\br="%d"[^>]*>' % run.first, xml)
    if m is None:           # openpyxl kept no formatting for it: nothing to repeat
        return xml
    tag = m.group(0)
    attrs = _ROW_NUMBER.sub(b"", tag[len(b"<row"):].rstrip(b">").rstrip(b"/"))
    before, after_number = b'<row r="', b'"' + attrs + b"/>"
    after = m.end() if tag.endswith(b"/>") else xml.index(b"</row>", m.end()) + len(b"</row>")
    end = xml.rindex(b"</sheetData>")
    pieces = [xml[:after]]
    nxt = run.first + 1
    pos = after
    for later in _ROW_START.finditer(xml, after, end):      # rows the copy has after it
        r = _ROW_NUMBER.search(xml, later.start(), xml.index(b">", later.start()))
        number = int(r.group(1)) if r else nxt
        pieces.append(_rows(nxt, min(number, run.last + 1), before, after_number))
        nxt = max(nxt, number + 1)
        stop = xml.find(b"<row", later.end(), end)
        pieces.append(xml[later.start():stop if stop >= 0 else end])
        pos = stop if stop >= 0 else end
    pieces.append(_rows(nxt, run.last + 1, before, after_number))
    pieces.append(xml[pos:])
    return b"".join(pieces)


def _rows(start: int, stop: int, before: bytes, after: bytes) -> bytes:
    """Rows start..stop-1, each before + its number + after, joined at C speed (a million
    in a fraction of a second)."""
    if start >= stop:
        return b""
    numbers = " ".join(map(str, range(start, stop))).encode().split(b" ")
    return before + (after + before).join(numbers) + after
