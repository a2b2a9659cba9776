"""What the benchmarks share: where they write, Django on a database of their own, gunicorn serving as in
production, and staff users who log in through the real form."""

import contextlib
import functools
import http.client
import os
import re
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
PASSWORD = "Bench-pass-2026"


def data_dir() -> Path:
    """ZV_DATA_DIR, with the default settings give it, so that a bench, the server it starts and the settings write
    to one folder and nowhere else."""
    return Path(os.environ.get("ZV_DATA_DIR", str(Path.cwd() / "var"))).absolute()


def setup(sqlite_name: str) -> None:
    """Django on ZV_DATABASE_URL, or else on a SQLite file of the bench's own in the data directory. The data
    directory is pinned in the environment, so that a server started later with another working directory agrees."""
    os.environ["ZV_DATA_DIR"] = str(data_dir())
    os.environ.setdefault("ZV_DATABASE_URL", f"sqlite:///{data_dir() / sqlite_name}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zerovisit.settings")
    import django

    django.setup()


def machine() -> str:
    """What the figures were measured on: the CPU, the database, the load, and the yardstick.

    The benches are bound by the CPU of two cores, and machines sold as the same kind were seen to run the same
    commit up to three times slower than each other; the yardstick lets figures from two machines be compared."""
    from django.db import connection

    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), "unknown CPU")  # fmt: skip
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            database = f"PostgreSQL {cursor.fetchone()[0]}"
    else:
        database = f"SQLite {sqlite3.sqlite_version}"
    load = " ".join(f"{v:.2f}" for v in os.getloadavg())
    return (f"machine: {len(os.sched_getaffinity(0))} CPUs, {cpu}; {database}; load average {load}; "
            f"yardstick {yardstick():.0f} ms")  # fmt: skip


def yardstick() -> float:
    """Milliseconds, best of five, of a fixed piece of plain Python of the kind a request spends its time in
    (small objects, dictionaries, attribute lookups, string formatting). Recorded beside each figure in
    docs/benchmarks.md, so that a figure from another machine is read against its own machine's speed."""

    class Row:
        __slots__ = ("name", "pk", "values")

        def __init__(self, pk, name, values):
            self.pk, self.name, self.values = pk, name, values

    def work():
        rows = [Row(i, f"case-{i:06d}", {"status": "accepted", "days": i % 20}) for i in range(40_000)]
        by_status: dict[str, int] = {}
        for row in rows:
            key = f"{row.values['status']}:{row.values['days']}"
            by_status[key] = by_status.get(key, 0) + len(row.name)
        return sorted(by_status.items())

    best = float("inf")
    for _ in range(5):
        started = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - started)
    return best * 1000


@functools.cache
def password_hash() -> str:
    """PASSWORD hashed once for every bench user: hashing is slow on purpose, and a bench makes dozens of users."""
    from django.contrib.auth.hashers import make_password

    return make_password(PASSWORD)


def staff_user(username: str, agency, roles: list[str]):
    """A member of staff of `agency` holding `roles`, who logs in with PASSWORD; made once, moved to `agency` if
    an earlier run put them elsewhere."""
    from zerovisit.accounts.models import StaffRole, User

    user, created = User.objects.get_or_create(
        username=username, defaults={"agency": agency, "is_staff": True, "password": password_hash()}
    )
    if not created and user.agency_id != agency.pk:
        user.agency = agency
        user.save(update_fields=["agency"])
    for role in roles:
        StaffRole.objects.get_or_create(user=user, role=role)
    return user


def gunicorn_command(port: int) -> list[str]:
    """The demo's production web server (its workers, threads and logger), without the access log."""
    from zerovisit.core.management.commands.demo import processes

    command = processes(port)["web"]
    at = command.index("--access-logfile")
    return [*command[:at], *command[at + 2 :], "--log-level", "warning"]


