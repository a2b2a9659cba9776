"""Running background tasks inside a test's transaction (the real worker closes connections between tasks)."""

from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult


def run_ready_tasks() -> int:
    """Run every task that is due, as db_worker would, and record its outcome. Returns how many ran."""
    ran = 0
    for row in list(DBTaskResult.objects.ready().order_by("enqueued_at")):
        row.status, row.started_at = TaskResultStatus.RUNNING, timezone.now()
        row.save(update_fields=["status", "started_at"])
        try:
            row.task.call(*row.args_kwargs["args"], **row.args_kwargs["kwargs"])
            row.status = TaskResultStatus.SUCCESSFUL
        except Exception:
            row.status = TaskResultStatus.FAILED
        row.finished_at = timezone.now()
        row.save(update_fields=["status", "finished_at"])
        ran += 1
    return ran
