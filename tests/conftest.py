"""Shared fixtures: specs, a seeded demo department on disk and the expensive runs on it
(validation, annotation, monthly reviews), the fixed small department of the monthly
tests, LibreOffice, helpers that write small workbooks and flatten reports into
(sheet, cell, code) tuples."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
from pathlib import Path

import pytest

from gcs_excel.validation import validate_files
from gcs_excel.demo import write_department, write_sales_csv
from gcs_excel.demo.department import generate
from gcs_excel.demo.mistakes import inject
from gcs_excel.reporting.run import monthly
from gcs_excel.spec import load_specs
from gcs_excel.templates import write_workbook
from gcs_excel.validation import validate

MONTH = "2026-10"
TODAY = dt.date(2026, 11, 27)
ROOT = Path(__file__).resolve().parent.parent

# The fixed small department of the monthly tests (a year boundary, a customer with no sales
# last year, a zero target): its month, previous month 2025-12, same month last year 2025-01.
MONTHLY_MONTH = "2026-01"
MONTHLY_TODAY = dt.date(2026, 2, 10)
SALES = [  # month, customer, licence, sku, volume, amount
    ("2025-01", "JT0001", "430102200001", "甲(硬)", 10, 1000), ("2025-01", "JT0001", "430102200001", "乙(软)", 5, 400),
    ("2025-01", "JT0002", "430102200003", "甲(硬)", 8, 800),
    ("2025-12", "JT0001", "430102200001", "甲(硬)", 12, 1200), ("2025-12", "JT0001", "430102200002", "甲(硬)", 4, 400),
    ("2025-12", "JT0002", "430102200003", "乙(软)", 6, 480), ("2025-12", "JT0003", "430102200004", "甲(硬)", 3, 300),
    ("2026-01", "JT0001", "430102200001", "甲(硬)", 15, 1500), ("2026-01", "JT0001", "430102200001", "乙(软)", 5, 400),
    ("2026-01", "JT0001", "430102200002", "甲(硬)", 2, 200), ("2026-01", "JT0002", "430102200003", "甲(硬)", 9, 900),
    ("2026-01", "JT0003", "430102200004", "甲(硬)", 5, 500), ("2026-01", "JT0003", "430102200004", "新(中支)", 2, 400),
    # JT0001's stores 5-8 (store 9 sells nothing: its sales are unknown), JT0002's Spring Festival month of
    # 2025, and the paused customer JT0004 whose 7 条 still count in the department's total
    ("2025-01", "JT0002", "430102200003", "乙(软)", 6, 480), ("2025-12", "JT0001", "430102200005", "甲(硬)", 20, 2000),
    ("2026-01", "JT0001", "430102200005", "甲(硬)", 6, 600), ("2026-01", "JT0001", "430102200005", "乙(软)", 3, 240),
    ("2026-01", "JT0001", "430102200006", "甲(硬)", 4, 400), ("2026-01", "JT0001", "430102200007", "甲(硬)", 3, 300),
    ("2026-01", "JT0001", "430102200008", "乙(软)", 2, 160), ("2026-01", "JT0004", "430102200011", "乙(软)", 7, 560),
]
# 品牌采集 of JT0001 in 2026-01 (刘洋): licence number (its last digits), SKU, on shelf, price, stock
OBSERVATIONS = [(1, "甲(硬)", "是", 126.0, 40), (2, "甲(硬)", "否", None, 0), (5, "甲(硬)", "是", 135.0, 60),
                (6, "甲(硬)", "否", None, 0), (7, "甲(硬)", "否", None, 0), (8, "甲(硬)", "是", 120.0, None),
                (1, "乙(软)", "是", 100.0, 4), (8, "乙(软)", "是", 90.0, 6), (9, "乙(软)", "是", 92.0, 5)]
CATALOGUE = [
    {"sku": "甲(硬)", "brand": "甲", "price_class": "一类", "wholesale_price": 100.0, "retail_guide": 120.0,
     "scarce": "是", "new": "否"},
    {"sku": "乙(软)", "brand": "乙", "price_class": "二类", "wholesale_price": 80.0, "retail_guide": 90.0,
     "scarce": "否", "new": "否"},
    {"sku": "新(中支)", "brand": "新", "price_class": "一类", "wholesale_price": 200.0, "retail_guide": 240.0,
     "scarce": "否", "new": "是"},
]
HQ = {"uscc": "91350200776049653A", "legal_rep": "张建华", "legal_rep_id": "11010519491231002X",
      "address": "长沙市芙蓉区五一大道1号", "order_phone": "0731-84561234", "order_frequency": "每周一次",
      "bank": "工行", "bank_account": "1901002309024512345", "planned_volume": 100, "buyer": "李晓梅",
      "buyer_phone": "13907311234", "mm": "王建国", "status": "正常"}


def pytest_addoption(parser):
    parser.addoption("--corpus", action="store_true",
                     help="also walk the real-world corpus (../shared/corpus or $GCS_CORPUS)")


def pytest_collection_modifyitems(config, items):
    if config.getoption("--corpus"):
        return
    kept = [i for i in items if "corpus" not in i.keywords]
    if len(kept) != len(items):
        config.hook.pytest_deselected(items=[i for i in items if "corpus" in i.keywords])
        items[:] = kept


@pytest.fixture(scope="session")
def specs():
    return load_specs()


@pytest.fixture(scope="session")
def department():
    return generate(MONTH, seed=2026, today=TODAY)


@pytest.fixture(scope="session")
def clean_files(department, tmp_path_factory):
    folder = tmp_path_factory.mktemp("clean")
    return write_department(department.tables, folder, MONTH)


@pytest.fixture(scope="session")
def mistakes(department):
    return inject(department, today=TODAY)


@pytest.fixture(scope="session")
def mistake_files(mistakes, tmp_path_factory):
    folder = tmp_path_factory.mktemp("mistakes")
    return write_department(mistakes.tables, folder, MONTH, merges=mistakes.merges,
                            headers=mistakes.headers)


def digest(paths) -> dict:
    return {Path(p).name: hashlib.sha256(Path(p).read_bytes()).hexdigest() for p in paths}


# --- expensive runs on the demo department, shared read-only -------------------------------------
@pytest.fixture(scope="session")
def clean_validation(clean_files):
    return validate(clean_files, today=TODAY)


@pytest.fixture(scope="session")
def mistake_validation(mistake_files):
    return validate(mistake_files, today=TODAY)


@pytest.fixture(scope="session")
def annotated_mistakes(mistake_files, tmp_path_factory):
    """validate --annotate on the mistake files."""
    before = digest(mistake_files)
    out = tmp_path_factory.mktemp("annotated")
    run = validate_files(mistake_files, annotate_dir=out, today=TODAY)
    assert digest(mistake_files) == before          # inputs are never modified
    return run


@pytest.fixture(scope="session")
def demo_reviews(clean_files, tmp_path_factory):
    """The monthly reviews of the demo department."""
    return monthly(clean_files, MONTH, tmp_path_factory.mktemp("demo-reviews"), today=TODAY)


# --- the fixed small department of the monthly tests ---------------------------------------------
@pytest.fixture(scope="session")
def monthly_files(specs, tmp_path_factory):
    d = tmp_path_factory.mktemp("monthly")
    tpl = specs.template
    sales = write_sales_csv([dict(zip(("month", "customer", "licence", "sku", "volume", "amount"), r))
                             for r in SALES], d / "销售数据.csv")
    hq = [dict(HQ, code=f"JT000{k}", name=name, cm=cm, buyer_email=f"buyer{k}@example.cn", status=status)
          for k, name, cm, status in ((1, "甲连锁有限公司", "刘洋", "正常"), (2, "乙超市有限公司", "陈静", "正常"),
                                      (3, "丙便利有限公司", "陈静", "正常"), (4, "丁商贸有限公司", "陈静", "暂停"))]
    stores = [{"licence": f"4301022000{k:02d}", "customer": c, "name": f"店{k}", "category": "便利店",
               "address": f"长沙市芙蓉区八一路{k}号", "area": "芙蓉片区", "contact": "陈", "phone": "13807315678",
               "monthly_volume": 10, "cm": cm, "status": "暂停" if c == "JT0004" else "正常"}
              for k, c, cm in ((1, "JT0001", "刘洋"), (2, "JT0001", "刘洋"), (3, "JT0002", "陈静"), (4, "JT0003", "陈静"),
                               (5, "JT0001", "刘洋"), (6, "JT0001", "刘洋"), (7, "JT0001", "刘洋"), (8, "JT0001", "刘洋"),
                               (9, "JT0001", "刘洋"), (11, "JT0004", "陈静"))]
    staff = [{"staff_no": "01", "name": "王建国", "role": "市场经理", "email": "wjg@cs-tobacco.cn"},
             {"staff_no": "02", "name": "刘洋", "role": "客户经理", "email": "ly@cs-tobacco.cn"},
             {"staff_no": "03", "name": "陈静", "role": "客户经理", "email": "cj@cs-tobacco.cn"}]
    targets = [{"month": f"2026-{m:02d}", "customer": "JT0001", "target_volume": 20} for m in range(1, 13)]
    targets.append({"month": MONTHLY_MONTH, "customer": "JT0002", "target_volume": 0})
    visited = (1, 2, 5, 6, 7, 8, 9)          # every store of JT0001 (JT0002's and JT0003's stores are not visited)
    visits = [{"date": dt.date(2026, 1, 8 + n), "person": "刘洋", "role": "客户经理", "target_type": "卖场",
               "target_code": f"4301022000{k:02d}", "scarce_notice": "是"} for n, k in enumerate(visited)]
    obs = [{"date": dt.date(2026, 1, 8 + visited.index(k)), "person": "刘洋", "licence": f"4301022000{k:02d}", "sku": sku,
            "on_shelf": on, "retail_price": price, "stock": stock} for k, sku, on, price, stock in OBSERVATIONS]
    return [sales,
            write_workbook(tpl("catalogue"), d / "卷烟规格.xlsx", data={"catalogue": CATALOGUE}),
            write_workbook(tpl("hq"), d / "总部档案.xlsx", data={"hq": hq}),
            write_workbook(tpl("stores"), d / "卖场明细表.xlsx", data={"stores": stores}),
            write_workbook(tpl("staff"), d / "人员名单.xlsx", data={"staff": staff}),
            write_workbook(tpl("targets"), d / "销售目标.xlsx", data={"targets": targets}),
            write_workbook(tpl("visits"), d / "拜访记录.xlsx", data={"visits": visits, "observations": obs})]


@pytest.fixture(scope="session")
def monthly_result(monthly_files, tmp_path_factory):
    """The reviews of the fixed department. Read only: a test that sends or edits them works on a copy."""
    r = monthly(monthly_files, MONTHLY_MONTH, tmp_path_factory.mktemp("out"), today=MONTHLY_TODAY)
    assert r.validation.problems == [] and r.exit_code == 0
    return r


@pytest.fixture(scope="session")
def xlsm_build(tmp_path_factory):
    """The .xlsm workbooks of `gcs build-workbooks`, built once from a copy of macros/ (so
    that the build never rewrites the repository's generated files under a test)."""
    from gcs_excel.vba.workbooks import build_workbooks

    macros = tmp_path_factory.mktemp("macros")
    for p in (ROOT / "macros").iterdir():
        shutil.copy(p, macros / p.name)
    return build_workbooks(tmp_path_factory.mktemp("xlsm"), macros=macros)


@pytest.fixture
def write(tmp_path, specs):
    """write("stores", [rows by field id], name=..., merges=..., headers=...) -> path"""
    def _write(sheet_id: str, rows, *, name: str | None = None, merges=None, headers=None):
        sheet = specs.sheet(sheet_id)
        template = next(t for t in specs.templates if any(s.id == sheet_id for s in t.sheets))
        path = tmp_path / (name or f"{sheet.name}.xlsx")
        data = {sheet_id: rows}
        return write_workbook(template, path, data=data,
                              merges={sheet_id: merges} if merges else None,
                              headers={sheet_id: headers} if headers else None)
    return _write


def flat(report, *, with_file: bool = False):
    """Problems as sorted (sheet, cell, code) tuples (frictionless-style assertions)."""
    out = []
    for p in report.problems:
        item = (p.sheet, p.cell, p.code)
        out.append((Path(p.file).name, *item) if with_file else item)
    return out


def codes(report) -> list[str]:
    return [p.code for p in report.problems]


@pytest.fixture(scope="session")
def soffice():
    """LibreOffice headless. Missing: a failure in CI (which installs it), a skip elsewhere."""
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if exe is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice (soffice) is not installed, but CI must have it: see .ci/run")
        pytest.skip("LibreOffice (soffice) is not installed")
    return exe

