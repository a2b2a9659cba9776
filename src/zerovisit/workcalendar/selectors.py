"""The calendar each process keeps in memory, rebuilt when the stored calendar changes."""

import threading
import time

from .calendar import WorkCalendar
from .models import CalendarVersion, CalendarYear, SpecialDay

# How long a process trusts its calendar before asking whether the stored one changed (one indexed read).
CHECK_SECONDS = 5

_lock = threading.Lock()
_cached: dict = {"version": None, "calendar": None, "checked": 0.0}


def _version() -> int:
    return CalendarVersion.objects.filter(pk=1).values_list("number", flat=True).first() or 0


def work_calendar() -> WorkCalendar:
    """The working-day calendar, current to within CHECK_SECONDS of any change."""
    now = time.monotonic()
    if _cached["calendar"] is not None and now - _cached["checked"] < CHECK_SECONDS:
        return _cached["calendar"]
    version = _version()
    with _lock:
        if _cached["calendar"] is None or version != _cached["version"]:
            years = set(CalendarYear.objects.values_list("year", flat=True))
            special = dict(SpecialDay.objects.values_list("date", "is_workday"))
            _cached["calendar"] = WorkCalendar(years, special)
            _cached["version"] = version
        _cached["checked"] = now
    return _cached["calendar"]


def forget() -> None:
    """Drop the cached calendar (tests, and right after a change in this process)."""
    _cached.update(version=None, calendar=None, checked=0.0)
