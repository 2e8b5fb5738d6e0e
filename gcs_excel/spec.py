"""Template specs: the one source of truth for sheets, headers, types, values and rules.

Each file in ``gcs_excel/specs/`` describes one workbook template (TEMPLATES.md is the
contract). Sheets, fields and enum values have a stable ASCII ``id`` that code uses; the
Chinese sheet names, headers and value labels users see are written only in the specs.
This module loads them into frozen dataclasses and checks that they are coherent.
"""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass, field as dc_field
from importlib import resources
from types import MappingProxyType
from typing import Mapping

from .errors import SpecError

TYPES = ("text", "int", "number", "date", "month", "enum")

_FIELD_KEYS = {
    "id", "header", "type", "required", "code", "values", "check", "pattern", "pattern_text",
    "unique", "ref", "ref_where", "ref_match", "ref_by", "ref_map", "dropdown", "label_of",
    "min", "gt", "min_field", "not_future", "period_of", "when", "must_be", "personal",
    "aliases", "width", "hint", "example", "num_format", "free_text", "or_check", "many",
}
_SHEET_KEYS = {"id", "name", "key", "label", "description", "fields", "like", "omit"}
_TEMPLATE_KEYS = {"id", "workbook", "order", "description", "sheets", "references", "live_quotas",
                  "kind", "command"}
KINDS = ("template", "output", "application")
_ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")

_EMPTY: Mapping[str, str] = MappingProxyType({})


def _empty():
    return dc_field(default_factory=lambda: _EMPTY)


@dataclass(frozen=True, eq=False)
class Field:
    """One column of a template sheet, as its spec file states it."""
    id: str
    header: str
    type: str
    required: bool = False
    code: bool = False            # an identifier: must be stored as text, never as a number
    options: Mapping[str, str] = _empty()   # enum: value id -> label users see
    check: str | None = None
    pattern: str | None = None
    pattern_text: str | None = None
    unique: bool = False
    ref: str | None = None        # "sheet.field" (ids) the value must exist in
    ref_where: Mapping[str, str] = _empty()   # target field -> required value id
    ref_match: Mapping[str, str] = _empty()   # target field -> field of this row it must equal
    ref_by: str | None = None     # field of this row choosing the target ...
    ref_map: Mapping[str, str] = _empty()     # ... its value id -> "sheet.field"
    dropdown: bool = False        # template offers the ref's values as a dropdown
    label_of: str | None = None   # this field names the object the given field refers to
    min: float | None = None
    gt: float | None = None
    min_field: str | None = None
    not_future: bool = False
    period_of: str | None = None  # plan period must match this date field
    when: Mapping[str, str] = _empty()        # condition (field -> value id) under which ...
    must_be: str | None = None    # ... this field must hold this value id
    personal: bool = False
    aliases: tuple[str, ...] = ()
    width: float = 12
    hint: str = ""
    example: str = ""
    num_format: str | None = None     # Excel number format; default by type
    free_text: bool = False       # notes people write in their own words: line breaks are normal
    or_check: str | None = None   # enum: a value passing this named check is taken too (是/否 or a notice number)
    many: bool = False            # several values in one cell (JT0001、JT0002), each checked against ref

    @property
    def values(self) -> tuple[str, ...]:
        """Enum labels, in order."""
        return tuple(self.options.values())

    def label(self, value_id: str) -> str:
        """The label of one enum value, e.g. status.label("active") -> "正常"."""
        try:
            return self.options[value_id]
        except KeyError:
            raise KeyError(f"{self.id} has no value {value_id!r}") from None

    def targets(self) -> tuple[str, ...]:
        """Every "sheet.field" this field may refer to."""
        if self.ref:
            return (self.ref,)
        return tuple(self.ref_map.values())

    @property
    def plain_text(self) -> bool:
        """Text that names or locates something (客户名称, 卖场地址, 联系人 ...): not a code,
        not free text, not held to a named check, a pattern, a list it refers to, or a name
        on file. Such text travels into titles, sheet names and mail, so a value a
        spreadsheet would take for a formula is worth a warning here."""
        return (self.type == "text" and not self.code and not self.free_text and not self.check
                and not self.pattern and not self.targets() and not self.label_of)


