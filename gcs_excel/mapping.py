"""The mapping files of `gcs fill`: how another system's export becomes a standard template.

A mapping is a small TOML file (examples shipped in gcs_excel/mappings/)::

    template = "销售数据"                    # a template's workbook name or id
    ignore = ["序号", "零售户名称"]          # source columns known and left out on purpose
    [columns]
    "许可证号" = "专卖证号"                  # source column -> template header (or field id)
    "统计月份" = { to = "月份", format = "yyyymm" }
    "销量(箱)" = { to = "销量(条)", unit = "箱" }
    "经营状态" = { to = "状态", values = { "有效" = "正常", "注销" = "退出" } }
    [constants]
    "状态" = "正常"                          # the same value in every row

Every mistake is one Chinese line naming the key (ConfigError), with a did-you-mean for a
mistyped key, header, unit or value.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any, Mapping

from .checks.structure import header_key, norm_header
from .errors import ConfigError
from .rules import read_overrides
from .spec import Field, SheetSpec, Specs, TemplateSpec, load_specs

WHAT = "映射文件"
# Units of cigarettes counted in 条 (DOMAIN.md: 1 条 = 10 包 = 200 支; 1 件 = 50 条; 1 箱 = 250 条).
UNITS = {"支": Decimal(1) / 200, "包": Decimal(1) / 10, "条": Decimal(1), "件": Decimal(50), "箱": Decimal(250)}
_TOP_KEYS = ("template", "sheet", "description", "columns", "constants", "ignore")
_COLUMN_KEYS = ("to", "unit", "format", "values")
_TOKEN_RE = re.compile(r"yyyy|mm|m|dd|d")
_TOKEN_PATTERNS = {"yyyy": r"(?P<y>\d{4})", "mm": r"(?P<m>\d{2})", "m": r"(?P<m>\d{1,2})",
                   "dd": r"(?P<d>\d{2})", "d": r"(?P<d>\d{1,2})"}
_UNIT_RE = re.compile(r"\(([^()/]*)(?:/[^()]*)?\)$")


@dataclass(frozen=True)
class DateFormat:
    """A date or month format as the source writes it (yyyymm, yyyy/m/d, yyyy年m月)."""
    text: str
    pattern: re.Pattern
    has_day: bool

    def parse(self, text: str) -> tuple[int, int, int | None] | None:
        """(year, month, day or None) of a text in this format, or None."""
        m = self.pattern.fullmatch(text.strip())
        if not m:
            return None
        return int(m["y"]), int(m["m"]), int(m["d"]) if self.has_day else None


@dataclass(frozen=True)
class ColumnRule:
    """One source column: the template field it fills and how its values are converted."""
    source: str
    field: Field
    unit: str | None = None               # the source's unit, converted to the field's
    factor: Decimal = Decimal(1)          # source unit -> field unit
    format: DateFormat | None = None
    values: Mapping[str, str] = field(default_factory=dict)   # source value -> enum label


@dataclass(frozen=True)
class FillMapping:
    """A mapping file, checked against the template it fills."""
    path: str
    template: TemplateSpec
    sheet: SheetSpec
    columns: tuple[ColumnRule, ...]
    constants: Mapping[str, Any]          # field id -> value
    ignore: tuple[str, ...] = ()
    description: str = ""

    def rule(self, header: Any) -> ColumnRule | None:
        """The rule for a source header as written (spaces and full-width forms aside)."""
        key = norm_header(header)
        return next((r for r in self.columns if norm_header(r.source) == key), None)

    def ignored(self, header: Any) -> bool:
        """Whether the mapping leaves this source column out on purpose."""
        return norm_header(header) in {norm_header(i) for i in self.ignore}


def did_you_mean(word: str, choices) -> str:
    """"，是不是「…」？" naming the closest of choices to a mistyped word, or "" when none is close."""
    close = difflib.get_close_matches(str(word), list(choices), n=1, cutoff=0.5)
    return f"，是不是「{close[0]}」？" if close else ""


def _choices(words) -> str:
    return "（可用：" + "、".join(words) + "）"


def field_unit(f: Field) -> str | None:
    """The unit in a field's header: 条 for 销量(条) and 计划销量(条/月)."""
    m = _UNIT_RE.search(header_key(f.header))
    return m.group(1) if m else None


def date_format(text: Any, f: Field, where: str) -> DateFormat:
    """A format string checked: only yyyy, m, mm, d, dd and separators; a year and a month,
    and a day for a date field."""
    if not isinstance(text, str) or not text.strip():
        raise ConfigError(f"{WHAT}里的「{where}」应是格式文字，如 yyyymm、yyyy/m/d")
    parts, pos, seen = [], 0, []
    for m in _TOKEN_RE.finditer(text):
        parts.append(re.escape(text[pos:m.start()]))
        parts.append(_TOKEN_PATTERNS[m.group()])
        seen.append(m.group()[0])
        pos = m.end()
    parts.append(re.escape(text[pos:]))
    literal = _TOKEN_RE.sub("", text)
    bad = [c for c in literal if c.isascii() and c.isalpha()]
    if bad or len(seen) != len(set(seen)) or "y" not in seen or "m" not in seen:
        reason = f"「{bad[0]}」不认识" if bad else "年、月须各写一次"
        raise ConfigError(f"{WHAT}里的「{where}」= \"{text}\" 不是可用的格式：{reason}"
                          "（可用 yyyy、m、mm、d、dd 和分隔符，如 yyyymm、yyyy/m/d、yyyy年m月d日）")
    if f.type == "date" and "d" not in seen:
        raise ConfigError(f"{WHAT}里的「{where}」= \"{text}\" 没有日（d）：「{f.header}」是日期")
    if f.type not in ("date", "month"):
        raise ConfigError(f"{WHAT}里的「{where}」：format 只用于日期或月份列，「{f.header}」不是")
    return DateFormat(text, re.compile("".join(parts)), "d" in seen)


