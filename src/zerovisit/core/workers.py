"""Background processes that outlive faults: heartbeats, reconnection with back-off, and the worker of
`zerovisit worker` (django-tasks-db's worker with both).

A worker records a heartbeat (core.models.WorkerHeartbeat) under the same id it writes into the
`worker_ids` of each task it claims, so the reaper (core.tasks.reap_stuck_tasks) can tell the tasks of a dead
worker from those of a live one running a long task. A lost database connection is closed and opened again after
a back-off (1 s doubling to 30 s) instead of ending the process.
"""

import contextlib
import logging
import os
import signal
import socket
import threading
import time

from django.conf import settings
from django.db import InterfaceError, OperationalError, close_old_connections, connections
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker as DatabaseWorker

from .backoff import Backoff
from .models import WorkerHeartbeat
from .tasks import reap_if_a_worker_was_lost, reap_stuck_tasks, requeue_tasks_of_worker

log = logging.getLogger("zerovisit.core.workers")

# What a lost, restarting or unreachable database raises (psycopg's errors and SQLite's arrive as these).
DATABASE_ERRORS = (OperationalError, InterfaceError)


def new_worker_id() -> str:
    """Unique across hosts and restarts, and readable in the admin (host, pid, random part); at most 64 chars."""
    return f"{socket.gethostname()[:40]}-{os.getpid()}-{get_random_string(8)}"


def drop_connections() -> None:
    """Close this thread's database connections after an error, so that the next query connects afresh."""
    for connection in connections.all(initialized_only=True):
        try:
            connection.close()
        except Exception:  # a broken connection may fail to close; it is dropped all the same
            log.debug("closing a broken connection failed", exc_info=True)


def reconnect_backoff(what: str) -> Backoff:
    return Backoff(first=1.0, maximum=30.0, log=log, what=what)


class Heartbeat:
    """The row that tells other processes this one is alive. `beat()` writes it once; `start()` keeps it fresh
    from a thread of its own (with its own connection), so that a worker running a long task is still seen alive,
    calling `after_beat()` after each beat; `forget()` deletes it on a clean shutdown."""

    def __init__(self, worker_id: str, *, kind: str, every: float | None = None, after_beat=None):
        self.worker_id, self.kind, self.after_beat = worker_id, kind, after_beat
        self.every = every if every is not None else settings.WORKER_HEARTBEAT_SECONDS
        self.started_at = timezone.now()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def beat(self) -> None:
        # The database's clock, not this host's: the reaper on another host compares it with the same clock.
        if not WorkerHeartbeat.objects.filter(pk=self.worker_id).update(beat_at=Now()):
            row = {"kind": self.kind, "host": socket.gethostname()[:255], "pid": os.getpid(),
                   "started_at": self.started_at, "beat_at": Now()}  # fmt: skip
            WorkerHeartbeat.objects.update_or_create(worker_id=self.worker_id, defaults={"beat_at": Now()},
                                                     create_defaults=row)  # fmt: skip

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._keep_beating, name=f"heartbeat-{self.worker_id}",
                                            daemon=True)  # fmt: skip
            self._thread.start()

    def _keep_beating(self) -> None:
        # The next beat is due anyway: the back-off only keeps an outage to two lines in the log.
        backoff = Backoff(first=self.every, maximum=self.every, log=log, what=f"the heartbeat of {self.worker_id}")
        try:
            while not self._stop.wait(self.every):
                try:
                    close_old_connections()
                    self.beat()
                    backoff.succeeded()
                    if self.after_beat:
                        self.after_beat()
                except DATABASE_ERRORS as exc:
                    drop_connections()
                    backoff.failed(exc)
                except Exception:
                    # Whatever else goes wrong, the beating goes on: a silent heartbeat would get our tasks reaped.
                    log.exception("after the heartbeat of %s", self.worker_id)
        finally:
            connections.close_all()

    def forget(self) -> None:
        """Stop beating and delete the row (a process that stopped cleanly left no task behind)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=self.every + 5)
        try:
            WorkerHeartbeat.objects.filter(pk=self.worker_id).delete()
        except DATABASE_ERRORS as exc:
            # The row ages out: its tasks, if any, are reaped as a lost worker's, the row itself after a day.
            log.warning("could not delete the heartbeat of %s %s: %s", self.kind, self.worker_id, exc)


class Worker(DatabaseWorker):
    """django-tasks-db's worker loop, run under a heartbeat and restarted after a database fault.

    On start, and whenever another worker's heartbeat went silent, it reaps the tasks of lost workers. When the
    database fails, the loop's connection is closed and, after a back-off, opened again; any task this worker had
    claimed and whose outcome could not be recorded (the fault struck while it ran) is then failed and enqueued
    again, since no one else will: this worker's heartbeat is still fresh. The same happens on the way out, for a
    task claimed just before a stop signal.
    """

    def run(self) -> None:
        # Every worker watches the others' heartbeats as it beats: a lost one's tasks run again within a minute.
        heartbeat = Heartbeat(self.worker_id, kind="worker", after_beat=reap_if_a_worker_was_lost)
        backoff = reconnect_backoff(f"worker {self.worker_id}")
        first = True
        try:
            while self.running:
                try:
                    close_old_connections()
                    # Beat before claiming anything, so that no task of ours is ever seen without a heartbeat.
                    heartbeat.beat()
                    if first:
                        reap_stuck_tasks()
                    elif backoff.failing:
                        requeue_tasks_of_worker(self.worker_id)
                    backoff.succeeded()
                    heartbeat.start()
                    first = False
                    super().run()
                    return
                except DATABASE_ERRORS as exc:
                    self.startup_delay = False
                    drop_connections()
                    # A signal during this sleep ends the process (DatabaseWorker.shutdown), as in its own sleep.
                    time.sleep(backoff.failed(exc))
        finally:
            # No task runs any more: one still RUNNING under our id was claimed and then cut short.
            with contextlib.suppress(*DATABASE_ERRORS):
                requeue_tasks_of_worker(self.worker_id)
            heartbeat.forget()

    def shutdown(self, signum: int, frame) -> None:
        if not self.running and self.running_task:
            # A second signal: stop at once, but as a killed worker does, leaving the task RUNNING and the
            # heartbeat to go stale, so the task runs again elsewhere; the base class would fail it for good.
            log.warning("%s again: leaving the current task to be run again by another worker",
                        signal.strsignal(signum))  # fmt: skip
            os._exit(1)
        super().shutdown(signum, frame)
