import time

from django.core.management.base import BaseCommand

from zerovisit.core import scheduler


class Command(BaseCommand):
    help = "Enqueue the periodic jobs when they are due (run one per host, next to db_worker)."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="check once and exit (for cron or tests)")
        parser.add_argument("--interval", type=int, default=15, help="seconds between checks")

    def handle(self, once: bool, interval: int, **options):
        while True:
            for name in scheduler.enqueue_due_jobs():
                self.stdout.write(f"enqueued {name}")
            if once:
                return
            time.sleep(interval)
