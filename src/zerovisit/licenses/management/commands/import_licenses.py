"""Import existing licences: CSV or XLSX (Chinese headers) or JSON lines; all or nothing per batch.

zerovisit import_licenses licences.xlsx
zerovisit import_licenses licences.jsonl --batch-size 5000
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from zerovisit.licenses import importer


class Command(BaseCommand):
    help = "Import licences from CSV, XLSX or JSON lines, each batch written whole or not at all."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--batch-size", type=int, default=importer.BATCH)

    def handle(self, *args, file, batch_size, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        data = path.read_bytes()
        total = data.count(b"\n") if path.suffix.lower() in (".jsonl", ".ndjson", ".csv") else None
        with tqdm(total=total, desc="证照", unit="条", disable=options["verbosity"] == 0) as bar:
            report = importer.import_file(data, path.name, batch_size=batch_size, progress=bar.update)
        for line in report.lines()[:200]:
            self.stderr.write(line)
        if len(report.problems) > 200:
            self.stderr.write(f"… and {len(report.problems) - 200} more problems")
        self.stdout.write(f"Licences: {report.total} read, {report.written} written in {report.batches_written} "
                          f"batches, {report.batches_refused} batches refused.")  # fmt: skip
        if not report.ok:
            raise CommandError("Some batches had problems and were not written (see above).")
