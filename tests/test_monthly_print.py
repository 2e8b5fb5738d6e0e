"""The monthly outputs on paper: every sheet of every review and of the department report
is laid out for A4 at a readable scale, and the charts are labelled (units on the value
axis, percentages there, bars in the order of the table, gaps where there is no data).
What LibreOffice really prints of them is tested in test_libreoffice.py."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from gcs_excel.xlsx_style import MIN_SCALE


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
