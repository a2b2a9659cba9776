from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from zerovisit.core import audit, keys


class Command(BaseCommand):
    help = (
        "Re-encrypt every stored personal value with the newest key of ZV_DATA_KEYS (the first), in batches, so that "
        'the older keys can be removed (docs/security.md, "Personal data keys"). Idempotent: a value already under '
        "the newest key is left alone, and a run that was stopped is finished by running it again. "
        "The lookup hashes do not change (they have their own key, ZV_LOOKUP_KEY)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=keys.BATCH_SIZE, help="rows read and written at a time")
        parser.add_argument(
            "--check", action="store_true",
            help="change nothing; exit status 1 when a value still needs an older key (before removing one)",
        )  # fmt: skip

    def handle(self, batch_size: int, check: bool, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        totals, report, unreadable = {"rotated": 0, "current": 0, "stale": 0}, {}, 0
        for label, fields in keys.ENCRYPTED_COLUMNS.items():
            for name, counts in keys.rotate_model(label, fields, batch_size=batch_size, check_only=check).items():
                self.stdout.write(
                    f"{label}.{name}: {counts.rotated} re-encrypted, {counts.current} already under the newest key"
                    + (f", {counts.stale} under an older key" if counts.stale else "")
                )
                for what in totals:
                    totals[what] += getattr(counts, what)
                report[f"{label}.{name}"] = {"rotated": counts.rotated, "current": counts.current,
                                             "stale": counts.stale, "unreadable": len(counts.unreadable)}  # fmt: skip
                if counts.unreadable:
                    unreadable += len(counts.unreadable)
                    self.stdout.write(self.style.ERROR(
                        f"  {len(counts.unreadable)} value(s) no configured key decrypts, in rows "
                        + ", ".join(str(pk) for pk in counts.unreadable[:20])
                    ))  # fmt: skip
        cases = keys.stale_case_addresses(batch_size=batch_size)
        self.stdout.write(
            f"cases.Case.delivery_address: left as it is ({keys.LEFT_OUT['cases.Case', 'delivery_address']}); "
            f"{cases.current} under the newest key, {cases.stale} under an older key"
            + (f", {len(cases.unreadable)} that no configured key decrypts" if cases.unreadable else "")
        )
        report["cases.Case.delivery_address"] = {"left_out": True, "current": cases.current, "stale": cases.stale,
                                                 "unreadable": len(cases.unreadable)}  # fmt: skip
        if not check:
            audit.record(actor=None, action="data_keys.rotate", result="ok" if not unreadable else "failed",
                         detail={"keys": len(settings.DATA_KEYS), "columns": report})  # fmt: skip
        self.stdout.write(
            f"{totals['rotated']} value(s) re-encrypted, {totals['current']} already under the newest key"
            + (f", {totals['stale']} still under an older key" if totals["stale"] else "")
        )
        if unreadable:
            raise CommandError(f"{unreadable} value(s) cannot be decrypted with any key of ZV_DATA_KEYS.")
        if totals["stale"] or cases.stale:
            message = (
                "Values still need an older key: keep it in ZV_DATA_KEYS"
                + ("" if check else " and run the command again")
                + (" (the case delivery addresses are not rotated)." if cases.stale else ".")
            )
            if check:
                raise CommandError(message)
            self.stdout.write(self.style.WARNING(message))
        else:
            self.stdout.write(self.style.SUCCESS("Every value is under the newest key: the older keys may go."))
