"""Working days in China: statutory holidays and the adjusted working days (调休), from the
maintained chinesecalendar package, plus any a department adds in its rules file."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

import chinese_calendar

from .errors import ConfigError
from .rules import Rules
from .values import month_of


def covered_years() -> tuple[int, int]:
    """The first and last year chinesecalendar knows the holidays of."""
    years = {d.year for d in chinese_calendar.holidays} | {d.year for d in chinese_calendar.workdays}
    return min(years), max(years)


def month_days(month: str) -> list[dt.date]:
    """Every day of a YYYY-MM month."""
    y, m = map(int, month.split("-"))
    return [dt.date(y, m, d) for d in range(1, calendar.monthrange(y, m)[1] + 1)]


def working_days(month: str, rules: Rules) -> list[dt.date]:
    """The working days of a month (YYYY-MM); fails clearly for years without data."""
    extra_off, extra_on = rules.extra_holidays, rules.extra_workdays
    days = month_days(month)
    added = {d for d in extra_off | extra_on if d.year == days[0].year}
    try:
        out = []
        for d in days:
            if d in extra_on:
                out.append(d)
            elif d not in extra_off and chinese_calendar.is_workday(d):
                out.append(d)
        return out
    except NotImplementedError:
        if added:   # the department gave this year's arrangement: weekdays, adjusted by it
            return [d for d in days if d in extra_on or (d.weekday() < 5 and d not in extra_off)]
        first, last = covered_years()
        raise ConfigError(
            f"没有 {days[0].year} 年的法定节假日和调休数据（chinesecalendar 收录 {first}–{last} 年）。"
            f"请升级 chinesecalendar，或在规则文件的 [calendar] 里写上这一年的 extra_holidays 和 extra_workdays"
        ) from None


@dataclass(frozen=True)
class Week:
    """An ISO week (Monday to Sunday); it belongs to the month of its Thursday, as it
    belongs to the ISO year of its Thursday (the weekly pack reviews that month, the
    meeting check counts it there)."""
    year: int
    number: int
    monday: dt.date

    @property
    def label(self) -> str:
        """2026-W43."""
        return f"{self.year}-W{self.number:02d}"

    @property
    def sunday(self) -> dt.date:
        """The week's last day."""
        return self.monday + dt.timedelta(days=6)

    @property
    def month(self) -> str:
        """The month the week reviews: its Thursday's (YYYY-MM)."""
        return month_of(self.monday + dt.timedelta(days=3))

    @property
    def next(self) -> Week:
        """The week after (the week the meeting settles)."""
        return week_of(self.monday + dt.timedelta(days=7))

    def __contains__(self, day: dt.date) -> bool:
        return self.monday <= day <= self.sunday


def week_of(day: dt.date) -> Week:
    """The ISO week a day falls in."""
    year, number, weekday = day.isocalendar()
    return Week(year, number, day - dt.timedelta(days=weekday - 1))
