from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from tqdm import tqdm

from zerovisit.accounts.models import User
from zerovisit.catalog import listfile, services


class Command(BaseCommand):
    help = "Import an implementation list (XLSX or CSV, docs/catalogue-format.md): all rows or none."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--draft", action="store_true", help="keep changed items as drafts")
        parser.add_argument("--dry-run", action="store_true", help="validate and report, write nothing")
        parser.add_argument("--as", dest="username", help="import with this editor's rights (default: system)")

    def handle(self, file: Path, draft: bool, dry_run: bool, username: str | None, **options):
        actor = None
        if username:
            actor = User.objects.filter(username=username, is_active=True).first()
            if actor is None:
                raise CommandError(f"No active user {username!r}.")
        if not file.is_file():
            raise CommandError(f"{file}: no such file.")
        if file.stat().st_size > settings.MAX_IMPORT_FILE_BYTES:
            raise CommandError(f"{file}: larger than {settings.MAX_IMPORT_FILE_BYTES} bytes.")
        try:
            rows = listfile.read_rows(file.read_bytes(), file.name)
        except listfile.FileFormatError as exc:
            raise CommandError(f"{file}: {exc}") from exc
        with tqdm(total=len(rows), desc="校验", unit="行", disable=options["verbosity"] == 0) as bar:
            report = services.catalogue_import(
                actor=actor, rows=rows, publish=not draft, dry_run=dry_run, progress=bar.update
            )
        if not report.ok:
            for line in report.lines():
                self.stderr.write(line)
            raise CommandError(
                _("%(problems)s problems in %(rows)s rows; nothing was written.")
                % {"problems": len(report.problems), "rows": len({p[0] for p in report.problems})}
            )
        summary = _("%(total)s rows: %(created)s new, %(updated)s changed, %(unchanged)s unchanged.") % {
            "total": report.total,
            "created": report.created,
            "updated": report.updated,
            "unchanged": report.unchanged,
        }
        self.stdout.write(summary + (" " + _("(Checked only; nothing was written.)") if dry_run else ""))
