"""Staff inbox and case list under load: p50/p95 with N cases, 16 concurrent users, over HTTP to gunicorn.

    python bench/inbox.py --cases 1000000                 # SQLite
    ZV_DATABASE_URL=postgres://postgres@127.0.0.1:5432/zv_bench_inbox python bench/inbox.py --cases 1000000

The database is filled once: the demo, then `--cases` cases spread over every agency and the last three years, most
of them concluded (as in a live system), written in bulk. Then gunicorn serves the app (2 workers × 8 threads) and
16 client threads, each logged in as a member of staff, ask for inbox queues and case lists for `--seconds`,
with `--think` seconds between a user's requests (0: as fast as the server answers, which measures saturation).
Budget (DESIGN.md §5): inbox p50 ≤ 30 ms, p95 ≤ 100 ms at 1,000,000 cases with 16 users.
"""

import argparse
import http.client
import os
import random
import re
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
PORT = 8765


def fill(total: int) -> None:
    from django.db import connection

    from zerovisit.accounts.models import Role, StaffRole, User
    from zerovisit.cases.models import Case, frozen_process
    from zerovisit.catalog.models import ServiceItem

    have = Case.objects.count()
    items = list(ServiceItem.objects.published().select_related("agency__region", "process_template"))
    processes = {t.pk: frozen_process(t) for t in {i.process_template for i in items}}  # each case's process as filed
    applicant = Case.objects.values_list("applicant_id", flat=True).first()
    zhangsan = User.objects.get(username="zhangsan").pk
    for item in items:  # one acceptor and one reviewer per agency, to log in as
        for role in (Role.ACCEPTOR, Role.REVIEWER):
            user, created = User.objects.get_or_create(username=f"bench-{role}-{item.agency_id}",
                                                       defaults={"agency": item.agency, "is_staff": True})  # fmt: skip
            if created:
                user.set_password("Bench-pass-2026")
                user.save()
                StaffRole.objects.get_or_create(user=user, role=role)
    if connection.vendor == "postgresql":
        _fill_postgresql(have, total, items, processes, applicant, zhangsan)
    else:
        _fill_sqlite(have, total, items, processes, applicant, zhangsan)


def _fill_sqlite(have, total, items, processes, applicant, zhangsan):
    """The distribution of _fill_postgresql, generated inside SQLite with a recursive counter."""
    import json

    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE bench_items (rn int, id int, agency_id int, template_id int, region text, "
                       "days int, process text)")  # fmt: skip
        cursor.executemany(
            "INSERT INTO bench_items VALUES (%s, %s, %s, %s, %s, %s, %s)",
            [(n, i.pk, i.agency_id, i.process_template_id, i.agency.region.code[:6], i.promised_days,
              json.dumps(processes[i.process_template_id])) for n, i in enumerate(items)],
        )  # fmt: skip
        cursor.execute(
            """
            WITH RECURSIVE g(n) AS (SELECT %(first)s UNION ALL SELECT n + 1 FROM g WHERE n < %(last)s),
            s AS (SELECT n, datetime('now', '-' || (abs(random()) %% 1576800) || ' minutes') AS at,
                  CASE WHEN abs(random()) %% 100 < 5 THEN (CASE n %% 2 WHEN 0 THEN 'submitted' ELSE 'accepted' END)
                       ELSE (CASE n %% 10 WHEN 8 THEN 'denied' WHEN 9 THEN 'withdrawn' ELSE 'approved' END) END
                  AS status FROM g)
            INSERT INTO cases_case (number, item_id, process_template_id, agency_id, applicant_id, submitted_by_id,
                channel, idempotency_key, request_digest, form_data, commitment_signed, status, stage_order, process,
                acting_role, due, submitted_at, received_at, acceptance_due, accepted_at, deemed_accepted,
                limit_days, extension_days, paused_days, pause_expected_days, decision_due, due_estimated,
                updated_at)
            SELECT i.region || '-' || strftime('%%Y%%m%%d', s.at) || '-B' || printf('%%07d', s.n), i.id,
                i.template_id, i.agency_id, %(applicant)s, %(user)s, 'web', '', '', '{}', 0, s.status,
                CASE WHEN s.status = 'submitted' THEN 1 ELSE 2 END, i.process,
                CASE WHEN s.status = 'submitted' THEN json_extract(i.process, '$.stages[0].role')
                     WHEN s.status = 'accepted' THEN coalesce(json_extract(i.process, '$.stages[1].role'), '')
                     ELSE '' END,
                CASE WHEN s.status = 'submitted' THEN date(s.at, '+7 days')
                     WHEN s.status = 'accepted' AND json_extract(i.process, '$.stages[1].role') IS NOT NULL
                     THEN date(s.at, '+14 days') END,
                s.at, s.at, date(s.at, '+7 days'), CASE WHEN s.status = 'submitted' THEN NULL ELSE s.at END, 0,
                i.days, 0, 0, 0, date(s.at, '+14 days'), 0, datetime('now')
            FROM s JOIN bench_items i ON i.rn = s.n %% %(items)s
            """,
            {"applicant": applicant, "user": zhangsan, "first": have, "last": total - 1, "items": len(items)},
        )


