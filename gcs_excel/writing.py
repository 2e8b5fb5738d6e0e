"""Files are sacred: outputs are written to a temporary file and renamed into place; an
output that Excel, WPS or LibreOffice holds open, or that is one of the inputs, is refused
with a clear message."""

from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterable, Iterator

from .errors import WriteError


def lock_files(path: Path) -> list[Path]:
    """Owner files an office suite keeps beside a document it has open."""
    name = path.name
    return [
        path.with_name("~$" + name),        # Excel, WPS
        path.with_name("~$" + name[2:]),    # Excel, for long names
        path.with_name(f".~lock.{name}#"),  # LibreOffice
    ]


def check_writable(path: Path, inputs: Iterable[str | Path] = ()) -> None:
    path = Path(path)
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
    """Yield a temporary path in the target's folder; rename it over the target at the end."""
    path = Path(path)
    check_writable(path, inputs)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise WriteError(f"无法创建文件夹 {path.parent}：{e.strerror}") from None
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=path.suffix + ".tmp", dir=path.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp_path, 0o666 & ~umask)   # mkstemp makes it private; outputs are ordinary files
        try:
            os.replace(tmp_path, path)
        except PermissionError:
            raise WriteError(f"无法写入 {path}：文件被占用或没有权限（如已在 Excel 中打开，请先关闭）") from None
    finally:
        if tmp_path.exists():
            tmp_path.unlink()
