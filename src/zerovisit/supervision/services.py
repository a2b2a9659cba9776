"""Keeping the roll-ups: working the queue of changed cases into them, checking them against a recount, and
rebuilding a period."""

import datetime
from collections import Counter

from django.db import connection, transaction

from zerovisit.cases.models import Case

from . import measures, periods
from .measures import Key
from .models import MEASURES, CaseContribution, DailyRollup, MonthlyRollup, RollupQueue

BATCH = 2000
# Any number: it only has to be the same for every process that works the queue.
QUEUE_LOCK = 0x7A76_726F  # "zvro"


def apply_rollup_queue(*, batch: int = BATCH, until_empty: bool = True) -> int:
    """Work the queued cases into the roll-ups, a batch per transaction; returns how many queue rows it took.

    Each case's new contribution is compared with the one it made before, and only the difference is added, so a
    case worked through twice, or with nothing changed, moves nothing. One process works the queue at a time (on
    PostgreSQL an advisory lock; SQLite has one writer anyway): two at once could both read a case's old
    contribution and both add the same difference."""
    taken = 0
    while True:
        with transaction.atomic():
            if not _queue_lock():
                return taken
            ids = _take(batch)
            if ids:
                _apply(sorted(set(ids)))
        taken += len(ids)
        if not ids or not until_empty or len(ids) < batch:
            return taken


def _queue_lock() -> bool:
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [QUEUE_LOCK])
        return cursor.fetchone()[0]


def _take(batch: int) -> list[int]:
    """Delete the oldest queue rows and return their cases, in one statement."""
    table = RollupQueue._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {table} WHERE id IN (SELECT id FROM {table} ORDER BY id LIMIT %s) RETURNING case_id", [batch]
        )
        return [row[0] for row in cursor.fetchall()]


def _contributed(case_ids) -> dict[int, dict[Key, Counter]]:
    """What the cases added to the roll-ups before."""
    return {c.case_id: measures.from_rows(c.rows) for c in CaseContribution.objects.filter(case_id__in=case_ids)}


def _apply(case_ids: list[int]) -> None:
    old = _contributed(case_ids)
    new = _contributions(case_ids)
    delta: dict[Key, Counter] = {}
    for case_id in case_ids:
        for key, counts in old.get(case_id, {}).items():
            delta.setdefault(key, Counter()).subtract(counts)
        for key, counts in new.get(case_id, {}).items():
            delta.setdefault(key, Counter()).update(counts)
    _add(delta)
    CaseContribution.objects.bulk_create(
        [CaseContribution(case_id=case_id, rows=measures.as_rows(rows)) for case_id, rows in new.items()],
        update_conflicts=True, unique_fields=["case"], update_fields=["rows"],
    )  # fmt: skip
    gone = [case_id for case_id in old if case_id not in new]
    if gone:
        CaseContribution.objects.filter(case_id__in=gone).delete()


def _contributions(case_ids) -> dict[int, dict[Key, Counter]]:
    cases = measures.cases_for(case_ids)
    facts = measures.facts_for(case_ids)
    return {case["pk"]: measures.contribution(case, facts) for case in cases}


def _add(delta: dict[Key, Counter]) -> None:
    """Add the differences to the daily and the monthly rows, creating the rows that are missing."""
    monthly: dict[Key, Counter] = {}
    for (day, *rest), counts in delta.items():
        monthly.setdefault((day.replace(day=1), *rest), Counter()).update(counts)
    for model, rows in ((DailyRollup, delta), (MonthlyRollup, monthly)):
        values = [
            (day, agency, item, channel, *(counts.get(name, 0) for name in MEASURES))
            for (day, agency, item, channel), counts in rows.items()
            if any(counts.values())
        ]
        if values:
            _upsert(model, values)


def _upsert(model, values: list[tuple]) -> None:
    table, period = model._meta.db_table, "day" if model is DailyRollup else "month"
    columns = [period, "agency_id", "item_id", "channel", *MEASURES]
    add = ", ".join(f"{name} = {table}.{name} + excluded.{name}" for name in MEASURES)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))}) "
            f"ON CONFLICT ({period}, agency_id, item_id, channel) DO UPDATE SET {add}",
            values,
        )


# -- reconciliation and rebuild ------------------------------------------------------------------------------


