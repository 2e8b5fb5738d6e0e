"""Walk real-world workbooks through validate (and annotate) in a guarded process.

Run by tests/test_corpus.py, one process per core:

    python tests/corpus_walk.py OUT.jsonl FILE...

Each file gets one JSON line: read_error, or counts of what was found; a Python exception
escaping our code is recorded as a crash. The process runs under a memory limit and a
per-file alarm, so a runaway file shows up as a failure rather than a hung machine; a
process that dies outright leaves the files it never reached without a line.
"""

from __future__ import annotations

import json
import resource
import signal
import sys
import tempfile
import time
import traceback
from pathlib import Path

MEMORY_LIMIT = 4 << 30
SECONDS_PER_FILE = 120


class Timeout(Exception):
    pass


def _alarm(signum, frame):
    raise Timeout()


def main(out: str, files: list[str]) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    signal.signal(signal.SIGALRM, _alarm)
    from gcs_excel.validation import validate_files   # after the limit: imports count too

    with open(out, "a", encoding="utf-8") as fh, tempfile.TemporaryDirectory() as tmp:
        for f in files:
            start = time.perf_counter()
            result: dict = {"file": f}
            signal.alarm(SECONDS_PER_FILE)
            try:
                run = validate_files([f], annotate_dir=Path(tmp) / str(abs(hash(f))))
                info = run.validation.report.files[0]
                result["read_error"] = info.read_error
                result["problems"] = len(run.validation.report.problems)
                result["sheets"] = len(info.sheets)
                a = run.annotated[0] if run.annotated else None
                result["annotate_error"] = a.error if a and not info.read_error else None
            except Timeout:
                result["crash"] = f"超时：超过 {SECONDS_PER_FILE} 秒"
            except BaseException as e:  # noqa: BLE001 - anything escaping is the finding
                result["crash"] = "".join(traceback.format_exception(e))[-2000:]
            finally:
                signal.alarm(0)
            result["seconds"] = round(time.perf_counter() - start, 3)
            fh.write(json.dumps(result, ensure_ascii=False) + "\n")
            fh.flush()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"peak_rss_kib": peak}))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
