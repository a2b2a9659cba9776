"""The reaper: tasks of a worker whose heartbeat stopped run again within a minute; a live worker's are left alone."""

import datetime

import pytest
from django.db import connection
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from zerovisit.accounts.tests.factories import UserFactory
from zerovisit.core import scheduler, tasks
from zerovisit.core.models import WorkerHeartbeat

from .standin_tasks import touch

pytestmark = pytest.mark.django_db


def running_task(*, worker_id: str | None, started_ago: datetime.timedelta, path: str = "/nowhere") -> DBTaskResult:
    result = touch.enqueue(path)
    DBTaskResult.objects.filter(pk=result.id).update(
        status=TaskResultStatus.RUNNING,
        started_at=timezone.now() - started_ago,
        worker_ids=[worker_id] if worker_id else [],
    )
    return DBTaskResult.objects.get(pk=result.id)


def heartbeat(worker_id: str, *, ago: datetime.timedelta, kind: str = "worker") -> WorkerHeartbeat:
    now = timezone.now()
    return WorkerHeartbeat.objects.create(worker_id=worker_id, kind=kind, host="host", pid=1,
                                          started_at=now - ago - ago, beat_at=now - ago)  # fmt: skip


def ready_copies() -> list[DBTaskResult]:
    return list(DBTaskResult.objects.filter(status=TaskResultStatus.READY))


def test_a_task_of_a_live_worker_is_not_reaped_however_long_it_runs():
    heartbeat("alive", ago=datetime.timedelta(seconds=5))
    result = running_task(worker_id="alive", started_ago=datetime.timedelta(hours=2))
    assert tasks.reap_stuck_tasks() == 0
    result.refresh_from_db()
    assert result.status == TaskResultStatus.RUNNING and ready_copies() == []


def test_a_task_of_a_worker_whose_heartbeat_stopped_is_failed_and_run_again(settings):
    settings.WORKER_LOST_AFTER_SECONDS = 45
    heartbeat("killed", ago=datetime.timedelta(seconds=50))
    result = running_task(worker_id="killed", started_ago=datetime.timedelta(seconds=55), path="/tmp/x")
    assert tasks.reap_stuck_tasks() == 1
    result.refresh_from_db()
    assert result.status == TaskResultStatus.FAILED
    assert result.exception_class_path == "zerovisit.core.tasks.WorkerLost"
    [again] = ready_copies()
    assert (again.task_path, again.args_kwargs) == (result.task_path, {"args": ["/tmp/x"], "kwargs": {}})
    assert not WorkerHeartbeat.objects.filter(pk="killed").exists()  # its tasks run again: forgotten
    assert tasks.reap_stuck_tasks() == 0  # once


def test_the_reaper_runs_every_minute():
    [job] = [job for job in scheduler.JOBS if job.name == "reap-stuck-tasks"]
    assert job.every <= datetime.timedelta(minutes=1)


def test_a_task_that_finished_while_the_reaper_looked_is_left_alone():
    heartbeat("slow", ago=datetime.timedelta(minutes=5))
    result = running_task(worker_id="slow", started_ago=datetime.timedelta(minutes=6))
    finished = []

    def finish_just_before_the_reaper_writes(execute, sql, params, many, context):
        if sql.startswith(f'UPDATE "{DBTaskResult._meta.db_table}"') and not finished:
            finished.append(True)
            DBTaskResult.objects.filter(pk=result.pk).update(status=TaskResultStatus.SUCCESSFUL,
                                                             finished_at=timezone.now())  # fmt: skip
        return execute(sql, params, many, context)

    with connection.execute_wrapper(finish_just_before_the_reaper_writes):
        assert tasks.reap_stuck_tasks() == 0
    assert finished
    result.refresh_from_db()
    assert result.status == TaskResultStatus.SUCCESSFUL and ready_copies() == []


