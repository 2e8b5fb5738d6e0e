"""`gcs fill`: another system's export into a standard template, every value converted
exactly or reported with its source row, the result validated; mapping mistakes as one line."""

from __future__ import annotations

import datetime as dt
import subprocess
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from gcs_excel.cli import cli
from gcs_excel.errors import ConfigError, WriteError
from gcs_excel.filling import convert, fill
from gcs_excel.mapping import UNITS, load_mapping, shipped_mappings
from gcs_excel.validation import validate

from .conftest import MONTH, TODAY
from .exports import (RETAILER_HEADERS, SALES_HEADERS, sales_rows, write_export, write_retailer_list,
                      write_sales_export)
from .faults import one_line_error, read_only

SALES_MAP = shipped_mappings()["订货系统_销售"]
RETAILER_MAP = shipped_mappings()["零售户名单"]


def sheet_rows(path: Path, sheet: str) -> list[tuple]:
    ws = openpyxl.load_workbook(path)[sheet]
    return [tuple(c.value for c in row) for row in ws.iter_rows(min_row=2)]


def mapping_file(tmp_path: Path, text: str, name: str = "映射.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, "utf-8")
    return path


@pytest.fixture(scope="module")
def month_sales(department):
    return [r for r in department.tables["sales"] if r["month"] == MONTH]


# --- the shipped mappings round-trip --------------------------------------------------------
@pytest.mark.parametrize("encoding", ["gbk", "utf-8", "utf-8-sig"])
def test_the_sales_export_fills_the_sales_template_exactly(department, month_sales, clean_files, tmp_path, encoding):
    names = {s["licence"]: s["name"] for s in department["stores"]}
    src = write_sales_export(tmp_path / "销售明细_202610.csv", month_sales, names, encoding=encoding)
    result = fill([src], SALES_MAP, tmp_path / "销售数据.xlsx", template="销售数据", today=TODAY)
    assert result.validation.report.problems == [] and result.unconverted == [] and result.exit_code == 0
    (info,) = result.sources
    assert (info.header_row, info.rows, info.encoding) == (2, len(month_sales), "utf-8" if "utf" in encoding else "gbk")
    assert info.unmapped == ["卷烟编码", "单价(元/条)"] and info.ignored == ["序号", "零售户名称"]
    assert info.missing == [] and info.totals == [] and info.other == []
    # the department's own rows, 箱 back to whole 条 (ints, never 35.99999)
    expected = [(r["month"], r["customer"], r["licence"], r["sku"], r["volume"], r["amount"]) for r in month_sales]
    got = sheet_rows(result.output, "销售数据")
    assert got == expected
    assert all(type(v[4]) is int for v in got)
    # and they refer to the department's files: validated together, still nothing
    refs = [p for p in clean_files if p.name.startswith(("总部档案", "卖场明细表", "卷烟规格", "人员名单"))]
    assert validate([result.output, *refs], today=TODAY).report.problems == []


@pytest.mark.parametrize("encoding", ["gbk", "utf-8"])
def test_the_retailer_list_fills_the_store_list_exactly(department, clean_files, tmp_path, encoding):
    stores = department["stores"]
    src = write_retailer_list(tmp_path / "零售户名单.csv", stores, encoding=encoding)
    result = fill([src], RETAILER_MAP, tmp_path / "卖场明细表.xlsx", template="卖场明细表", today=TODAY)
    assert result.validation.report.problems == [] and result.unconverted == [] and result.exit_code == 0
    assert result.sources[0].unmapped == ["发证日期", "档位"]
    ids = result.mapping.sheet.ids
    assert sheet_rows(result.output, "卖场明细表") == [tuple(s[i] for i in ids) for s in stores]
    refs = [p for p in clean_files if p.name.startswith(("总部档案", "人员名单"))]
    assert validate([result.output, *refs], today=TODAY).report.problems == []


def test_the_filled_workbook_is_the_template(month_sales, tmp_path):
    """Dropdowns, input hints, text-formatted codes and the 填表说明 sheet, as gcs templates makes them."""
    src = write_sales_export(tmp_path / "销售明细.csv", month_sales[:5])
    out = fill([src], SALES_MAP, tmp_path / "销售数据.xlsx", today=TODAY).output
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[:2] == ["销售数据", "填表说明"]
    ws = wb["销售数据"]
    assert [c.value for c in ws[1]] == ["月份", "客户编码", "专卖证号", "卷烟规格", "销量(条)", "销售额(元)"]
    assert ws["C2"].number_format == "@" and ws["C2"].data_type == "s"
    checks = {dv.promptTitle: dv.type for dv in ws.data_validations.dataValidation}
    assert (checks["专卖证号"], checks["卷烟规格"]) == ("textLength", "list")
    assert ws.freeze_panes == "A2"


def test_several_sources_are_stacked_in_order(month_sales, tmp_path):
    a = write_sales_export(tmp_path / "a.csv", month_sales[:3])
    b = write_sales_export(tmp_path / "b.csv", month_sales[3:5], encoding="utf-8")
    result = fill([a, b], SALES_MAP, tmp_path / "销售数据.xlsx", today=TODAY)
    assert [(Path(s.file).name, s.rows) for s in result.sources] == [("a.csv", 3), ("b.csv", 2)]
    assert [r[2] for r in sheet_rows(result.output, "销售数据")] == [r["licence"] for r in month_sales[:5]]


def test_each_step_is_told_as_it_starts(month_sales, tmp_path):
    """A long fill says what it is doing: each source read, the rows written, the check."""
    a = write_sales_export(tmp_path / "a.csv", month_sales[:3])
    b = write_sales_export(tmp_path / "b.csv", month_sales[3:5])
    heard: list[str] = []
    fill([a, b], SALES_MAP, tmp_path / "销售数据.xlsx", today=TODAY, progress=heard.append)
    assert heard == ["读取 a.csv", "读取 b.csv", "写入 销售数据.xlsx（5 行）", "校验 销售数据.xlsx"]


def test_an_xlsx_source_with_a_title_row_numbers_and_dates(tmp_path):
    """xlsx exports hold codes as numbers and months as dates: they become text and YYYY-MM."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["零售户卷烟销售明细"])
    ws.append(SALES_HEADERS)
    ws.append([1, dt.datetime(2026, 10, 1), "JT0001", 430102200045, "店", "69", "中华(硬)", 0.144, 381.6, 13737.6])
    ws.append([2, 202610, "JT0001", 430102200046, "店", "69", "中华(硬)", 2, 381.6, 190800])
    src = tmp_path / "导出.xlsx"
    wb.save(src)
    result = fill([src], SALES_MAP, tmp_path / "销售数据.xlsx", today=TODAY)
    assert result.unconverted == []
    assert sheet_rows(result.output, "销售数据") == [
        ("2026-10", "JT0001", "430102200045", "中华(硬)", 36, 13737.6),
        ("2026-10", "JT0001", "430102200046", "中华(硬)", 500, 190800)]
    assert result.validation.report.problems == []


# --- nothing dropped silently --------------------------------------------------------------
def test_values_that_cannot_be_converted_are_kept_as_written_and_listed_with_their_source_row(tmp_path):
    rows = [[1, "202610", "JT0001", "430102200045", "店", "69", "中华(硬)", "0.144", "381.6", "13737.6"],
            [2, "202613", "JT0001", "430102200046", "店", "69", "中华(硬)", "三箱", "381.6", "100"],
            [3, "202610", "JT0001", "430102200047", "店", "69", "中华(硬)", "0.1", "381.6", "abc"],
            ["合计", "", "", "", "", "", "", "0.244", "", "13837.6"],
            ["制表人：张三"]]
    src = write_export(tmp_path / "销售明细.csv", "标题", SALES_HEADERS, rows)
    result = fill([src], SALES_MAP, tmp_path / "销售数据.xlsx", today=TODAY)
    assert [(u.row, u.column, u.value, u.reason, u.cell) for u in result.unconverted] == [
        (4, "统计月份", "202613", "没有这个月", "A3"),
        (4, "销量(箱)", "三箱", "不是数字", "E3"),
        (5, "金额(元)", "abc", "不是数字", "F4")]
    assert result.rows == 3 and (result.sources[0].totals, result.sources[0].other) == ([6], [7])
    got = sheet_rows(result.output, "销售数据")
    assert got[1] == ("202613", "JT0001", "430102200046", "中华(硬)", "三箱", 100)
    assert got[2][4:] == (25, "abc")
    # the validation flags the same cells, so the annotated copy points at them too
    flagged = {p.cell for p in result.validation.report.problems if p.severity == "error"}
    assert {"A3", "E3", "F4"} <= flagged
    assert result.exit_code == 1


def test_unmapped_and_missing_columns_are_listed(month_sales, tmp_path):
    rows = [[*r[:-1], "补录", r[-1]] for r in sales_rows(month_sales[:2], {})]
    headers = [*SALES_HEADERS[:-1], "备注", SALES_HEADERS[-1]]
    headers[headers.index("金额(元)")] = "金额"
    src = write_export(tmp_path / "销售明细.csv", "标题", headers, rows)
    result = fill([src], SALES_MAP, tmp_path / "销售数据.xlsx", today=TODAY)
    info = result.sources[0]
    assert info.unmapped == ["卷烟编码", "单价(元/条)", "备注", "金额"]
    assert info.missing == ["金额(元)"]
    assert {p.code for p in result.validation.report.problems} == {"required_missing"}


def test_formula_looking_text_stays_text(department, tmp_path):
    stores = [dict(s) for s in department["stores"][:3]]
    stores[0]["name"] = '=HYPERLINK("http://example.com","点我")'
    stores[1]["address"] = "+长沙市芙蓉区"
    stores[2]["contact"] = "@王"
    src = write_retailer_list(tmp_path / "零售户名单.csv", stores)
    out = fill([src], RETAILER_MAP, tmp_path / "卖场明细表.xlsx", today=TODAY)
    ws = openpyxl.load_workbook(out.output)["卖场明细表"]
    assert (ws["C2"].value, ws["C2"].data_type) == ('=HYPERLINK("http://example.com","点我")', "s")
    assert (ws["E3"].data_type, ws["G4"].data_type) == ("s", "s")
    with zipfile.ZipFile(out.output) as z:
        assert "<f>" not in z.read("xl/worksheets/sheet1.xml").decode()
    assert {p.code for p in out.validation.report.problems} == {"formula_like_text"}


# --- conversions, exact --------------------------------------------------------------------
def rule(tmp_path, target: str, template: str = "销售数据", **options):
    extra = "".join(f', {k} = "{v}"' for k, v in options.items())
    m = load_mapping(mapping_file(tmp_path, f'template = "{template}"\n[columns]\n"源" = {{ to = "{target}"{extra} }}\n'))
    return m.columns[0]


@pytest.mark.parametrize("raw, unit, target, template, expected", [
    ("1", "箱", "销量(条)", "销售数据", 250),
    ("0.144", "箱", "销量(条)", "销售数据", 36),
    ("0.004", "箱", "销量(条)", "销售数据", 1),
    ("1,000", "箱", "销量(条)", "销售数据", 250000),
    (0.144, "箱", "销量(条)", "销售数据", 36),           # a float of an xlsx: no 35.99999
    (3, "件", "销量(条)", "销售数据", 150),
    ("6.4", "件", "月销量(条)", "卖场明细表", 320),
    ("0.01", "件", "销量(条)", "销售数据", 0.5),          # a number field takes halves
    ("20", "包", "销量(条)", "销售数据", 2),
    ("2000", "支", "销量(条)", "销售数据", 10),
    ("36", "条", "销量(条)", "销售数据", 36),
    ("12", "件", "计划销量(条/月)", "总部档案", 600),
])
def test_unit_conversions_are_exact(tmp_path, raw, unit, target, template, expected):
    value, reason = convert(rule(tmp_path, target, template, unit=unit), raw)
    assert (value, type(value), reason) == (expected, type(expected), None)


@pytest.mark.parametrize("raw, unit, target, template, written, reason", [
    ("0.01", "件", "月销量(条)", "卖场明细表", "0.01件", "换算成月销量(条)是 0.5，不是整数"),
    ("三", "箱", "销量(条)", "销售数据", "三", "不是数字"),
    ("1.2.3", "箱", "销量(条)", "销售数据", "1.2.3", "不是数字"),
    (True, "箱", "销量(条)", "销售数据", "True", "不是数字"),
])
def test_unit_conversions_that_cannot_be_made_keep_the_source_text(tmp_path, raw, unit, target, template, written, reason):
    assert convert(rule(tmp_path, target, template, unit=unit), raw) == (written, reason)


def test_the_unit_table_is_domain_md():
    assert {u: UNITS[u] for u in ("支", "包", "条", "件", "箱")} == {
        "支": Decimal(1) / 200, "包": Decimal(1) / 10, "条": 1, "件": 50, "箱": 250}


@pytest.mark.parametrize("fmt, target, template, raw, expected, reason", [
    ("yyyymm", "月份", "销售数据", "202610", "2026-10", None),
    ("yyyymm", "月份", "销售数据", 202610, "2026-10", None),
    ("yyyymm", "月份", "销售数据", "2026-10", "2026-10", "不是 yyyymm 格式的月份"),
    ("yyyymm", "月份", "销售数据", "202600", "202600", "没有这个月"),
    ("yyyy/m/d", "月份", "销售数据", "2026/10/31", "2026-10", None),
    ("yyyy/m/d", "月份", "销售数据", "2026/2/30", "2026/2/30", "没有这一天"),
    ("yyyy年m月", "月份", "销售目标", "2026年3月", "2026-03", None),
    ("yyyy/m/d", "入网日期", "总部档案", "2026/3/5", dt.date(2026, 3, 5), None),
    ("yyyy/m/d", "入网日期", "总部档案", "2026-03-05", "2026-03-05", "不是 yyyy/m/d 格式的日期"),
    ("yyyy/m/d", "入网日期", "总部档案", dt.datetime(2026, 3, 5), dt.date(2026, 3, 5), None),
    ("dd.mm.yyyy", "拜访日期", "拜访记录", "05.03.2026", dt.date(2026, 3, 5), None),
    ("yyyymmdd", "拜访日期", "拜访记录", "20260230", "20260230", "没有这一天"),
])
def test_dates_and_months_by_the_sources_format(tmp_path, fmt, target, template, raw, expected, reason):
    assert convert(rule(tmp_path, target, template, format=fmt), raw) == (expected, reason)


@pytest.mark.parametrize("target, template, raw, expected, reason", [
    ("月份", "销售数据", "2026年10月", "2026-10", None),         # without a format: the usual forms
    ("月份", "销售数据", "十月", "十月", "不是月份"),
    ("入网日期", "总部档案", "2026.3.5", dt.date(2026, 3, 5), None),
    ("入网日期", "总部档案", 46086.0, dt.date(2026, 3, 5), None),  # an Excel serial
    ("入网日期", "总部档案", "昨天", "昨天", "不是日期"),
    ("专卖证号", "卖场明细表", 430102200045.0, "430102200045", None),
    ("卖场名称", "卖场明细表", "=1+1", "=1+1", None),
])
def test_values_without_a_format(tmp_path, target, template, raw, expected, reason):
    assert convert(rule(tmp_path, target, template), raw) == (expected, reason)


def test_values_are_mapped_to_the_templates_labels(tmp_path):
    m = load_mapping(RETAILER_MAP)
    status = next(r for r in m.columns if r.source == "许可证状态")
    assert [convert(status, v) for v in ("有效", " 注销 ", "正常", "吊销")] == [
        ("正常", None), ("退出", None), ("正常", None), ("吊销", None)]     # 吊销: the validation says it is no 状态


def test_constants_fill_every_row(month_sales, tmp_path):
    text = SALES_MAP.read_text("utf-8").replace('"连锁编码" = "客户编码"\n', "") + '\n[constants]\n"客户编码" = "JT0009"\n'
    src = write_sales_export(tmp_path / "销售明细.csv", month_sales[:3])
    result = fill([src], mapping_file(tmp_path, text), tmp_path / "销售数据.xlsx", today=TODAY)
    assert [r[1] for r in sheet_rows(result.output, "销售数据")] == ["JT0009"] * 3
    assert "连锁编码" in result.sources[0].unmapped


# --- mapping mistakes: one line naming the key ---------------------------------------------
GOOD = 'template = "销售数据"\n[columns]\n"统计月份" = { to = "月份", format = "yyyymm" }\n"销量(箱)" = { to = "销量(条)", unit = "箱" }\n'


@pytest.mark.parametrize("old, new, words", [
    ('template = "销售数据"', 'template = "销售数居"', ["template", "是不是「销售数据」"]),
    ('template = "销售数据"', 'template = "sales"\nsheet = "品牌采集"', ["sheet", "品牌采集"]),
    ('template = "销售数据"', 'template = "销售数据"\nignor = ["序号"]', ["「ignor」", "是不是「ignore」"]),
    ('template = "销售数据"', 'template = "销售数据"\nignore = "序号"', ["ignore", "列表"]),
    ('template = "销售数据"\n', '', ["缺少 template"]),
    ('to = "月份"', 'to = "月分"', ["columns.统计月份.to", "是不是「月份」"]),
    ('to = "月份", format', 'to = "月份", fromat', ["columns.统计月份.fromat", "是不是「format」"]),
    ('{ to = "月份", format = "yyyymm" }', '{ format = "yyyymm" }', ["columns.统计月份", "缺少 to"]),
    ('unit = "箱"', 'unit = "相"', ["columns.销量(箱).unit", "不是已知的单位", "支、包、条、件、箱"]),
    ('unit = "箱"', 'unit = "件 "', ["columns.销量(箱).unit", "是不是「件」"]),
    ('to = "销量(条)", unit', 'to = "客户编码", unit', ["columns.销量(箱).unit", "不能换算单位"]),
    ('format = "yyyymm"', 'format = "yyyyMM"', ["columns.统计月份.format", "「M」不认识"]),
    ('format = "yyyymm"', 'format = "mm/dd"', ["columns.统计月份.format", "年、月须各写一次"]),
    ('format = "yyyymm"', 'format = "yyyymmmm"', ["年、月须各写一次"]),
    ('format = "yyyymm"', 'format = 202610', ["columns.统计月份.format", "格式文字"]),
    ('to = "销量(条)", unit = "箱"', 'to = "卷烟规格", format = "yyyymm"', ["format 只用于日期或月份列"]),
    ('"销量(箱)"', '"销量"', []),                                   # the source column's name is free
    ('"销量(箱)" = { to = "销量(条)", unit = "箱" }', '"销量(箱)" = { to = "volume", unit = "箱" }', []),  # a field id
    ('"销量(箱)" = { to = "销量(条)", unit = "箱" }', '"数量" = "月份"', ["columns.数量", "columns.统计月份", "只能有一个"]),
    ('[columns]', '[constants]\n"状态" = "正常"\n[columns]', ["constants.状态", "不是「销售数据」的表头"]),
    ('[columns]', '[constants]\n"月份" = "2026-10"\n[columns]', ["columns.统计月份", "constants.月份", "只能有一个"]),
    ('[columns]\n"统计月份" = { to = "月份", format = "yyyymm" }\n', '[columns]\n', []),
])
def test_a_sales_mapping_mistake_is_one_line_naming_the_key(tmp_path, old, new, words):
    assert old in GOOD
    path = mapping_file(tmp_path, GOOD.replace(old, new, 1))
    if not words:
        assert load_mapping(path).columns
        return
    with pytest.raises(ConfigError) as e:
        load_mapping(path)
    message = str(e.value)
    assert "\n" not in message and all(w in message for w in words), message


@pytest.mark.parametrize("text, words", [
    ('template = "卖场明细表"\n[columns]\n"业态" = { to = "客户类别", values = { "超市" = "中型超" } }\n',
     ["columns.业态.values.超市", "是不是「中型超市」"]),
    ('template = "卖场明细表"\n[columns]\n"业态" = { to = "客户类别", values = ["超市"] }\n', ["columns.业态.values", "一张表"]),
    ('template = "卖场明细表"\n[columns]\n"店" = "卖场名称"\n[constants]\n"状态" = "有效"\n', ["constants.状态", "可选值"]),
    ('template = "卖场明细表"\n[columns]\n"店" = "卖场名称"\n[constants]\n"状态" = "正常"\n', []),
    ('template = "卖场明细表"\n', ["没有 [columns]"]),
    ('template = "卖场明细表"\n[columns\n', ["格式不对"]),
    ('template = "拜访记录"\nsheet = "品牌采集"\n[columns]\n"日期" = { to = "拜访日期", format = "yyyy/m" }\n',
     ["columns.日期.format", "没有日"]),
    ('template = "拜访记录"\nsheet = "品牌采集"\n[columns]\n"日期" = { to = "拜访日期", format = "yyyy/m/d" }\n', []),
])
def test_other_mapping_mistakes(tmp_path, text, words):
    path = mapping_file(tmp_path, text)
    if not words:
        assert load_mapping(path).sheet.name in ("卖场明细表", "品牌采集")
        return
    with pytest.raises(ConfigError) as e:
        load_mapping(path)
    assert "\n" not in str(e.value) and all(w in str(e.value) for w in words), str(e.value)


def test_a_missing_mapping_file_and_a_source_it_does_not_fit(month_sales, tmp_path):
    with pytest.raises(ConfigError, match="找不到映射文件"):
        load_mapping(tmp_path / "没有.toml")
    src = write_sales_export(tmp_path / "销售明细.csv", month_sales[:2])
    with pytest.raises(ConfigError, match="没有一行写着映射文件的大多数列"):
        fill([src], RETAILER_MAP, tmp_path / "卖场明细表.xlsx", today=TODAY)
    assert not (tmp_path / "卖场明细表.xlsx").exists()


def test_shipped_mappings_are_package_data():
    assert set(shipped_mappings()) >= {"订货系统_销售", "零售户名单"}
    assert RETAILER_HEADERS[1] == "许可证号"


# --- the command -----------------------------------------------------------------------------
def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def test_the_command_prints_the_sources_and_the_validation_summary(month_sales, tmp_path):
    src = write_sales_export(tmp_path / "销售明细.csv", month_sales[:4])
    r = run("fill", "--template", "销售数据", "--map", SALES_MAP, "--out", tmp_path / "销售数据.xlsx",
            "--today", TODAY.isoformat(), src)
    assert r.exit_code == 0, r.output
    lines = r.output.splitlines()
    assert lines[0] == f"已写出 {tmp_path / '销售数据.xlsx'}（销售数据「销售数据」4 行）"
    assert "映射里没有、没有导入的列：卷烟编码、单价(元/条)" in r.output
    assert "校验了 1 个文件：4 行数据，0 个错误，0 个警告" in r.output


@pytest.mark.parametrize("args, words", [
    (["--template", "卖场明细表"], "不是 --template 给的「卖场明细表」"),
    (["--template", "销售数据", "--out-is-input"], "它是输入文件"),
])
def test_the_command_refuses_in_one_line(month_sales, tmp_path, args, words):
    src = write_sales_export(tmp_path / "销售明细.csv", month_sales[:2])
    out = src if "--out-is-input" in args else tmp_path / "x.xlsx"
    r = run("fill", *[a for a in args if a != "--out-is-input"], "--map", SALES_MAP, "--out", out, src)
    assert r.exit_code == 2 and one_line_error(r.output) and words in r.output, r.output


def test_an_output_excel_holds_open_is_refused(month_sales, tmp_path):
    src = write_sales_export(tmp_path / "销售明细.csv", month_sales[:2])
    out = tmp_path / "销售数据.xlsx"
    out.write_bytes(b"old")
    (tmp_path / "~$销售数据.xlsx").write_bytes(b"lock")
    with pytest.raises(WriteError, match="正在被 Excel 或 WPS 打开"):
        fill([src], SALES_MAP, out, today=TODAY)
    assert out.read_bytes() == b"old"


def test_a_read_only_output_folder_is_one_line(month_sales, tmp_path):
    src = write_sales_export(tmp_path / "销售明细.csv", month_sales[:2])
    folder = tmp_path / "out"
    folder.mkdir()
    with read_only(folder) as how:
        r = run("fill", "--template", "销售数据", "--map", SALES_MAP, "--out", folder / "销售数据.xlsx", src)
    assert r.exit_code == 2 and one_line_error(r.output), r.output
    assert ("只读" if how == "mount" else "没有权限") in r.output
    assert list(folder.iterdir()) == []


def test_json_lists_everything(month_sales, tmp_path):
    import json

    src = write_sales_export(tmp_path / "销售明细.csv", month_sales[:2])
    r = run("fill", "--template", "销售数据", "--map", SALES_MAP, "--out", tmp_path / "o.xlsx", "--json", src)
    data = json.loads(r.output)
    assert (data["rows"], data["unconverted"], data["validation"]["summary"]["errors"]) == (2, [], 0)
    assert data["sources"][0]["unmapped"] == ["卷烟编码", "单价(元/条)"]


@pytest.mark.libreoffice
def test_a_filled_store_list_prints_readable_on_a4(soffice, department, tmp_path):
    """As its reader sees it: LibreOffice prints the filled sheet on landscape A4, one page
    wide at no less than 70%, licence numbers whole (text, never 4.30102E+11)."""
    from .printcheck import LibreOffice, print_sheets

    src = write_retailer_list(tmp_path / "零售户名单.csv", department["stores"])
    out = fill([src], RETAILER_MAP, tmp_path / "卖场明细表.xlsx", today=TODAY).output
    (tmp_path / "lo").mkdir()
    office = LibreOffice(soffice, tmp_path / "lo")
    (p,) = print_sheets(office, [out], tmp_path / "printed", {out: {"卖场明细表"}})
    assert (p.landscape, p.one_page_wide, p.pages) == (True, True, 4)
    assert p.scale is not None and p.scale >= 70
    text = subprocess.run(["pdftotext", "-layout", p.pdf, "-"], capture_output=True, text=True).stdout
    assert all(s["licence"] in text for s in department["stores"]) and "E+" not in text
