"""`gcs forecast --check [--out FILE]`: the filed 需求预测 workbook (with the managers' 调整后预测)
against the month's actual sales, once the month is over.

预测准确率 (DOMAIN.md) = max(0, 1 − Σ|F − A| ÷ ΣA), per customer and per customer manager,
for the forecast as computed and as the manager adjusted it (an empty 调整后预测 keeps the
forecast); the adjustments helped where the adjusted error is smaller. A customer × SKU
that sold without a forecast row counts with F = 0.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

from python_calamine import CalamineWorkbook

from .errors import ConfigError, ReadError
from .forecasting import sales_matrix
from .forecast_workbook import ADJUSTED, DETAIL, KEYS, REASON
from .problems import Report
from .quota_check import check_month
from .reporting.data import load_inputs
from .validation import validate
from .writing import check_writable


@dataclass
class Row:
    """One customer × SKU of the filed workbook, with its actual sales."""
    customer: str
    name: str
    manager: str
    sku: str
    forecast: float
    adjusted: float | None          # None: the manager kept the forecast
    reason: str
    actual: float = 0.0


@dataclass
class CheckResult:
    """The month's accuracy per customer and manager, forecast and adjusted."""
    month: str
    workbook: Path
    rows: list[Row] = field(default_factory=list)
    validation: Report | None = None
    notes: list[str] = field(default_factory=list)
    output: Path | None = None

    @property
    def exit_code(self) -> int:
        """2 when a file could not be read, else 0."""
        return 2 if self.validation is not None and self.validation.unreadable else 0

    def groups(self, by: str) -> list[dict[str, Any]]:
        """Per customer (by="customer") or manager (by="manager"): 预测准确率 of the forecast
        and of the adjusted forecast, and over the adjusted rows only whether adjusting helped."""
        out: dict[str, dict] = {}
        for r in self.rows:
            key = getattr(r, by)
            g = out.setdefault(key, {by: key, "actual": 0.0, "_f": 0.0, "_a": 0.0, "adjusted_rows": 0,
                                     "_fa": 0.0, "_aa": 0.0})
            if by == "customer":
                g["name"] = r.name
            g["actual"] += r.actual
            g["_f"] += abs(r.forecast - r.actual)
            final = r.forecast if r.adjusted is None else r.adjusted
            g["_a"] += abs(final - r.actual)
            if r.adjusted is not None:
                g["adjusted_rows"] += 1
                g["_fa"] += abs(r.forecast - r.actual)
                g["_aa"] += abs(r.adjusted - r.actual)
        return [_finish(out[k]) for k in sorted(out)]

    def department(self) -> dict[str, Any]:
        """The same over every row (the department as one group)."""
        saved = [(r, r.manager) for r in self.rows]
        for r in self.rows:
            r.manager = "部门"
        try:
            return self.groups("manager")[0] if self.rows else {}
        finally:
            for r, m in saved:
                r.manager = m

    def as_dict(self) -> dict:
        """The result as --json prints it."""
        return {"month": self.month, "workbook": str(self.workbook), "customers": self.groups("customer"),
                "managers": self.groups("manager"), "department": self.department(), "notes": self.notes,
                "output": str(self.output) if self.output else None}


def accuracy(error: float, actual: float) -> float | None:
    """预测准确率 = max(0, 1 − Σ|F − A| ÷ ΣA); None without sales."""
    return max(0.0, 1 - error / actual) if actual else None


def _finish(g: dict) -> dict:
    f, a, fa, aa = (g.pop(k) for k in ("_f", "_a", "_fa", "_aa"))
    g["accuracy"] = accuracy(f, g["actual"])
    g["adjusted_accuracy"] = accuracy(a, g["actual"])
    g["adjustments_helped"] = None if not g["adjusted_rows"] else aa < fa
    return g


def read_filed(path: Path, notes: list[str] | None = None) -> list[Row]:
    """The rows of a filed 需求预测 sheet, by its headers. An 调整后预测 that is not a
    number ≥ 0 counts as not adjusted, and notes says so (row and value): nothing typed is
    dropped silently."""
    try:
        sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(DETAIL).to_python()
    except Exception as e:      # calamine raises its own types for a missing sheet or a broken file
        raise ReadError(f"读不了预测工作簿 {path.name}：{e}") from None
    if not sheet:
        raise ReadError(f"{path.name} 的「{DETAIL}」是空的")
    head = [str(h) for h in sheet[0]]
    try:
        at = {h: head.index(h) for h in (*KEYS, "预测(条)", ADJUSTED, REASON)}
    except ValueError as e:
        raise ReadError(f"{path.name} 的「{DETAIL}」不是 gcs forecast 写出的表：{e}") from None
    rows = []
    for n, values in enumerate(sheet[1:], start=2):
        if not values[at["客户编码"]]:
            continue
        adjusted = _number(values[at[ADJUSTED]])
        if adjusted is False:
            adjusted = None
            if notes is not None:
                notes.append(f"「{DETAIL}」第 {n} 行的{ADJUSTED}「{values[at[ADJUSTED]]}」不是 0 或正数，按未调整计")
        rows.append(Row(str(values[at["客户编码"]]), str(values[at["客户名称"]]), str(values[at["客户经理"]]),
                        str(values[at["卷烟规格"]]), float(values[at["预测(条)"]] or 0), adjusted,
                        str(values[at[REASON]] or "")))
    return rows


