"""The thin layer we add to django-tasks (DESIGN.md §2, §6): retries with back-off, and a reaper for tasks left
RUNNING by a worker that died. Periodic jobs are in core.scheduler."""

import datetime
import functools
import logging

from django.utils import timezone
from django_tasks import task
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

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


def reap_stuck_tasks(*, older_than: datetime.timedelta = datetime.timedelta(minutes=30)) -> int:
    """Tasks RUNNING for longer than any of ours takes lost their worker: mark them failed and enqueue them again
    (every task here is idempotent). Returns how many were reaped."""
    cutoff = timezone.now() - older_than
    reaped = 0
    for result in DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING, started_at__lt=cutoff):
        updated = DBTaskResult.objects.filter(pk=result.pk, status=TaskResultStatus.RUNNING).update(
            status=TaskResultStatus.FAILED,
            finished_at=timezone.now(),
            exception_class_path="zerovisit.core.tasks.WorkerLost",
            traceback=f"reaped: RUNNING since {result.started_at.isoformat()}, its worker is gone",
        )
        if updated:
            args_kwargs = result.args_kwargs
            result.task.enqueue(*args_kwargs["args"], **args_kwargs["kwargs"])
            reaped += 1
    if reaped:
        log.warning("re-enqueued %s tasks left running by lost workers", reaped)
    return reaped
