"""Real `zerovisit worker` and `scheduler` processes against the test database: a killed worker's task runs again
on the next worker, and both outlive a database restart."""

import datetime
import signal

import pytest
from django.db import connection
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from zerovisit.core.models import WorkerHeartbeat

from .helpers import Processes, cut_database_connections, eventually, process_env
from .standin_tasks import hold_first_run, touch

pytestmark = pytest.mark.django_db(transaction=True)

# Heartbeats a few times a second, so a dead worker is known as such within seconds instead of 45.
FAST = {"WORKER_HEARTBEAT_SECONDS": 0.3, "WORKER_LOST_AFTER_SECONDS": 1.5}
WORKER = ("worker", "--no-startup-delay", "--interval", "0.1")


@pytest.fixture
def processes(tmp_path):
    started = Processes(tmp_path)
    yield started
    started.stop_all()
    print(started.output())  # pytest shows it when the test failed


def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("ending the database's sessions from outside needs PostgreSQL")


def stop_cleanly(*processes) -> list[int]:
    for process in processes:
        process.send_signal(signal.SIGTERM)
    return [process.wait(timeout=30) for process in processes]


def test_the_task_of_a_killed_worker_is_run_again_by_the_next_worker(processes, tmp_path):
    env = process_env(tmp_path, **FAST)
    folder = tmp_path / "runs"
    folder.mkdir()
    task_id = hold_first_run.enqueue(str(folder)).id
    first = processes.start("first", *WORKER, "--worker-id", "first-worker", env=env)
    eventually(lambda: list(folder.glob("run-1-*")), what="the first run")
    # The heartbeat is kept under the id the worker wrote into the task's claim.
    assert DBTaskResult.objects.get(pk=task_id).worker_ids == ["first-worker"]
    beat = WorkerHeartbeat.objects.get(pk="first-worker")
    assert (beat.kind, beat.pid) == ("worker", first.pid)

    first.kill()  # SIGKILL in the middle of the task: nothing is recorded
    first.wait(timeout=10)
    lost_after = datetime.timedelta(seconds=FAST["WORKER_LOST_AFTER_SECONDS"])
    eventually(lambda: WorkerHeartbeat.objects.get(pk="first-worker").beat_at < timezone.now() - lost_after,
               what="the heartbeat going stale")  # fmt: skip
    assert DBTaskResult.objects.get(pk=task_id).status == TaskResultStatus.RUNNING

    second = processes.start("second", *WORKER, "--worker-id", "second-worker", env=env)
    done = eventually(lambda: DBTaskResult.objects.filter(task_path=hold_first_run.module_path,
                                                          status=TaskResultStatus.SUCCESSFUL).first(),
                      what="the task run again")  # fmt: skip
    assert done.worker_ids == ["second-worker"] and done.return_value == 2
    original = DBTaskResult.objects.get(pk=task_id)
    assert (original.status, original.exception_class_path) == (TaskResultStatus.FAILED,
                                                                "zerovisit.core.tasks.WorkerLost")  # fmt: skip

    assert stop_cleanly(second) == [0]
    assert not WorkerHeartbeat.objects.filter(pk="second-worker").exists()  # a clean stop leaves no heartbeat


def test_worker_and_scheduler_outlive_a_database_restart(processes, tmp_path):
    postgresql_only()
    env = process_env(tmp_path, **FAST)
    worker = processes.start("worker", *WORKER, "--worker-id", "restart-worker", env=env)
    scheduler = processes.start("scheduler", "scheduler", "--interval", "0.3", env=env)
    eventually(lambda: set(WorkerHeartbeat.objects.values_list("kind", flat=True)) == {"worker", "scheduler"},
               what="both heartbeats")  # fmt: skip

    assert cut_database_connections(refuse_for=1.5) >= 2
    after = timezone.now()
    marker = tmp_path / "done-after-restart"
    touch.using(priority=10).enqueue(str(marker))  # ahead of the periodic jobs the scheduler enqueued
    eventually(marker.exists, what="a task enqueued after the restart being run")
    eventually(lambda: WorkerHeartbeat.objects.filter(kind="scheduler", beat_at__gt=after).exists(),
               what="the scheduler working again")  # fmt: skip
    assert worker.poll() is None and scheduler.poll() is None

    assert stop_cleanly(worker, scheduler) == [0, 0]
    assert not WorkerHeartbeat.objects.exists()
