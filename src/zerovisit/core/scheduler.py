"""Periodic jobs. `zerovisit scheduler` enqueues each job when its interval has passed; any number of schedulers
may run (one per host), since a job's row is locked while it is enqueued. Deadlines are rows scanned by these
jobs, not delayed tasks."""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import PeriodicJob


@dataclass(frozen=True)
class Job:
    name: str
    task: str  # dotted path of the task
    every: datetime.timedelta


JOBS = [
    Job("deem-overdue-acceptances", "zerovisit.cases.tasks.deem_overdue_acceptances", datetime.timedelta(minutes=10)),
    Job("lapse-overdue-corrections", "zerovisit.cases.tasks.lapse_overdue_corrections", datetime.timedelta(hours=1)),
    Job("delete-expired-drafts", "zerovisit.cases.tasks.delete_expired_drafts", datetime.timedelta(hours=1)),
    # Workers also reap each other as they beat (core.workers); this catches the rest, e.g. a plain db_worker's.
    Job("reap-stuck-tasks", "zerovisit.core.jobs.reap_stuck_tasks", datetime.timedelta(minutes=1)),
    # The ±1 rows that case writes add to the tally are summed up, so that a count reads a few rows per agency.
    Job("fold-case-tally", "zerovisit.cases.tasks.fold_case_tally", datetime.timedelta(minutes=1)),
    # The cases that changed, worked into the supervision roll-ups that every dashboard reads.
    Job("apply-rollup-queue", "zerovisit.supervision.tasks.apply_rollup_queue", datetime.timedelta(minutes=1)),
    Job("raise-alerts", "zerovisit.supervision.tasks.raise_alerts", datetime.timedelta(minutes=10)),
    # Bad ratings out to the 12345 hotline, and what became of its work orders back; nothing without a hotline.
    Job("push-to-hotline", "zerovisit.feedback.tasks.push_to_hotline", datetime.timedelta(minutes=1)),
    Job("tell-staff-of-new-work", "zerovisit.cases.tasks.tell_staff_of_new_work", datetime.timedelta(minutes=10)),
    Job("ship-approved-results", "zerovisit.delivery.tasks.ship_approved_results", datetime.timedelta(minutes=1)),
    Job("track-shipments", "zerovisit.delivery.tasks.track_shipments", datetime.timedelta(minutes=1)),
    Job("expire-licenses", "zerovisit.licenses.tasks.expire_licenses", datetime.timedelta(hours=1)),
    Job("carry-out-transfers", "zerovisit.catalog.tasks.carry_out_due_transfers", datetime.timedelta(hours=1)),
    Job("verify-audit", "zerovisit.core.jobs.verify_audit", datetime.timedelta(days=1)),
    Job("checkpoint-audit", "zerovisit.core.jobs.checkpoint_audit", datetime.timedelta(hours=1)),
]


def enqueue_due_jobs(now: datetime.datetime | None = None) -> list[str]:
    """Enqueue every job whose interval has passed since it was last enqueued; returns their names."""
    now = now or timezone.now()
    enqueued = []
    for job in JOBS:
        with transaction.atomic():
            row, _ = PeriodicJob.objects.select_for_update().get_or_create(name=job.name)
            if row.last_enqueued_at and row.last_enqueued_at + job.every > now:
                continue
            import_string(job.task).enqueue()
            row.last_enqueued_at = now
            row.save(update_fields=["last_enqueued_at"])
            enqueued.append(job.name)
    return enqueued
