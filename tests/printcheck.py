"""Print workbooks through LibreOffice and measure, sheet by sheet, what reaches the paper:
how many A4 pages, in which orientation, and at what scale.

Each visible sheet is printed on its own: for every sheet the helper writes a copy of the
workbook in which all other sheets are hidden (an edit of ``xl/workbook.xml`` only, so
charts, formats and the sheet's own page setup stay exactly as written), and LibreOffice
converts all copies to PDF in one run. The pages of a sheet are then the pages of its PDF.

The scale is the one LibreOffice actually printed at, measured, not read from the file:
one more copy of the workbook prints the top rows of every sheet at a fixed 100% (no
fit to page; everything else the same). The same words (``pdftotext -bbox``: a word is
a run of text between spaces, so mostly a cell's text as laid out) appear in both
prints; the ratio of a word's printed width in the sheet as written to its width at
100% is the scale. The helper takes, per distinct word at least 15 points wide at 100%,
the ratio of its median widths, and the median of those ratios over the words of the
sheet's first page: rounding of short words, and text that wraps or is styled
differently elsewhere, cannot sway it. A sheet with no such word has no measured scale
(None).

"One page wide" is read from the sheet itself (fit to 1 page wide, any number tall):
LibreOffice honours that setting, and the measured scale says what it cost.
"""

from __future__ import annotations

import os
import re
import shutil
import statistics
import subprocess
import zipfile
from dataclasses import dataclass
from html import unescape
from pathlib import Path, PurePosixPath
from typing import Collection, Mapping

# 等线 is not on Linux: LibreOffice prints with its stand-in, as gcs notices' PDF does
from gcs_excel.office_pdf import FONTS_CONF, STAND_IN

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
MIN_WORD_POINTS = 15.0
TOP_ROWS = 60               # rows of each sheet printed at 100% to measure against

# A LibreOffice profile setting: recalculate every formula when an .xlsx is loaded.
RECALC = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse">
<value>0</value></prop></item>
</oor:items>
"""


class LibreOffice:
    """soffice headless with profiles of its own in folder (so that runs never collide),
    with 等线 printed in its stand-in font. By default it recalculates every formula when
    it loads a workbook (it would trust the cached values, and XlsxWriter writes none);
    recalc=False skips that for workbooks whose printed sheets hold no formula."""

    def __init__(self, soffice: str, folder: Path):
        self.soffice, self.folder = soffice, folder
        (folder / "fonts.conf").write_text(FONTS_CONF, "utf-8")
        self.env = {**os.environ, "FONTCONFIG_FILE": str(folder / "fonts.conf")}
        found = subprocess.run(["fc-match", "-f", "%{family}", "等线"], capture_output=True, text=True,
                               env=self.env).stdout
        assert STAND_IN in found, f"LibreOffice needs the font {STAND_IN} (fonts-noto-cjk) to print like Excel"

    def _profile(self, recalc: bool) -> str:
        folder = self.folder / ("recalc" if recalc else "cached")
        user = folder / "user"
        if not user.exists():
            user.mkdir(parents=True)
            if recalc:
                (user / "registrymodifications.xcu").write_text(RECALC, "utf-8")
        return folder.as_uri()

    def convert(self, files: list[Path], out: Path, target: str, *, recalc: bool = True) -> list[Path]:
        """Convert files in one run (target e.g. "pdf"), returning the converted paths."""
        out.mkdir(parents=True, exist_ok=True)
        if not files:
            return []
        cmd = [self.soffice, f"-env:UserInstallation={self._profile(recalc)}", "--headless", "--norestore",
               "--convert-to", target, "--outdir", str(out), *map(str, files)]
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=900, env=self.env)
        assert r.returncode == 0, r.stderr
        ext = target.split(":")[0]
        return [out / (f.stem + "." + ext) for f in files]


@dataclass(frozen=True)
class SheetPrint:
    """One sheet as LibreOffice printed it."""
    book: str                 # the workbook's file name
    sheet: str
    pages: int
    landscape: bool
    scale: float | None       # percent, measured (see the module's docstring)
    one_page_wide: bool       # the sheet asks to be fitted to one page wide
    path: str = ""            # the workbook
    pdf: str = ""             # the sheet's pages

    def __str__(self) -> str:
        scale = "?" if self.scale is None else f"{self.scale:.0f}%"
        return (f"{self.book}「{self.sheet}」{self.pages} 页 {'横' if self.landscape else '竖'}向 {scale}"
                f"{'' if self.one_page_wide else ' 不限一页宽'}")


@dataclass(frozen=True)
class _Part:
    index: int                # position among the workbook's sheets
    name: str
    path: str                 # the sheet's part in the package, e.g. xl/worksheets/sheet1.xml
    hidden: bool


def _sheets(z: zipfile.ZipFile) -> list[_Part]:
    book = z.read("xl/workbook.xml").decode("utf-8")
    rels = z.read("xl/_rels/workbook.xml.rels").decode("utf-8")
    targets = {}
    for rel in re.findall(r"<Relationship\b[^>]*>", rels):
        rid, target = re.search(r'\bId="([^"]+)"', rel).group(1), re.search(r'\bTarget="([^"]+)"', rel).group(1)
        targets[rid] = target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)
    out = []
    for k, tag in enumerate(re.findall(r"<(?:\w+:)?sheet\b[^>]*>", book)):
        name = unescape(re.search(r'\bname="([^"]*)"', tag).group(1))
        rid = re.search(r'\br:id="([^"]+)"', tag).group(1)
        hidden = re.search(r'\bstate="(hidden|veryHidden)"', tag) is not None
        out.append(_Part(k, name, targets[rid], hidden))
    return out


def _only(book: str, keep: Collection[int]) -> str:
    """workbook.xml with every sheet but those at the indices keep hidden (and without
    their print areas), the first of those active."""
    k = -1

    def sheet(m: re.Match) -> str:
        nonlocal k
        k += 1
        tag = re.sub(r'\s+state="[^"]*"', "", m.group(0))
        if k not in keep:
            tag = re.sub(r"\s*/?>$", lambda end: ' state="hidden"' + end.group(0).lstrip(), tag)
        return tag

    book = re.sub(r"<(?:\w+:)?sheet\b[^>]*>", sheet, book)
    # LibreOffice prints the print area of a hidden sheet: only the kept sheets' may stay
    book = re.sub(r'<(?:\w+:)?definedName\b[^>]*name="_xlnm\.Print_Area"[^>]*localSheetId="(\d+)"[^>]*>.*?'
                  r"</(?:\w+:)?definedName>", lambda m: m.group(0) if int(m.group(1)) in keep else "", book)
    book = re.sub(r'\s(?:activeTab|firstSheet)="\d+"', "", book)
    first = min(keep)
    return re.sub(r"<((?:\w+:)?workbookView)\b", rf'<\1 activeTab="{first}" firstSheet="{first}"', book)


def _at_100(sheet_xml: str) -> str:
    """A sheet's XML printed at a fixed 100%: no fit to page, no scale."""
    sheet_xml = re.sub(r'\sfitToPage="[^"]*"', ' fitToPage="0"', sheet_xml)
    return re.sub(r"<((?:\w+:)?pageSetup)\b([^>]*)>",
                  lambda m: "<" + m.group(1) + re.sub(r'\s(?:scale|fitToWidth|fitToHeight)="[^"]*"', "", m.group(2))
                  + ">", sheet_xml)