def _number(value: Any) -> float | None | bool:
    """A typed adjustment: None when empty, the number when it is one ≥ 0 (text "120" too), else False."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        x = float(str(value).replace(",", "").strip()) if isinstance(value, str) else float(value)
    except (TypeError, ValueError):
        return False
    return x if x >= 0 else False


def check_forecast(paths: Sequence[str | Path], month: str, out: str | Path | None = None) -> CheckResult:
    """Compare the filed forecast workbook among paths (its 需求预测 sheet) with the
    month's sales in the other files; with out, write 预测检查 there (a folder:
    预测检查_<month>.xlsx in it)."""
    check_month(month)
    paths = [Path(p) for p in paths]
    target = None
    if out is not None:
        target = Path(out) / f"预测检查_{month}.xlsx" if Path(out).is_dir() else Path(out)
        check_writable(target, paths)
    filed = [p for p in paths if p.suffix.lower() == ".xlsx" and _is_forecast(p)]
    if len(filed) != 1:
        raise ConfigError(f"请给出一本（且只一本）gcs forecast 写出的预测工作簿（含「{DETAIL}」表），这次给了 {len(filed)} 本")
    result = CheckResult(month, filed[0])
    result.rows = read_filed(filed[0], result.notes)
    v = validate([p for p in paths if p != filed[0]])
    result.validation = v.report
    if v.report.unreadable:
        return result
    inputs = load_inputs(v, month)
    sold = inputs.sales[inputs.sales["month"].astype(str) == month]
    if sold.empty:
        raise ConfigError(f"销售数据里没有 {month} 的销售，月底有了再检查")
    Y, keys, _ = sales_matrix(sold, month + "~")       # "~" sorts after the month: it is included
    actual = dict(zip(keys, Y.sum(axis=1)))
    by_key = {(r.customer, r.sku): r for r in result.rows}
    missing = sum(1 for k in actual if k not in by_key)
    for key, volume in actual.items():
        row = by_key.get(key)
        if row is None:
            hq = inputs.dept.hqs.get(key[0])
            row = Row(key[0], hq.name if hq else "", hq.cm if hq else "", key[1], 0.0, None, "")
            result.rows.append(row)
            by_key[key] = row
        row.actual = float(volume)
    if missing:
        result.notes.append(f"{missing} 个客户×规格有销量但预测里没有，按预测 0 条计")
    if target is not None:
        result.output = write_check_workbook(result, target, paths)
    return result


def _is_forecast(path: Path) -> bool:
    try:
        wb = CalamineWorkbook.from_path(str(path))
        return DETAIL in wb.sheet_names and ADJUSTED in str(wb.get_sheet_by_name(DETAIL).to_python(nrows=1))
    except Exception:           # not a workbook we can open: not the filed forecast
        return False


def write_check_workbook(result: CheckResult, path: str | Path, inputs: Sequence[str | Path] = ()) -> Path:
    """预测检查_<month>.xlsx: 预测准确率 per customer manager and per customer (forecast and
    adjusted), and the adjusted rows one by one, written atomically."""
    from .quota_workbook import Col, Table, write_tables

    def verdict(g: dict) -> str:
        return "未调整" if g["adjustments_helped"] is None else "更准" if g["adjustments_helped"] else "没有更准"

    note = "预测准确率 = max(0, 1 − Σ|预测 − 实际| ÷ Σ实际)；调整后：空着的调整后预测按原预测计。“调整是否更准”只比调整过的行。"
    cols = [Col("实际(条)", 10, "int"), Col("预测准确率", 10, "pct"), Col("调整后准确率", 11, "pct"),
            Col("调整行数", 8, "int"), Col("调整是否更准", 11)]
    managers = Table("按客户经理", [Col("客户经理", 10), *cols], note=note)
    for g in [*result.groups("manager"), {**result.department(), "manager": "部门合计"}]:
        managers.add([g["manager"], round(g["actual"]), g["accuracy"], g["adjusted_accuracy"], g["adjusted_rows"], verdict(g)])
    customers = Table("按客户", [Col("客户编码", 10), Col("客户名称", 26), *cols], note=note)
    for g in result.groups("customer"):
        customers.add([g["customer"], g["name"], round(g["actual"]), g["accuracy"], g["adjusted_accuracy"],
                       g["adjusted_rows"], verdict(g)])
    adjusted = Table("调整明细", [Col("客户编码", 10), Col("客户经理", 10), Col("卷烟规格", 14), Col("预测(条)", 9, "int"),
                                Col("调整后(条)", 10, "int"), Col("实际(条)", 9, "int"), Col("调整原因", 30)],
                     empty="没有调整过的行。")
    for r in result.rows:
        if r.adjusted is not None:
            adjusted.add([r.customer, r.manager, r.sku, round(r.forecast), round(r.adjusted), round(r.actual), r.reason])
    return write_tables(path, (managers, customers, adjusted), result.month, "预测检查", inputs)
