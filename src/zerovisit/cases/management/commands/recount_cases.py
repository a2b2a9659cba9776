from django.core.management.base import BaseCommand, CommandError

from zerovisit.cases.services import tally


class Command(BaseCommand):
    help = (
        "Check the case tally (the counts of the case lists) against the cases; with --rebuild, count them again. "
        "Without it, exits non-zero when it finds a difference."
    )

    def add_arguments(self, parser):
        parser.add_argument("--rebuild", action="store_true", help="write the tally again from the cases")

    def handle(self, rebuild: bool, **options):
        if rebuild:
            rows = tally.rebuild_case_tally()
            self.stdout.write(self.style.SUCCESS(f"tally rebuilt: {rows} rows"))
            return
        differences = tally.tally_differences()
        for (agency_id, status, channel), (tallied, counted) in sorted(differences.items()):
            self.stdout.write(f"agency {agency_id} {status} {channel}: tally {tallied}, cases {counted}")
        if differences:
            raise CommandError(f"{len(differences)} count(s) differ; `recount_cases --rebuild` counts them again.")
        self.stdout.write(self.style.SUCCESS("the tally matches the cases"))