def _top_rows(book: str, parts: list[_Part], dimensions: dict[int, str]) -> str:
    """workbook.xml with each sheet's print area cut to its first TOP_ROWS rows."""
    book = re.sub(r'<(?:\w+:)?definedName\b[^>]*name="_xlnm\.Print_Area"[^>]*>.*?</(?:\w+:)?definedName>', "", book)
    names = []
    for part in parts:
        ref = dimensions.get(part.index)
        if part.hidden or not ref:
            continue
        last = re.match(r"[A-Z]+\d+:([A-Z]+)(\d+)$", ref)
        col, row = (last.group(1), min(int(last.group(2)), TOP_ROWS)) if last else ("A", 1)
        quoted = part.name.replace("&", "&amp;").replace("<", "&lt;").replace("'", "''")
        names.append(f'<definedName name="_xlnm.Print_Area" localSheetId="{part.index}">'
                     f"'{quoted}'!$A$1:${col}${row}</definedName>")
    if "<definedNames" in book and "<definedNames/>" not in book:
        return re.sub(r"(<(?:\w+:)?definedNames>)", lambda m: m.group(1) + "".join(names), book, count=1)
    book = book.replace("<definedNames/>", "")
    return re.sub(r"(</(?:\w+:)?sheets>)", lambda m: m.group(1) + "<definedNames>" + "".join(names) + "</definedNames>",
                  book, count=1)


def _fits_width(sheet_xml: str) -> bool:
    fit = re.search(r'\bfitToPage="(1|true)"', sheet_xml) is not None
    setup = re.search(r"<(?:\w+:)?pageSetup\b([^>]*)>", sheet_xml)
    width = re.search(r'\bfitToWidth="(\d+)"', setup.group(1)) if setup else None
    return fit and (width is None or width.group(1) == "1")


def _copy(src: Path, dst: Path, replace: dict[str, bytes]) -> None:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info, replace.get(info.filename, zin.read(info.filename)))


@dataclass(frozen=True)
class _Page:
    width: float
    height: float
    words: list[tuple[str, float]]        # (text, printed width in points)


