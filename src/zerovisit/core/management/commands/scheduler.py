import signal
import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from zerovisit.core import scheduler
from zerovisit.core.workers import DATABASE_ERRORS, Heartbeat, drop_connections, new_worker_id, reconnect_backoff


class Command(BaseCommand):
    help = "Enqueue the periodic jobs when they are due (run one per host, next to `zerovisit worker`)."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="check once and exit (for cron or tests)")
        parser.add_argument("--interval", type=float, default=15, help="seconds between checks")

    def handle(self, once: bool, interval: float, **options):
        if once:
            for name in scheduler.enqueue_due_jobs():
                self.stdout.write(f"enqueued {name}")
            return
        self.stopping = False
        for number in (signal.SIGINT, signal.SIGTERM):
            signal.signal(number, self.stop)
        heartbeat = Heartbeat(new_worker_id(), kind="scheduler")
        backoff = reconnect_backoff(f"scheduler {heartbeat.worker_id}")
        try:
            while not self.stopping:
                try:
                    close_old_connections()
                    heartbeat.beat()
                    for name in scheduler.enqueue_due_jobs():
                        self.stdout.write(f"enqueued {name}")
                    backoff.succeeded()
                    wait = interval
                except DATABASE_ERRORS as exc:
                    drop_connections()
                    wait = backoff.failed(exc)
                self.sleep(wait)
        finally:
            heartbeat.forget()

    def stop(self, *_signal_args):
        self.stopping = True

    def sleep(self, seconds: float):
        """Sleep, waking early when asked to stop."""
        deadline = time.monotonic() + seconds
        while not self.stopping and time.monotonic() < deadline:
            time.sleep(max(0.0, min(0.2, deadline - time.monotonic())))
