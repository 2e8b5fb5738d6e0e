"""Every output fault ends in one clear Chinese line (exit 2) and leaves nothing
half-written: a folder that cannot be written to, a full disk, a name at the file
system's limit, a run killed midway (its debris removed by the next run)."""

from __future__ import annotations

import errno
import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from gcs_excel import writing
from gcs_excel.cli import cli
from gcs_excel.errors import WriteError
from gcs_excel.writing import atomic_output, remove_stale_temps

from .conftest import MONTH, MONTHLY_MONTH
from .faults import gcs, one_line_error, read_only, tiny_disk

TODAY = "2026-11-27"


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def by_name(files, name: str) -> Path:
    return next(p for p in files if p.name == name)


def commands(files, out: Path) -> dict[str, list]:
    """The commands that write a file of their own, each writing into out."""
    stores, hq, staff = (by_name(files, n) for n in ("卖场明细表.xlsx", "总部档案.xlsx", "人员名单.xlsx"))
    return {
        "fix": ["fix", stores, "--out", out / "修正.xlsx", "--today", TODAY],
        "quotas --out": ["quotas", "--month", MONTH, "--today", TODAY, "--out", out / "指标.xlsx",
                         *[p for p in files if p.suffix == ".xlsx"]],
        "plan --out": ["plan", "--month", "2026-11", "--all", "--out", out / "计划.xlsx", staff, hq, stores],
        "validate --annotate": ["validate", "--annotate", out, "--today", TODAY, stores],
    }


@pytest.mark.parametrize("command", ["fix", "quotas --out", "plan --out", "validate --annotate"])
def test_a_read_only_folder_is_one_clear_line(command, clean_files, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    with read_only(out) as how:
        r = run(*commands(clean_files, out)[command])
    assert r.exit_code == 2, r.output
    assert one_line_error(r.output), r.output
    assert ("只读" if how == "mount" else "没有权限") in r.output
    assert list(out.iterdir()) == []


@pytest.mark.parametrize("command", ["fix", "quotas --out", "plan --out", "validate --annotate"])
def test_an_output_folder_that_is_a_file_is_one_clear_line(command, clean_files, tmp_path):
    blocker = tmp_path / "报表"
    blocker.write_text("not a folder")
    r = run(*commands(clean_files, blocker / "子文件夹")[command])
    assert r.exit_code == 2 and one_line_error(r.output), r.output
    assert "是一个文件，不是文件夹" in r.output


@pytest.mark.skipif(not (os.name == "posix" and os.geteuid() == 0 and shutil.which("setpriv")),
                    reason="runs gcs as an unprivileged user (setpriv), which only root can do")
def test_no_permission_for_an_ordinary_user_even_when_tests_run_as_root(tmp_path_factory, write):
    """chmod does not stop root: run the real command as nobody, as a clerk would be."""
    import tempfile

    shared = Path(tempfile.mkdtemp(prefix="gcs-faults-"))
    try:
        shared.chmod(0o755)
        src = shared / "卖场明细表.xlsx"
        src.write_bytes(write("stores", [{"licence": "430102200001", "customer": "JT0001", "name": "店",
                                          "status": "正常"}]).read_bytes())
        src.chmod(0o644)
        out = shared / "只读"
        out.mkdir(mode=0o555)
        out.chmod(0o555)
        r = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", sys.executable, "-m",
                            "gcs_excel", "fix", str(src), "--out", str(out / "修正.xlsx")], capture_output=True,
                           text=True, timeout=300, cwd=shared, env={**os.environ, "HOME": str(shared)})
        assert r.returncode == 2, r.stdout + r.stderr
        assert one_line_error(r.stdout + r.stderr) and "没有权限" in r.stderr
    finally:
        subprocess.run(["rm", "-rf", str(shared)])


# --- a full disk -------------------------------------------------------------------------------
def disk_commands(clean_files, monthly_files, disk: Path) -> dict[str, list]:
    return {**{k: v for k, v in commands(clean_files, disk).items() if k != "validate --annotate"},
            "monthly": ["monthly", "--month", MONTHLY_MONTH, "--out", disk, *monthly_files]}


