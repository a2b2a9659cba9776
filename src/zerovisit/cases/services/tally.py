"""The case tally (models.CaseTally): folding its ±1 rows, and checking or rebuilding it from the cases."""

from collections import Counter

from django.db import connection, transaction
from django.db.models import Count, Sum

from ..models import Case, CaseTally

Key = tuple[int, str, str]  # (agency, status, channel)


@transaction.atomic
def fold_case_tally() -> int:
    """Replace the tally's rows with one per (agency, status, channel); returns how many rows it folded.

    The rows are deleted and read back in one statement, so a row that a case written meanwhile adds is either
    folded or left as it is, never lost; readers see the old rows or the new ones, the same sums either way."""
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM cases_casetally RETURNING agency_id, status, channel, n")
        rows = cursor.fetchall()
    sums = Counter()
    for agency_id, status, channel, n in rows:
        sums[agency_id, status, channel] += n
    CaseTally.objects.bulk_create(
        CaseTally(agency_id=agency_id, status=status, channel=channel, n=n)
        for (agency_id, status, channel), n in sums.items()
        if n
    )
    return len(rows)


def tally_differences() -> dict[Key, tuple[int, int]]:
    """Where the tally and the cases disagree: {(agency, status, channel): (tally, cases)}; empty when they agree."""
    counted = Counter(
        {(r["agency_id"], r["status"], r["channel"]): r["n"]
         for r in Case.objects.values("agency_id", "status", "channel").annotate(n=Count("id")).order_by()}
    )  # fmt: skip
    tallied = Counter(
        {(r["agency_id"], r["status"], r["channel"]): r["n"]
         for r in CaseTally.objects.values("agency_id", "status", "channel").annotate(n=Sum("n")).order_by()}
    )  # fmt: skip
    keys = counted.keys() | tallied.keys()
    return {key: (tallied[key], counted[key]) for key in keys if tallied[key] != counted[key]}


@transaction.atomic
def rebuild_case_tally() -> int:
    """Count the cases again into the tally, with case writes held back meanwhile; returns the rows written."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("LOCK TABLE cases_case IN SHARE MODE")  # writers wait; readers go on
    CaseTally.objects.all().delete()
    rows = [
        CaseTally(agency_id=r["agency_id"], status=r["status"], channel=r["channel"], n=r["n"])
        for r in Case.objects.values("agency_id", "status", "channel").annotate(n=Count("id")).order_by()
    ]
    CaseTally.objects.bulk_create(rows)
    return len(rows)
