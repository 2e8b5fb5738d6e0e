"""The monthly outputs on paper: every sheet of every review and of the department report
prints on A4 at a readable scale, pages break where the layout put them, names are whole,
and the charts are labelled (units on the value axis, percentages there, bars in the
order of the table, gaps where there is no data)."""

from __future__ import annotations

import re
import subprocess
import zipfile
from collections import Counter
from pathlib import Path

import pytest

from gcs_excel.xlsx_style import MIN_SCALE, new_workbook



def test_every_sheet_prints_at_a_readable_scale(demo_reviews, monthly_result):
    for result in (demo_reviews, monthly_result):
        assert set(result.layout) == {r.path.name for r in result.reviews} | {result.report.name}
        for file, sheets in result.layout.items():
            for sheet, (scale, pages) in sheets.items():
                assert scale >= MIN_SCALE, (file, sheet, scale)
                assert pages <= 6, (file, sheet, pages)
        assert result.layout[result.report.name]["概要"][1] == 1


def _charts(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as z:
        return [z.read(n).decode() for n in sorted(z.namelist()) if re.match(r"xl/charts/chart\d+\.xml$", n)]


def _axis(xml: str, tag: str) -> str:
    found = re.search(rf"<c:{tag}>.*?</c:{tag}>", xml, re.S)
    return found.group(0) if found else ""


def test_charts_are_labelled(demo_reviews):
    review = demo_reviews.reviews[0].path
    charts = _charts(review) + _charts(demo_reviews.report)
    assert len(charts) >= 8
    for xml in charts:
        if "<c:pieChart>" in xml:
            continue
        value = _axis(xml, "valAx")
        title = re.sub(r"<[^>]+>", "", _axis(value, "title"))
        assert re.search(r"（(条|元|%)）", title), title                 # the unit on the value axis
        category = _axis(xml, "catAx")
        if "0%" in value:                                              # a percentage is on the value axis only
            assert 'formatCode="0%"' in value and "0%" not in category
        if "<c:barDir val=\"bar\"/>" in xml:                           # horizontal: first table row on top
            assert '<c:orientation val="maxMin"/>' in category
        assert '<c:dispBlanksAs val="zero"/>' not in xml and '<c:dispBlanksAs val="span"/>' not in xml


def test_month_labels_have_one_format(demo_reviews):
    import python_calamine as pc

    for path in (demo_reviews.reviews[0].path, demo_reviews.report):
        wb = pc.CalamineWorkbook.from_path(str(path))
        for name in wb.sheet_names:
            for row in wb.get_sheet_by_name(name).to_python():
                for cell in row:
                    if isinstance(cell, str) and re.fullmatch(r"\d{4}[-/.年]\d{1,2}月?|\d{2}-\d{2}", cell):
                        assert re.fullmatch(r"\d{4}-\d{2}", cell), (path.name, name, cell)


# --- through LibreOffice -------------------------------------------------------------------------------
def _pdf(soffice: str, files: list[Path], out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    profile = (out / "lo-profile").as_uri()
    r = subprocess.run([soffice, f"-env:UserInstallation={profile}", "--headless", "--norestore", "--convert-to", "pdf",
                        "--outdir", str(out), *map(str, files)], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    return [out / (f.stem + ".pdf") for f in files]


def _pages(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True).stdout
    return text.split("\f")[:-1]


def _body_height(pdf: Path, page: int) -> float:
    """The height of the most common word box on a page: the body text's size as printed."""
    xml = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), "-bbox", str(pdf), "-"],
                         capture_output=True, text=True).stdout
    heights = [round(float(b) - float(a), 1) for a, b in re.findall(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)"', xml)]
    return Counter(heights).most_common(1)[0][0]


@pytest.mark.libreoffice
def test_reviews_and_report_through_libreoffice(soffice, department, demo_reviews, tmp_path):
    """Each sheet takes the pages the layout computed (the client adds no break of its own),
    every page prints at 70% or more as LibreOffice actually scales it, and every store and
    customer name is whole on paper."""
    calibration = tmp_path / "100.xlsx"
    wb = new_workbook(calibration)
    wb.add_worksheet("x").write_string(0, 0, "校准 12345")
    wb.close()
    review = max(demo_reviews.reviews, key=lambda r: len(r.summary["data"]["stores"]))
    books = [review.path, demo_reviews.report]
    pdfs = _pdf(soffice, [calibration, *books], tmp_path / "pdf")
    full = _body_height(pdfs[0], 1)
    for book, pdf in zip(books, pdfs[1:]):
        pages = _pages(pdf)
        sheets = demo_reviews.layout[book.name]
        seen = Counter(next(name for name in sheets if page.splitlines()[0].rstrip().endswith(name)) for page in pages)
        assert dict(seen) == {name: pages for name, (_, pages) in sheets.items()}, book.name
        for k in range(1, len(pages) + 1):
            scale = _body_height(pdf, k) / full * 100
            assert scale >= MIN_SCALE, (book.name, k, scale)
    text = re.sub(r"\s+", "", subprocess.run(["pdftotext", str(pdfs[1]), "-"], capture_output=True, text=True).stdout)
    names = {s["licence"]: s["name"] for s in department["stores"]}
    for s in review.summary["data"]["stores"]:
        assert names[s["licence"]] in text, names[s["licence"]]       # whole, though maybe wrapped
    report = re.sub(r"\s+", "", subprocess.run(["pdftotext", str(pdfs[2]), "-"], capture_output=True, text=True).stdout)
    for c in demo_reviews.customers:
        assert c["name"] in report, c["name"]
