"""`gcs fill`: a standard template filled from another system's export.

The sources (CSV in UTF-8 or GBK, or xlsx; one or several) are read by the guarded readers;
each source's header row is the row, among the first ones, naming the most mapped columns
(a title line above it is normal). Each mapped column is converted into its template field
(units to 条, dates and months from the source's format, values to the template's labels);
constants fill the same value into every row. Nothing is lost on the way: source columns
the mapping does not name are listed, so are total rows and notes below the table, and a
value that cannot be converted is written as the source wrote it (so that validation flags
the cell) and listed with its source row. The workbook is written by the template builder (dropdowns, hints,
text-formatted codes), atomically, then validated with the checks of `gcs validate`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable, Sequence

from .a1 import a1
from .checks.structure import HEADER_SEARCH_ROWS, is_total, norm_header
from .errors import ConfigError
from .mapping import ColumnRule, FillMapping, load_mapping
from .problems import jsonable
from .readers import Sheet, read
from .spec import Specs, load_specs
from .templates import write_workbook
from .validation import Validation, validate
from .values import date_from_number, month_of, parse_month, parse_number_text, parse_text_date, plain_number


@dataclass
class SourceInfo:
    """How one source sheet was read: its header row, its columns and rows."""
    file: str
    sheet: str
    encoding: str | None
    header_row: int                    # the source's row (line) number
    rows: int = 0                      # data rows taken
    unmapped: list[str] = field(default_factory=list)   # columns the mapping does not name
    ignored: list[str] = field(default_factory=list)    # ... and those it leaves out on purpose
    missing: list[str] = field(default_factory=list)    # mapped columns this source lacks
    totals: list[int] = field(default_factory=list)     # total rows (合计) not taken
    other: list[int] = field(default_factory=list)      # rows with content in unmapped columns only


@dataclass
class Unconverted:
    """A source value that could not be converted: written as the source wrote it."""
    file: str
    row: int                           # the source's row (line) number
    column: str                        # the source column
    value: Any
    reason: str
    cell: str                          # where it is in the filled sheet


@dataclass
class FillResult:
    """What `gcs fill` did: the sources read, the rows written, what could not be
    converted, and the validation of the filled workbook."""
    output: Path
    mapping: FillMapping
    sources: list[SourceInfo]
    rows: int
    unconverted: list[Unconverted]
    validation: Validation

    @property
    def exit_code(self) -> int:
        """0 when everything converted and the workbook validates clean, else 1."""
        return 1 if self.unconverted or self.validation.report.problems else 0

    def as_dict(self) -> dict:
        """JSON-ready: the output, sources, unconverted values and the validation report."""
        return {"output": str(self.output), "template": self.mapping.template.workbook,
                "sheet": self.mapping.sheet.name, "rows": self.rows,
                "sources": [s.__dict__ for s in self.sources],
                "unconverted": [{**u.__dict__, "value": jsonable(u.value)} for u in self.unconverted],
                "validation": self.validation.report.as_dict()}


def fill(sources: Sequence[str | Path], mapping: str | Path, out: str | Path, *, template: str | None = None,
         today: dt.date | None = None, specs: Specs | None = None,
         progress: Callable[[str], None] | None = None) -> FillResult:
    """Fill the mapping's template from the sources into out, then validate it; template
    (a workbook name or id), when given, must be the one the mapping fills. progress, when
    given, hears each step (a 100,000-row export takes some seconds to read, write and check)."""
    specs = specs or load_specs()
    say = progress or (lambda _msg: None)
    m = load_mapping(mapping, specs)
    if template is not None and template not in (m.template.id, m.template.workbook, m.template.filename):
        raise ConfigError(f"映射文件 {mapping} 填的是「{m.template.workbook}」，不是 --template 给的「{template}」")
    rows: list[dict[str, Any]] = []
    infos: list[SourceInfo] = []
    unconverted: list[Unconverted] = []
    for path in sources:
        say(f"读取 {Path(path).name}")
        workbook = read(path)
        found = False
        for sheet in workbook.sheets:
            at = _header(sheet, m)
            if at is None:
                continue
            found = True
            info = SourceInfo(str(path), sheet.name, workbook.encoding, sheet.rows[at][0] + 1)
            infos.append(info)
            _take(sheet, at, m, info, rows, unconverted)
        if not found:
            raise ConfigError(f"{path}：前 {HEADER_SEARCH_ROWS} 行里没有一行写着映射文件的大多数列"
                              f"（{'、'.join(r.source for r in m.columns[:6])}……），是不是用错了映射文件？")
    say(f"写入 {Path(out).name}（{len(rows):,} 行）")
    out = write_workbook(m.template, out, data={m.sheet.id: rows}, specs=specs, inputs=sources)
    say(f"校验 {out.name}")
    return FillResult(out, m, infos, len(rows), unconverted, validate([out], today=today, specs=specs))


def _header(sheet: Sheet, m: FillMapping) -> int | None:
    """Position (in sheet.rows) of the row naming the most mapped columns, if it names at
    least half of them (fewer: the export is not the one the mapping describes)."""
    sources = {norm_header(r.source) for r in m.columns}
    best, at = (len(sources) - 1) // 2, None
    for k, (_, values) in enumerate(sheet.head(HEADER_SEARCH_ROWS)):
        n = len(sources & {norm_header(v) for v in values})
        if n > best:
            best, at = n, k
    return at


def _take(sheet: Sheet, at: int, m: FillMapping, info: SourceInfo, rows: list, unconverted: list) -> None:
    """The data rows of one source sheet below its header, converted into rows by field id."""
    header = sheet.rows[at][1]
    columns: list[tuple[int, ColumnRule]] = []
    named = set()
    for c, h in enumerate(header):
        if h in ("", None):
            continue
        rule = m.rule(h)
        if rule is not None and rule.source not in named:
            columns.append((c, rule))
            named.add(rule.source)
        elif m.ignored(h):
            info.ignored.append(str(h))
        else:
            info.unmapped.append(str(h))
    info.missing = [r.source for r in m.columns if r.source not in named]
    position = {f.id: c for c, f in enumerate(m.sheet.fields)}
    for index, values in sheet.rows[at + 1:]:
        if all(v in ("", None) for v in values):
            continue
        if any(is_total(v) for v in values[:3]):
            info.totals.append(index + 1)
            continue
        if all((values[c] if c < len(values) else "") in ("", None) for c, _ in columns):
            info.other.append(index + 1)       # a note below the table (制表人、导出时间……)
            continue
        row: dict[str, Any] = dict(m.constants)
        line = len(rows) + 2                   # the row in the filled sheet (header is row 1)
        for c, rule in columns:
            raw = values[c] if c < len(values) else ""
            if raw in ("", None):
                continue
            value, reason = convert(rule, raw)
            if reason:
                unconverted.append(Unconverted(info.file, index + 1, rule.source, raw, reason,
                                               a1(position[rule.field.id], line)))
            row[rule.field.id] = value
        rows.append(row)
        info.rows += 1


def convert(rule: ColumnRule, raw: Any) -> tuple[Any, str | None]:
    """A source value as its template field holds it, and None; or, when it cannot be
    converted, the value as the source wrote it (as text) and the reason."""
    f = rule.field
    if isinstance(raw, str) and raw.strip() in rule.values:
        return rule.values[raw.strip()], None
    if f.type in ("int", "number"):
        return _number(rule, raw)
    if f.type == "date":
        return _date(rule, raw)
    if f.type == "month":
        return _month(rule, raw)
    if isinstance(raw, float) and raw.is_integer() and abs(raw) < 1e15:
        return str(int(raw)), None           # a code an xlsx export stored as a number
    if isinstance(raw, (dt.date, dt.datetime)):
        return raw.isoformat(), None
    return raw, None


def _as_text(raw: Any) -> str:
    return str(plain_number(raw)) if isinstance(raw, float) else str(raw)


def _number(rule: ColumnRule, raw: Any) -> tuple[Any, str | None]:
    if isinstance(raw, bool) or isinstance(raw, (dt.date, dt.time)):
        return _as_text(raw), "不是数字"
    if isinstance(raw, (int, float)):
        number = Decimal(repr(raw)) if isinstance(raw, float) else Decimal(raw)
    else:
        text = str(raw).strip()
        if parse_number_text(text) is None:
            return raw, "不是数字"
        number = Decimal(text.replace(",", ""))
    value = number * rule.factor
    if value == value.to_integral_value():
        return int(value), None
    if rule.field.type == "number":
        return float(value), None
    if not rule.unit:
        return _as_text(raw), "不是整数"
    # kept with its unit, as text: a number of 件 must never pass for one of 条
    return f"{_as_text(raw)}{rule.unit}", f"换算成{rule.field.header}是 {value.normalize():f}，不是整数"


def _date(rule: ColumnRule, raw: Any) -> tuple[Any, str | None]:
    if isinstance(raw, dt.datetime):
        return raw.date(), None
    if isinstance(raw, dt.date):
        return raw, None
    if isinstance(raw, (int, float)) and not isinstance(raw, bool) and rule.format is None:
        got = date_from_number(raw)
        return (got[0], None) if got else (_as_text(raw), "不是日期")
    text = _as_text(raw)
    if rule.format is not None:
        parts = rule.format.parse(text)
        try:
            return (dt.date(*parts), None) if parts else (text, f"不是 {rule.format.text} 格式的日期")
        except ValueError:
            return text, "没有这一天"
    day = parse_text_date(text.strip())
    return (day, None) if day else (text, "不是日期")


def _month(rule: ColumnRule, raw: Any) -> tuple[Any, str | None]:
    if isinstance(raw, (dt.date, dt.datetime)):
        return month_of(raw), None
    text = _as_text(raw)
    if rule.format is not None:
        parts = rule.format.parse(text)
        if not parts:
            return text, f"不是 {rule.format.text} 格式的{'日期' if rule.format.has_day else '月份'}"
        y, mo, d = parts
        try:
            dt.date(y, mo, d or 1)
        except ValueError:
            return text, "没有这一天" if d else "没有这个月"
        return f"{y:04d}-{mo:02d}", None
    month = parse_month(text.strip())
    return (month, None) if month else (text, "不是月份")
