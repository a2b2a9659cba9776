"""zerovisit sweep_files [--delete] [--older-than-hours N]

Files in private storage that no row names (orphans: left by a crash between storing a file and committing its
row, or by a deleted row), and, reported apart, rows whose file is missing. By default it only lists. `--delete`
removes the orphans older than the grace period: a younger file may belong to a transaction still open.
"""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from zerovisit.core.storage import private_file_fields, private_storage


def stored_files(storage, folder: str = ""):
    """Every file name in the storage, walking its folders."""
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:  # nothing stored yet: the private root is made with the first file
        return
    for name in files:
        yield f"{folder}/{name}" if folder else name
    for sub in folders:
        yield from stored_files(storage, f"{folder}/{sub}" if folder else sub)


class Command(BaseCommand):
    help = "List (or with --delete remove) private files no row names; list rows whose file is missing."

    def add_arguments(self, parser):
        parser.add_argument("--delete", action="store_true", help="delete the orphans older than the grace period")
        parser.add_argument("--older-than-hours", type=float, default=24.0, metavar="N",
                            help="grace period: younger orphans are kept (default 24)")  # fmt: skip

    def handle(self, *args, delete, older_than_hours, **options):
        if older_than_hours < 0:
            raise CommandError("--older-than-hours cannot be negative.")
        storage = private_storage()
        # Files first, rows second: a file whose row commits in between is then seen as referenced.
        unreferenced = set(stored_files(storage))
        missing = []
        for model, field in private_file_fields():
            rows = model._default_manager.exclude(**{field.name: ""}).values_list("pk", field.name)
            for pk, name in rows.iterator(chunk_size=5000):
                if name in unreferenced:
                    unreferenced.discard(name)
                elif not storage.exists(name):
                    missing.append((model._meta.label, pk, name))

        cutoff = timezone.now() - datetime.timedelta(hours=older_than_hours)
        deleted = 0
        for name in sorted(unreferenced):
            old = storage.get_modified_time(name) < cutoff
            if delete and old:
                storage.delete(name)
                deleted += 1
                self.stdout.write(f"orphan deleted  {name}")
            else:
                note = "" if old else f"  (younger than {older_than_hours:g} h: kept)"
                self.stdout.write(f"orphan  {name}{note}")
        for label, pk, name in missing:
            self.stdout.write(f"missing  {label} #{pk}  {name}")
        self.stdout.write(
            f"{len(unreferenced)} orphan file(s), {deleted} deleted; {len(missing)} row(s) whose file is missing."
        )
