"""The thin layer we add to django-tasks (DESIGN.md §2, §6): retries with back-off, and a reaper for tasks left
RUNNING by a worker that died. Periodic jobs are in core.scheduler, heartbeats and the worker in core.workers."""

import datetime
import functools
import logging

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from django.db.models.functions import Now
from django.utils import timezone
from django_tasks import task
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from .models import WorkerHeartbeat

log = logging.getLogger(__name__)


def retrying_task(*, max_attempts: int = 6, first_delay: int = 30, on_give_up=None, **task_options):
    """A task that, when it raises, enqueues itself again after first_delay, 2×, 4×… seconds, and fails for good
    after max_attempts, calling on_give_up(*args, error=..., **kwargs) first. The task must be idempotent: a
    retry may follow a run that half-happened."""

    def decorate(fn):
        @functools.wraps(fn)
        def run(*args, _attempt: int = 1, **kwargs):
            try:
                return fn(*args, **kwargs)
            except Exception as exc:
                if _attempt >= max_attempts:
                    log.exception("%s failed for good after %s attempts", fn.__name__, _attempt)
                    if on_give_up:
                        on_give_up(*args, error=exc, **kwargs)
                    raise
                delay = datetime.timedelta(seconds=first_delay * 2 ** (_attempt - 1))
                log.warning("%s failed (attempt %s); retrying in %s", fn.__name__, _attempt, delay)
                wrapped.using(run_after=timezone.now() + delay).enqueue(*args, _attempt=_attempt + 1, **kwargs)
                return None

        wrapped = task(**task_options)(run)
        return wrapped

    return decorate


class WorkerLost(Exception):
    """The error recorded on a task whose worker died, or lost the database, while running it."""


def requeue(result: DBTaskResult, reason: str) -> bool:
    """Fail a RUNNING task and enqueue it again (every task here is idempotent), in one transaction and only if it
    is still RUNNING: a task that finished meanwhile, or that another reaper took first, is left alone."""
    try:
        task = result.task
    except (ImportError, SuspiciousOperation):
        task = None  # its code is gone: record the failure, there is nothing to run again
    with transaction.atomic():
        updated = DBTaskResult.objects.filter(pk=result.pk, status=TaskResultStatus.RUNNING).update(
            status=TaskResultStatus.FAILED,
            finished_at=timezone.now(),
            exception_class_path=f"{WorkerLost.__module__}.{WorkerLost.__qualname__}",
            traceback=f"reaped: RUNNING since {result.started_at}, {reason}",
        )
        if updated and task is not None:
            task.enqueue(*result.args_kwargs["args"], **result.args_kwargs["kwargs"])
    return bool(updated)


def claimed_by(result: DBTaskResult) -> str | None:
    """The worker that claimed the task last (django-tasks-db appends one id per claim)."""
    return result.worker_ids[-1] if result.worker_ids else None


def reap_stuck_tasks(
    *,
    older_than: datetime.timedelta = datetime.timedelta(minutes=30),
    lost_after: datetime.timedelta | None = None,
) -> int:
    """Fail and enqueue again the tasks left RUNNING by workers that are gone. Returns how many were reaped.

    A worker that keeps a heartbeat (`zerovisit worker`) is gone once its heartbeat is older than lost_after
    (WORKER_LOST_AFTER_SECONDS); a task of a live worker is never reaped, however long it runs. A task claimed by
    a worker without a heartbeat (a plain `db_worker`, or one whose row was deleted) is taken as lost once it has
    been RUNNING for older_than, longer than any of our tasks takes. The heartbeats of the lost workers are deleted
    then, any other older than a day too."""
    now = timezone.now()
    if lost_after is None:
        lost_after = datetime.timedelta(seconds=settings.WORKER_LOST_AFTER_SECONDS)
    running = list(DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING))
    beats = WorkerHeartbeat.objects.filter(worker_id__in={claimed_by(result) for result in running} - {None})
    known = set(beats.values_list("worker_id", flat=True))
    # Heartbeats are written and judged by the database's clock, the one clock that every host shares.
    silent = dict(beats.filter(beat_at__lt=Now() - lost_after).values_list("worker_id", "beat_at"))
    reaped = 0
    for result in running:
        worker = claimed_by(result)
        if worker in known:
            lost, reason = worker in silent, f"its worker's last heartbeat was at {silent.get(worker)}"
        else:
            started = result.started_at or result.enqueued_at
            lost, reason = started < now - older_than, "its worker is gone"
        if lost and requeue(result, reason):
            reaped += 1
    # The silent workers' tasks are running again: forget them (one that was only cut off writes its row anew).
    WorkerHeartbeat.objects.filter(kind="worker", beat_at__lt=Now() - lost_after).delete()
    WorkerHeartbeat.objects.filter(beat_at__lt=Now() - datetime.timedelta(days=1)).delete()
    if reaped:
        log.warning("re-enqueued %s tasks left running by lost workers", reaped)
    return reaped


def reap_if_a_worker_was_lost() -> int:
    """Reap when some worker's heartbeat went silent, else do nothing: one small indexed query, cheap enough for
    every worker to call at every heartbeat, so a lost worker's tasks run again within a minute."""
    lost_after = datetime.timedelta(seconds=settings.WORKER_LOST_AFTER_SECONDS)
    if WorkerHeartbeat.objects.filter(kind="worker", beat_at__lt=Now() - lost_after).exists():
        return reap_stuck_tasks(lost_after=lost_after)
    return 0


def requeue_tasks_of_worker(worker_id: str) -> int:
    """Fail and enqueue again the tasks this worker claimed and still shows RUNNING: called by the worker itself
    when it is between tasks, after a database fault kept it from recording how a task ended."""
    reaped = 0
    for result in DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING):
        if claimed_by(result) == worker_id and requeue(result, "its worker lost the database while it ran"):
            reaped += 1
    if reaped:
        log.warning("re-enqueued %s tasks whose outcome worker %s could not record", reaped, worker_id)
    return reaped