@contextlib.contextmanager
def serve():
    """gunicorn for the duration of the block; yields its port once it answers. The port is a free one, so that a
    bench never measures a server that another left running on a fixed port."""
    port = free_port()
    server = subprocess.Popen(gunicorn_command(port), env=os.environ)
    try:
        deadline = time.monotonic() + 60
        while not _answers(port):
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not start on port {port}")
            time.sleep(0.2)
        yield port
    finally:
        server.terminate()
        server.wait()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _answers(port: int) -> bool:
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        conn.request("GET", "/accounts/login/")
        return conn.getresponse().status == 200
    except OSError:
        return False


def login(port: int, username: str) -> str:
    """A session cookie (`sessionid=…`) for the user, through the real login form and, for staff, the second
    factor's page."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    csrf_cookie, token = _form(conn, "/accounts/login/", "")
    response = _post(conn, "/accounts/login/", f"csrfmiddlewaretoken={token}&username={username}&password={PASSWORD}",
                     f"csrftoken={csrf_cookie}")  # fmt: skip
    session = re.search(r"sessionid=([^;]+)", response.getheader("Set-Cookie") or "")
    if not session:
        raise RuntimeError(f"login failed for {username}: {response.status}")
    from zerovisit.accounts.models import User
    from zerovisit.accounts.services.second_factor import needs_second_factor

    user = User.objects.get(username=username)
    if needs_second_factor(user):
        cookies = f"csrftoken={csrf_cookie}; sessionid={session.group(1)}"
        code = backup_code(user)  # enrolled first: the page asks an account without a key to enrol
        _csrf, token = _form(conn, "/accounts/2fa/", cookies)
        response = _post(conn, "/accounts/2fa/", f"csrfmiddlewaretoken={token}&token={code}", cookies)
        session = re.search(r"sessionid=([^;]+)", response.getheader("Set-Cookie") or "")
        if response.status != 302 or not session:
            raise RuntimeError(f"the second factor failed for {username}: {response.status}")
    return f"sessionid={session.group(1)}"


def _form(conn, path: str, cookies: str) -> tuple[str, str]:
    """The CSRF cookie (the one sent, or a new one) and the form's token of the page at `path`."""
    conn.request("GET", path, headers={"Cookie": cookies} if cookies else {})
    response = conn.getresponse()
    page = response.read().decode()
    sent = re.search(r"csrftoken=([^;]+)", response.getheader("Set-Cookie") or "") or re.search(
        r"csrftoken=([^;]+)", cookies)  # fmt: skip
    return sent.group(1), re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def _post(conn, path: str, body: str, cookies: str):
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": cookies,
        "Referer": f"http://{conn.host}:{conn.port}{path}",
    }
    conn.request("POST", path, body, headers)
    response = conn.getresponse()
    response.read()
    return response


_BACKUP_CODES: dict[int, list[str]] = {}


def backup_code(user) -> str:
    """An unused backup code of a member of staff, enrolling them at the first: how a bench passes the second
    factor (an authenticator's code works only once in its 30 seconds)."""
    from django_otp.oath import totp

    from zerovisit.accounts.services import second_factor

    if not _BACKUP_CODES.get(user.pk):
        if second_factor.is_enrolled(user):
            _BACKUP_CODES[user.pk] = second_factor.renew_backup_codes(user=user)
        else:
            device = second_factor.pending_authenticator(user)
            code = f"{totp(device.bin_key):06d}"
            _BACKUP_CODES[user.pk] = second_factor.confirm_enrolment(user=user, token=code)[1]
    return _BACKUP_CODES[user.pk].pop()


def signed_in_client(user):
    """A django.test.Client signed in as the user, for staff past the second factor's page."""
    from django.test import Client

    from zerovisit.accounts.services.second_factor import needs_second_factor

    client = Client()
    client.force_login(user)
    if needs_second_factor(user):
        response = client.post("/accounts/2fa/", {"token": backup_code(user)})
        if response.status_code != 302:
            raise RuntimeError(f"the second factor failed for {user.username}: {response.status_code}")
    return client
