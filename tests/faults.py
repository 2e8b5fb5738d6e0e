"""Real faults for tests: a folder nobody may write to, a disk that fills up, the gcs command
as a process of its own, and a workbook with a million formatted empty rows.

Tests here run as root in the sandbox and as an ordinary user in CI. chmod stops an
ordinary user but not root; a read-only bind mount stops root but needs root. Each
helper uses what works where it runs and skips, saying why, where nothing does.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zipfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest

from gcs_excel.spec import load_specs

ROOT = os.name == "posix" and os.geteuid() == 0


def _mount(*args: str) -> bool:
    return shutil.which("mount") is not None and subprocess.run(
        ["mount", *args], capture_output=True).returncode == 0


def _umount(target: Path) -> None:
    subprocess.run(["umount", "-l", str(target)], capture_output=True)


@contextmanager
def read_only(folder: Path) -> Iterator[str]:
    """The folder cannot be written to while inside: chmod 555 for an ordinary user, a
    read-only bind mount of it over itself for root. Yields how ("chmod" or "mount")."""
    if not ROOT:
        mode = folder.stat().st_mode
        folder.chmod(0o555)
        try:
            yield "chmod"
        finally:
            folder.chmod(mode)
        return
    if not _mount("--bind", str(folder), str(folder)):
        pytest.skip("running as root, and mount is not allowed here: chmod would not stop root")
    try:
        if not _mount("-o", "remount,ro,bind", str(folder)):
            pytest.skip("running as root, and a read-only remount is not allowed here")
        yield "mount"
    finally:
        _umount(folder)


@contextmanager
def tiny_disk(folder: Path, size: str = "16k") -> Iterator[Path]:
    """A real file system of the given size at folder (tmpfs; needs root), so that a
    write beyond it fails with ENOSPC exactly as on a full disk."""
    folder.mkdir(parents=True, exist_ok=True)
    if not ROOT or not _mount("-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)):
        pytest.skip("a real full disk needs a tmpfs mount (root); the simulated one runs everywhere")
    try:
        yield folder
    finally:
        _umount(folder)


def gcs(*args, timeout: float = 300, **kw) -> subprocess.CompletedProcess:
    """The gcs command as a user runs it: a process of its own, all of its output."""
    return subprocess.run([sys.executable, "-m", "gcs_excel", *map(str, args)], capture_output=True,
                          text=True, timeout=timeout, **kw)


def one_line_error(output: str) -> bool:
    """Exactly one line, the Chinese error line of the CLI; no traceback, no internal
    error, nothing Python printed on its way out."""
    lines = [line for line in output.splitlines() if line.strip()]
    return (len(lines) == 1 and lines[0].startswith("错误：") and "内部错误" not in output
            and "Traceback" not in output and "Exception ignored" not in output)


def styled_rows_workbook(path: Path, rows: int = 1_048_576) -> Path:
    """A 卖场明细表 with a header and 2 data rows, whose every row down to `rows` carries a
    fill (as Excel keeps rows formatted whole: <row r=".." s="1" customFormat="1"/>)."""
    spec = load_specs().sheet("stores")
    cells = []
    for r, values in enumerate([spec.headers, ["430102200001", "JT0001", "店0"], ["430102200002", "JT0001", "店1"]],
                               start=1):
        style = "" if r == 1 else ' s="1"'
        formatted = "" if r == 1 else ' s="1" customFormat="1"'
        cells.append(f'<row r="{r}"{formatted}>'
                     + "".join(f'<c r="{chr(65 + c)}{r}" t="inlineStr"{style}><is><t>{v}</t></is></c>'
                               for c, v in enumerate(values)) + "</row>")
    numbers = " ".join(map(str, range(4, rows + 1))).encode().split(b" ")
    empty = b'<row r="' + b'" s="1" customFormat="1"/><row r="'.join(numbers) + b'" s="1" customFormat="1"/>'
    sheet = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
             b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
             + f'<dimension ref="A1:K{rows}"/><sheetData>'.encode() + "".join(cells).encode() + empty
             + b"</sheetData></worksheet>")
    parts = {
        "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>',  # noqa: E501
        "_rels/.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',  # noqa: E501
        "xl/workbook.xml": f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="{spec.name}" sheetId="1" r:id="rId1"/></sheets></workbook>',  # noqa: E501
        "xl/_rels/workbook.xml.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>',  # noqa: E501
        "xl/styles.xml": '<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="0"/><fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts><fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill><fill><patternFill patternType="solid"><fgColor rgb="FFFFFFCC"/></patternFill></fill></fills><borders count="1"><border/></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="49" fontId="0" fillId="2" borderId="0" xfId="0" applyFill="1" applyNumberFormat="1"/></cellXfs></styleSheet>',  # noqa: E501
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in parts.items():
            z.writestr(name, text)
        z.writestr("xl/worksheets/sheet1.xml", sheet)
    return path


def sheet_rows(path: Path, sheet: str) -> list[bytes]:
    """The <row> start tags of a sheet, in order (to compare a copy with its original)."""
    from gcs_excel.styled_rows import sheet_parts

    with zipfile.ZipFile(path) as z:
        xml = z.read(sheet_parts(z)[sheet])
    return re.findall(rb"<row\b[^>]*>", xml)