@dataclass(frozen=True, eq=False)
class SheetSpec:
    """One template sheet: its name, fields in order, key and the field naming a row."""
    id: str
    name: str
    workbook: str
    fields: tuple[Field, ...]
    key: tuple[str, ...] = ()
    label: str | None = None      # the field that names a row (客户名称, 卖场名称)
    description: str = ""
    _by_id: Mapping[str, Field] = _empty()

    def field(self, field_id: str) -> Field:
        """The field with this id (KeyError naming the sheet when there is none)."""
        try:
            return self._by_id[field_id]
        except KeyError:
            raise KeyError(f"{self.id} has no field {field_id!r}") from None

    def has(self, field_id: str) -> bool:
        """Whether the sheet has a field with this id."""
        return field_id in self._by_id

    def header(self, field_id: str) -> str:
        """The header users see for a field id."""
        return self.field(field_id).header

    @property
    def ids(self) -> tuple[str, ...]:
        """Field ids in template order."""
        return tuple(f.id for f in self.fields)

    @property
    def headers(self) -> tuple[str, ...]:
        """Headers in template order."""
        return tuple(f.header for f in self.fields)

    @property
    def required_ids(self) -> tuple[str, ...]:
        """Ids of the required fields."""
        return tuple(f.id for f in self.fields if f.required)


@dataclass(frozen=True, eq=False)
class TemplateSpec:
    """One template workbook (one spec file) and its sheets."""
    id: str
    workbook: str
    order: int
    description: str
    sheets: tuple[SheetSpec, ...]
    source: str
    references: tuple[str, ...] = ()   # other sheets copied in as 参照-* (for live formulas)
    live_quotas: bool = False          # has the 指标 sheet (livesheet.py)
    kind: str = "template"             # "output": a workbook we write and read back (分配明细);
                                       # "application": a form gcs writes and people fill (入网申报表)
    command: str = ""                  # an application's: the command that checks it

    @property
    def filename(self) -> str:
        """The template's file name, 总部档案.xlsx."""
        return f"{self.workbook}.xlsx"


@dataclass(frozen=True)
class NamedCheck:
    """One entry of specs/checks.toml: a named check's rule in words, and the fixed length
    of the identifier it checks (None when the length varies)."""
    name: str
    rule: str
    length: int | None = None


@functools.cache
def named_checks() -> Mapping[str, NamedCheck]:
    """The named checks a field may use (check = "..."), as specs/checks.toml lists them:
    the one list, which checks/identifiers.py implements."""
    out = {}
    for name, raw in _read_toml("checks.toml").items():
        unknown = set(raw) - {"rule", "length"}
        if unknown or "rule" not in raw:
            raise SpecError(f"checks.toml [{name}]: 需要 rule，未知的键 {sorted(unknown)}")
        out[name] = NamedCheck(name, raw["rule"], raw.get("length"))
    return MappingProxyType(out)


@dataclass(frozen=True, eq=False)
class Specs:
    """Every template, the outputs read back, and the named checks' rules in words.
    templates are what people fill (`gcs templates` writes them); outputs are workbooks
    gcs writes and later reads again (an allocation, the notice register): their sheets
    are recognised and checked like any other, but no blank template is made of them."""
    templates: tuple[TemplateSpec, ...]
    check_rules: Mapping[str, str]
    outputs: tuple[TemplateSpec, ...] = ()
    applications: tuple[TemplateSpec, ...] = ()   # forms with a command of their own (gcs onboard)

    @functools.cached_property
    def sheets(self) -> Mapping[str, SheetSpec]:
        """By sheet id."""
        return MappingProxyType({s.id: s for t in (*self.templates, *self.outputs) for s in t.sheets})

    @functools.cached_property
    def with_applications(self) -> Specs:
        """These specs with the application forms' sheets recognised too. Only the commands
        of a form read with them: an ordinary 总部档案 never meets the form's 申报总部,
        whose headers are nearly its own."""
        return Specs(self.templates, self.check_rules, (*self.outputs, *self.applications))

    @functools.cached_property
    def by_name(self) -> Mapping[str, SheetSpec]:
        """By the sheet name users see (总部档案 ...)."""
        return MappingProxyType({s.name: s for s in self.sheets.values()})

    def sheet(self, sheet_id: str) -> SheetSpec:
        """The sheet spec with this id."""
        try:
            return self.sheets[sheet_id]
        except KeyError:
            raise KeyError(f"no sheet {sheet_id!r}") from None

    def label(self, sheet_id: str, field_id: str, value_id: str) -> str:
        """The label of one enum value, e.g. label("stores", "status", "active") -> "正常"."""
        return self.sheet(sheet_id).field(field_id).label(value_id)

    def template(self, template_id: str) -> TemplateSpec:
        """The template (or output) spec with this id."""
        for t in (*self.templates, *self.outputs, *self.applications):
            if t.id == template_id:
                return t
        raise KeyError(template_id)

    def resolve(self, target: str) -> tuple[SheetSpec, Field]:
        """The sheet and field of a "sheet.field" reference."""
        sheet_id, _, field_id = target.partition(".")
        spec = self.sheet(sheet_id)
        return spec, spec.field(field_id)

    def describe_target(self, target: str) -> tuple[str, str]:
        """("总部档案", "客户编码") for "hq.code"."""
        sheet, f = self.resolve(target)
        return sheet.name, f.header


