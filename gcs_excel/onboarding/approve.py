"""`gcs onboard approve`: an approved application appended to 总部档案 and 卖场明细表.

Refused, with one line and nothing written, when the application is not approved by both
steps, has errors, carries a doubtful USCC nobody confirmed, or names a USCC or a licence
number already on file. Otherwise the customer gets the next free 客户编码 of the HQ file,
its stores follow, both dated the approval day and 正常. Each file is edited as a copy
(xlsx_edit.Copy: rows, formats, dropdowns, other sheets and an .xlsm's macros and ribbon
kept), the old file is first copied byte for byte into a 备份 folder beside it, and the new ones replace the
old ones only once both are written."""

from __future__ import annotations

import copy
import datetime as dt
import os
import re
import shutil
from collections import Counter
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

from ..checks.references import loose
from ..errors import ConfigError, Refused
from ..problems import show
from ..spec import load_specs
from ..table import Table
from ..validation import validate
from ..writing import atomic_output, check_writable
from .config import OnboardingConfig, load_config
from .review import OnboardCheck, check_application

CODE_RE = re.compile(r"^([A-Z]{2})([0-9]{4})$")


@dataclass
class Approved:
    """What `gcs onboard approve` did: the new customer, and per file the rows added and
    where the old file was kept."""
    code: str
    name: str
    stores: int
    joined: dt.date
    outputs: list[dict[str, Any]] = field(default_factory=list)   # {"file", "sheet", "added", "backup"}
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {"code": self.code, "name": self.name, "stores": self.stores, "joined": self.joined.isoformat(),
                "outputs": self.outputs, "notes": self.notes}


def approve_application(application: str | Path, into: Sequence[str | Path], *, staff: str | Path | None = None,
                        config: str | Path | None = None, today: dt.date | None = None) -> Approved:
    """The `gcs onboard approve` command: the approved customer and its stores appended to
    the HQ file and the store list (into: their paths, in any order; one combined
    workbook may hold both). staff: the staff list the managers named must be on."""
    cfg = load_config(config)
    checked = check_application(application, staff=staff, config=cfg, today=today)
    _require_approved(checked)
    into = list(dict.fromkeys(os.fspath(p) for p in into))
    v = validate(into, today=today, keep=into)
    if v.report.unreadable:
        bad = v.report.unreadable[0]
        raise ConfigError(f"{bad.file}：无法读取 —— {bad.read_error}")
    before = v.report.count()
    specs = load_specs()
    hq_t, stores_t = (_one(v.tables_of(s), specs.sheet(s).name, into) for s in ("hq", "stores"))
    for t in (hq_t, stores_t):
        if t.csv:       # rewritten as a workbook it would no longer be the CSV another system reads
            raise ConfigError(f"{t.file} 是 CSV 文件：入网只追加到总部档案、卖场明细表的工作簿（.xlsx/.xlsm）里")
    _require_new(checked, hq_t, stores_t)
    code = next_code(hq_t, cfg)
    joined = checked.approval_date
    hq_row = {**checked.hq, "code": code, "joined": joined,
              "status": specs.label("hq", "status", "active")}
    store_rows = [{**s, "customer": code, "status": specs.label("stores", "status", "active")}
                  for s in checked.stores]
    result = Approved(code, checked.hq["name"], len(store_rows), joined)
    if before:
        result.notes.append(f"{'、'.join(into)} 原本就有 {before} 个问题（没有改动它们；用 gcs validate 查看）")
    if staff is None:
        result.notes.append("没有给人员名单（--staff），没有核对申报表里的市场经理、客户经理是否在其中")
    edits: dict[str, list[tuple[Table, list[dict]]]] = {}
    for t, rows in ((hq_t, [hq_row]), (stores_t, store_rows)):
        edits.setdefault(t.file, []).append((t, rows))
        lost = [t.spec.header(f) for f in t.spec.ids
                if f not in t.columns and any(r.get(f) not in (None, "") for r in rows)]
        if lost:
            result.notes.append(f"{t.file}「{t.sheet}」没有「{'」「'.join(lost)}」列，申报表里的这些值没有写进去，请手工补上")
    _write(edits, v.workbooks, application, code, result)
    return result


def _require_approved(c: OnboardCheck) -> None:
    if not c.approved:
        pending = "；".join(f"{s.step}{'：' + s.opinion if s.opinion else '未签署'}" for s in c.steps if not s.agreed)
        raise Refused(f"{c.file} 还没有通过审批（{pending}），不能入网；用 gcs onboard check 查看缺什么")
    if c.uscc_doubt and not c.uscc_confirmed:
        raise Refused(f"{c.file} 的统一社会信用代码「{c.hq['uscc']}」校验不通过，营销中心审批人没有在审批表确认，不能入网")
    errors = sorted({p.code for p in c.report.problems if p.severity == "error"})
    if errors:
        raise Refused(f"{c.file} 还有 {c.report.count('error')} 个错误（{'、'.join(errors)}），"
                      "不能入网；用 gcs onboard check 查看并改正")


def _one(tables: list[Table], name: str, into: list[str]) -> Table:
    if len(tables) != 1:
        what = "没有" if not tables else f"有 {len(tables)} 个"
        raise ConfigError(f"--into 的文件（{'、'.join(into)}）里{what}「{name}」工作表，应正好一个")
    return tables[0]


