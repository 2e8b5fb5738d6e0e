"""What the benchmark scripts share: writing a sheet the way Excel stores it, the folder
for generated files, and timing one `gcs` command in its own process (as a user runs it)."""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import xlsxwriter

from gcs_excel.spec import load_specs


def write_sheet(path: Path, sheet_id: str, rows) -> int:
    """Write rows (dicts by field id) the way Excel would store them: text as text, in
    constant memory. Returns the number of rows."""
    spec = load_specs().sheet(sheet_id)
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_numbers": False,
                                         "strings_to_formulas": False, "strings_to_urls": False})
    ws = wb.add_worksheet(spec.name)
    date = wb.add_format({"num_format": "yyyy-mm-dd"})
    for c, h in enumerate(spec.headers):
        ws.write_string(0, c, h)
    n = 0
    for r, row in enumerate(rows, start=1):
        for c, f in enumerate(spec.ids):
            v = row.get(f)
            if isinstance(v, str):
                ws.write_string(r, c, v)
            elif isinstance(v, dt.date):
                ws.write_datetime(r, c, dt.datetime.combine(v, dt.time()), date)
            elif v is not None:
                ws.write_number(r, c, v)
        n = r
    wb.close()
    return n


def arguments(doc: str) -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(description=doc.splitlines()[0])
    ap.add_argument("--keep", type=Path, help="keep the generated files in this folder")
    return ap


@contextlib.contextmanager
def workspace(keep: Path | None):
    """The folder for generated files: kept when asked, else a temporary one."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        yield folder


def run_gcs(*args: str) -> tuple[float, float, int]:
    """Run a gcs command: wall seconds, peak MiB of the child, exit code (0 or 1; any
    other code stops the benchmark with the command's output)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t = time.perf_counter()
    r = subprocess.run([sys.executable, "-m", "gcs_excel", *args], capture_output=True, text=True)
    seconds = time.perf_counter() - t
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if r.returncode not in (0, 1):
        raise SystemExit(r.stdout + r.stderr)
    return seconds, max(peak, before) / 1024, r.returncode