def recount(start: datetime.date, end: datetime.date) -> tuple[dict[Key, Counter], dict[Key, Counter]]:
    """The daily and monthly measures of [start, end] counted again from the cases themselves. The months are
    those wholly inside the period."""
    daily: dict[Key, Counter] = {}
    for chunk in _cases_touching(start, end):
        for rows in _contributions(chunk).values():
            for key, counts in rows.items():
                if start <= key[0] <= end:
                    daily.setdefault(key, Counter()).update(counts)
    monthly: dict[Key, Counter] = {}
    for (day, *rest), counts in daily.items():
        if start <= day.replace(day=1) and periods.month_end(day) <= end:
            monthly.setdefault((day.replace(day=1), *rest), Counter()).update(counts)
    return daily, monthly


def rollup_differences(start: datetime.date, end: datetime.date) -> list[tuple[str, Key, dict, dict]]:
    """Where the roll-ups of [start, end] disagree with a recount from the cases: (table, key, roll-up, recount);
    empty when they agree. Queued cases are worked in first: until then the roll-ups are behind, not wrong."""
    apply_rollup_queue()
    daily, monthly = recount(start, end)
    differences = []
    months = periods.whole_months(start, end)
    for model, counted, period in (
        (DailyRollup, daily, {"day__range": (start, end)}),
        (MonthlyRollup, monthly, {"month__in": months}),
    ):
        stored = _stored(model, period)
        for key in sorted(stored.keys() | counted.keys()):
            have, want = _nonzero(stored.get(key, {})), _nonzero(counted.get(key, {}))
            if have != want:
                differences.append((model._meta.model_name, key, have, want))
    return differences


@transaction.atomic
def rebuild_rollups(start: datetime.date, end: datetime.date) -> int:
    """Count the days [start, end] again from the cases, and the months they touch again from the days; returns
    the daily rows written. Case writes wait meanwhile on PostgreSQL, so none slips between the count and the
    contributions it leaves behind; each case's contribution keeps what it adds outside the period."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {Case._meta.db_table} IN SHARE MODE")
    apply_rollup_queue()
    daily: dict[Key, Counter] = {}
    for chunk in _cases_touching(start, end):
        old = _contributed(chunk)
        new = _contributions(chunk)
        kept = []
        for case_id in chunk:
            rows = {key: counts for key, counts in old.get(case_id, {}).items() if not start <= key[0] <= end}
            for key, counts in new.get(case_id, {}).items():
                if start <= key[0] <= end:
                    rows[key] = counts
                    daily.setdefault(key, Counter()).update(counts)
            kept.append(CaseContribution(case_id=case_id, rows=measures.as_rows(rows)))
        CaseContribution.objects.bulk_create(kept, update_conflicts=True, unique_fields=["case"],
                                             update_fields=["rows"])  # fmt: skip
    DailyRollup.objects.filter(day__range=(start, end)).delete()
    DailyRollup.objects.bulk_create(
        [DailyRollup(day=day, agency_id=agency, item_id=item, channel=channel, **counts)
         for (day, agency, item, channel), counts in daily.items() if any(counts.values())],
        batch_size=1000,
    )  # fmt: skip
    months = periods.months(start, end)
    MonthlyRollup.objects.filter(month__in=months).delete()
    _months_from_days(months)
    return len(daily)


def _months_from_days(months: list[datetime.date]) -> None:
    monthly: dict[Key, Counter] = {}
    for row in DailyRollup.objects.filter(day__gte=months[0], day__lte=periods.month_end(months[-1])).values():
        key = (row["day"].replace(day=1), row["agency_id"], row["item_id"], row["channel"])
        monthly.setdefault(key, Counter()).update({name: row[name] for name in MEASURES})
    MonthlyRollup.objects.bulk_create(
        [MonthlyRollup(month=month, agency_id=agency, item_id=item, channel=channel, **counts)
         for (month, agency, item, channel), counts in monthly.items() if month in months and any(counts.values())],
        batch_size=1000,
    )  # fmt: skip


def _cases_touching(start: datetime.date, end: datetime.date, chunk: int = BATCH):
    """The ids of the cases that count on a day of [start, end] (measures.counting_in), in chunks."""
    ordered = sorted(measures.counting_in(periods.start_of(start), periods.start_of(end + datetime.timedelta(days=1))))
    for i in range(0, len(ordered), chunk):
        yield ordered[i : i + chunk]


def _nonzero(counts) -> dict:
    return {name: n for name, n in counts.items() if n}


def _stored(model, period: dict) -> dict[Key, Counter]:
    name = "day" if model is DailyRollup else "month"
    return {
        (row[name], row["agency_id"], row["item_id"], row["channel"]): Counter({m: row[m] for m in MEASURES})
        for row in model.objects.filter(**period).values()
    }