@pytest.mark.parametrize("command", ["fix", "quotas --out", "plan --out", "monthly"])
def test_a_full_disk_is_one_clear_line_and_keeps_the_old_file(command, clean_files, monthly_files, tmp_path):
    """A real full disk: a tmpfs of 8 KiB (each of these outputs is larger)."""
    with tiny_disk(tmp_path / "disk", "8k") as disk:
        args = disk_commands(clean_files, monthly_files, disk)[command]
        old = next((Path(a) for a in args if isinstance(a, Path) and a.parent == disk and a.suffix), None)
        if old is not None:
            old.write_bytes(b"the previous version")
        r = gcs(*args)
        output = r.stdout + r.stderr
        left = sorted(p.name for p in disk.iterdir())
    assert r.returncode == 2, output
    assert "磁盘空间不够" in r.stderr and "Exception ignored" not in output and "Traceback" not in output
    assert [line for line in r.stderr.splitlines() if line.strip()] == [r.stderr.strip()]     # one line
    if old is not None:
        assert "没有改动" in r.stderr and left == [old.name] and old.name in r.stderr
    assert not any(name.endswith(".tmp") for name in left)


def test_a_full_disk_simulated_where_no_tmpfs_can_be_mounted(clean_files, tmp_path, monkeypatch):
    """The same boundary without root: the archive's writes fail with ENOSPC midway (a
    simulation: here the archive could still be finished, so the finaliser's "Exception
    ignored" on a really full disk is tested by the tmpfs test above)."""
    import gc

    calls = {"n": 0}

    def filling(real):
        def write(self, *a, **k):
            calls["n"] += 1
            if calls["n"] > 3:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            return real(self, *a, **k)
        return write
    unraisable = []
    for method in ("write", "writestr"):        # openpyxl uses writestr, XlsxWriter write
        monkeypatch.setattr(zipfile.ZipFile, method, filling(getattr(zipfile.ZipFile, method)))
    monkeypatch.setattr(sys, "unraisablehook", unraisable.append)
    out = tmp_path / "out"
    for command in ("fix", "quotas --out"):
        calls["n"] = 0
        r = run(*commands(clean_files, out)[command])
        gc.collect()
        assert r.exit_code == 2 and one_line_error(r.output) and "磁盘空间不够" in r.output, r.output
    assert unraisable == [] and list(out.iterdir()) == []


# --- names at the limit ---------------------------------------------------------------------------
def test_a_name_of_250_bytes_is_written_and_a_longer_one_is_refused_clearly(clean_files, tmp_path):
    stores = by_name(clean_files, "卖场明细表.xlsx")
    name = "长" * 81 + "ab.xlsx"                         # 250 bytes: the temporary name must be shortened
    assert len(name.encode()) == 250
    r = run("fix", stores, "--out", tmp_path / name, "--today", TODAY)
    assert r.exit_code == 0, r.output
    assert [p.name for p in tmp_path.iterdir()] == [name]
    too_long = "长" * 84 + "abcd.xlsx"                   # 261 bytes
    r = run("fix", stores, "--out", tmp_path / too_long, "--today", TODAY)
    assert r.exit_code == 2 and one_line_error(r.output), r.output
    assert "文件名太长（261 字节），这里最多 255 字节" in r.output


def test_the_csv_change_log_name_is_checked_before_anything_is_written(tmp_path):
    src = tmp_path / "销售数据.csv"
    src.write_text("月份,客户编码\n2026-10,ＪＴ0001\n", "utf-8")
    out = tmp_path / ("长" * 80 + "a.csv")              # 245 bytes; its _修改记录.csv would be 258
    r = run("fix", src, "--out", out)
    assert r.exit_code == 2 and "文件名太长" in r.output, r.output
    assert not out.exists()


# --- killed runs ---------------------------------------------------------------------------------
def test_a_killed_monthly_leaves_nothing_half_written_and_the_next_run_cleans_up(clean_files, tmp_path):
    """SIGKILL a real `gcs monthly` while it writes a review; every file under a final
    name is whole, and the next run removes the debris."""
    out = tmp_path / "reviews"
    args = [sys.executable, "-m", "gcs_excel", "monthly", "--month", MONTH, "--out", str(out), *map(str, clean_files)]
    debris: list[str] = []
    for _ in range(5):
        out.mkdir(exist_ok=True)
        proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        while proc.poll() is None:
            debris = [n for n in os.listdir(out) if n.endswith(".tmp")]
            if debris and len(os.listdir(out)) > 3:      # some reviews done, one being written
                proc.send_signal(signal.SIGKILL)
                break
            time.sleep(0.001)
        proc.wait()
        if debris and proc.returncode == -signal.SIGKILL:
            break
    else:
        pytest.fail("could not catch gcs monthly while it wrote a review")
    assert any(n.endswith(".tmp") for n in os.listdir(out))
    for p in out.glob("*.xlsx"):                        # nothing half-written under a final name
        with zipfile.ZipFile(p) as z:
            assert z.testzip() is None
    r = gcs("monthly", "--month", MONTH, "--out", out, *clean_files)
    assert r.returncode in (0, 1), r.stderr
    assert [n for n in os.listdir(out) if n.endswith(".tmp")] == []


