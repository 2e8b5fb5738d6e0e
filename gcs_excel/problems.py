"""Problems are data: a stable code, where it is, what is wrong, what to do.

The kinds of problem and their Chinese message templates live in problem_types.toml;
checks produce ``Finding`` (code + parameters + suggestion) and the validator turns each
into a located ``Problem``.
"""

from __future__ import annotations

import datetime as dt
import functools
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from importlib import resources
from typing import Any, Iterable, Mapping

from .errors import SpecError

SEVERITIES = ("error", "warning")


@dataclass(frozen=True)
class ProblemType:
    """One kind of problem as problem_types.toml describes it."""
    code: str
    severity: str
    title: str
    message: str
    fix: bool = False


@functools.cache
def problem_types() -> Mapping[str, ProblemType]:
    """Every kind of problem, by code (problem_types.toml, loaded once)."""
    text = resources.files("gcs_excel").joinpath("problem_types.toml").read_text("utf-8")
    out = {}
    for code, raw in tomllib.loads(text).items():
        if raw.get("severity") not in SEVERITIES:
            raise SpecError(f"problem_types.toml: {code} 的 severity 无效")
        out[code] = ProblemType(code=code, **raw)
    return out


@dataclass(frozen=True, slots=True)
class Finding:
    """What a check found in one value, before it is located in a file."""
    code: str
    params: Mapping[str, Any] = field(default_factory=dict)
    suggestion: Any = None


def finding(code: str, suggestion: Any = None, **params: Any) -> Finding:
    """A check's finding of a known code, with its parameters and suggestion."""
    if code not in problem_types():
        raise KeyError(f"unknown problem code {code!r}")
    return Finding(code, params, suggestion)


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem, located: what, where, how bad, and what to type instead."""
    code: str
    severity: str
    file: str
    sheet: str | None
    row: int | None          # Excel row number; the header is row 1
    column: str | None       # header text as the contract writes it
    cell: str | None         # A1 reference
    message: str
    suggestion: Any = None
    related: tuple[str, ...] = ()   # other cells with this same problem (grouped refs)

    @property
    def fixable(self) -> bool:
        """Whether `gcs fix` may apply the suggestion."""
        return self.suggestion is not None and problem_types()[self.code].fix

    def as_dict(self) -> dict:
        """The problem as JSON-ready data."""
        return {
            "code": self.code, "severity": self.severity, "file": self.file,
            "sheet": self.sheet, "row": self.row, "column": self.column, "cell": self.cell,
            "message": self.message, "suggestion": jsonable(self.suggestion),
            "related": list(self.related),
        }


def jsonable(value: Any) -> Any:
    """A value JSON can hold (dates as ISO text)."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def show(value: Any) -> str:
    """A value as a user would recognise it in a message."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        if value.time() == dt.time():
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    return str(value)


class _Params(dict):
    def __missing__(self, key: str) -> str:
        return ""


def make_problem(f: Finding, *, file: str, sheet: str | None = None, row: int | None = None,
                 column: str | None = None, cell: str | None = None,
                 related: Iterable[str] = ()) -> Problem:
    """A finding located in a file: its message filled from the finding's parameters."""
    kind = problem_types()[f.code]
    params = _Params({k: show(v) for k, v in f.params.items()})
    params.setdefault("column", column or "")
    params.setdefault("sheet", sheet or "")
    params.setdefault("suggestion", show(f.suggestion))
    return Problem(
        code=f.code, severity=kind.severity, file=file, sheet=sheet, row=row,
        column=column, cell=cell, message=kind.message.format_map(params),
        suggestion=f.suggestion, related=tuple(related),
    )


@dataclass
class SheetInfo:
    """How one sheet of an input was understood."""
    sheet: str
    recognised_as: str | None
    header_row: int | None = None
    rows: int = 0


@dataclass
class FileInfo:
    """How one input was read: its kind, its sheets, notes, or why it could not be read."""
    file: str
    kind: str | None = None           # xlsx, xlsm, csv
    sheets: list[SheetInfo] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    read_error: str | None = None


@dataclass
class Report:
    """Every problem of a validation and what was read; the exit code follows from them."""
    problems: list[Problem] = field(default_factory=list)
    files: list[FileInfo] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def unreadable(self) -> list[FileInfo]:
        """The inputs that could not be read."""
        return [f for f in self.files if f.read_error]

    @property
    def exit_code(self) -> int:
        """2 when an input could not be read, 1 when there are problems, else 0."""
        if self.unreadable:
            return 2
        return 1 if self.problems else 0

    def count(self, severity: str | None = None, file: str | None = None) -> int:
        """Problems of a severity and/or file (all when not given)."""
        return sum(1 for p in self.problems
                   if (severity is None or p.severity == severity)
                   and (file is None or p.file == file))

    def by_code(self, file: str | None = None) -> Counter:
        """How many problems of each code (of one file, when given)."""
        return Counter(p.code for p in self.problems if file is None or p.file == file)

    @property
    def rows(self) -> int:
        """Data rows read, over every recognised sheet."""
        return sum(s.rows for f in self.files for s in f.sheets)

    def summary(self) -> dict:
        """Counts per severity, code and file, as JSON-ready data."""
        return {
            "files": len(self.files),
            "unreadable": len(self.unreadable),
            "rows": self.rows,
            "errors": self.count("error"),
            "warnings": self.count("warning"),
            "by_code": dict(sorted(self.by_code().items())),
            "per_file": [
                {
                    "file": f.file, "kind": f.kind, "read_error": f.read_error,
                    "errors": self.count("error", f.file),
                    "warnings": self.count("warning", f.file),
                    "sheets": [s.__dict__ for s in f.sheets],
                    "notes": f.notes,
                }
                for f in self.files
            ],
            "notes": self.notes,
        }

    def as_dict(self) -> dict:
        """The report as JSON-ready data: {"issues", "summary"}."""
        return {"issues": [p.as_dict() for p in self.problems], "summary": self.summary()}
