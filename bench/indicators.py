"""Supervision over a city-wide year: how fast the roll-up job works case changes in, and how long the dashboard's
figures take to read.

    python bench/indicators.py --cases 1000000                 # SQLite, in ZV_DATA_DIR
    ZV_DATABASE_URL=postgres://postgres@127.0.0.1:5432/zv_bench_indicators python bench/indicators.py --cases 1000000

The database is filled once: the demo (with its year of history), then cases up to `--cases`, all submitted in the
last `--years` (casefill). The triggers queue every case they insert, and the roll-up job works the queue in: its
rate is the first figure. Then `--changes` random open or concluded cases change in SQL, as a busy day's steps
would change them (a status, a decision, a delivery), and the job works those in: the second figure, changes per
second. Then, `--rounds` times, a regional supervisor of 徐州市 reads the city's figures for the last 365 days
through the selectors (every indicator, the consultation answer rate over `--questions` questions, the breakdown
by county and agency, the one grouped read the dashboard makes of the indicators, the trend by month and the
breakdown, the per-agency lines of the report, the alerts) and the whole dashboard page in process
(django.test.Client): p50 and p95 of each. `--reconcile` also recounts the year from the cases and checks the
roll-ups against it.
Budgets (DESIGN.md §5, issue 14): any indicator for a city over a year with 1,000,000 cases ≤ 300 ms; the job keeps
up with 300 case changes per second.
"""

import argparse
import datetime
import os
import statistics
import time

import casefill
import harness


def timed(fn, rounds: int) -> list[float]:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return times


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) > 1 else values[0]


def change_cases(n: int) -> int:
    """Move `n` random cases on, in one SQL statement: an open one is decided today, a concluded one gets a new
    decision day (a correction of the record). Returns how many changed."""
    from django.db import connection, transaction

    from zerovisit.cases.models import Case

    table = Case._meta.db_table
    pick = "ORDER BY random() LIMIT %s"
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET status = CASE WHEN decided_at IS NULL THEN 'approved' ELSE status END, "
            f"decided_at = CURRENT_TIMESTAMP, concluded_at = CURRENT_TIMESTAMP, acting_role = '', due = NULL "
            f"WHERE id IN (SELECT id FROM {table} {pick})",
            [n],
        )
        return cursor.rowcount


def fill_questions(n: int, years: float) -> int:
    """Questions up to `n`, asked over the last `years` on the published items, nine in ten answered (most in
    time), written in bulk. Returns how many were added."""
    import random

    from django.utils import timezone

    from zerovisit.accounts.models import User
    from zerovisit.catalog.models import ServiceItem
    from zerovisit.feedback.models import Question

    missing = n - Question.objects.count()
    if missing <= 0:
        return 0
    rng = random.Random(14)
    items = list(ServiceItem.objects.published().values_list("pk", "impl_code", "agency_id"))
    asker = User.objects.get(username="zhangsan")
    now = timezone.now()
    span = years * 365 * 86400
    batch = []
    for _ in range(missing):
        pk, impl_code, agency_id = rng.choice(items)
        asked = now - datetime.timedelta(seconds=rng.random() * span)
        due = asked + datetime.timedelta(hours=24)
        answered = None if rng.random() < 0.1 else asked + datetime.timedelta(hours=rng.choice([1, 3, 6, 30]))
        row = Question(item_id=pk, impl_code=impl_code, agency_id=agency_id, asked_by=asker, text="问",
                       asked_at=asked, due_at=due, answer="答" if answered else "", answered_at=answered)  # fmt: skip
        batch.append(row)
        if len(batch) == 5000:
            Question.objects.bulk_create(batch)
            batch = []
    Question.objects.bulk_create(batch)
    return missing


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--years", type=float, default=1)
    parser.add_argument("--changes", type=int, default=30_000)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--questions", type=int, default=100_000)
    parser.add_argument("--reconcile", action="store_true")
    args = parser.parse_args()
    os.environ["ZV_SECURE_COOKIES"] = "false"
    harness.setup("bench-indicators.sqlite3")
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from zerovisit.accounts.models import Role, User
    from zerovisit.cases.models import Case
    from zerovisit.feedback.models import Question
    from zerovisit.org.models import Agency, Region
    from zerovisit.supervision import selectors, services
    from zerovisit.supervision.indicators import Totals
    from zerovisit.supervision.models import RollupQueue
    from zerovisit.supervision.views import dashboard  # noqa: F401  (imported before timing)

    call_command("migrate", verbosity=0)
    if not User.objects.filter(username="zhangsan").exists():
        call_command("load_demo", verbosity=0)
    added = casefill.fill(args.cases, years=args.years)
    asked = fill_questions(args.questions, args.years)
    call_command("collectstatic", interactive=False, verbosity=0)
    print(harness.machine())
    print(f"{Case.objects.count():,} cases ({added:,} added now), {RollupQueue.objects.count():,} queued, "
          f"{Question.objects.count():,} questions ({asked:,} added now)")  # fmt: skip

    started = time.perf_counter()
    worked = services.apply_rollup_queue()
    seconds = time.perf_counter() - started
    if worked:
        print(f"roll-up job, the cases filled: {worked:,} in {seconds:.1f} s = {worked / seconds:,.0f} cases/s")

    changed = change_cases(min(args.changes, Case.objects.count()))
    started = time.perf_counter()
    worked = services.apply_rollup_queue()
    seconds = time.perf_counter() - started
    print(f"roll-up job, {changed:,} changed cases: {worked:,} queue rows in {seconds:.2f} s = "
          f"{worked / seconds:,.0f} changes/s (budget ≥ 300)")  # fmt: skip
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE cases_case")  # as autovacuum would after the changes
            cursor.execute("VACUUM ANALYZE supervision_dailyrollup")
            cursor.execute("VACUUM ANALYZE supervision_monthlyrollup")
            cursor.execute("VACUUM ANALYZE feedback_question")

    city = Region.objects.get(code="320300000000")
    scope = selectors.region_scope(city)
    end = timezone.localdate()
    start = end - datetime.timedelta(days=364)
    year = selectors.totals(scope, start, end)
    print(f"the city's year: {year.submitted:,} submitted, {year.decided:,} decided")
    supervisor = harness.staff_user("bench-city-supervisor", Agency.objects.get(name="徐州市行政审批局"),
                                    [Role.REGION_SUPERVISOR])  # fmt: skip
    client = harness.signed_in_client(supervisor)
    query = {"start": start.isoformat(), "end": end.isoformat()}

    def page():
        response = client.get("/supervision/", query)
        assert response.status_code == 200, response.status_code

    reads = {
        "every indicator (totals)": lambda: selectors.totals(scope, start, end),
        "the answer rate (questions)": lambda: selectors.with_questions(scope, start, end, Totals()),
        "the dashboard's one read (overview)": lambda: selectors.overview(scope, start, end),
        "breakdown by county and agency": lambda: selectors.breakdown(scope, start, end),
        "report lines per agency": lambda: selectors.per_agency(scope, start, end),
        "alerts now (red, yellow)": lambda: selectors.lights(scope),
        "the dashboard page": page,
    }
    for name, read in reads.items():
        read()  # warm
        times = timed(read, args.rounds)
        print(f"  {name:<36} p50 {statistics.median(times):7.1f} ms   p95 {p95(times):7.1f} ms   (budget ≤ 300)")

    if args.reconcile:
        started = time.perf_counter()
        differences = services.rollup_differences(start, end)
        print(f"reconciliation of the year: {len(differences)} differences, {time.perf_counter() - started:.0f} s")
        assert not differences


if __name__ == "__main__":
    main()
