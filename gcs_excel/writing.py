"""Files are sacred: every output is written where it is going by one function, the only
boundary between the package and the disk.

``atomic_output`` writes to a temporary file in the target's folder and renames it over
the target at the end, so a killed run never leaves a half-written file under the final
name; an output that Excel, WPS or LibreOffice holds open, or that is one of the inputs,
is refused; whatever the operating system refuses (a read-only folder, a full disk, a
name too long) becomes a ``WriteError`` with one Chinese line saying why. A run also
removes the temporary files that earlier runs, killed midway, left for the same target.
``append_line`` is the same boundary for a log that only ever grows (the send log of
``gcs mail``), ``write_csv`` for a CSV file a person will open in a spreadsheet.
"""

from __future__ import annotations

import csv
import errno
import hashlib
import os
import platform
import re
import secrets
import time
import zipfile
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

from .errors import WriteError
from .textsafe import csv_cell

# Temporary names: .{stem}.{host}-{pid}-{token}{suffix}.tmp. The host tag and the pid
# say who writes it, so that a later run can tell debris (its writer is gone) from a
# file another run is writing right now.
# platform.node(), not socket.gethostname(): the core imports no network module (xlwings Lite has none).
_HOST = hashlib.sha1(platform.node().encode()).hexdigest()[:4]
FOREIGN_STALE_AFTER = 24 * 3600     # seconds: another computer's temporary file (a shared folder)
LEGACY_STALE_AFTER = 3600           # ... and the unmarked ones of earlier versions (mkstemp's names)
NAME_MAX = 255                      # bytes per file name on Linux and macOS; UTF-16 units on Windows


def lock_files(path: Path) -> list[Path]:
    """Owner files an office suite keeps beside a document it has open."""
    name = path.name
    return [
        path.with_name("~$" + name),        # Excel, WPS
        path.with_name("~$" + name[2:]),    # Excel, for long names
        path.with_name(f".~lock.{name}#"),  # LibreOffice
    ]


def check_writable(path: Path, inputs: Iterable[str | Path] = ()) -> None:
    """Refuse, with a WriteError, an output that is one of the inputs, that an office
    suite holds open, that is a folder, or whose name is longer than the folder allows."""
    path = Path(path)
    _check_name(path)
    for inp in inputs:
        inp = Path(inp)
        try:
            same = path.exists() and inp.exists() and os.path.samefile(path, inp)
        except OSError:
            same = False
        if same or path.resolve() == inp.resolve():
            raise WriteError(f"不能写到 {path}：它是输入文件，输入文件永远不会被改动。请换一个输出位置")
    if path.exists() and any(lock.exists() for lock in lock_files(path) if lock != path):
        raise WriteError(f"{path} 正在被 Excel 或 WPS 打开，请先关闭它再运行")
    if path.is_dir():
        raise WriteError(f"{path} 是一个文件夹，不能当作输出文件")


@contextmanager
def atomic_output(path: str | Path, inputs: Iterable[str | Path] = ()) -> Iterator[Path]:
    """Yield a temporary path in the target's folder; rename it over the target at the end.

    Stale temporary files of earlier runs for this target are removed first. Any OSError
    while writing (or a writer's exception wrapping one, as XlsxWriter's FileCreateError
    does) becomes a WriteError with the reason in Chinese; the temporary file is removed
    and an existing target stays as it was."""
    path = Path(path)
    check_writable(path, inputs)
    _make_folder(path.parent)
    remove_stale_temps(path)
    tmp = _create_temp(path)
    try:
        yield tmp
        os.replace(tmp, path)
    except BaseException as e:
        err = _os_error(e)
        if err is None:
            raise
        _close_zip_writers(err, tmp)
        raise WriteError(f"无法写入 {path}：{write_reason(err, path)}") from err
    finally:
        with suppress(OSError):
            tmp.unlink(missing_ok=True)


def append_line(path: str | Path, line: str) -> None:
    """Append one line to a log that only ever grows, on disk before this returns (flushed
    and fsynced). A line cut short by an earlier crash is closed first, so the new record
    starts on a line of its own."""
    path = Path(path)
    try:
        new = not path.exists()
        with open(path, "a+b") as fh:
            size = fh.seek(0, os.SEEK_END)
            broken = False
            if size:
                fh.seek(size - 1)
                broken = fh.read(1) != b"\n"
            fh.write((b"\n" if broken else b"") + line.encode("utf-8") + b"\n")
            fh.flush()
            os.fsync(fh.fileno())
        if new:
            _sync_folder(path.parent)
    except OSError as e:
        raise WriteError(f"无法写入 {path}：{write_reason(e, path)}") from e


