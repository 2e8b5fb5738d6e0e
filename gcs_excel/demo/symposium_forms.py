"""The demo's returned satisfaction forms: each form `gcs symposium` wrote, filled as
customers fill them — mostly 4s and 5s picked from the dropdown, a few typed by hand ("4分",
a full-width "５"), one score left blank and a few comments — so that `gcs symposium
--tally` has something true to count and one blank to report. Not wired into gcs demo yet."""

from __future__ import annotations

import random
from pathlib import Path

import openpyxl

from ..symposium_pack import SymposiumResult
from ..writing import atomic_output

COMMENTS = ("希望新品到货前能提前告知，便于安排陈列。", "紧俏货源的分配结果希望每月在群里公开。",
            "送货时间能否固定在上午。", "客户经理很负责，建议增加门店培训。")
HANDTYPED = ("4分", "５", "5 分")


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
                    ws.cell(r + 1, 1).value = rng.choice(COMMENTS)
                continue
            score = rng.choices(q.choices, weights=[1] * (len(q.choices) - 2) + [6, 5])[0]
            typed = rng.choice(HANDTYPED) if rng.random() < 0.1 else score
            ws.cell(r, c + 1).value = None if k == blank_at else typed
            k += 1
        target = out / form.name
        with atomic_output(target) as tmp:
            wb.save(tmp)
        written.append(target)
    return written
