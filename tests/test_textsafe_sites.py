"""Text stays text everywhere we write: the places where a writer would turn user text
into something else are reached only through the helpers that keep it text.

* chart and axis titles (XlsxWriter reads "Sheet!A1" as a reference) and page headers and
  footers (& starts a code): textsafe.set_chart_title / set_axis, xlsx_style.print_setup
  with xlsx_style.page_header;
* CSV rows (a spreadsheet runs "=..."): writing.write_csv, which escapes every cell;
* openpyxl cell values and sheet titles (openpyxl makes "=..." a formula): xlsx_edit;
* values written into Excel through xlwings (Excel makes "=..." a formula, "0123" a number):
  xl/xlwings_book.put, which formats such a column as text first;
* formulas: only the visit log's formula sheet, built from spec ids, the application's
  cover (lookups of labels, quotes doubled), and a value typed Formula in a filled template
  (the demo's planted formula mistakes), never user text.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from .conftest import ROOT

PACKAGE = ROOT / "gcs_excel"

# call (method or function name) -> the modules allowed to make it
CALLS = {
    **dict.fromkeys(("set_title", "set_x_axis", "set_y_axis", "set_x2_axis", "set_y2_axis"), {"textsafe.py"}),
    **dict.fromkeys(("set_header", "set_footer"), {"xlsx_style.py"}),
    **dict.fromkeys(("writer", "DictWriter", "writerow", "writerows", "to_csv"), {"writing.py"}),
    "write_formula": {"livesheet.py", "templates.py",   # templates: only a value typed Formula
                      "cover.py"},                       # the application's cover: lookups of spec labels, quotes doubled
}
# attribute assigned -> the modules allowed to assign it (openpyxl cells and sheets)
ASSIGNED = {"value": {"xlsx_edit.py", "xlwings_book.py"}, "title": {"xlsx_edit.py"}}


def _sites() -> list[tuple[str, int, str]]:
    """(module, line, what) of every call or assignment of the kinds above outside the
    modules allowed to make it."""
    out = []
    for path in sorted(PACKAGE.rglob("*.py")):
        module = path.relative_to(PACKAGE).as_posix()
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Call):
                name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", None)
                if name in CALLS and Path(module).name not in CALLS[name]:
                    out.append((module, node.lineno, f"{name}()"))
            elif isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for t in targets:
                    for el in (t.elts if isinstance(t, ast.Tuple) else [t]):
                        if isinstance(el, ast.Attribute) and el.attr in ASSIGNED \
                                and Path(module).name not in ASSIGNED[el.attr]:
                            out.append((module, node.lineno, f".{el.attr} ="))
    return out


def test_user_text_reaches_titles_headers_csv_and_cells_only_through_the_helpers():
    assert _sites() == []


@pytest.mark.parametrize("source, found", [
    ("chart.set_title({'name': name})", "set_title()"),
    ("ws.set_header('&L' + name)", "set_header()"),
    ("csv.writer(fh).writerow(row)", "writerow()"),
    ("frame.to_csv(path)", "to_csv()"),
    ("cell.value = text", ".value ="),
])
def test_the_check_finds_what_it_looks_for(tmp_path, monkeypatch, source, found):
    pkg = tmp_path / "gcs_excel"
    pkg.mkdir()
    (pkg / "report.py").write_text(source + "\n", "utf-8")
    monkeypatch.setattr(__import__(__name__, fromlist=["PACKAGE"]), "PACKAGE", pkg)
    assert found in [what for _, _, what in _sites()]
