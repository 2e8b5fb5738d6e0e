"""Which template a sheet is, where its header row is, and what its headers mean.

A sheet is recognised by its name, failing that by its headers (a title row above the
headers is allowed). Missing, renamed, unknown, duplicate and reordered headers are
reported; the columns that can be read are read by header, never by position. A header
written another way (full-width brackets, spaces, 条每月 for 条/月, an alias) is read
and reported once; a header with another unit (箱 for 条) is never taken for it.
"""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from ..problems import Finding, finding
from ..readers.grid import Sheet
from ..sheetnames import is_auxiliary
from ..spec import SheetSpec, Specs
from ..a1 import col_letter

HEADER_SEARCH_ROWS = 20
MAX_HEADER_COLUMNS = 256
TOTAL_WORDS = frozenset({"合计", "总计", "小计", "累计"})
_SPACE_RE = re.compile(r"\s+")


def norm_header(value: Any) -> str:
    """Header text as compared: NFKC, no whitespace, no required-marker asterisks."""
    if value is None or value == "":
        return ""
    s = unicodedata.normalize("NFKC", str(value))
    return _SPACE_RE.sub("", s).strip("*")


_BRACKETS = str.maketrans({"【": "(", "】": ")", "[": "(", "]": ")", "〔": "(", "〕": ")"})
_UNIT_RE = re.compile(r"\(([^()]*)\)$")


def _unit_words(unit: str) -> str:
    return unit.replace("每", "/")


def header_key(value: Any) -> str:
    """Header text as matched: norm_header, any bracket as (), a unit's 每 as / (条每月 is
    条/月). Two headers with one key differ only in how they are written."""
    s = norm_header(value).translate(_BRACKETS)
    return _UNIT_RE.sub(lambda m: f"({_unit_words(m.group(1))})", s)


def _unit_of(key: str) -> str | None:
    m = _UNIT_RE.search(key)
    return m.group(1) if m else None


_MARK = re.compile(r"^\s*\*+\s*|\s*\*+\s*$")


def unmarked(raw: Any) -> str:
    """A header as typed, without a required-marker asterisk (客户编码*, 客户编码 *)."""
    return _MARK.sub("", str(raw))


def how_written(raw: Any) -> str:
    """What sets a header apart from the contract's spelling when both have one key:
    "（多了空格、用了全角字符「（）」）"."""
    s = unmarked(raw)
    parts = [what for what, rx in (("有换行", r"[\r\n]"), ("多了空格", r"[^\S\r\n]")) if re.search(rx, s)]
    s = _SPACE_RE.sub("", s)
    wide = "".join(dict.fromkeys(c for c in s if unicodedata.normalize("NFKC", c) != c))
    if wide:
        parts.append(f"用了全角字符「{wide}」")
    s = unicodedata.normalize("NFKC", s)
    if s.translate(_BRACKETS) != s:
        parts.append("括号写法不同")
        s = s.translate(_BRACKETS)
    if _UNIT_RE.sub(lambda m: f"({_unit_words(m.group(1))})", s) != s:
        parts.append("单位写法不同")
    return f"（{'、'.join(parts)}）" if parts else ""


def norm_name(value: str) -> str:
    """A sheet name as compared: NFKC, no whitespace."""
    return _SPACE_RE.sub("", unicodedata.normalize("NFKC", value))


@dataclass
class Located:
    """A finding with where it is, before it becomes a Problem."""
    finding: Finding
    row: int | None = None      # Excel row
    col: int | None = None      # 0-based
    column: str | None = None   # header


@dataclass
class Recognised:
    """A sheet recognised as one template sheet: where its header is and its columns."""
    spec: SheetSpec
    header_index: int           # index into sheet.rows
    header_row: int             # Excel row number
    columns: dict[str, int]     # field id -> 0-based column
    found: list[Located]
    notes: list[str]