def _fill_postgresql(have, total, items, processes, applicant, zhangsan):
    """The same distribution as _fill_orm, generated inside PostgreSQL: a million rows in well under a minute."""
    import json

    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE bench_items (rn int, id bigint, agency_id bigint, template_id bigint, "
                       "region text, days int, process jsonb)")  # fmt: skip
        cursor.executemany(
            "INSERT INTO bench_items VALUES (%s, %s, %s, %s, %s, %s, %s)",
            [(n, i.pk, i.agency_id, i.process_template_id, i.agency.region.code[:6], i.promised_days,
              json.dumps(processes[i.process_template_id])) for n, i in enumerate(items)],
        )  # fmt: skip
        cursor.execute(
            """
            INSERT INTO cases_case (number, item_id, process_template_id, agency_id, applicant_id, submitted_by_id,
                channel, idempotency_key, request_digest, form_data, commitment_signed, status, stage_order, process,
                acting_role, due, submitted_at, received_at, acceptance_due, accepted_at, deemed_accepted,
                limit_days, extension_days, paused_days, pause_expected_days, decision_due, due_estimated,
                updated_at)
            SELECT i.region || '-' || to_char(s.at, 'YYYYMMDD') || '-B' || lpad(g::text, 7, '0'), i.id, i.template_id,
                i.agency_id, %(applicant)s, %(user)s, 'web', '', '', '{}', false, s.status,
                CASE WHEN s.status = 'submitted' THEN 1 ELSE 2 END, i.process,
                CASE WHEN s.status = 'submitted' THEN i.process->'stages'->0->>'role'
                     WHEN s.status = 'accepted' THEN coalesce(i.process->'stages'->1->>'role', '') ELSE '' END,
                CASE WHEN s.status = 'submitted' THEN s.at::date + 7
                     WHEN s.status = 'accepted' AND i.process->'stages'->1->>'role' IS NOT NULL
                     THEN s.at::date + 14 END,
                s.at, s.at, s.at::date + 7, CASE WHEN s.status = 'submitted' THEN NULL ELSE s.at END, false,
                i.days, 0, 0, 0, s.at::date + 14, false, now()
            FROM generate_series(%(first)s, %(last)s) g
            JOIN bench_items i ON i.rn = g %% %(items)s
            CROSS JOIN LATERAL (SELECT now() - (random() * interval '3 years') AS at,
                CASE WHEN random() < 0.05 THEN (ARRAY['submitted', 'accepted'])[1 + (g %% 2)]
                     ELSE (ARRAY['approved', 'approved', 'approved', 'approved', 'approved', 'approved',
                                 'approved', 'approved', 'denied', 'withdrawn'])[1 + (g %% 10)] END AS status) s
            """,
            {"applicant": applicant, "user": zhangsan, "first": have, "last": total - 1, "items": len(items)},
        )
        cursor.execute("VACUUM ANALYZE cases_case")  # statistics and visibility map after the bulk load