def write_csv(path: str | Path, rows: Iterable[Sequence[Any]], *, encoding: str = "utf-8-sig",
              delimiter: str = ",") -> None:
    """Rows into a CSV file that people open in Excel or WPS: every cell goes through
    textsafe.csv_cell, so no text runs as a formula there (OWASP's CSV injection).
    Called on atomic_output's temporary path."""
    with open(path, "w", encoding=encoding, newline="") as fh:
        w = csv.writer(fh, delimiter=delimiter)
        for row in rows:
            w.writerow([csv_cell(v) for v in row])


def write_reason(err: OSError, path: Path) -> str:
    """Why an output could not be written, in Chinese, from the error's errno."""
    folder = path.parent
    code = err.errno
    if code in (errno.EACCES, errno.EPERM):
        return (f"没有权限（文件夹 {folder} 不允许写入，或 {path.name} 是只读的、正被别的程序"
                "如 Excel 打开）；请换一个输出文件夹，或关闭占用它的程序")
    if code == errno.EROFS:
        return f"{folder} 在只读的磁盘上（如写保护的 U 盘或只读共享），请换一个输出文件夹"
    if code in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        kept = f"原来的 {path.name} 没有改动" if path.exists() else f"没有留下写了一半的 {path.name}"
        return f"磁盘空间不够（{folder} 所在的磁盘已满或超出配额），{kept}；请清理出空间后再运行"
    if code == errno.ENAMETOOLONG:
        limit = _name_max(folder)
        size = _name_size(path.name)
        if size > limit:
            return f"文件名太长（{size} 字节），这里最多 {limit} 字节（约 {limit // 3} 个汉字）；请用短一些的名字"
        return f"路径太长（{len(os.fsencode(str(path.resolve())))} 字节）；请换一个层级浅一些的文件夹"
    if code in (errno.ENOTDIR, errno.EEXIST):
        blocker = next((p for p in (folder, *folder.parents) if p.exists() and not p.is_dir()), folder)
        return f"{blocker} 是一个文件，不是文件夹"
    if code == errno.EISDIR:
        return f"{path} 是一个文件夹"
    if code == errno.ENOENT:
        return f"文件夹 {folder} 不存在（可能在运行中被删除或移走了）"
    if code in (errno.EBUSY, errno.ETXTBSY):
        return "文件正被别的程序占用，请关闭它再运行"
    if code == errno.EIO:
        return "磁盘读写出错（设备故障，或网络盘、U 盘断开了）"
    if code == errno.EFBIG:
        return "文件超过了这个磁盘允许的最大文件大小"
    if code in (errno.EMFILE, errno.ENFILE):
        return "同时打开的文件太多，请关闭一些程序后再运行"
    return f"系统拒绝了写入（{errno.errorcode.get(code, code)}：{err.strerror}）"


# --- the temporary file ---------------------------------------------------------------
def _name_max(folder: Path) -> int:
    try:
        return os.pathconf(folder if folder.exists() else ".", "PC_NAME_MAX")
    except (OSError, ValueError, AttributeError):     # Windows has no pathconf
        return NAME_MAX


def _name_size(name: str) -> int:
    """A name's length as the file system counts it: bytes, or UTF-16 units on Windows."""
    return len(name.encode("utf-16-le")) // 2 if os.name == "nt" else len(os.fsencode(name))


def _check_name(path: Path) -> None:
    """A target name the folder cannot hold is refused before anything is written."""
    limit = _name_max(path.parent)
    size = _name_size(path.name)
    if size > limit:
        raise WriteError(f"无法写入 {path}：文件名太长（{size} 字节），这里最多 {limit} 字节"
                         f"（约 {limit // 3} 个汉字）；请用短一些的名字")


def _make_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise WriteError(f"无法创建文件夹 {folder}：{write_reason(e, folder / '_')}") from e


def _temp_pattern(path: Path) -> re.Pattern:
    """Our temporary names for this target: stem (maybe shortened), host, pid."""
    return re.compile(r"\.(?P<stem>.*)\.(?P<host>[0-9a-f]{4})-(?P<pid>\d+)-[0-9a-f]{6}"
                      + re.escape(path.suffix) + r"\.tmp", re.DOTALL)


# What tempfile.mkstemp made for earlier versions: .{stem}.{8 random characters}{suffix}.tmp
def _legacy_pattern(path: Path) -> re.Pattern:
    return re.compile(r"\.(?P<stem>.*)\.[a-z0-9_]{8}" + re.escape(path.suffix) + r"\.tmp", re.DOTALL)


