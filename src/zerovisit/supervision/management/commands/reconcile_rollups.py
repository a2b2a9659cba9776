import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from zerovisit.supervision import services


def day(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"not a day (YYYY-MM-DD): {value!r}") from None


class Command(BaseCommand):
    help = (
        "Count the supervision roll-ups of a period again from the cases and compare (default: the last 365 days); "
        "with --rebuild, write them again. Without it, exits non-zero when it finds a difference."
    )

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="start", type=day, help="first day (YYYY-MM-DD)")
        parser.add_argument("--to", dest="end", type=day, help="last day (YYYY-MM-DD), default today")
        parser.add_argument("--rebuild", action="store_true", help="write the period's roll-ups again from the cases")

    def handle(self, start, end, rebuild: bool, **options):
        end = end or timezone.localdate()
        start = start or end - datetime.timedelta(days=364)
        if start > end:
            raise CommandError("--from is after --to")
        if rebuild:
            rows = services.rebuild_rollups(start, end)
            self.stdout.write(self.style.SUCCESS(f"roll-ups of {start}…{end} rebuilt: {rows} daily rows"))
            return
        differences = services.rollup_differences(start, end)
        for table, (period, agency, item, channel), have, want in differences:
            self.stdout.write(f"{table} {period} agency {agency} item {item} {channel}: roll-up {have}, cases {want}")
        if differences:
            raise CommandError(f"{len(differences)} roll-up row(s) differ; `--rebuild` counts the period again.")
        self.stdout.write(self.style.SUCCESS(f"the roll-ups of {start}…{end} match the cases"))
