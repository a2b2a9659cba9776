"""The case list API under load: what the case list's performance is judged by (DESIGN.md §5).

    python bench/caselist.py --cases 2000 --duration 2                  # SQLite, in ZV_DATA_DIR
    createdb -h 127.0.0.1 -U postgres zv_bench_caselist_100k
    ZV_DATABASE_URL=postgres://postgres@127.0.0.1:5432/zv_bench_caselist_100k python bench/caselist.py --cases 100000

The database is topped up to `--cases` cases (casefill: the demo's items, three years, mostly concluded). gunicorn
serves it as in production (2 workers × 4 threads) and wrk (2 threads) asks, for `--duration` seconds at each of
`--connections`, as each caller:

    staff          an acceptor of the agency with the most cases, logged in through the form: GET /api/v1/cases/
    staff-100      the same, ?page_size=100
    city           a regional supervisor of the city's approval bureau, who sees every agency's cases in the city
    city-filtered  the same, ?status=approved&channel=web
    token          the staff acceptor with a DRF token (Authorization: Token …)
    detail         the staff acceptor, GET /api/v1/cases/<number>/ over 200 numbers of their agency

Pages are of 20 with the exact count unless said otherwise. Each line gives req/s, p50, p95 and p99, the answers
other than 2xx (any makes the run fail), queries per request (counted once in-process, for the same request as the
same user) and how many cases the caller's list has. `--profile` runs the requests in-process under pyinstrument
instead, and prints where the time goes. Budget: ≥ 150 req/s and p95 ≤ 150 ms at 100,000 cases with 16
connections, for staff, city and token alike.
"""

import argparse
import json
import os
import subprocess
import sys
from dataclasses import dataclass

import casefill
import harness

DETAIL_NUMBERS = 200
# Per wrk thread: a random path of the list when there are several; at the end one line for the bench to read
# (times in microseconds; non-2xx/3xx answers; socket errors).
WRK_SCRIPT = """
local paths = %(paths)s
if #paths > 1 then
  request = function() return wrk.format(nil, paths[math.random(#paths)]) end
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %%f %%f %%f %%f %%f %%f %%f\\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), e.status,
    e.connect + e.read + e.write + e.timeout))
end
"""


@dataclass
class Caller:
    name: str
    user: object
    paths: list[str]
    token: bool = False  # a DRF token instead of a session cookie


def callers() -> dict[str, Caller]:
    """The callers, their users made if need be: the staff acceptor at the agency with the most cases, the city's
    regional supervisor at the approval bureau of the city (the demo's 徐州市行政审批局)."""
    from django.db.models import Count

    from zerovisit.accounts.models import Role
    from zerovisit.cases.models import Case
    from zerovisit.org.models import Agency, AgencyKind, Level

    busiest = Case.objects.values("agency_id").annotate(n=Count("id")).order_by("-n")[0]["agency_id"]
    agency = Agency.objects.get(pk=busiest)
    staff = harness.staff_user("bench-staff", agency, [Role.ACCEPTOR])
    city_bureau = Agency.objects.get(region__level=Level.CITY, kind=AgencyKind.APPROVAL_BUREAU)
    city = harness.staff_user("bench-city", city_bureau, ["region_supervisor"])
    numbers = Case.objects.filter(agency=agency).order_by("?").values_list("number", flat=True)[:DETAIL_NUMBERS]
    return {
        "staff": Caller("staff", staff, ["/api/v1/cases/"]),
        "staff-100": Caller("staff-100", staff, ["/api/v1/cases/?page_size=100"]),
        "city": Caller("city", city, ["/api/v1/cases/"]),
        "city-filtered": Caller("city-filtered", city, ["/api/v1/cases/?status=approved&channel=web"]),
        "token": Caller("token", staff, ["/api/v1/cases/"], token=True),
        "detail": Caller("detail", staff, [f"/api/v1/cases/{number}/" for number in numbers]),
    }


def token_header(user) -> str:
    from rest_framework.authtoken.models import Token

    return f"Token {Token.objects.get_or_create(user=user)[0].key}"


def client_for(caller: Caller):
    """A django.test.Client signed in as the caller, and the headers of its requests."""
    from django.test import Client

    if caller.token:
        return Client(), {"HTTP_AUTHORIZATION": token_header(caller.user)}
    return harness.signed_in_client(caller.user), {}


def checked_answer(caller: Caller, path: str, response) -> str:
    """How many cases the list has ("-" for a case's details); raises unless the answer is well-formed."""
    if response.status_code != 200:
        raise AssertionError(f"{caller.name}: {path} answered {response.status_code}: {response.content[:300]}")
    body = json.loads(response.content)
    if caller.name == "detail":
        if body["number"] != path.rstrip("/").rsplit("/", 1)[1]:
            raise AssertionError(f"detail: {path} showed case {body['number']}")
        return "-"
    page_size = 100 if "page_size=100" in path else 20
    if body["count"] == 0 or len(body["results"]) != min(page_size, body["count"]):
        raise AssertionError(f"{caller.name}: {path} listed {len(body['results'])} of {body['count']} cases")
    return str(body["count"])


