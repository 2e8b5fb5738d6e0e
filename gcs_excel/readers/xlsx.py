"""Read .xlsx/.xlsm: guarded by ooxml.inspect, values by python-calamine, and a sparse
openpyxl fallback for what calamine must not or cannot open."""

from __future__ import annotations

import contextlib
import io
import warnings
from pathlib import Path

import python_calamine as pc

from ..errors import ReadError
from .grid import Sheet, Workbook
from .ahead import beside
from .ooxml import SheetScan, inspect, scan_content
from .sniff import ENCRYPTED

# calamine materialises a sheet's whole bounding box; above this many cells a sheet is
# read sparsely instead (a stray cell at XFD1048576 would otherwise ask for 17 G cells).
DENSE_LIMIT = 20_000_000
MAX_CELLS = 20_000_000
EXCEL_ROWS, EXCEL_COLS = 1_048_576, 16_384     # A1:XFD1048576: no sheet Excel writes goes past it


def read_xlsx(path: Path) -> Workbook:
    """Read an .xlsx/.xlsm: guarded and scanned, values by python-calamine (sparse sheets by openpyxl)."""
    package = inspect(path, content=False)
    for name, scan in package.scans.items():
        if scan.cells > MAX_CELLS:
            raise ReadError(path, f"文件太大：工作表「{name}」约有 {scan.cells:,} 个单元格，超过 {MAX_CELLS:,} 的上限")
        if scan.max_row > EXCEL_ROWS or scan.max_col > EXCEL_COLS:
            raise ReadError(path, f"文件已损坏：工作表「{name}」有单元格在第 {scan.max_row:,} 行、第 {scan.max_col:,} 列，"
                                  f"超出了 Excel 的表格（{EXCEL_ROWS:,} 行 × {EXCEL_COLS:,} 列，到 XFD 列）")
    hidden = {s.name for s in package.sheets if s.state != "visible"}
    wanted = [s.name for s in package.sheets if s.kind == "worksheet" and s.name in package.scans]
    notes = [f"工作表「{s.name}」是{_KIND_NAMES[s.kind]}，已跳过" for s in package.sheets if s.kind != "worksheet"]
    sparse = {n for n in wanted if package.scans[n].area > DENSE_LIMIT}
    # The extent is known, so calamine may parse (without the GIL) while the formulas,
    # errors and merges are looked for: on a million rows that scan costs nothing.
    parsed = beside(_read_calamine, path, [n for n in wanted if n not in sparse])
    scan_content(path, package, wanted)
    try:
        sheets = {name: _sheet(name, rows, package.scans[name]) for name, rows in parsed().items()}
    except _CalamineCannot:
        sparse = set(wanted)
        sheets = {}
    if sparse:
        sheets.update(_read_openpyxl(path, sparse, package.scans))
    ordered = []
    for name in wanted:
        sheet = sheets.get(name)
        if sheet is not None:
            sheet.hidden = name in hidden
            ordered.append(sheet)
    return Workbook(str(path), package.kind, ordered, notes)


_KIND_NAMES = {"chartsheet": "图表工作表", "dialogsheet": "对话框工作表", "macrosheet": "宏表（Excel 4.0）"}


class _CalamineCannot(Exception):
    """calamine refused the workbook for a reason that is not the file's fault."""


def _sheet(name: str, rows: list, scan: SheetScan) -> Sheet:
    return Sheet(name, rows, merged=scan.merged, formulas=scan.formulas, errors=scan.errors,
                 hidden_rows=scan.hidden_rows)


def _read_calamine(path: Path, names: list[str]) -> dict[str, list]:
    """Each sheet's rows, as (0-based row, values)."""
    if not names:
        return {}
    try:
        wb = pc.CalamineWorkbook.from_path(str(path))
    except pc.PasswordError:
        raise ReadError(path, ENCRYPTED) from None
    except pc.XmlError as e:
        raise ReadError(path, f"文件已损坏：XML 无法解析（{str(e)[:120]}）") from None
    except pc.ZipError as e:
        raise ReadError(path, f"文件已损坏：压缩包格式错误（{str(e)[:120]}）") from None
    except (pc.CalamineError, ValueError, OSError):
        raise _CalamineCannot() from None
    out = {}
    try:
        for name in names:
            try:
                ws = wb.get_sheet_by_name(name)
            except pc.WorksheetNotFound:
                continue
            except pc.XmlError as e:
                raise ReadError(path, f"文件已损坏：工作表「{name}」的 XML 无法解析（{str(e)[:120]}）") from None
            except (pc.CalamineError, ValueError) as e:
                raise ReadError(path, f"文件已损坏：工作表「{name}」无法读取（{str(e)[:120]}）") from None
            grid = ws.to_python(skip_empty_area=True)
            r0, c0 = ws.start or (0, 0)
            del ws      # calamine's own copy of the sheet goes before the rows are built (peak memory)
            if c0:
                pad = [""] * c0
                grid = [pad + row for row in grid]
            out[name] = list(zip(range(r0, r0 + len(grid)), grid))
    finally:
        wb.close()
    return out


def _read_openpyxl(path: Path, names: set[str], scans: dict[str, SheetScan]) -> dict[str, Sheet]:
    """Sparse reading: only cells that exist, whatever the bounding box."""
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")     # read-only sheets parse lazily: keep it quiet throughout
        return _read_sparse(path, names, scans)


def _read_sparse(path: Path, names: set[str], scans: dict[str, SheetScan]) -> dict[str, Sheet]:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises many types on damaged files
        raise ReadError(path, f"文件已损坏或格式不受支持：{type(e).__name__}: {str(e)[:120]}") from None
    out = {}
    try:
        for name in names:
            if name not in wb.sheetnames:
                continue
            ws = wb[name]
            ws.reset_dimensions()   # never trust <dimension>
            rows = []
            errors = dict(scans[name].errors)
            for cells in ws.iter_rows():
                values = []
                row_idx = None
                for cell in cells:
                    if getattr(cell, "row", None) is None:
                        values.append("")
                        continue
                    row_idx = cell.row - 1
                    v = cell.value
                    if cell.data_type == "e":
                        errors[(row_idx, cell.column - 1)] = str(v)
                        v = ""
                    values.append("" if v is None else v)
                if row_idx is not None and any(v != "" for v in values):
                    rows.append((row_idx, values))
            out[name] = Sheet(name, rows, merged=scans[name].merged, formulas=scans[name].formulas, errors=errors,
                              hidden_rows=scans[name].hidden_rows)
    except ReadError:
        raise
    except Exception as e:
        raise ReadError(path, f"文件已损坏：{type(e).__name__}: {str(e)[:120]}") from None
    finally:
        wb.close()
    return out
