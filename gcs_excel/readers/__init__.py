"""Guarded reading of workbooks and CSV files.

``read(path)`` returns a ``Workbook`` of raw grids or raises ``ReadError`` with one line
in Chinese saying why the file cannot be read. Inputs are hostile until proven otherwise:
see sniff.py (what the file really is) and ooxml.py (zip and XML guards).
"""

from __future__ import annotations

from pathlib import Path

from ..errors import ReadError
from .csvfile import read_csv
from .grid import Sheet, Workbook
from .sniff import sniff
from .xlsx import read_xlsx

__all__ = ["read", "Sheet", "Workbook", "ReadError"]


def read(path: str | Path) -> Workbook:
    """Read a workbook or CSV file, guarded; raises ReadError saying in one line why it cannot be."""
    path = Path(path)
    kind = sniff(path)
    if kind == "csv":
        return read_csv(path)
    try:
        return read_xlsx(path)
    except MemoryError:
        raise ReadError(path, "文件太大，内存不够读取") from None
    except RecursionError:
        raise ReadError(path, "文件结构异常（嵌套过深），已拒绝读取") from None
