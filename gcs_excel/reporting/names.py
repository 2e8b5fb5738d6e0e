"""The names of the monthly outputs, shared with `gcs mail` (which must not load pandas
for them)."""

from __future__ import annotations

import re

_UNSAFE = re.compile(r'[\\/:*?"<>|\r\n\t]+')


def month_words(month: str) -> str:
    """2026-10 as 2026年10月."""
    y, m = month.split("-")
    return f"{y}年{int(m)}月"


def review_filename(name: str, month: str) -> str:
    """销售回顾_<客户名称>_<YYYY-MM>.xlsx, with characters Windows forbids replaced."""
    return f"销售回顾_{_UNSAFE.sub('_', name).strip() or '客户'}_{month}.xlsx"


def manifest_name(month: str) -> str:
    """The list of the month's reviews that gcs mail reads."""
    return f"销售回顾_{month}_清单.json"


def report_name(month: str) -> str:
    """The department report's file name."""
    return f"销售报表_{month}.xlsx"