def _field(raw: dict, where: str) -> Field:
    unknown = set(raw) - _FIELD_KEYS
    if unknown:
        raise SpecError(f"{where}: 未知的键 {sorted(unknown)}")
    kw = dict(raw)
    if "values" in kw:
        kw["options"] = MappingProxyType(dict(kw.pop("values")))
    if "aliases" in kw:
        kw["aliases"] = tuple(kw["aliases"])
    for key in ("ref_where", "ref_match", "ref_map", "when"):
        if key in kw:
            kw[key] = MappingProxyType(dict(kw[key]))
    try:
        f = Field(**kw)
    except TypeError as e:
        raise SpecError(f"{where}: {e}") from None
    if not _ID_RE.match(f.id) or any(not _ID_RE.match(v) for v in f.options):
        raise SpecError(f"{where}: id 只能用小写字母、数字和下划线")
    if f.type not in TYPES:
        raise SpecError(f"{where}: 类型 {f.type!r} 不在 {TYPES} 中")
    if (f.type == "enum") != bool(f.options):
        raise SpecError(f"{where}: enum 类型必须且只有它能给出 values")
    for check in (f.check, f.or_check):
        if check and check not in named_checks():
            raise SpecError(f"{where}: 未知的校验 {check!r}")
    if f.or_check and f.type != "enum":
        raise SpecError(f"{where}: or_check 只用于 enum 类型")
    if f.pattern:
        re.compile(f.pattern)
        if not f.pattern_text:
            raise SpecError(f"{where}: pattern 需要 pattern_text 说明")
    if bool(f.ref_by) != bool(f.ref_map):
        raise SpecError(f"{where}: ref_by 和 ref_map 要一起给")
    if bool(f.when) != bool(f.must_be):
        raise SpecError(f"{where}: when 和 must_be 要一起给")
    if f.many and (f.type != "text" or not f.ref or f.code or f.check or f.pattern or f.dropdown):
        raise SpecError(f"{where}: many 只用于有 ref、没有校验和下拉的文本")
    if f.free_text and (f.type != "text" or f.code or f.check or f.pattern):
        raise SpecError(f"{where}: free_text 只用于不是编码、没有校验和格式的文本")
    return f


def _sheet(raw: dict, workbook: str, where: str, raw_sheets: Mapping[str, dict]) -> SheetSpec:
    unknown = set(raw) - _SHEET_KEYS
    if unknown:
        raise SpecError(f"{where}: 未知的键 {sorted(unknown)}")
    sheet_id = raw.get("id", "")
    if not _ID_RE.match(sheet_id):
        raise SpecError(f"{where}: 工作表需要 id")
    fields = tuple(
        _field(f, f"{where} 工作表 {sheet_id} 字段 {f.get('id', i)}")
        for i, f in enumerate((*_like(raw, raw_sheets, where), *raw.get("fields", ())))
    )
    by_id = {f.id: f for f in fields}
    if len(by_id) != len(fields) or len({f.header for f in fields}) != len(fields):
        raise SpecError(f"{where}: 工作表 {sheet_id} 有重复的 id 或表头")
    return SheetSpec(
        id=sheet_id, name=raw["name"], workbook=workbook, fields=fields,
        key=tuple(raw.get("key", ())), label=raw.get("label"),
        description=raw.get("description", ""), _by_id=MappingProxyType(by_id),
    )


