"""What the benchmark scripts share: writing a sheet the way Excel stores it, the folder
for generated files, and timing one `gcs` command in its own process (as a user runs it)."""

from __future__ import annotations

import argparse
import compileall
import contextlib
import datetime as dt
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import xlsxwriter

from gcs_excel.demo.people import DISTRICTS
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


def hq_row(k: int, *, name: str, mm: str, cm: str, **extra) -> dict:
    """An active HQ that validates (the fields a benchmark does not vary are fixed)."""
    label = load_specs().label
    return {"code": f"JT{k:04d}", "name": name, "uscc": "91350200776049653A", "legal_rep": "张三",
            "address": f"长沙市芙蓉区五一大道{k}号", "order_phone": "0731-84561234",
            "order_frequency": label("hq", "order_frequency", "weekly"), "bank": "工行", "bank_account": "12345678",
            "planned_volume": 1000, "buyer": "李四", "buyer_phone": "13907311234", "mm": mm, "cm": cm,
            "status": label("hq", "status", "active"), **extra}


def store_row(k: int, hq: dict, ids) -> dict:
    """An active convenience store of hq, in one of the districts by turn (licence and
    phone drawn from ids, in that order; the caller sets monthly_volume)."""
    label = load_specs().label
    d = DISTRICTS[k % 5]
    return {"licence": ids.licence(d[0]), "customer": hq["code"], "name": f"门店{k}",
            "category": label("stores", "category", "convenience"), "address": f"长沙市{d[1]}{d[3][k % 5]}{k}号",
            "area": d[2], "contact": "联系人", "phone": ids.mobile(), "cm": hq["cm"],
            "status": label("stores", "status", "active")}


def compiled() -> None:
    """Byte-compile gcs_excel as an install would, so that no measurement pays for it
    (an editable install under PYTHONDONTWRITEBYTECODE=1 would compile it in every run)."""
    import gcs_excel

    compileall.compile_dir(Path(gcs_excel.__file__).parent, quiet=1)


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


@dataclass
class Run:
    seconds: float          # wall time, start of the process to its end
    peak_mib: float         # peak RSS of that process alone
    code: int
    stdout: str


def run(*cmd: str) -> Run:
    """Run a command in a fresh process: wall time and the peak RSS of that child alone
    (os.wait4; RUSAGE_CHILDREN would keep the peak of an earlier, bigger child)."""
    with tempfile.TemporaryFile() as out:
        t = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - t
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        return Run(seconds, usage.ru_maxrss / 1024, proc.returncode, out.read().decode("utf-8", "replace"))


def run_gcs(*args: str) -> tuple[float, float, int]:
    """Run a gcs command: wall seconds, peak MiB of the child, exit code (0 or 1; any
    other code stops the benchmark with the command's output)."""
    r = run(sys.executable, "-m", "gcs_excel", *args)
    if r.code not in (0, 1):
        raise SystemExit(r.stdout)
    return r.seconds, r.peak_mib, r.code


def machine_load() -> str:
    """The load beside the figures: the machine is shared, so ratios within one run count."""
    one, five, fifteen = os.getloadavg()
    return f"负载（uptime 的 load average）：{one:.2f}, {five:.2f}, {fifteen:.2f}，{os.cpu_count()} 核"
