"""gcs targets: an annual target broken into months and stores from the demo department's
files, exact at both levels; the workbook validates and is what gcs monthly reads; the
--from file, its errors, the command line."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from gcs_excel.cli import cli
from gcs_excel.demo import write_sales_csv
from gcs_excel.errors import ConfigError
from gcs_excel.reporting.data import load_inputs
from gcs_excel.targets import set_targets
from gcs_excel.validation import validate

from .conftest import TODAY, digest


@pytest.fixture(scope="module")
def dept_files(clean_files):
    """总部档案, 卖场明细表 and 销售数据 of the demo department (13 months to 2026-10)."""
    return [p for p in clean_files if p.stem in ("总部档案", "卖场明细表", "销售数据")]


@pytest.fixture(scope="module")
def breakdown(dept_files, tmp_path_factory):
    out = tmp_path_factory.mktemp("targets") / "销售目标_2027.xlsx"
    return set_targets(dept_files, 2027, customer="JT0001", total=120_000, out=out, today=TODAY)


def test_months_and_stores_sum_exactly(breakdown):
    (c,) = breakdown.customers
    assert (c.code, c.total, sum(c.months), len(c.months)) == ("JT0001", 120_000, 120_000, 12)
    assert c.season.source == "customer" and breakdown.window == ("2026-05", "2026-10")
    assert c.stores and all(sum(s.months[m] for s in c.stores) == c.months[m] for m in range(12))
    assert breakdown.exit_code == 0 and not breakdown.excluded


def test_workbook_validates_and_is_what_monthly_reads(breakdown, dept_files):
    v = validate([breakdown.output, *dept_files], today=TODAY)
    assert v.report.problems == []
    assert breakdown.sheets == ["销售目标", "卖场目标"]
    targets = load_inputs(v, "2027-01").targets
    (c,) = breakdown.customers
    assert [targets[(f"2027-{m:02d}", "JT0001")] for m in range(1, 13)] == list(c.months)
    stores = next(t for t in v.tables if t.sheet == "卖场目标")
    assert len(stores) == 12 * len(c.stores)
    assert sum(stores.values["target_volume"]) == 120_000


def test_inputs_untouched_and_deterministic(dept_files, tmp_path):
    before = digest(dept_files)
    a = set_targets(dept_files, 2027, customer="JT0001", total=999, out=tmp_path / "a.xlsx", today=TODAY)
    b = set_targets(dept_files, 2027, customer="JT0001", total=999, today=TODAY)
    assert digest(dept_files) == before
    assert a.as_dict() == b.as_dict() and b.output is None


def test_new_store_floor(dept_files, tmp_path, specs):
    """A store with no sales in the window gets the floor every month."""
    rows = []
    import csv
    with open(next(p for p in dept_files if p.suffix == ".csv"), encoding="gbk") as f:
        for r in csv.DictReader(f):
            rows.append(r)
    keep = [p for p in dept_files if p.suffix != ".csv"]
    first = sorted({r["专卖证号"] for r in rows if r["客户编码"] == "JT0001"})[0]
    fields = [f.id for f in specs.sheet("sales").fields]
    headers = [f.header for f in specs.sheet("sales").fields]
    sales = [dict(zip(fields, (r[h] for h in headers))) for r in rows if r["专卖证号"] != first]
    for r in sales:
        r["volume"], r["amount"] = float(r["volume"]), float(r["amount"])
    csv_path = write_sales_csv(sales, tmp_path / "销售数据.csv")
    config = tmp_path / "目标设置.toml"
    config.write_text("new_store_floor = 7\n", "utf-8")
    r = set_targets([*keep, csv_path], 2027, customer="JT0001", total=50_000, config=config, today=TODAY)
    (c,) = r.customers
    new = [s for s in c.stores if s.new]
    assert [s.licence for s in new] == [first] and new[0].months == (7,) * 12
    assert all(sum(s.months[m] for s in c.stores) == c.months[m] for m in range(12))
    assert any("新卖场" in n for n in r.notes)


def test_from_file(dept_files, tmp_path):
    annual = tmp_path / "年度目标.csv"
    annual.write_text("客户编码,年度目标(条)\nJT0001,12000\nJT0002,6000\nJT9999,5\n", "utf-8")
    r = set_targets(dept_files, 2027, from_file=annual, out=tmp_path / "t.xlsx", today=TODAY)
    assert [(c.code, sum(c.months)) for c in r.customers] == [("JT0001", 12_000), ("JT0002", 6_000)]
    assert [x.row for x in r.excluded] == [4] and r.exit_code == 1      # the unknown customer, listed
    with pytest.raises(ConfigError, match="与 --total 5 条不符"):
        set_targets(dept_files, 2027, from_file=annual, total=5, today=TODAY)


@pytest.mark.parametrize("kwargs, message", [
    ({"customer": "JT0001"}, "--total"),
    ({}, "--customer"),
    ({"customer": "JT0001", "total": 5, "from_file": "x.csv"}, "中的一个"),
    ({"customer": "JT00O1", "total": 5}, "总部档案里没有客户「JT00O1」"),
])
def test_refusals(dept_files, kwargs, message):
    with pytest.raises(ConfigError, match=message):
        set_targets(dept_files, 2027, today=TODAY, **kwargs)


def test_needs_the_department(dept_files):
    with pytest.raises(ConfigError, match="需要"):
        set_targets([p for p in dept_files if p.stem != "卖场明细表"], 2027, customer="JT0001", total=5, today=TODAY)


def test_cli_json(dept_files, tmp_path):
    res = CliRunner().invoke(cli, ["targets", "--year", "2027", "--total", "1200", "--customer", "JT0001",
                                   "--out", str(tmp_path / "t.xlsx"), "--json", *map(str, dept_files)])
    assert res.exit_code == 0, res.output
    d = json.loads(res.output)
    assert d["year"] == 2027 and sum(d["customers"][0]["months"]) == 1200
    assert set(d["customers"][0]["stores"][0]) == {"licence", "new", "recent", "months"}


def test_cli_text_and_errors(dept_files, tmp_path):
    args = ["targets", "--year", "2027", "--customer", "JT0001", "--out", str(tmp_path / "t.xlsx"),
            *map(str, dept_files)]
    res = CliRunner().invoke(cli, args[:3] + ["--total", "1200"] + args[3:])
    assert res.exit_code == 0 and "2027 年销售目标：1 个客户共 1,200 条" in res.output
    res = CliRunner().invoke(cli, args)
    assert res.exit_code == 2 and "--total" in res.output


@pytest.mark.libreoffice
def test_workbooks_print_readable_on_a4(soffice, dept_files, tmp_path):
    """As their readers see them: every sheet of the targets and the progress workbooks one
    page wide at 70 % or more, licence numbers whole, behind pace printed."""
    import subprocess

    from gcs_excel.targets_progress import target_progress

    from .printcheck import LibreOffice, print_sheets

    annual = tmp_path / "年度目标.csv"
    annual.write_text("客户编码,年度目标(条)\nJT0001,37000\nJT0003,111000\n", "utf-8")
    targets = set_targets(dept_files, 2026, from_file=annual, out=tmp_path / "销售目标_2026.xlsx", today=TODAY)
    progress = target_progress([targets.output, *dept_files], "2026-06", out=tmp_path / "目标进度.xlsx", today=TODAY)
    (tmp_path / "lo").mkdir()
    printed = {p.sheet: p for p in print_sheets(LibreOffice(soffice, tmp_path / "lo"),
                                                [targets.output, progress.output], tmp_path / "printed")}
    assert {"销售目标", "卖场目标", "客户目标进度", "客户经理目标进度", "剩余各月要完成"} <= set(printed)
    for p in printed.values():
        assert p.one_page_wide and (p.scale is None or p.scale >= 70), str(p)
    text = subprocess.run(["pdftotext", "-layout", printed["卖场目标"].pdf, "-"], capture_output=True, text=True).stdout
    licences = [s.licence for c in targets.customers for s in c.stores]
    assert all(k in text for k in licences) and "E+" not in text
    text = subprocess.run(["pdftotext", "-layout", printed["客户目标进度"].pdf, "-"], capture_output=True,
                          text=True).stdout
    assert "JT0003" in text and ("落后" in text) == any(c.behind for c in progress.customers)
