"""The Spring Festival (春节): its date per year, from gcs_excel/data/spring_festival.csv
(2004–2030, the first day of the lunar year). Tobacco sales peak in the festival's month,
so a month compared with one that holds the festival reads differently."""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
from importlib import resources


@functools.cache
def spring_festivals() -> dict[int, dt.date]:
    """Year -> the date of its Spring Festival, for the years the table holds."""
    text = resources.files("gcs_excel").joinpath("data/spring_festival.csv").read_text("utf-8")
    return {int(r["year"]): dt.date.fromisoformat(r["date"]) for r in csv.DictReader(io.StringIO(text))}


def spring_festival_in(month: str) -> dt.date | None:
    """The Spring Festival's date when it falls in this month (YYYY-MM), else None (also
    for a year the table does not hold)."""
    year, m = map(int, month.split("-"))
    day = spring_festivals().get(year)
    return day if day is not None and day.month == m else None


def known_year(year: int) -> bool:
    """Whether the table holds this year (outside it nothing is said about the festival)."""
    return year in spring_festivals()