class _Vocabulary:
    """Header as written, header key and alias key -> field id, per spec sheet."""

    def __init__(self, spec: SheetSpec):
        self.spec = spec
        self.exact = {header_key(f.header): f.id for f in spec.fields}
        self.alias = {header_key(a): f.id for f in spec.fields for a in f.aliases}

    def match(self, text: str) -> tuple[str, bool] | None:
        """(field id, by alias) for a header key."""
        if text in self.exact:
            return self.exact[text], False
        if text in self.alias:
            return self.alias[text], True
        return None

    def score(self, keys: list[str]) -> int:
        """How many fields of this sheet a row of header keys names."""
        hits = {self.match(c) for c in keys if c}
        hits.discard(None)
        return len({h for h, _ in hits})


def _name_spec(name: str, specs: Specs) -> SheetSpec | None:
    n = norm_name(name)
    if n in specs.by_name:
        return specs.by_name[n]
    # "拜访记录(10月)", "销售数据_2026-10", "总部档案 - 副本": the longest spec name it starts with.
    starts = [s for s in specs.by_name if n.startswith(s)]
    return specs.by_name[max(starts, key=len)] if starts else None


def recognise(sheet: Sheet, specs: Specs) -> Recognised | Located | None:
    """A Recognised sheet; a Located problem when it cannot be used; None to skip."""
    if is_auxiliary(norm_name(sheet.name)):
        return None
    head = sheet.head(HEADER_SEARCH_ROWS)
    if not head:
        return None
    vocab = {name: _Vocabulary(s) for name, s in specs.sheets.items()}
    normalised = [[header_key(c) for c in values[:MAX_HEADER_COLUMNS]] for _, values in head]
    scores = [(v.score(cells), sheet_id, i) for sheet_id, v in vocab.items()
              for i, cells in enumerate(normalised)]
    by_name = _name_spec(sheet.name, specs)
    notes = []
    choice = None
    if by_name is not None:     # ties go to the topmost row (a header pasted again below)
        best = max((s for s in scores if s[1] == by_name.id), key=lambda s: (s[0], -s[2]),
                   default=(0, by_name.id, 0))
        if best[0] >= 1:
            choice = best
    if choice is None:
        def quality(s):
            total = len(specs.sheets[s[1]].fields)
            return (s[0] / total, s[0], -s[2])
        strong = [s for s in scores
                  if s[0] >= max(2, (len(specs.sheets[s[1]].required_ids) + 1) // 2)]
        if strong:
            choice = max(strong, key=quality)
            name = specs.sheets[choice[1]].name
            if by_name is not None:
                notes.append(f"工作表「{sheet.name}」的表名像「{by_name.name}」，表头却是「{name}」的，按「{name}」校验")
            elif norm_name(sheet.name) != name:
                notes.append(f"工作表「{sheet.name}」按表头认作「{name}」")
        elif by_name is not None:
            return Located(finding("headers_not_found", sheet=sheet.name, template=by_name.name,
                                   rows=HEADER_SEARCH_ROWS, expected="、".join(by_name.headers)))
        else:
            score, sheet_id, _ = max(scores, default=(0, "", 0))
            detail = (f"；最像「{specs.sheets[sheet_id].name}」，但只有 {score} 个表头对得上"
                      if score >= 2 else "")
            return Located(finding("sheet_unrecognised", sheet=sheet.name, detail=detail, matches=score))
    _, sheet_id, index = choice
    header_idx, header_values = head[index]
    columns, found = map_headers(header_values, specs.sheets[sheet_id], vocab[sheet_id], header_idx + 1)
    return Recognised(specs.sheets[sheet_id], index, header_idx + 1, columns, found, notes)


def map_headers(values: list[Any], spec: SheetSpec, vocab: _Vocabulary,
                header_row: int) -> tuple[dict[str, int], list[Located]]:
    """Field id -> column for one header row, and what is wrong with the headers."""
    columns: dict[str, int] = {}
    found: list[Located] = []
    unknown: dict[int, str] = {}
    for col, raw in enumerate(values):
        text = header_key(raw)
        if not text:
            continue
        m = vocab.match(text)
        if m is None:
            unknown[col] = str(raw).strip()
            continue
        fid, by_alias = m
        header = spec.header(fid)
        if fid in columns:
            found.append(Located(finding("header_duplicate", first=col_letter(columns[fid]),
                                         second=col_letter(col)), header_row, col, header))
            continue
        columns[fid] = col
        if by_alias or unmarked(raw) != header:
            found.append(Located(finding("header_renamed", found=_shown_header(raw),
                                         detail="" if by_alias else how_written(raw)), header_row, col, header))
    # A missing header may have been reworded: match it to the closest unknown one, but
    # never across units (销量(箱) is not 销量(条)).
    for f in spec.fields:
        if f.id in columns or not unknown:
            continue
        target = header_key(f.header)
        candidates = [c for c in unknown if _same_unit(target, header_key(unknown[c]))]
        if not candidates:
            continue
        best = max(candidates, key=lambda c: _similar(target, header_key(unknown[c])))
        if _similar(target, header_key(unknown[best])) >= 0.8:     # 负责人微信 is not 负责人邮箱
            columns[f.id] = best
            found.append(Located(finding("header_renamed", found=_shown_header(unknown.pop(best))),
                                 header_row, best, f.header))
    for f in spec.fields:
        if f.id not in columns:
            code = "header_missing" if f.required else "optional_header_missing"
            found.append(Located(finding(code), header_row, None, f.header))
    last_known = max(columns.values(), default=-1)
    for col, text in unknown.items():
        if col < last_known:
            found.append(Located(finding("header_unknown", found=text), header_row, col, None))
    order = [fid for fid in spec.ids if fid in columns]
    if order != sorted(order, key=columns.get):
        found.append(Located(finding("header_order", expected="、".join(spec.headers)), header_row, None, None))
    return columns, found


def _shown_header(raw: Any) -> str:
    """A header as a message quotes it: line breaks made visible, nothing else changed."""
    return str(raw).replace("\r\n", "⏎").replace("\n", "⏎").replace("\r", "⏎")


def _same_unit(a: str, b: str) -> bool:
    """False when both header keys name a unit and the units differ."""
    ua, ub = _unit_of(a), _unit_of(b)
    return ua is None or ub is None or ua == ub


def _similar(a: str, b: str) -> float:
    if not a or not b:
        return 0.0
    if len(min(a, b, key=len)) >= 2 and (a in b or b in a):
        return 0.8
    return difflib.SequenceMatcher(None, a, b).ratio()


def is_total(value: Any) -> bool:
    """合计, 总计, 小计, 累计 (with spaces or a colon): a total row's label."""
    return isinstance(value, str) and "计" in value and _SPACE_RE.sub("", value).rstrip("：:") in TOTAL_WORDS


def odd_row(mapped: tuple, ids: list[str], spec: SheetSpec) -> tuple[int, Finding] | None:
    """A row that is not data although it has content: a total row, or the header again.
    Returns (position in mapped, finding) for the cell that shows it. Called for every
    row, so the common case costs two substring tests and a set lookup."""
    for k, v in enumerate(mapped[:3]):
        if is_total(v):
            return k, finding("total_row", value=v.strip())
    first = mapped[0]
    if isinstance(first, str) and first.strip() in header_forms(spec, ids[0]):
        same = sum(1 for v, f in zip(mapped, ids)
                   if isinstance(v, str) and norm_header(v) == norm_header(spec.header(f)))
        if same * 2 >= len(ids):
            return 0, finding("repeated_header")
    return None


@functools.lru_cache(maxsize=256)
def header_forms(spec: SheetSpec, field_id: str) -> frozenset[str]:
    """How a field's header appears when pasted again: as written, an alias, with a *."""
    f = spec.field(field_id)
    names = {f.header, *f.aliases}
    return frozenset(names | {n + "*" for n in names})
