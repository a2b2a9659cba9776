"""The thin layer over django-tasks: periodic jobs enqueued once per interval, stuck tasks reaped."""

import datetime

import pytest
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from zerovisit.core import scheduler, tasks
from zerovisit.core.jobs import reap_stuck_tasks


@pytest.mark.django_db
def test_each_periodic_job_is_enqueued_once_per_interval():
    now = timezone.now()
    assert set(scheduler.enqueue_due_jobs(now)) == {job.name for job in scheduler.JOBS}
    assert scheduler.enqueue_due_jobs(now + datetime.timedelta(seconds=30)) == []
    later = now + datetime.timedelta(minutes=6)
    due = [job.name for job in scheduler.JOBS if job.every <= datetime.timedelta(minutes=6)]
    assert "reap-stuck-tasks" in due and "expire-licenses" not in due
    assert scheduler.enqueue_due_jobs(later) == due
    assert DBTaskResult.objects.count() == len(scheduler.JOBS) + len(due)


@pytest.mark.django_db
def test_a_task_left_running_by_a_dead_worker_is_failed_and_enqueued_again():
    result = reap_stuck_tasks.enqueue()
    DBTaskResult.objects.filter(pk=result.id).update(
        status=TaskResultStatus.RUNNING, started_at=timezone.now() - datetime.timedelta(hours=1)
    )
    assert tasks.reap_stuck_tasks() == 1
    assert DBTaskResult.objects.get(pk=result.id).status == TaskResultStatus.FAILED
    assert DBTaskResult.objects.filter(status=TaskResultStatus.READY).count() == 1
    assert tasks.reap_stuck_tasks() == 0