def _template(specs: Specs, name: Any) -> TemplateSpec:
    for t in specs.templates:
        if name in (t.id, t.workbook, t.filename):
            return t
    names = [t.workbook for t in specs.templates]
    raise ConfigError(f"{WHAT}里的 template = \"{name}\" 不是已知的模板{did_you_mean(name, names)}{_choices(names)}")


def _sheet(template: TemplateSpec, name: Any) -> SheetSpec:
    if name is None:
        return template.sheets[0]
    for s in template.sheets:
        if name in (s.id, s.name):
            return s
    names = [s.name for s in template.sheets]
    raise ConfigError(f"{WHAT}里的 sheet = \"{name}\" 不是模板「{template.workbook}」的工作表{_choices(names)}")


def _field(sheet: SheetSpec, target: Any, where: str) -> Field:
    if not isinstance(target, str):
        raise ConfigError(f"{WHAT}里的「{where}」应是模板的表头（文字）")
    for f in sheet.fields:
        if target == f.id or header_key(target) == header_key(f.header):
            return f
    raise ConfigError(f"{WHAT}里的「{where}」= \"{target}\" 不是「{sheet.name}」的表头"
                      f"{did_you_mean(target, sheet.headers)}{_choices(sheet.headers)}")


def _check_keys(raw: Mapping, allowed, where: str) -> None:
    for key in raw:
        if key not in allowed:
            raise ConfigError(f"{WHAT}里的「{where}{key}」不是已知的键{did_you_mean(key, allowed)}{_choices(allowed)}")


def _enum_label(f: Field, value: Any, where: str) -> str:
    if f.type == "enum" and value not in f.values:
        raise ConfigError(f"{WHAT}里的「{where}」= \"{value}\" 不是「{f.header}」的可选值"
                          f"{did_you_mean(value, f.values)}{_choices(f.values)}")
    return value


def _column(source: str, raw: Any, sheet: SheetSpec) -> ColumnRule:
    where = f"columns.{source}"
    if not isinstance(raw, dict):
        return ColumnRule(source, _field(sheet, raw, where))
    _check_keys(raw, _COLUMN_KEYS, where + ".")
    if "to" not in raw:
        raise ConfigError(f"{WHAT}里的「{where}」缺少 to（要填到哪一列）")
    f = _field(sheet, raw["to"], where + ".to")
    unit, factor = raw.get("unit"), Decimal(1)
    if unit is not None:
        if unit not in UNITS:
            raise ConfigError(f"{WHAT}里的「{where}.unit」= \"{unit}\" 不是已知的单位"
                              f"{did_you_mean(unit, UNITS)}{_choices(UNITS)}")
        target = field_unit(f)
        if f.type not in ("int", "number") or target not in UNITS:
            raise ConfigError(f"{WHAT}里的「{where}.unit」：「{f.header}」不是以条、件、箱计的数量，不能换算单位")
        factor = UNITS[unit] / UNITS[target]
    fmt = date_format(raw["format"], f, where + ".format") if "format" in raw else None
    values = raw.get("values", {})
    if not isinstance(values, dict):
        raise ConfigError(f"{WHAT}里的「{where}.values」应是一张表，如 {{ \"有效\" = \"正常\" }}")
    for src, label in values.items():
        _enum_label(f, label, f"{where}.values.{src}")
    return ColumnRule(source, f, unit, factor, fmt, {str(k): str(v) for k, v in values.items()})


def load_mapping(path: str | Path, specs: Specs | None = None) -> FillMapping:
    """A mapping file read and checked against its template; a mistake is one ConfigError line."""
    specs = specs or load_specs()
    raw = read_overrides(path, WHAT)
    _check_keys(raw, _TOP_KEYS, "")
    if "template" not in raw:
        raise ConfigError(f"{WHAT} {path} 缺少 template（要填哪个模板）{_choices(t.workbook for t in specs.templates)}")
    template = _template(specs, raw["template"])
    sheet = _sheet(template, raw.get("sheet"))
    columns = raw.get("columns", {})
    if not isinstance(columns, dict) or not columns:
        raise ConfigError(f"{WHAT} {path} 里没有 [columns]（源文件的列 → 模板的表头）")
    rules = tuple(_column(str(src), v, sheet) for src, v in columns.items())
    constants: dict[str, Any] = {}
    for name, value in raw.get("constants", {}).items():
        f = _field(sheet, name, f"constants.{name}")
        constants[f.id] = _enum_label(f, value, f"constants.{name}")
    seen: dict[str, str] = {}
    for r in rules:
        if r.field.id in seen or r.field.id in constants:
            other = seen.get(r.field.id, f"constants.{r.field.header}")
            raise ConfigError(f"{WHAT}里的「columns.{r.source}」和「{other}」都填「{r.field.header}」，只能有一个")
        seen[r.field.id] = f"columns.{r.source}"
    ignore = raw.get("ignore", [])
    if not isinstance(ignore, list) or not all(isinstance(i, str) for i in ignore):
        raise ConfigError(f"{WHAT}里的「ignore」应是列名的列表，如 [\"序号\"]")
    return FillMapping(str(path), template, sheet, rules, constants, tuple(ignore), str(raw.get("description", "")))


def shipped_mappings() -> dict[str, Path]:
    """The example mappings shipped with the package, by file stem (订货系统_销售 ...)."""
    folder = resources.files("gcs_excel.mappings")
    return {Path(p.name).stem: Path(str(p)) for p in folder.iterdir() if p.name.endswith(".toml")}