def login(username: str) -> str:
    """A session cookie for the user, through the real login form."""
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
    conn.request("GET", "/accounts/login/")
    response = conn.getresponse()
    page = response.read().decode()
    csrf_cookie = re.search(r"csrftoken=([^;]+)", response.getheader("Set-Cookie")).group(1)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    body = f"csrfmiddlewaretoken={token}&username={username}&password=Bench-pass-2026"
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": f"csrftoken={csrf_cookie}",
        "Referer": f"http://127.0.0.1:{PORT}/accounts/login/",
    }
    conn.request("POST", "/accounts/login/", body, headers)
    response = conn.getresponse()
    response.read()
    session = re.search(r"sessionid=([^;]+)", response.getheader("Set-Cookie") or "")
    if not session:
        raise RuntimeError(f"login failed for {username}: {response.status}")
    return f"sessionid={session.group(1)}"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--users", type=int, default=16)
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--think", type=float, default=0.0, help="seconds each user waits between requests")
    args = parser.parse_args()
    os.environ.setdefault("ZV_DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench-inbox.sqlite3'}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zerovisit.settings")
    os.environ["ZV_SECURE_COOKIES"] = "false"
    os.environ["ZV_LOGIN_FAILURE_LIMIT"] = "1000"
    import django

    django.setup()
    from django.core.management import call_command

    from zerovisit.accounts.models import User
    from zerovisit.cases.models import Case

    call_command("migrate", verbosity=0)
    if not User.objects.filter(username="zhangsan").exists():
        call_command("load_demo", verbosity=0)
    fill(args.cases)
    call_command("collectstatic", interactive=False, verbosity=0)
    staff = list(User.objects.filter(username__startswith="bench-").values_list("username", flat=True))
    total = Case.objects.count()
    from django.db import connection

    vendor = connection.vendor
    connection.close()

    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "zerovisit.wsgi", "--bind", f"127.0.0.1:{PORT}", "--workers", "2",
         "--threads", "8", "--log-level", "warning"], env=os.environ,
    )  # fmt: skip
    try:
        time.sleep(4)
        paths = ["/api/v1/inbox/?queue=unclaimed", "/api/v1/inbox/?queue=due_soon", "/api/v1/inbox/?queue=overdue",
                 "/api/v1/cases/?page_size=20", "/workbench/?queue=unclaimed"]  # fmt: skip
        timings: dict[str, list[float]] = {p: [] for p in paths}
        failures = []
        stop = time.monotonic() + args.seconds

        def user_session(username):
            try:
                cookie = login(username)
                conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
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
            except Exception as exc:
                failures.append(("session", repr(exc)))

        threads = [threading.Thread(target=user_session, args=(random.Random(i).choice(staff),))
                   for i in range(args.users)]  # fmt: skip
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        server.terminate()
        server.wait()
    every = sorted(t for values in timings.values() for t in values)
    print(f"database: {vendor}  cases: {total}  users: {args.users}  think: {args.think} s  requests: {len(every)}  "
          f"failures: {len(failures)}")  # fmt: skip
    if failures:
        print("first failure:", failures[0])
    print(f"all: p50 {statistics.median(every):.1f} ms  p95 {every[int(len(every) * 0.95)]:.1f} ms  "
          f"{len(every) / args.seconds:.0f} req/s")  # fmt: skip
    for path, values in timings.items():
        values.sort()
        if values:
            print(f"  {path:40} p50 {statistics.median(values):6.1f}  p95 {values[int(len(values) * 0.95)]:6.1f}")


if __name__ == "__main__":
    main()
