"""What the workbooks' buttons call, through the xlwings add-in's RunPython:

    import gcs_excel.xl.entry as e; e.run('validate')

run() never lets an exception out: RunPython would show the traceback in a message box
(xlwings' ShowError). Every failure reaches the user as one Chinese line (jobs.run_job);
even one before the workbook is reached is written to the log file."""

from __future__ import annotations


def run(job_id: str) -> None:
    """Run one button's job on the workbook that called (xw.Book.caller())."""
    from . import jobs

    try:
        import xlwings as xw

        from .xlwings_book import XlwingsBook

        book = XlwingsBook(xw.Book.caller())
    except Exception:               # no Excel to talk to: only the log can tell
        jobs.log_failure(f"{job_id}（连接 Excel）")
        return
    try:
        jobs.run_job(job_id, book)
    except Exception:               # the message box itself failed
        jobs.log_failure(f"{job_id}（显示结果）")
