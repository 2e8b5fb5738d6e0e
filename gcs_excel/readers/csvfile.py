"""Read CSV as Chinese ordering systems export it: UTF-8 (with or without BOM), GBK, or
Excel's "Unicode text" (UTF-16). Parsed by pandas' C reader straight into columns, all
values kept as the text they are; ragged files fall back to the csv module."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from ..errors import ReadError
from .grid import Sheet, Workbook

ENCODINGS = ("utf-8-sig", "gb18030")   # gb18030 is a superset of GBK and GB2312
_DELIMITERS = ",\t;|"


def decode(path: Path, data: bytes) -> tuple[str, str]:
    """The text of a CSV file and its encoding (utf-16 / utf-8 / gbk), or a ReadError."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):    # Excel's "Unicode text" (UTF-16)
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            raise ReadError(path, "文件以 UTF-16 标记开头，但内容无法按 UTF-16 解码，可能已损坏") from None
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding), ("utf-8" if encoding == "utf-8-sig" else "gbk")
        except UnicodeDecodeError:
            continue
    raise ReadError(path, "无法识别文件编码（既不是 UTF-8 也不是 GBK），请在 Excel 中另存为“CSV UTF-8”")


def _delimiter(sample: str) -> str:
    """The delimiter used most over the first lines (a title line may have none)."""
    lines = sample.splitlines()[:20]
    counts = {d: sum(line.count(d) for line in lines) for d in _DELIMITERS}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def _columns(utf8: bytes, delimiter: str) -> tuple[list[int], list[list[str]]] | None:
    """Columns of text by pandas' C parser (from UTF-8 bytes: handed a str, pandas would
    re-encode it in Python); None when the records are ragged."""
    import pandas as pd

    try:
        df = pd.read_csv(io.BytesIO(utf8), encoding="utf-8", sep=delimiter, header=None,
                         dtype=str, keep_default_na=False, na_filter=False, skip_blank_lines=False,
                         engine="c", quoting=csv.QUOTE_MINIMAL)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError):
        return None
    if df.empty:
        return [], []
    blank = (df == "").all(axis=1).to_numpy()
    keep = [i for i, b in enumerate(blank) if not b]
    if len(keep) < len(df):
        df = df.iloc[keep]
    return keep, [df[c].tolist() for c in df.columns]


def read_csv(path: Path) -> Workbook:
    """A CSV file as a one-sheet Workbook of text, every value kept as typed (leading
    spaces and tabs too: they are what keeps " =HYPERLINK(...)" from running)."""
    data = path.read_bytes()
    text, encoding = decode(path, data)
    if "\x00" in text[:65536]:
        raise ReadError(path, "不是文本（CSV）文件：内容里有二进制数据")
    delimiter = _delimiter(text[:65536])
    # A UTF-8 file is already what pandas reads: only other encodings are re-encoded.
    utf8 = data.removeprefix(b"\xef\xbb\xbf") if encoding == "utf-8" else text.encode("utf-8")
    parsed = _columns(utf8, delimiter)
    if parsed is not None:
        index, columns = parsed
        sheet = Sheet(path.stem, columns=columns, index=index)
    else:
        try:
            reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
            rows = [(i, row) for i, row in enumerate(reader) if row and any(row)]
        except csv.Error as e:
            raise ReadError(path, f"CSV 格式错误：{e}") from None
        sheet = Sheet(path.stem, rows)
    return Workbook(str(path), "csv", [sheet], encoding=encoding, delimiter=delimiter)
