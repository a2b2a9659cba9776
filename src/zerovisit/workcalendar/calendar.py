"""Working-day arithmetic on a sorted array of working days (DESIGN.md §4, Art. 82 of the Administrative
Licensing Law: time limits are working days).

Pure Python, no database: `WorkCalendar` is built from the official schedule (years with data, their holidays and
their 调休 working weekends) and answers in microseconds with `bisect`. A year without an official schedule
counts Monday to Friday, and every answer that touched such a year says so (`estimated`), so staff can see a
deadline that may move once the State Council publishes that year's schedule.
"""

import datetime
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

# Years outside [first official year - MARGIN, last official year + MARGIN] are out of range: no deadline of a
# government service reaches decades away, and the array stays small.
MARGIN_YEARS = 10


class OutOfRange(ValueError):
    """The date lies outside the years the calendar covers."""


@dataclass(frozen=True)
class Due:
    date: datetime.date
    estimated: bool  # a year on the way had no official schedule: Monday–Friday was assumed


@dataclass(frozen=True)
class Count:
    days: int
    estimated: bool


class WorkCalendar:
    def __init__(self, official_years: set[int], special_days: dict[datetime.date, bool]):
        """`official_years`: years whose schedule is known; `special_days`: date → is it a working day, for the
        days that differ from Monday–Friday (holidays on weekdays, working weekends)."""
        self.official_years = frozenset(official_years)
        years = self.official_years or {datetime.date.today().year}
        self.first = datetime.date(min(years) - MARGIN_YEARS, 1, 1)
        self.last = datetime.date(max(years) + MARGIN_YEARS, 12, 31)
        days = []
        for ordinal in range(self.first.toordinal(), self.last.toordinal() + 1):
            day = datetime.date.fromordinal(ordinal)
            working = special_days.get(day) if day.year in self.official_years else None
            if working is None:
                working = day.weekday() < 5
            if working:
                days.append(ordinal)
        self._days = days  # ordinals of every working day, ascending

    def _check(self, *dates: datetime.date) -> None:
        for day in dates:
            if not self.first <= day <= self.last:
                raise OutOfRange(f"{day} is outside {self.first}–{self.last}")

    def _estimated(self, start: datetime.date, end: datetime.date) -> bool:
        return any(year not in self.official_years for year in range(start.year, end.year + 1))

    def is_workday(self, day: datetime.date) -> bool:
        self._check(day)
        i = bisect_left(self._days, day.toordinal())
        return i < len(self._days) and self._days[i] == day.toordinal()

    def add(self, start: datetime.date, days: int) -> Due:
        """The day `days` working days after `start`. The start day itself is not counted, so the result is
        always a working day: a limit never ends on a rest day. `days=0` gives the next working day from `start`
        on (`start` itself when it is one)."""
        self._check(start)
        if days < 0:
            raise ValueError("days must not be negative")
        if days == 0:
            i = bisect_left(self._days, start.toordinal())
        else:
            i = bisect_right(self._days, start.toordinal()) + days - 1
        if i >= len(self._days):
            raise OutOfRange(f"{days} working days after {start} is beyond {self.last}")
        due = datetime.date.fromordinal(self._days[i])
        return Due(due, self._estimated(start, due))

    def count(self, start: datetime.date, end: datetime.date) -> Count:
        """Working days after `start` up to and including `end` (0 when end ≤ start): the days of a limit used."""
        self._check(start, end)
        if end <= start:
            return Count(0, False)
        days = bisect_right(self._days, end.toordinal()) - bisect_right(self._days, start.toordinal())
        return Count(days, self._estimated(start, end))

    def instant_due(self, received: datetime.datetime, closing: datetime.time) -> Due:
        """Due date of an instant item (即办件): the day it arrives, if that is a working day and it arrives before
        the closing time; else the next working day."""
        day = received.date()
        if received.time() >= closing or not self.is_workday(day):
            return self.add(day, 1)
        return Due(day, self._estimated(day, day))

    def working_hours(self, start: datetime.datetime, end: datetime.datetime, opens: datetime.time,
                      closes: datetime.time) -> float:  # fmt: skip
        """Office hours (between `opens` and `closes` on working days) from `start` to `end`, both in the same
        time zone: how long an online application has waited for someone on duty."""
        if end <= start:
            return 0.0
        total = 0.0
        day = start.date()
        while day <= end.date():
            if self.is_workday(day):
                window_start = datetime.datetime.combine(day, opens, start.tzinfo)
                window_end = datetime.datetime.combine(day, closes, start.tzinfo)
                overlap = min(end, window_end) - max(start, window_start)
                total += max(overlap.total_seconds(), 0) / 3600
            day += datetime.timedelta(days=1)
        return total

    def after_working_hours(self, start: datetime.datetime, hours: float, opens: datetime.time,
                            closes: datetime.time) -> datetime.datetime:  # fmt: skip
        """The moment `hours` office hours after `start` (the inverse of working_hours): when a service level
        counted in office hours runs out. Asked outside office hours, the clock starts at the next opening."""
        self._check(start.date())
        remaining = datetime.timedelta(hours=hours)
        day = start.date()
        while True:
            if self.is_workday(day):
                window_start = max(start, datetime.datetime.combine(day, opens, start.tzinfo))
                window_end = datetime.datetime.combine(day, closes, start.tzinfo)
                if window_start < window_end:
                    if remaining <= window_end - window_start:
                        return window_start + remaining
                    remaining -= window_end - window_start
            day += datetime.timedelta(days=1)
            self._check(day)
