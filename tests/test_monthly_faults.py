"""The monthly outputs under faults: a review open in an office suite stops the run before
anything is written; customer names that look like formulas or cell references stay text
in cells, chart titles, page headers and file names."""

from __future__ import annotations

import re
import warnings
import zipfile


import pytest
import python_calamine as pc

from gcs_excel.errors import WriteError
from gcs_excel.reporting.run import manifest_name, monthly, report_name
from gcs_excel.writing import lock_files

from .conftest import HQ, MONTHLY_MONTH, MONTHLY_TODAY, digest


@pytest.mark.parametrize("locked", ["review", "report"])
def test_a_locked_output_stops_the_run_before_anything_is_written(monthly_files, tmp_path, locked):
    out = tmp_path / "out"
    first = monthly(monthly_files, MONTHLY_MONTH, out, today=MONTHLY_TODAY)
    target = first.reviews[1].path if locked == "review" else first.report
    lock = lock_files(target)[2]                         # LibreOffice's .~lock.<name>#
    lock.write_text("someone,on,a,desk", "utf-8")
    outputs = [r.path for r in first.reviews] + [first.report, out / manifest_name(MONTHLY_MONTH)]
    before = digest(outputs)
    mtimes = {p: p.stat().st_mtime_ns for p in outputs}
    with pytest.raises(WriteError, match=re.escape(target.name)):
        monthly(monthly_files, MONTHLY_MONTH, out, today=MONTHLY_TODAY)
    assert digest(outputs) == before and {p: p.stat().st_mtime_ns for p in outputs} == mtimes
    assert not list(out.glob(".*.tmp"))                  # no temporary file left either
    lock.unlink()
    again = monthly(monthly_files, MONTHLY_MONTH, out, today=MONTHLY_TODAY)
    assert again.report.name == report_name(MONTHLY_MONTH)


NAMES = {"JT0001": "=市场概况!A1", "JT0002": "=cmd|'/c calc'!A1", "JT0003": "甲&乙 '连锁'!B2"}


@pytest.fixture
def formula_names(monthly_files, write, tmp_path):
    hq = [dict(HQ, code=code, name=name, cm="刘洋" if code == "JT0001" else "陈静", buyer_email=f"b{k}@example.cn")
          for k, (code, name) in enumerate(NAMES.items(), start=1)]
    hq.append(dict(HQ, code="JT0004", name="丁商贸有限公司", cm="陈静", status="暂停"))
    files = [write("hq", hq, name="总部档案.xlsx") if f.name == "总部档案.xlsx" else f for f in monthly_files]
    with warnings.catch_warnings():
        warnings.simplefilter("error")                  # XlsxWriter must not look the titles up as ranges
        return monthly(files, MONTHLY_MONTH, tmp_path / "out", today=MONTHLY_TODAY)


def test_formula_like_names_stay_text_everywhere(formula_names):
    r = formula_names
    assert {x.customer: x.name for x in r.reviews} == NAMES
    for review in [*r.reviews, r]:
        path = review.path if hasattr(review, "path") else review.report
        with zipfile.ZipFile(path) as z:
            for n in z.namelist():
                xml = z.read(n).decode("utf-8", "replace")
                if n.startswith("xl/charts/"):
                    for title in re.findall(r"<c:title>.*?</c:title>", xml, re.S):
                        assert "<c:f>" not in title, (path.name, n)       # literal, never a reference
                if n.startswith("xl/worksheets/sheet"):
                    assert "<f>" not in xml and "<f " not in xml, (path.name, n)   # no formula cells at all
                    for header in re.findall(r"<oddHeader>(.*?)</oddHeader>", xml):
                        assert "&amp;乙" not in header.replace("&amp;&amp;乙", ""), header   # & doubled: no code
    jt1 = next(x for x in r.reviews if x.customer == "JT0001")
    title = pc.CalamineWorkbook.from_path(str(jt1.path)).get_sheet_by_name("客户销售").to_python()[0][0]
    assert title == "=市场概况!A1 2026年1月 销售情况"
    with zipfile.ZipFile(jt1.path) as z:
        charts = " ".join(z.read(n).decode() for n in z.namelist() if n.startswith("xl/charts/chart"))
    assert "=市场概况!A1 月销量" in charts
    assert {x.path.name for x in r.reviews} == {"销售回顾_=市场概况!A1_2026-01.xlsx", "销售回顾_=cmd_'_c calc'!A1_2026-01.xlsx",
                                                 "销售回顾_甲&乙 '连锁'!B2_2026-01.xlsx"}
