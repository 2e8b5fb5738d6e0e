"""Every workbook of the real-world corpus (1,636 files from other projects' test suites:
fuzz crashers, XML bombs, encrypted and truncated files) gives a result or one clear
error: no traceback, no crash, no hang, no runaway memory.

Slow (minutes): runs only with `pytest --corpus` (a CI step of its own). The corpus is
../shared/corpus beside the repository, or $GCS_CORPUS.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT

pytestmark = pytest.mark.corpus
CORPUS = Path(os.environ.get("GCS_CORPUS", ROOT.parent / "shared" / "corpus"))
WORKERS = 2


@pytest.fixture(scope="module")
def walk(tmp_path_factory):
    if not CORPUS.is_dir():
        pytest.fail(f"corpus not found at {CORPUS} (set GCS_CORPUS)")
    files = sorted(str(p) for p in CORPUS.rglob("*") if p.is_file() and p.suffix.lower() in (".xlsx", ".xlsm"))
    out = tmp_path_factory.mktemp("corpus")
    procs = []
    for k in range(WORKERS):
        part = files[k::WORKERS]
        log = out / f"walk{k}.jsonl"
        procs.append((subprocess.Popen([sys.executable, str(ROOT / "tests" / "corpus_walk.py"), str(log), *part],
                                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT),
                      log, part))
    results, peaks, died, noise = {}, [], [], []
    for proc, log, part in procs:
        stdout, stderr = proc.communicate(timeout=3600)
        noise.append(stderr + "".join(stdout.splitlines(True)[:-1]))
        lines = log.read_text("utf-8").splitlines() if log.exists() else []
        for line in lines:
            r = json.loads(line)
            results[r["file"]] = r
        if proc.returncode != 0:
            done = {json.loads(x)["file"] for x in lines}
            died.append((proc.returncode, next((f for f in part if f not in done), None), stderr[-2000:]))
        else:
            peaks.append(json.loads(stdout.strip().splitlines()[-1])["peak_rss_kib"])
    return files, results, peaks, died, noise


def test_the_corpus_is_all_there(walk):
    files, results, _, died, _ = walk
    assert died == [], f"a worker died (exit code, file it was on, stderr): {died}"
    assert len(files) >= 1600
    assert sorted(results) == files


def test_no_crash_and_no_hang(walk):
    _, results, _, _, _ = walk
    crashes = {f: r["crash"] for f, r in results.items() if "crash" in r}
    assert crashes == {}
    slow = {f: r["seconds"] for f, r in results.items() if r["seconds"] > 60}
    assert slow == {}


def test_errors_are_one_clear_line(walk):
    _, results, _, _, _ = walk
    for f, r in results.items():
        for key in ("read_error", "annotate_error"):
            msg = r.get(key)
            if msg:
                assert "\n" not in msg and len(msg) < 300 and "Traceback" not in msg, (f, msg)
                assert any("\u4e00" <= ch <= "\u9fff" for ch in msg), (f, msg)


def test_nothing_leaks_to_the_terminal(walk):
    """No warnings or stray prints from the libraries underneath."""
    assert walk[4] == ["", ""]


def test_memory_stays_bounded(walk):
    _, _, peaks, _, _ = walk
    assert peaks and max(peaks) < 3 * (1 << 20)      # KiB: under 3 GiB per worker


def test_known_hazards_get_the_right_answer(walk):
    _, results, _, _, _ = walk
    by_name = {Path(f).name: r for f, r in results.items()}
    assert "密码" in by_name["protect.xlsx"]["read_error"]
    assert "XML" in by_name["poc-xmlbomb.xlsx"]["read_error"]
    assert by_name["SimpleStrict.xlsx"]["read_error"] is None       # Strict OOXML is read
    assert "损坏" in by_name["clusterfuzz-testcase-minimized-POIFuzzer-5040805309710336.xlsx"]["read_error"]