def test_sigterm_removes_the_temporary_file_on_the_way_out(tmp_path):
    """SIGTERM ends a run like Ctrl-C: the output being written is removed, not left."""
    script = ("import time, sys\nfrom gcs_excel.cli import _terminate\nimport signal\n"
              "signal.signal(signal.SIGTERM, _terminate)\n"
              "from gcs_excel.writing import atomic_output\n"
              f"with atomic_output({str(tmp_path / 'a.xlsx')!r}) as tmp:\n"
              "    print(tmp, flush=True)\n    time.sleep(60)\n")
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    tmp = Path(proc.stdout.readline().strip())
    assert tmp.exists()
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=30) == 128 + signal.SIGTERM
    assert list(tmp_path.iterdir()) == []


def _dead_pid() -> int:
    p = subprocess.Popen([sys.executable, "-c", "pass"])
    p.wait()
    return p.pid


def test_only_our_own_stale_temporary_files_for_the_target_are_removed(tmp_path):
    target = tmp_path / "销售回顾_甲_2026-10.xlsx"
    host = writing._HOST
    dead, alive = _dead_pid(), os.getppid()
    files = {
        f".销售回顾_甲_2026-10.{host}-{dead}-a1b2c3.xlsx.tmp": True,         # ours, its writer gone
        f".销售回顾_甲_2026-10.{host}-{alive}-a1b2c3.xlsx.tmp": False,       # ours, its writer still runs
        f".销售回顾_甲_2026-10.ffff-{dead}-a1b2c3.xlsx.tmp": False,          # another computer's, fresh
        f".销售回顾_乙_2026-10.{host}-{dead}-a1b2c3.xlsx.tmp": False,        # another target's
        ".销售回顾_甲_2026-10.k3j_9x2q.xlsx.tmp": False,                      # an earlier version's, fresh
        ".销售回顾_甲_2026-10.zz8_a7b1.xlsx.tmp": True,                       # ... an hour old
        "销售回顾_甲_2026-10.xlsx.tmp": False,                                # not our pattern
        ".销售回顾_甲_2026-10.notes.tmp": False,
    }
    for name in files:
        (tmp_path / name).write_bytes(b"x")
    old = time.time() - 2 * 3600
    os.utime(tmp_path / ".销售回顾_甲_2026-10.zz8_a7b1.xlsx.tmp", (old, old))
    removed = {p.name for p in remove_stale_temps(target)}
    assert removed == {n for n, stale in files.items() if stale}
    assert {p.name for p in tmp_path.iterdir()} == {n for n, stale in files.items() if not stale}


def test_atomic_output_never_shows_a_partial_file_and_keeps_the_old_one(tmp_path):
    target = tmp_path / "a.xlsx"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError):
        with atomic_output(target) as tmp:
            tmp.write_bytes(b"half")
            raise RuntimeError("a bug midway")
    assert target.read_bytes() == b"old" and [p.name for p in tmp_path.iterdir()] == ["a.xlsx"]
    with pytest.raises(WriteError, match="磁盘空间不够"):
        with atomic_output(target) as tmp:
            raise OSError(errno.ENOSPC, "No space left on device")
    assert target.read_bytes() == b"old" and [p.name for p in tmp_path.iterdir()] == ["a.xlsx"]


@pytest.mark.parametrize("code, words", [
    (errno.EACCES, "没有权限"), (errno.EPERM, "没有权限"), (errno.EROFS, "只读"), (errno.ENOSPC, "磁盘空间不够"),
    (errno.EDQUOT, "磁盘空间不够"), (errno.ENAMETOOLONG, "太长"), (errno.EIO, "磁盘读写出错"),
    (errno.ENOENT, "不存在"), (errno.EBUSY, "占用"), (errno.EINVAL, "系统拒绝了写入（EINVAL"),
])
def test_every_errno_has_a_chinese_reason(code, words, tmp_path):
    reason = writing.write_reason(OSError(code, os.strerror(code)), tmp_path / "a.xlsx")
    assert words in reason