def test_a_task_of_a_worker_without_heartbeat_is_reaped_after_half_an_hour():
    recent = running_task(worker_id="plain-db-worker", started_ago=datetime.timedelta(minutes=10))
    old = running_task(worker_id="plain-db-worker", started_ago=datetime.timedelta(minutes=31))
    unknown = running_task(worker_id=None, started_ago=datetime.timedelta(minutes=40))
    assert tasks.reap_stuck_tasks() == 2
    statuses = dict(DBTaskResult.objects.filter(pk__in=[recent.pk, old.pk, unknown.pk]).values_list("pk", "status"))
    assert statuses == {recent.pk: TaskResultStatus.RUNNING, old.pk: TaskResultStatus.FAILED,
                        unknown.pk: TaskResultStatus.FAILED}  # fmt: skip


def test_the_last_claim_decides_whose_task_it_is():
    heartbeat("first", ago=datetime.timedelta(minutes=10))
    heartbeat("second", ago=datetime.timedelta(seconds=1))
    result = running_task(worker_id="first", started_ago=datetime.timedelta(minutes=11))
    DBTaskResult.objects.filter(pk=result.pk).update(worker_ids=["first", "second"])
    assert tasks.reap_stuck_tasks() == 0


def test_heartbeats_older_than_a_day_are_deleted():
    heartbeat("gone", ago=datetime.timedelta(days=1, minutes=1), kind="scheduler")
    heartbeat("recent", ago=datetime.timedelta(hours=23), kind="scheduler")
    tasks.reap_stuck_tasks()
    assert list(WorkerHeartbeat.objects.values_list("worker_id", flat=True)) == ["recent"]


def test_workers_look_for_tasks_to_reap_only_when_a_heartbeat_went_silent(django_assert_num_queries, settings):
    settings.WORKER_LOST_AFTER_SECONDS = 45
    heartbeat("alive", ago=datetime.timedelta(seconds=5))
    running_task(worker_id="alive", started_ago=datetime.timedelta(hours=1))
    with django_assert_num_queries(1):  # what every worker asks at every heartbeat
        assert tasks.reap_if_a_worker_was_lost() == 0
    heartbeat("killed", ago=datetime.timedelta(seconds=50))
    running_task(worker_id="killed", started_ago=datetime.timedelta(minutes=1))
    assert tasks.reap_if_a_worker_was_lost() == 1
    assert list(WorkerHeartbeat.objects.values_list("worker_id", flat=True)) == ["alive"]


def test_a_worker_runs_again_its_own_tasks_whose_outcome_it_could_not_record():
    heartbeat("me", ago=datetime.timedelta(seconds=1))
    heartbeat("other", ago=datetime.timedelta(seconds=1))
    mine = running_task(worker_id="me", started_ago=datetime.timedelta(seconds=3))
    theirs = running_task(worker_id="other", started_ago=datetime.timedelta(seconds=3))
    assert tasks.reap_stuck_tasks() == 0  # both workers are alive
    assert tasks.requeue_tasks_of_worker("me") == 1
    mine.refresh_from_db(), theirs.refresh_from_db()
    assert (mine.status, theirs.status) == (TaskResultStatus.FAILED, TaskResultStatus.RUNNING)
    assert len(ready_copies()) == 1


def test_the_admin_lists_the_background_processes_and_whether_they_are_alive(client):
    heartbeat("alive-worker", ago=datetime.timedelta(seconds=2))
    heartbeat("dead-worker", ago=datetime.timedelta(minutes=5))
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    response = client.get("/admin/core/workerheartbeat/")
    assert response.status_code == 200
    assert {row.worker_id for row in response.context["cl"].result_list} == {"alive-worker", "dead-worker"}
    admin = response.context["cl"].model_admin
    assert admin.alive(WorkerHeartbeat.objects.get(pk="alive-worker"))
    assert not admin.alive(WorkerHeartbeat.objects.get(pk="dead-worker"))
    assert not admin.has_change_permission(response.wsgi_request)
