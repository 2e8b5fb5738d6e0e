"""Makes the README's pictures of a sheet the 校验本表 button
checked: the demo department's store list with its typical mistakes, marked in place
through MemoryBook (as the button marks it in Excel), printed by LibreOffice.

    .venv/bin/python docs/img/make_checked_sheet.py

Needs soffice and pdftoppm; writes docs/img/checked_results.png (the 校验结果 sheet) and
docs/img/checked_sheet.png (the marked sheet)."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import openpyxl

from gcs_excel.demo import write_department
from gcs_excel.demo.department import generate
from gcs_excel.demo.mistakes import inject
from gcs_excel.sheetnames import RESULTS
from gcs_excel.xl.jobs import run_job
from gcs_excel.xl.memory import MemoryBook

MONTH, TODAY = "2026-10", dt.date(2026, 11, 27)
HERE = Path(__file__).parent
SHEET = "卖场明细表"


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        dept = generate(MONTH, seed=2026, today=TODAY)
        wrong = inject(dept, today=TODAY)
        write_department(wrong.tables, tmp, MONTH, merges=wrong.merges, headers=wrong.headers)
        book = MemoryBook.from_file(tmp / f"{SHEET}.xlsx")
        lines = run_job("validate", book, today=TODAY)
        print("\n".join(lines))
        marked = book.save(tmp / "checked.xlsx")
        wb = openpyxl.load_workbook(marked)
        for ws in wb.worksheets:
            if ws.title not in (SHEET, RESULTS):
                wb.remove(ws)
        ws = wb[SHEET]
        ws.print_area = f"A1:{ws.cell(1, 8).column_letter}24"         # the first rows, where the marks are
        results = wb[RESULTS]
        results.print_area = "A1:J13"
        results.page_setup.orientation = "landscape"
        results.page_setup.fitToWidth, results.page_setup.fitToHeight = 1, 0
        results.sheet_properties.pageSetUpPr.fitToPage = True
        wb.active = wb.sheetnames.index(SHEET)
        wb.save(marked)
        profile = f"file://{tmp}/lo-profile"
        subprocess.run(["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
                        "--outdir", str(tmp), str(marked)], check=True, capture_output=True, timeout=180)
        subprocess.run(["pdftoppm", "-r", "70", "-png", str(tmp / "checked.pdf"), str(tmp / "page")], check=True)
        pages = sorted(tmp.glob("page*.png"))
        for page, name in zip(pages, ("checked_results.png", "checked_sheet.png")):
            shutil.copy(page, HERE / name)
        print(f"{len(pages)} page(s) written to {HERE}", file=sys.stderr)


if __name__ == "__main__":
    main()
