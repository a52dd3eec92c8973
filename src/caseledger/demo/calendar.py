"""Days the agency works: the period generated, business days and the as-of date.

Services happen on business days: Monday to Friday, not on the federal holidays Missouri state
offices close for, so that an audit counting business days with or without holidays agrees on
every deadline in the clean data.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache

ONE_DAY = dt.timedelta(days=1)


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day of the month ``months`` later, clamped to the month's last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return dt.date(year, month + 1, min(day.day, _month_days(year, month + 1)))


def month_end(day: dt.date) -> dt.date:
    return dt.date(day.year, day.month, _month_days(day.year, day.month))


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _month_days(year: int, month: int) -> int:
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return (following - ONE_DAY).day


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> dt.date:
    first = dt.date(year, month, 1)
    offset = (weekday - first.weekday()) % 7
    return first + dt.timedelta(days=offset + 7 * (n - 1))


def _last_weekday(year: int, month: int, weekday: int) -> dt.date:
    last = month_end(dt.date(year, month, 1))
    return last - dt.timedelta(days=(last.weekday() - weekday) % 7)


def _observed(day: dt.date) -> dt.date:
    if day.weekday() == 5:
        return day - ONE_DAY
    if day.weekday() == 6:
        return day + ONE_DAY
    return day


@cache
def holidays(year: int) -> frozenset[dt.date]:
    """Federal holidays (observed dates) of ``year``; Juneteenth from 2021 (5 U.S.C. 6103)."""
    days = {
        _observed(dt.date(year, 1, 1)),
        _nth_weekday(year, 1, 0, 3),  # Martin Luther King Jr. Day
        _nth_weekday(year, 2, 0, 3),  # Washington's Birthday
        _last_weekday(year, 5, 0),  # Memorial Day
        _observed(dt.date(year, 7, 4)),
        _nth_weekday(year, 9, 0, 1),  # Labor Day
        _nth_weekday(year, 10, 0, 2),  # Columbus Day
        _observed(dt.date(year, 11, 11)),
        _nth_weekday(year, 11, 3, 4),  # Thanksgiving
        _observed(dt.date(year, 12, 25)),
    }
    if year >= 2021:
        days.add(_observed(dt.date(year, 6, 19)))
    # New Year's Day of the next year observed on Dec 31 belongs to this year's calendar too.
    days.add(_observed(dt.date(year + 1, 1, 1)))
    return frozenset(days)


def is_business_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in holidays(day.year)


def business_days(first: dt.date, last: dt.date) -> list[dt.date]:
    """Business days from ``first`` to ``last``, both included."""
    out: list[dt.date] = []
    day = first
    while day <= last:
        if is_business_day(day):
            out.append(day)
        day += ONE_DAY
    return out


def add_business_days(day: dt.date, count: int) -> dt.date:
    """The business day ``count`` business days after ``day`` (``day`` itself for 0)."""
    while count > 0:
        day += ONE_DAY
        if is_business_day(day):
            count -= 1
    return day


def next_business_day(day: dt.date) -> dt.date:
    """``day`` if it is a business day, else the next one."""
    while not is_business_day(day):
        day += ONE_DAY
    return day


def business_days_between(first: dt.date, last: dt.date) -> int:
    """Business days after ``first`` up to and including ``last`` (0 when ``last <= first``)."""
    count = 0
    day = first
    while day < last:
        day += ONE_DAY
        if is_business_day(day):
            count += 1
    return count


@dataclass(frozen=True)
class Period:
    """The months of services the demo generates, and the day the audit should judge them on."""

    start: dt.date
    months: int

    @property
    def end(self) -> dt.date:
        return add_months(self.start, self.months) - ONE_DAY

    @property
    def as_of(self) -> dt.date:
        """The last day of the month after the period: the latest deadline in the data (an SST
        monthly report is due by the end of the following month, seed 000) has passed, and so
        have every note deadline (5 business days) and every 48-hour follow-up."""
        return month_end(add_months(month_start(self.end), 1))

    def month_starts(self) -> list[dt.date]:
        return [add_months(month_start(self.start), i) for i in range(self.months)]
