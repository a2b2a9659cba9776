"""Days and months of a period, both ends included."""

import datetime
from dataclasses import dataclass

from django.utils import timezone


def start_of(day: datetime.date) -> datetime.datetime:
    """The first moment of a local day."""
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=timezone.get_current_timezone())


def days(start: datetime.date, end: datetime.date):
    for ordinal in range(start.toordinal(), end.toordinal() + 1):
        yield datetime.date.fromordinal(ordinal)


def month_end(day: datetime.date) -> datetime.date:
    following = (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return following - datetime.timedelta(days=1)


def months(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    """The first days of the months [start, end] touches."""
    first, result = start.replace(day=1), []
    while first <= end:
        result.append(first)
        first = month_end(first) + datetime.timedelta(days=1)
    return result


def whole_months(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    return [month for month in months(start, end) if start <= month and month_end(month) <= end]


@dataclass(frozen=True)
class Split:
    """A period as the roll-ups read it: whole months from the monthly table, the days at either end from the
    daily one."""

    months: tuple[datetime.date, ...]
    day_ranges: tuple[tuple[datetime.date, datetime.date], ...]


def split(start: datetime.date, end: datetime.date) -> Split:
    inside = whole_months(start, end)
    if not inside:
        return Split((), ((start, end),))
    ranges = []
    if start < inside[0]:
        ranges.append((start, inside[0] - datetime.timedelta(days=1)))
    if month_end(inside[-1]) < end:
        ranges.append((month_end(inside[-1]) + datetime.timedelta(days=1), end))
    return Split(tuple(inside), tuple(ranges))
