"""Every benchmark at a small size, in seconds, so that none can rot: each still runs against today's schema, and
asserts what it can (no failed request, no answer other than 2xx, well-formed answers). Not the budgets: CI
machines differ.

    python bench/smoke.py                                                      # SQLite
    ZV_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python bench/smoke.py   # and PostgreSQL

On SQLite in a fresh temporary data directory; with ZV_DATABASE_URL, then also on a fresh database on that server
(made here, dropped after; the database the URL names is only used to make it). The benchmarks share one database
per run, so the demo is loaded once.
"""

import contextlib
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BENCH = Path(__file__).resolve().parent
RUNS = [
    ["submission.py", "--cases", "200", "--processes", "2"],
    ["bundles.py", "--bundles", "20", "--processes", "2", "--reads", "10"],
    ["licenses.py", "--licenses", "2000", "--requests", "50", "--sign", "2"],
    ["inbox.py", "--cases", "2000", "--seconds", "1", "--users", "4"],
    ["caselist.py", "--cases", "2000", "--duration", "1", "--connections", "4"],
    ["caselist.py", "--cases", "2000", "--profile", "--profile-requests", "20", "--profile-lines", "12",
     "--callers", "staff,city"],
    ["indicators.py", "--cases", "2500", "--changes", "200", "--rounds", "2", "--reconcile"],
    ["search.py", "--items", "500", "--rounds", "2"],  # after the case fills: its catalogue would add items to them
    ["home.py", "--items", "500", "--rounds", "5"],  # on the search bench's catalogue
    ["signin.py", "--accounts", "500", "--requests", "10"],
]  # fmt: skip


def bench(label: str, run: list[str], **env: str) -> None:
    print(f"\n--> {label}: bench/{' '.join(run)}", flush=True)
    started = time.monotonic()
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", **env}  # nothing written in the checkout
    subprocess.run([sys.executable, "-u", str(BENCH / run[0]), *run[1:]], env=env, check=True)
    print(f"    ({time.monotonic() - started:.0f} s)", flush=True)


def run_all(label: str, database_url: str) -> None:
    with tempfile.TemporaryDirectory(prefix="zv-bench-smoke-") as data_dir:
        for run in RUNS:
            bench(label, run, ZV_DATA_DIR=data_dir, ZV_DATABASE_URL=database_url.format(data_dir=data_dir))


@contextlib.contextmanager
def fresh_database(server_url: str):
    """The URL of a new, empty database on the server of `server_url`, dropped when the block ends."""
    import psycopg

    name = f"zv_bench_smoke_{os.getpid()}"
    with psycopg.connect(server_url, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    try:
        yield urlunsplit(urlsplit(server_url)._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(server_url, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE {name} WITH (FORCE)")


def main():
    started = time.monotonic()
    server_url = os.environ.get("ZV_DATABASE_URL")
    bench("no database", ["workcalendar.py"])
    run_all("SQLite", "sqlite:///{data_dir}/bench.sqlite3")
    if server_url:
        with fresh_database(server_url) as url:
            run_all("PostgreSQL", url)
    print(f"\nEvery benchmark ran at a small size in {time.monotonic() - started:.0f} s.")


if __name__ == "__main__":
    main()
