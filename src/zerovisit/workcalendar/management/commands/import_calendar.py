from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from zerovisit.workcalendar import services


class Command(BaseCommand):
    help = (
        "Load a year's official holiday schedule from a CSV of `date,休|班,name` lines: every day off and every "
        "working weekend of the year. All lines or none."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--notice", default="", help="the State Council notice it comes from")
        parser.add_argument("--replace", action="store_true", help="replace a year loaded before")

    def handle(self, file: Path, notice: str, replace: bool, **options):
        if not file.is_file():
            raise CommandError(f"{file}: no such file.")
        report = services.calendar_import_year(
            actor=None, text=file.read_text(encoding="utf-8"), notice=notice, replace=replace
        )
        if not report.ok:
            for line, problem in report.problems:
                self.stderr.write(f"{file}:{line}: {problem}" if line else f"{file}: {problem}")
            raise CommandError("Nothing was loaded.")
        self.stdout.write(f"{report.year}: {report.days} special days loaded.")