def _like(raw: dict, raw_sheets: Mapping[str, dict], where: str) -> list[dict]:
    """The fields a sheet takes from another (like = "hq"), less those it omits: one
    source for the columns a form shares with a template."""
    if "like" not in raw:
        if "omit" in raw:
            raise SpecError(f"{where}: omit 只和 like 一起用")
        return []
    source = raw_sheets.get(raw["like"])
    if source is None or "like" in source:
        raise SpecError(f"{where}: like 的工作表 {raw['like']!r} 不存在（或它自己也是 like）")
    omit = set(raw.get("omit", ()))
    unknown = omit - {f["id"] for f in source["fields"]}
    if unknown:
        raise SpecError(f"{where}: omit 里的 {sorted(unknown)} 不是 {raw['like']} 的字段")
    return [f for f in source["fields"] if f["id"] not in omit]


def _check_coherence(specs: Specs) -> None:
    """Every cross-reference in the specs points at something that exists."""
    sheets = specs.sheets
    for s in sheets.values():
        for k in (*s.key, *([s.label] if s.label else [])):
            if not s.has(k):
                raise SpecError(f"{s.id}: 主键或 label 列 {k} 不存在")
        for f in s.fields:
            where = f"{s.id}.{f.id}"
            for target in f.targets():
                t_sheet, _, t_field = target.partition(".")
                if t_sheet not in sheets or not sheets[t_sheet].has(t_field):
                    raise SpecError(f"{where}: 引用 {target} 不存在")
                t = sheets[t_sheet]
                for t_field_id, value in f.ref_where.items():
                    if not t.has(t_field_id) or value not in t.field(t_field_id).options:
                        raise SpecError(f"{where}: ref_where {t_field_id}={value} 不存在")
                for t_field_id in f.ref_match:
                    if not t.has(t_field_id):
                        raise SpecError(f"{where}: {target} 所在表没有 {t_field_id}")
            for own in (*f.ref_match.values(), *f.when, f.ref_by, f.min_field,
                        f.period_of, f.label_of):
                if own and not s.has(own):
                    raise SpecError(f"{where}: 本表没有 {own}")
            for cond, value in f.when.items():
                if value not in s.field(cond).options:
                    raise SpecError(f"{where}: when {cond}={value} 不是可选值")
            if f.must_be and f.must_be not in f.options:
                raise SpecError(f"{where}: must_be {f.must_be} 不是可选值")
            if f.ref_by and set(f.ref_map) - set(s.field(f.ref_by).options):
                raise SpecError(f"{where}: ref_map 的键不在 {f.ref_by} 的可选值中")
            if f.dropdown and not f.ref:
                raise SpecError(f"{where}: dropdown 需要 ref")
    for t in (*specs.templates, *specs.outputs):
        for ref in t.references:
            if ref not in sheets:
                raise SpecError(f"{t.id}: references 里的 {ref} 不存在")
    if len(specs.by_name) != len(sheets):
        raise SpecError("工作表名称重复")


def _read_toml(name: str) -> dict:
    text = resources.files("gcs_excel.specs").joinpath(name).read_text(encoding="utf-8")
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise SpecError(f"{name}: {e}") from None


@functools.cache
def load_specs() -> Specs:
    """Every template spec, loaded once and checked for coherence (SpecError if not)."""
    files = sorted(
        p.name for p in resources.files("gcs_excel.specs").iterdir()
        if p.name.endswith(".toml") and p.name != "checks.toml"
    )
    raws = {name: _read_toml(name) for name in files}
    raw_sheets = {s.get("id"): s for raw in raws.values() for s in raw.get("sheets", ())}
    templates = []
    for name, raw in raws.items():
        unknown = set(raw) - _TEMPLATE_KEYS
        if unknown:
            raise SpecError(f"{name}: 未知的键 {sorted(unknown)}")
        wb = raw["workbook"]
        kind = raw.get("kind", "template")
        if kind not in KINDS:
            raise SpecError(f"{name}: kind 只能是 {KINDS}")
        sheets = tuple(_sheet(s, wb, name, raw_sheets) for s in raw["sheets"])
        templates.append(TemplateSpec(raw["id"], wb, raw["order"], raw.get("description", ""),
                                      sheets, name, tuple(raw.get("references", ())),
                                      bool(raw.get("live_quotas", False)), kind, raw.get("command", "")))
        if (kind == "application") != bool(templates[-1].command):
            raise SpecError(f"{name}: command（检查它的命令）只有 application 要给，而且必须给")
    templates.sort(key=lambda t: t.order)
    rules = {name: c.rule for name, c in named_checks().items()}
    of = {kind: tuple(t for t in templates if t.kind == kind) for kind in KINDS}
    specs = Specs(of["template"], MappingProxyType(rules), of["output"], of["application"])
    _check_coherence(specs.with_applications)
    return specs
