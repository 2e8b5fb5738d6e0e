"""LibreOffice headless is our real spreadsheet client: it must open every template and
every annotated workbook, print them to PDF, and keep our data intact when it saves them."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from gcs_excel.templates import build_templates
from gcs_excel.validate import validate

from .conftest import TODAY, flat

pytestmark = pytest.mark.libreoffice


# A LibreOffice profile that recalculates every formula when it loads an .xlsx (by
# default it trusts the cached values, and XlsxWriter writes none).
RECALC = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse">
<value>0</value></prop></item>
</oor:items>
"""


def convert(soffice: str, files: list[Path], out: Path, target: str, tmp: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    user = tmp / "lo-profile" / "user"
    user.mkdir(parents=True, exist_ok=True)
    (user / "registrymodifications.xcu").write_text(RECALC, "utf-8")
    profile = (tmp / "lo-profile").as_uri()
    cmd = [soffice, f"-env:UserInstallation={profile}", "--headless", "--norestore",
           "--convert-to", target, "--outdir", str(out), *map(str, files)]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    ext = target.split(":")[0]
    return [out / (f.stem + "." + ext) for f in files]


def assert_pdfs(pdfs: list[Path]) -> None:
    for pdf in pdfs:
        data = pdf.read_bytes()
        assert data.startswith(b"%PDF"), pdf.name
        assert data.count(b"/Type /Page") + data.count(b"/Type/Page") >= 2, pdf.name   # Pages + a page


def test_templates_print_to_pdf(soffice, tmp_path):
    files = build_templates(tmp_path / "templates")
    assert_pdfs(convert(soffice, files, tmp_path / "pdf", "pdf", tmp_path))


def test_annotated_workbooks_print_to_pdf(soffice, annotated_mistakes, tmp_path):
    outputs = [a.output for a in annotated_mistakes.annotated]
    assert all(outputs)
    assert_pdfs(convert(soffice, outputs, tmp_path / "pdf", "pdf", tmp_path))


def test_data_survives_a_save_in_libreoffice(soffice, clean_files, clean_validation, tmp_path):
    """Open our filled workbooks, save them as .xlsx again: still valid, nothing changed."""
    books = [p for p in clean_files if p.suffix == ".xlsx"]
    saved = convert(soffice, books, tmp_path / "saved", 'xlsx:Calc MS Excel 2007 XML', tmp_path)
    others = [p for p in clean_files if p.suffix != ".xlsx"]
    copies = [shutil.copy(p, tmp_path / "saved" / p.name) for p in others]
    report = validate([*saved, *map(Path, copies)], today=TODAY).report
    assert flat(report) == []
    assert sum(s.rows for f in report.files for s in f.sheets) == \
        sum(s.rows for f in clean_validation.report.files for s in f.sheets)


def test_live_quota_sheet_equals_gcs_quotas(soffice, clean_files, tmp_path):
    """The visit log's 指标 sheet, recalculated by LibreOffice, gives exactly the numbers of
    gcs quotas for the same month and files."""
    import python_calamine as pc

    from gcs_excel.livesheet import FIRST_PERSON_ROW, ok_column, rule_columns
    from gcs_excel.quotas import quotas
    from gcs_excel.a1 import col_index

    log = next(p for p in clean_files if p.name.startswith("拜访记录"))
    (saved,) = convert(soffice, [log], tmp_path / "calc", 'xlsx:Calc MS Excel 2007 XML', tmp_path)
    sheet = pc.CalamineWorkbook.from_path(str(saved)).get_sheet_by_name("指标").to_python(skip_empty_area=False)
    report = quotas(clean_files, "2026-10", today=TODAY)
    assert not report.all_ok          # the demo month has shortfalls: the comparison means something
    cols = rule_columns()
    rows = {r[0]: r for r in sheet[FIRST_PERSON_ROW - 1:] if r[0]}
    assert set(rows) == {p.name for p in report.people}
    for r in report.results:
        actual, required = (rows[r.person][col_index(c) - 1] for c in cols[r.rule])
        assert (actual, required) == (r.actual, r.required), (r.person, r.rule)
    for p in report.people:
        ok = all(r.ok for r in report.of(p.name))
        assert rows[p.name][col_index(ok_column()) - 1] == ("达标" if ok else "未达标")


def test_quota_and_plan_workbooks_print_to_pdf(soffice, clean_files, tmp_path):
    from gcs_excel.plan import make_plan
    from gcs_excel.quotas import quotas

    book = tmp_path / "拜访指标.xlsx"
    quotas(clean_files, "2026-10", today=TODAY, out=book)
    base = [p for p in clean_files if p.name in ("人员名单.xlsx", "总部档案.xlsx", "卖场明细表.xlsx")]
    plan = make_plan(base, "2026-11", everyone=True, out=tmp_path / "拜访计划.xlsx").output
    assert_pdfs(convert(soffice, [book, plan], tmp_path / "pdf", "pdf", tmp_path))


def _charts(path: Path) -> int:
    import zipfile
    with zipfile.ZipFile(path) as z:
        return sum(1 for n in z.namelist() if n.startswith("xl/charts/chart") and n.endswith(".xml"))


def test_reviews_and_report_print_with_their_charts(soffice, demo_reviews, tmp_path):
    """Every review and the department report print to PDF, and LibreOffice reads every
    chart (it keeps them all when it saves the workbook again)."""
    books = [r.path for r in demo_reviews.reviews] + [demo_reviews.report]
    assert_pdfs(convert(soffice, books, tmp_path / "pdf", "pdf", tmp_path))
    reviews = [r.path for r in demo_reviews.reviews]
    saved = convert(soffice, reviews, tmp_path / "saved", 'xlsx:Calc MS Excel 2007 XML', tmp_path)
    for original, again in zip(reviews, saved):
        assert _charts(original) >= 6
        assert _charts(again) == _charts(original), original.name
