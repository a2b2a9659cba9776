from django.core.management.base import BaseCommand, CommandError

from zerovisit.core import audit, integrity


class Command(BaseCommand):
    help = (
        "Verify the audit log, every case's history and state, and the signed checkpoints (docs/security.md). "
        "Exits non-zero, with a report of the first break in each chain, when anything was tampered with."
    )
    requires_system_checks = []  # an integrity check runs whatever else is misconfigured

    def add_arguments(self, parser):
        parser.add_argument("--checkpoint", action="store_true", help="sign a checkpoint when everything is intact")
        parser.add_argument(
            "--alert", action="store_true", help="as the daily job: record the check, alert the security administrators"
        )
        parser.add_argument("--chunk-size", type=int, default=2000, help="rows read from the database at a time")

    def handle(self, checkpoint: bool, alert: bool, chunk_size: int, **options):
        if alert:
            report = integrity.verify_and_alert(chunk_size=chunk_size)  # signs a checkpoint itself when intact
        else:
            report = audit.check_all(chunk_size=chunk_size)
            if checkpoint and report.intact:
                audit.write_checkpoint()
        for what, count in report.checked.items():
            self.stdout.write(f"checked {what}: {count}")
        if report.intact:
            self.stdout.write(self.style.SUCCESS("intact"))
            return
        for found in report.breaks:
            self.stdout.write(self.style.ERROR(f"BROKEN [{found.code}] {found}"))
        raise CommandError(f"{len(report.breaks)} chain(s) broken: the audit records were tampered with.")
