"""Running background tasks inside a test's transaction (the real worker closes connections between tasks), and
running real worker processes against the test database."""

import os
import subprocess
import sys
import time
from pathlib import Path

import psycopg
from django.conf import settings as django_settings
from django.db import connection
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from psycopg import sql


def run_ready_tasks() -> int:
    """Run every task that is due, as db_worker would, and record its outcome. Returns how many ran."""
    ran = 0
    for row in list(DBTaskResult.objects.ready().order_by("enqueued_at")):
        row.status, row.started_at = TaskResultStatus.RUNNING, timezone.now()
        row.save(update_fields=["status", "started_at"])
        try:
            row.task.call(*row.args_kwargs["args"], **row.args_kwargs["kwargs"])
            row.status = TaskResultStatus.SUCCESSFUL
        except Exception:
            row.status = TaskResultStatus.FAILED
        row.finished_at = timezone.now()
        row.save(update_fields=["status", "finished_at"])
        ran += 1
    return ran


def eventually(check, *, timeout: float = 30.0, every: float = 0.1, what: str = "the condition"):
    """Poll check() until it returns something truthy, and return that; fail after timeout seconds. Tests of real
    processes wait with this, never with a bare sleep, so a busy machine makes them slower, not red."""
    deadline = time.monotonic() + timeout
    while True:
        found = check()
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not happen within {timeout} s")
        time.sleep(every)


def database_url() -> str:
    """The test database, for a process started by a test (it needs a test with transaction=True)."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{Path(db['NAME']).resolve()}"
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def process_env(data_dir, **settings) -> dict[str, str]:
    """The environment of a `zerovisit` command run by a test: the test's database and keys, plus ZV_ settings."""
    return {**os.environ, "ZV_DATABASE_URL": database_url(), "ZV_DATA_DIR": str(data_dir),
            "ZV_DATA_KEYS": ",".join(django_settings.DATA_KEYS), "ZV_LOOKUP_KEY": django_settings.LOOKUP_KEY,
            **{f"ZV_{name}": str(value) for name, value in settings.items()}}  # fmt: skip


class Processes:
    """`zerovisit` commands started by a test, each writing its output to a file in `folder`. The test's fixture
    calls stop_all() at its end, and prints output() so that a failing test shows what the processes said."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.started: list[tuple[str, subprocess.Popen, Path]] = []

    def start(self, name: str, *args: str, env: dict[str, str]) -> subprocess.Popen:
        path = self.folder / f"{name}.log"
        with path.open("ab") as log:
            process = subprocess.Popen([sys.executable, "-m", "zerovisit", *args], env=env, stdout=log,
                                       stderr=subprocess.STDOUT)  # fmt: skip
        self.started.append((name, process, path))
        return process

    def stop_all(self) -> None:
        for _, process, _ in self.started:
            if process.poll() is None:
                process.kill()
                process.wait(timeout=10)

    def output(self) -> str:
        return "\n".join(f"--- {name} (pid {p.pid}, exit {p.returncode}):\n{path.read_text(errors='replace')}"
                         for name, p, path in self.started)  # fmt: skip


def cut_database_connections(*, refuse_for: float = 0.0) -> int:
    """On PostgreSQL, end every other session on the test database, as a restart or a failover of the database
    does; with refuse_for, also refuse new connections for that many seconds, as a restarting server does.
    Returns how many sessions were ended. The test's own connection survives."""
    db = connection.settings_dict
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        own_pid = cursor.fetchone()[0]
    database = sql.Identifier(db["NAME"])
    admin = psycopg.connect(host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432, user=db["USER"],
                            password=db["PASSWORD"] or None, dbname="postgres", autocommit=True)  # fmt: skip
    try:
        if refuse_for:
            admin.execute(sql.SQL("ALTER DATABASE {} ALLOW_CONNECTIONS false").format(database))
        try:
            ended = admin.execute(
                "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity"
                " WHERE datname = %s AND pid <> %s",
                [db["NAME"], own_pid],
            ).fetchone()[0]
            time.sleep(refuse_for)  # the length of the outage, not a wait for something to happen
        finally:
            if refuse_for:
                admin.execute(sql.SQL("ALTER DATABASE {} ALLOW_CONNECTIONS true").format(database))
    finally:
        admin.close()
    return ended


def at_once(work, times: int) -> list:
    """What `work()` returned in each of `times` threads started together (released by one barrier), each with
    its own database connection: the way concurrent requests reach a service."""
    import threading

    from django.db import connections

    barrier, results = threading.Barrier(times), []

    def run():
        try:
            barrier.wait()
            results.append(work())
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results