def _pages(pdf: Path) -> list[_Page]:
    html = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    pages = []
    for attrs, body in re.findall(r"<page ([^>]*)>(.*?)</page>", html, re.S):
        w = float(re.search(r'width="([\d.]+)"', attrs).group(1))
        h = float(re.search(r'height="([\d.]+)"', attrs).group(1))
        words = [(unescape(t), float(x1) - float(x0)) for x0, x1, t in
                 re.findall(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">(.*?)</word>', body)]
        pages.append(_Page(w, h, words))
    return pages


def _widths(words) -> dict[str, float]:
    seen: dict[str, list[float]] = {}
    for text, width in words:
        seen.setdefault(text, []).append(width)
    return {t: statistics.median(ws) for t, ws in seen.items()}


def measured_scale(printed: _Page, full: list[_Page]) -> float | None:
    """The scale (percent) of a printed page against prints of the same sheet at 100% (full)."""
    a = _widths(printed.words)
    b = _widths(w for p in full for w in p.words)
    ratios = [a[t] / b[t] for t in a.keys() & b.keys() if b[t] >= MIN_WORD_POINTS]
    return round(statistics.median(ratios) * 100, 1) if ratios else None


def column_texts(pdf: str | Path) -> list[str]:
    """The text of a printed table column by column: on every page, the words that start at
    the same left edge (a left-aligned column, its wrapped lines included) joined top to
    bottom. A cell's text wrapped over lines reads whole here, where a plain text
    extraction interleaves it with the cells beside it."""
    html = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    out = []
    for body in re.findall(r"<page [^>]*>(.*?)</page>", html, re.S):
        columns: dict[int, list[tuple[float, str]]] = {}
        for x0, y0, t in re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="[\d.]+">(.*?)</word>', body):
            columns.setdefault(round(float(x0) / 3), []).append((float(y0), unescape(t)))
        out += ["".join(t for _, t in sorted(words)) for _, words in sorted(columns.items())]
    return out


def print_sheets(office: LibreOffice, books: list[Path], work: Path,
                 only: Mapping[Path, Collection[str]] | None = None) -> list[SheetPrint]:
    """Every visible sheet of every workbook (of a book in only, the sheets named there),
    printed by LibreOffice to A4 PDF and measured. work is a scratch folder; each sheet's
    PDF stays there as <book>-<sheet>.pdf, to be looked at (pdftoppm)."""
    src = work / "copies"
    src.mkdir(parents=True, exist_ok=True)
    sheets: list[tuple[Path, _Part, Path, bool]] = []
    fulls: dict[Path, Path] = {}
    formulas: set[Path] = set()          # copies that print a formula: LibreOffice must recalculate
    for n, book in enumerate(books):
        with zipfile.ZipFile(book) as z:
            xml = z.read("xl/workbook.xml").decode("utf-8")
            parts = _sheets(z)
            at_100, dimensions = {}, {}
            for part in parts:
                if part.hidden or (only and book in only and part.name not in only[book]):
                    continue
                sheet_xml = z.read(part.path).decode("utf-8")
                dim = re.search(r'<(?:\w+:)?dimension ref="([^"]+)"', sheet_xml)
                dimensions[part.index] = dim.group(1) if dim else ""
                at_100[part.path] = _at_100(sheet_xml).encode("utf-8")
                single = src / f"{n:02d}-{part.index:02d}.xlsx"
                _copy(book, single, {"xl/workbook.xml": _only(xml, {part.index}).encode("utf-8")})
                sheets.append((book, part, single, _fits_width(sheet_xml)))
                if re.search(r"<(?:\w+:)?f[ >]", sheet_xml):
                    formulas |= {single, src / f"{n:02d}-100.xlsx"}
        fulls[book] = src / f"{n:02d}-100.xlsx"
        measured = _only(xml, set(dimensions))
        _copy(book, fulls[book], {"xl/workbook.xml": _top_rows(measured, parts, dimensions).encode("utf-8"), **at_100})
    files = [f for _, _, f, _ in sheets] + list(fulls.values())
    pdfs = {}
    for recalc in (True, False):
        group = [f for f in files if (f in formulas) == recalc]
        pdfs.update(zip(group, office.convert(group, work / "pdf", "pdf", recalc=recalc)))
    full_pages = {book: _pages(pdfs[f]) for book, f in fulls.items()}
    out = []
    for book, part, single, fits in sheets:
        printed = _pages(pdfs[single])
        pdf = shutil.copy(pdfs[single], work / f"{book.stem}-{part.name}.pdf")
        landscape = bool(printed) and printed[0].width > printed[0].height
        scale = measured_scale(printed[0], full_pages[book]) if printed else None
        out.append(SheetPrint(book.name, part.name, len(printed), landscape, scale, fits, str(book), str(pdf)))
    return out


def predicted_scale(book: Path, sheet: str) -> int:
    """The scale xlsx_style.layout promises for a sheet fitted to one page wide, from the
    column widths and side margins in the file (its print area's columns, if it has one)."""
    import openpyxl
    from openpyxl.utils import column_index_from_string

    from gcs_excel.xlsx_style import layout

    ws = openpyxl.load_workbook(book)[sheet]
    last = ws.max_column
    if ws.print_area:
        area = ws.print_area if isinstance(ws.print_area, str) else ws.print_area[0]
        last = column_index_from_string(re.findall(r"\$([A-Z]+)\$\d+", area)[-1])
    widths = []
    for c in range(1, last + 1):
        dim = next((d for d in ws.column_dimensions.values() if d.min and d.min <= c <= d.max), None)
        widths.append((dim.width if dim and dim.width else 8.43 + 0.71) - 0.71)     # less the padding
    return layout(widths, {"left": ws.page_margins.left, "right": ws.page_margins.right})[1]
