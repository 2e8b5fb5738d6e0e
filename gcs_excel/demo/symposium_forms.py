"""The demo's symposium: the pack of the last half the demo's data cover whole, its forms
filled as customers fill them — mostly 4s and 5s picked from the dropdown, a few typed by
hand ("4分", a full-width "５"), one score left blank and a few comments — and their tally,
which then has something true to count and one blank to report. Not wired into gcs demo
yet: demo_symposium is the one call it needs."""

from __future__ import annotations

import random
from pathlib import Path

import openpyxl

from ..symposium_pack import Half, SymposiumResult, symposium
from ..symposium_tally import TallyResult, tally_symposium
from ..writing import atomic_output
from ..xlsx_edit import set_text, set_value

COMMENTS = ("希望新品到货前能提前告知，便于安排陈列。", "紧俏货源的分配结果希望每月在群里公开。",
            "送货时间能否固定在上午。", "客户经理很负责，建议增加门店培训。")
HANDTYPED = ("4分", "５", "5 分")
RETURNED = "收回的调查表"


def last_complete_half(month: str) -> Half:
    """The last half year that has ended by the end of month (2026-10 -> 2026-H1, 2026-12 -> 2026-H2)."""
    year, m = int(month[:4]), int(month[5:])
    return Half(year, 2) if m == 12 else Half(year, 1) if m >= 6 else Half(year - 1, 2)


def demo_symposium(files, folder: str | Path, month: str, *, seed: int = 2026,
                   today=None) -> tuple[SymposiumResult, TallyResult]:
    """The symposium pack of the last whole half before month in folder/座谈会_<half>, the forms
    filled in its 收回的调查表, and their tally 满意度汇总_<half>.xlsx beside them."""
    half = last_complete_half(month)
    out = Path(folder) / f"座谈会_{half}"
    pack = symposium(files, str(half), out, today=today)
    forms = filled_forms(pack, out / RETURNED, seed=seed)
    return pack, tally_symposium(forms, out / f"满意度汇总_{half}.xlsx")


def filled_forms(pack: SymposiumResult, out: str | Path, seed: int = 2026) -> list[Path]:
    """Copies of the pack's forms, filled, in folder out (the originals stay blank)."""
    rng = random.Random(seed)
    out = Path(out)
    questions = pack.settings.questions
    blank_at = rng.randrange(len(pack.invitees) * len(pack.settings.scored)) if pack.invitees else -1
    written, k = [], 0
    for form in (p for p in pack.files if p.suffix == ".xlsx" and p != pack.files[0]):
        wb = openpyxl.load_workbook(form)
        ws = wb.active
        where = {c.value: (c.row, c.column) for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
        for q in questions:
            if q.text not in where:
                continue
            r, c = where[q.text]
            if q.open:
                if rng.random() < 0.4:
                    set_text(ws.cell(r + 1, 1), rng.choice(COMMENTS))
                continue
            score = rng.choices(q.choices, weights=[1] * (len(q.choices) - 2) + [6, 5])[0]
            typed = rng.choice(HANDTYPED) if rng.random() < 0.1 else score
            set_value(ws.cell(r, c + 1), None if k == blank_at else typed)
            k += 1
        target = out / form.name
        with atomic_output(target) as tmp:
            wb.save(tmp)
        written.append(target)
    return written