def in_process(caller: Caller) -> tuple[int, str]:
    """Queries per request, counted for the second request (the first warms what a worker keeps), and what the
    answer says."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client, headers = client_for(caller)
    path = caller.paths[0]
    client.get(path, **headers)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, **headers)
    return len(captured), checked_answer(caller, path, response)


def profile(caller: Caller, requests: int, lines: int) -> None:
    """The caller's requests in-process under pyinstrument: the functions that take the most time themselves, then
    the top of the call tree."""
    from pyinstrument import Profiler

    client, headers = client_for(caller)
    client.get(caller.paths[0], **headers)
    profiler = Profiler(interval=0.0002)
    with profiler:
        for n in range(requests):
            client.get(caller.paths[n % len(caller.paths)], **headers)
    print(f"\n=== {caller.name}: {requests} requests, {profiler.last_session.duration / requests * 1000:.1f} ms each")
    for flat in (True, False):
        text = profiler.output_text(unicode=True, flat=flat, time="percent_of_total").splitlines()
        body = text[next(n for n, line in enumerate(text) if line.startswith("Profile at")) + 2 :]  # no banner
        print("\n".join(body[: lines // 3 if flat else lines]), "\n")


def wrk(port: int, caller: Caller, auth: str, connections: int, duration: int) -> dict:
    """One wrk run: req/s, p50/p95/p99 in ms, non-2xx answers and socket errors."""
    script = harness.data_dir() / f"bench-caselist-{os.getpid()}.lua"
    script.write_text(WRK_SCRIPT % {"paths": "{" + ", ".join(json.dumps(p) for p in caller.paths) + "}"})
    header = f"Authorization: {auth}" if caller.token else f"Cookie: {auth}"
    command = ["wrk", "--threads", str(min(2, connections)), "--connections", str(connections),
               "--duration", f"{duration}s", "--timeout", "10s", "--script", str(script), "--header", header,
               f"http://127.0.0.1:{port}{caller.paths[0]}"]  # fmt: skip
    run = subprocess.run(command, capture_output=True, text=True)
    script.unlink()
    if run.returncode:
        raise RuntimeError(f"wrk failed: {run.stderr or run.stdout}")
    line = next(line for line in run.stdout.splitlines() if line.startswith("RESULT "))
    requests, elapsed, p50, p95, p99, status, socket = (float(v) for v in line.split()[1:])
    return {"rps": requests / elapsed * 1e6, "p50": p50 / 1000, "p95": p95 / 1000, "p99": p99 / 1000,
            "non2xx": int(status), "socket": int(socket)}  # fmt: skip


def over_http(chosen: list[Caller], measured: dict, connections: list[int], duration: int) -> list[str]:
    """Each caller under wrk at each number of connections, a line each; returns the runs that had errors."""
    failures, sessions = [], {}
    print(f"{'caller':14} {'conns':>5} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'non-2xx':>8} "
          f"{'queries':>7} {'cases':>9}")  # fmt: skip
    with harness.serve() as port:
        for caller in chosen:
            if caller.token:
                auth = token_header(caller.user)
            else:
                if caller.user.username not in sessions:
                    sessions[caller.user.username] = harness.login(port, caller.user.username)
                auth = sessions[caller.user.username]
            queries, cases = measured[caller.name]
            for n in connections:
                r = wrk(port, caller, auth, n, duration)
                print(f"{caller.name:14} {n:5} {r['rps']:8.1f} {r['p50']:8.1f} {r['p95']:8.1f} {r['p99']:8.1f} "
                      f"{r['non2xx']:8} {queries:7} {cases:>9}", flush=True)  # fmt: skip
                if r["non2xx"] or r["socket"]:
                    failures.append(f"{caller.name} × {n}: {r['non2xx']} non-2xx answers, {r['socket']} socket errors")
    return failures


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--callers", default="staff,staff-100,city,city-filtered,token,detail")
    parser.add_argument("--connections", default="1,16")
    parser.add_argument("--duration", type=int, default=30, help="seconds per caller and number of connections")
    parser.add_argument("--profile", action="store_true", help="profile the requests in-process instead")
    parser.add_argument("--profile-requests", type=int, default=300)
    parser.add_argument("--profile-lines", type=int, default=60)
    args = parser.parse_args()
    os.environ["ZV_SECURE_COOKIES"] = "false"  # the session cookie over plain HTTP
    os.environ["ZV_DEBUG"] = "false"
    harness.setup("bench-caselist.sqlite3")
    from django.core.management import call_command
    from django.db import connection

    from zerovisit.accounts.models import User
    from zerovisit.cases.models import Case

    call_command("migrate", verbosity=0)
    if not User.objects.filter(username="zhangsan").exists():
        call_command("load_demo", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # the login page links its stylesheet
    added = casefill.fill(args.cases)
    casefill.check()
    everyone = callers()
    chosen = [everyone[name] for name in args.callers.split(",")]
    print(harness.machine())
    print(f"cases: {Case.objects.count():,} (added {added:,}); staff agency: {everyone['staff'].user.agency}; "
          f"city: {everyone['city'].user.agency}")  # fmt: skip
    if args.profile:
        for caller in chosen:
            profile(caller, args.profile_requests, args.profile_lines)
        return
    measured = {caller.name: in_process(caller) for caller in chosen}
    connection.close()

    failures = over_http(chosen, measured, [int(c) for c in args.connections.split(",")], args.duration)
    if failures:
        print("\n!!! FAILED: the run had errors; its figures measure nothing:", *failures, sep="\n!!! ")
        sys.exit(1)


if __name__ == "__main__":
    main()
