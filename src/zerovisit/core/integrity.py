"""What `zerovisit verify_audit` and the periodic audit jobs run (core.scheduler): the checks of core.audit, a
signed checkpoint when they pass, and an alert to the security administrators when they do not."""

import logging

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from . import audit

log = logging.getLogger(__name__)

SECURITY_ADMIN = "security_admin"  # accounts.models.Role.SECURITY_ADMIN: the core names no other app's models
AUDITOR = "auditor"  # accounts.models.Role.AUDITOR


def quick_check() -> audit.Report:
    """What a checkpoint must not be written over: the checkpoints themselves and the tables they counted, and
    the audit log's keyed head against them. Counts, not hashes: cheap enough to run every hour."""
    report = audit.Report()
    audit.verify_checkpoints(report)
    audit.verify_head(report)
    return report


def verify_and_alert(*, chunk_size: int = 2000) -> audit.Report:
    """The daily job: check everything; sign a checkpoint when it is intact, alert when it is not. Either way the
    check itself is recorded in the audit log."""
    report = audit.check_all(chunk_size=chunk_size)
    _conclude(report, "audit.verify")
    return report


def checkpoint_and_alert() -> audit.Report:
    """The hourly job: a checkpoint, after the quick check (a failing one alerts instead)."""
    report = quick_check()
    _conclude(report, "audit.checkpoint")
    return report


def _conclude(report: audit.Report, action: str) -> None:
    with transaction.atomic():
        audit.record(
            actor=None,
            action=action,
            result="ok" if report.intact else "failed",
            detail={
                "checked": report.checked,
                "problems": len(report.breaks),
                "first": [{"chain": b.chain, "code": b.code, "pk": b.pk} for b in report.breaks[:20]],
            },
        )
        if report.intact:
            audit.write_checkpoint()
        else:
            alert(report)


def alert(report: audit.Report) -> int:
    """An in-app message to every active security and audit administrator (or, where there is none, to the
    superusers, so that the alert reaches someone) saying what failed; and an error in the log. Returns how many
    were told."""
    from zerovisit.notify.services import notify

    for found in report.breaks:
        log.error("audit verification failed: [%s] %s", found.code, found)
    users = get_user_model().objects.filter(is_active=True)
    admins = users.filter(roles__role__in=[SECURITY_ADMIN, AUDITOR])
    recipients = list(admins.values_list("pk", flat=True).distinct())
    recipients = recipients or list(users.filter(is_superuser=True).values_list("pk", flat=True))
    values = {
        "count": len(report.breaks),
        "first": str(report.breaks[0]),
        "when": timezone.localtime().strftime("%Y-%m-%d %H:%M"),
    }
    for user_id in recipients:
        notify(user_id=user_id, event="security.audit_failed", values=values)
    return len(recipients)