def _on_file(t: Table, field_id: str) -> dict[str, int]:
    """Every value of a column as compared loosely -> its Excel row (rows with errors too:
    a code on file is on file, however it is written)."""
    if field_id not in t.columns:
        return {}
    out: dict[str, int] = {}
    for row, value, raw in zip(t.rows, t.values[field_id], t.raw[field_id]):
        shown = show(value if value is not None else raw)
        if shown:
            out.setdefault(loose(shown), row)
    return out


def _require_new(c: OnboardCheck, hq_t: Table, stores_t: Table) -> None:
    usccs = _on_file(hq_t, "uscc")
    row = usccs.get(loose(c.hq["uscc"]))
    if row is not None:
        raise Refused(f"统一社会信用代码「{c.hq['uscc']}」已在 {hq_t.file}「{hq_t.sheet}」第 {row} 行，"
                      "这个客户已经入网，没有写入任何文件")
    licences = _on_file(stores_t, "licence")
    taken = [(s["licence"], licences[loose(s["licence"])]) for s in c.stores if loose(s["licence"]) in licences]
    if taken:
        shown = "、".join(f"{lic}（第 {r} 行）" for lic, r in taken[:3]) + ("等" if len(taken) > 3 else "")
        raise Refused(f"专卖证号 {shown} 已在 {stores_t.file}「{stores_t.sheet}」，"
                      f"共 {len(taken)} 个卖场已在档，没有写入任何文件")


def next_code(hq_t: Table, config: OnboardingConfig) -> str:
    """The next free 客户编码: the HQ file's most used prefix, one above its highest number
    (the settings' prefix and 0001 for a file without codes)."""
    codes = [m for v in _on_file(hq_t, "code") if (m := CODE_RE.match(v))]   # a code with an error is taken too
    if not codes:
        return f"{config.code_prefix}0001"
    prefix = Counter(m.group(1) for m in codes).most_common(1)[0][0]
    top = max(int(m.group(2)) for m in codes if m.group(1) == prefix)
    if top >= 9999:
        raise Refused(f"{hq_t.file} 里前缀 {prefix} 的客户编码已经用到 {prefix}9999，没有空号了")
    return f"{prefix}{top + 1:04d}"


BACKUP_DIR = "备份"


def _require_room(ws, last: int, t: Table) -> None:
    """Refuse when something sits below the last data row (a 合计 row, a note): the new
    rows would overwrite it, or land under a total that then no longer adds up."""
    for r, values in enumerate(ws.iter_rows(min_row=last + 1, values_only=True), start=last + 1):
        if any(v not in (None, "") for v in values):
            raise Refused(f"{t.file}「{t.sheet}」最后一行数据下面的第 {r} 行还有内容（合计行或备注？），新客户没有地方追加；"
                          "请把它移到别处再试，没有写入任何文件")


def backup_name(path: str | Path, code: str) -> Path:
    """Where the file as it was before a customer joined is kept: in a 备份 folder beside
    it (a copy beside it would be read again by `gcs validate *.xlsx`, every row a
    duplicate), named by the customer it preceded (备份/总部档案_入网JT0013前.xlsx); never
    over an earlier backup."""
    p = Path(path)
    folder = p.parent / BACKUP_DIR
    target = folder / f"{p.stem}_入网{code}前{p.suffix}"
    n = 2
    while target.exists():
        target = folder / f"{p.stem}_入网{code}前({n}){p.suffix}"
        n += 1
    return target


def _write(edits, grids, application, code: str, result: Approved) -> None:
    """Backups first, then every new file written to its temporary name, and only when
    all are written put in place of the old ones; a failure leaves the old files as they were."""
    from ..xlsx_edit import open_copy, set_value

    copies = {}
    for file, tables in edits.items():
        check_writable(Path(file), [application])         # refuses a file Excel holds open
        book = open_copy(grids[file])
        for t, rows in tables:
            ws = book.wb[book.names[t.sheet]]
            last = max([t.header_row, *t.rows])
            _require_room(ws, last, t)
            for k, row in enumerate(rows, start=1):
                for fid, col in t.columns.items():
                    cell = ws.cell(row=last + k, column=col + 1)
                    if t.rows:          # dressed like the row above (font, alignment, borders)
                        cell._style = copy.copy(ws.cell(row=last, column=col + 1)._style)
                    value = row.get(fid)
                    if value is not None and value != "":
                        set_value(cell, value)
            result.outputs.append({"file": file, "sheet": t.sheet, "added": len(rows), "first_row": last + 1})
        copies[file] = book
    backups = {}
    try:
        for file in copies:
            backups[file] = backup_name(file, code)
            with atomic_output(backups[file], [application]) as tmp:
                shutil.copyfile(file, tmp)
        with ExitStack() as stack:
            for file, book in copies.items():
                book.save(stack.enter_context(atomic_output(file, [application])))
    except BaseException:
        for b in backups.values():
            b.unlink(missing_ok=True)
        raise
    for out in result.outputs:
        out["backup"] = str(backups[out["file"]])
