"""Staff inbox and case list under load: p50/p95 with N cases, 16 concurrent users, over HTTP to gunicorn.

    python bench/inbox.py --cases 1000000                 # SQLite, in ZV_DATA_DIR
    ZV_DATABASE_URL=postgres://postgres@127.0.0.1:5432/zv_bench_inbox python bench/inbox.py --cases 1000000

The database is filled once: the demo, then `--cases` cases spread over every agency and the last three years, most
of them concluded (as in a live system), written in bulk (casefill). Then gunicorn serves the app as in production
(2 workers × 4 threads) and 16 client threads, each logged in as a member of staff, ask for inbox queues and case
lists for `--seconds`, with `--think` seconds between a user's requests (0: as fast as the server answers, which
measures saturation).
Budget (DESIGN.md §5): inbox p50 ≤ 30 ms, p95 ≤ 100 ms at 1,000,000 cases with 16 users.
"""

import argparse
import http.client
import os
import random
import statistics
import sys
import threading
import time

import casefill
import harness


def staff_users() -> list[str]:
    """An acceptor and a reviewer of every agency that has published items, to log in as."""
    from zerovisit.accounts.models import Role
    from zerovisit.catalog.models import ServiceItem
    from zerovisit.org.models import Agency

    agencies = Agency.objects.filter(pk__in=ServiceItem.objects.published().values("agency_id"))
    return [harness.staff_user(f"bench-{role}-{agency.pk}", agency, [role]).username
            for agency in agencies for role in (Role.ACCEPTOR, Role.REVIEWER)]  # fmt: skip


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--users", type=int, default=16)
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--think", type=float, default=0.0, help="seconds each user waits between requests")
    args = parser.parse_args()
    os.environ["ZV_SECURE_COOKIES"] = "false"
    os.environ["ZV_LOGIN_FAILURE_LIMIT"] = "1000"
    harness.setup("bench-inbox.sqlite3")
    from django.core.management import call_command
    from django.db import connection

    from zerovisit.accounts.models import User
    from zerovisit.cases.models import Case

    call_command("migrate", verbosity=0)
    if not User.objects.filter(username="zhangsan").exists():
        call_command("load_demo", verbosity=0)
    casefill.fill(args.cases)
    casefill.check()
    call_command("collectstatic", interactive=False, verbosity=0)
    staff = staff_users()
    total = Case.objects.count()
    vendor = connection.vendor
    connection.close()

    paths = ["/api/v1/inbox/?queue=unclaimed", "/api/v1/inbox/?queue=due_soon", "/api/v1/inbox/?queue=overdue",
             "/api/v1/cases/?page_size=20", "/workbench/?queue=unclaimed"]  # fmt: skip
    timings: dict[str, list[float]] = {p: [] for p in paths}
    failures = []

    def user_session(port, cookie, stop):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            while time.monotonic() < stop:
                path = random.choice(paths)
                start = time.perf_counter()
                conn.request("GET", path, headers={"Cookie": cookie})
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    failures.append((path, response.status))
                timings[path].append((time.perf_counter() - start) * 1000)
                time.sleep(args.think)
        except Exception as exc:  # counted below: a benchmark that hides failures measures nothing
            failures.append(("session", repr(exc)))

    with harness.serve() as port:
        cookies = [harness.login(port, random.Random(i).choice(staff)) for i in range(args.users)]
        stop = time.monotonic() + args.seconds
        threads = [threading.Thread(target=user_session, args=(port, cookie, stop)) for cookie in cookies]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    every = sorted(t for values in timings.values() for t in values)
    print(harness.machine())
    print(f"database: {vendor}  cases: {total}  users: {args.users}  think: {args.think} s  requests: {len(every)}  "
          f"failures: {len(failures)}")  # fmt: skip
    if failures or not every:
        sys.exit(f"FAILED: {len(failures)} requests failed, the first: {failures[:1]}; {len(every)} answered")
    print(f"all: p50 {statistics.median(every):.1f} ms  p95 {every[int(len(every) * 0.95)]:.1f} ms  "
          f"{len(every) / args.seconds:.0f} req/s")  # fmt: skip
    for path, values in timings.items():
        values.sort()
        if values:
            print(f"  {path:40} p50 {statistics.median(values):6.1f}  p95 {values[int(len(values) * 0.95)]:6.1f}")


if __name__ == "__main__":
    main()