def _create_temp(path: Path) -> Path:
    """A new empty temporary file for path, its name within the folder's name limit (a
    long stem is shortened: the temporary name is longer than the target's)."""
    limit = _name_max(path.parent)
    for _ in range(100):
        tail = f".{_HOST}-{os.getpid()}-{secrets.token_hex(3)}{path.suffix}.tmp"
        room = limit - _name_size("." + tail)
        stem = path.stem
        while stem and _name_size(stem) > room:
            stem = stem[:-1]
        tmp = path.with_name(f".{stem}{tail}")
        try:
            os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
            return tmp
        except FileExistsError:
            continue
        except OSError as e:
            raise WriteError(f"无法写入 {path}：{write_reason(e, path)}") from e
    raise WriteError(f"无法写入 {path}：无法在 {path.parent} 里建立临时文件")


def remove_stale_temps(path: Path) -> list[Path]:
    """Remove the temporary files earlier runs left for this target (killed before they
    could rename or remove them): ours by name, for this target, and stale, that is
    written by a process of this computer that no longer runs, or (another computer's,
    or from an earlier version that did not mark them) not touched for a long time.
    Anything else in the folder is never touched. Returns what was removed."""
    ours, legacy = _temp_pattern(path), _legacy_pattern(path)
    removed = []
    try:
        entries = [e for e in os.scandir(path.parent) if e.name.startswith(".") and e.name.endswith(".tmp")]
    except OSError:
        return removed
    now = time.time()
    for entry in entries:
        m = ours.fullmatch(entry.name)
        legacy_m = None if m else legacy.fullmatch(entry.name)
        match = m or legacy_m
        if match is None or not _same_target(match["stem"], entry.name, path):
            continue
        try:
            age = now - entry.stat(follow_symlinks=False).st_mtime
            if not entry.is_file(follow_symlinks=False):
                continue
        except OSError:
            continue
        if m and m["host"] == _HOST:
            stale = int(m["pid"]) != os.getpid() and not _running(int(m["pid"]))
        else:
            stale = age > (FOREIGN_STALE_AFTER if m else LEGACY_STALE_AFTER)
        if stale:
            with suppress(OSError):
                os.unlink(entry.path)
                removed.append(Path(entry.path))
    return removed


def _same_target(stem: str, name: str, path: Path) -> bool:
    """A temporary name's stem is the target's, or the target's shortened to fit (only
    then is the temporary name at the folder's limit)."""
    if stem == path.stem:
        return True
    return bool(stem) and path.stem.startswith(stem) and _name_size(name) > _name_max(path.parent) - 4


def _running(pid: int) -> bool:
    """Whether a process of this computer still runs. Where that cannot be asked without
    harm (Windows: os.kill(pid, 0) would send it Ctrl-C), it is taken to run."""
    if os.name != "posix":
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:         # EPERM: it runs, as another user
        return True
    return True


def _os_error(e: BaseException) -> OSError | None:
    """The OSError behind an exception: itself, or the one a writer wrapped (XlsxWriter
    raises FileCreateError(OSError))."""
    if isinstance(e, OSError):
        return e
    if isinstance(e, Exception) and e.args and isinstance(e.args[0], OSError):
        return e.args[0]
    return None


def _close_zip_writers(err: OSError, tmp: Path) -> None:
    """Close the zip archives a failed writer left open on the temporary file. Left to
    the garbage collector, each would try once more to write its directory and print
    "Exception ignored in ZipFile.__del__" (on a full disk) after our one line."""
    target = os.fspath(tmp)
    tb = err.__traceback__
    while tb is not None:
        for value in _frame_values(tb.tb_frame):
            if isinstance(value, zipfile.ZipFile) and value.fp is not None \
                    and os.fspath(getattr(value, "filename", None) or "") == target:
                with suppress(Exception):
                    value.close()
                if value.fp is not None:        # close() gave up before its finally
                    with suppress(Exception):
                        value.fp.close()
                    value.fp = None
        tb = tb.tb_next


def _frame_values(frame) -> Iterator[Any]:
    """A frame's local values and the attributes of its self (openpyxl keeps the archive
    on its writer object)."""
    local = frame.f_locals
    yield from list(local.values())
    owner = local.get("self")
    if owner is not None and hasattr(owner, "__dict__"):
        yield from list(vars(owner).values())


def _sync_folder(folder: Path) -> None:
    """Make a new file's name durable (POSIX; Windows has no directory handles)."""
    if os.name != "posix":
        return
    with suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
