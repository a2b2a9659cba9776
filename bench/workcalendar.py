"""Working-day arithmetic: time per call of add() and count(), and the time to build the calendar.

python bench/workcalendar.py
"""

import datetime
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from zerovisit.workcalendar.calendar import WorkCalendar
from zerovisit.workcalendar.official import package_schedule


def per_call(fn, args, repeat=5):
    """Best-of-`repeat` mean time of one call, in microseconds."""
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        for a in args:
            fn(*a)
        runs.append((time.perf_counter() - start) / len(args) * 1e6)
    return min(runs), statistics.median(runs)


def main():
    schedule = package_schedule()
    special = {day: working for days in schedule.values() for day, working, _ in days}
    start = time.perf_counter()
    cal = WorkCalendar(set(schedule), special)
    build_ms = (time.perf_counter() - start) * 1000

    rng = random.Random(1)
    base = datetime.date(2024, 1, 1)
    starts = [base + datetime.timedelta(days=rng.randrange(0, 1000)) for _ in range(100_000)]
    adds = [(s, rng.randrange(0, 60)) for s in starts]
    counts = [(s, s + datetime.timedelta(days=rng.randrange(0, 90))) for s in starts]
    add_best, add_median = per_call(cal.add, adds)
    count_best, count_median = per_call(cal.count, counts)
    print(f"build calendar ({len(schedule)} official years): {build_ms:.1f} ms")
    print(f"add():   {add_best:.2f} µs per call (median of 5 runs {add_median:.2f})")
    print(f"count(): {count_best:.2f} µs per call (median of 5 runs {count_median:.2f})")


if __name__ == "__main__":
    main()
