"""The worker of `zerovisit worker`, run in the test's process: what it does on start, after a database error and
on the way out."""

import datetime
import signal
import threading

import pytest
from django.db import OperationalError, connections
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from zerovisit.core import workers
from zerovisit.core.backoff import Backoff
from zerovisit.core.models import WorkerHeartbeat

from .helpers import eventually
from .standin_tasks import record_run

pytestmark = pytest.mark.django_db(transaction=True)


def batch_worker(worker_id: str) -> workers.Worker:
    """A worker that runs what is ready, then returns (db_worker --batch)."""
    options = {"queue_names": ["default"], "excluded_queue_names": [], "backend_name": "default", "max_tasks": None}
    return workers.Worker(interval=0, batch=True, startup_delay=False, worker_id=worker_id, **options)


def claimed(result_id, worker_id: str, *, ago: datetime.timedelta = datetime.timedelta(0)) -> None:
    DBTaskResult.objects.filter(pk=result_id).update(status=TaskResultStatus.RUNNING, worker_ids=[worker_id],
                                                     started_at=timezone.now() - ago)  # fmt: skip


def runs(folder) -> int:
    return len(list(folder.glob("run-*")))


def test_a_worker_starting_runs_again_the_task_of_a_dead_worker_and_leaves_no_heartbeat_behind(tmp_path):
    now = timezone.now()
    WorkerHeartbeat.objects.create(worker_id="dead", started_at=now, beat_at=now - datetime.timedelta(minutes=5))
    original = record_run.enqueue(str(tmp_path)).id
    claimed(original, "dead", ago=datetime.timedelta(minutes=5))

    batch_worker("fresh").run()

    assert DBTaskResult.objects.get(pk=original).status == TaskResultStatus.FAILED
    again = DBTaskResult.objects.exclude(pk=original).get()
    assert (again.status, again.worker_ids, runs(tmp_path)) == (TaskResultStatus.SUCCESSFUL, ["fresh"], 1)
    assert not WorkerHeartbeat.objects.exists()  # the dead worker's forgotten, the fresh one's deleted on its stop


def test_a_running_worker_runs_again_the_task_of_a_worker_whose_heartbeat_went_silent(settings, tmp_path):
    settings.WORKER_HEARTBEAT_SECONDS, settings.WORKER_LOST_AFTER_SECONDS = 0.05, 1
    now = timezone.now()
    WorkerHeartbeat.objects.create(worker_id="about-to-die", started_at=now, beat_at=now)
    original = record_run.enqueue(str(tmp_path)).id
    claimed(original, "about-to-die")
    options = {"queue_names": ["default"], "excluded_queue_names": [], "backend_name": "default"}
    worker = workers.Worker(interval=0.05, batch=False, startup_delay=False, max_tasks=1, worker_id="watcher",
                            **options)  # fmt: skip

    def run():
        try:
            worker.run()
        finally:
            connections.close_all()

    running = threading.Thread(target=run)
    running.start()
    try:
        # Alive when the watcher started, silent a second later: its task runs again on the watcher.
        again = eventually(lambda: DBTaskResult.objects.exclude(pk=original).filter(status="SUCCESSFUL").first(),
                           timeout=20, what="the silent worker's task run again")  # fmt: skip
        assert again.worker_ids == ["watcher"] and runs(tmp_path) == 1
    finally:
        worker.running = False
        running.join(timeout=20)
    assert not running.is_alive()


def test_a_task_claimed_just_before_the_worker_stopped_is_left_ready_for_the_next(tmp_path):
    original = record_run.enqueue(str(tmp_path)).id
    claimed(original, "stopping")  # the stop signal came between the claim and the run

    batch_worker("stopping").run()

    assert DBTaskResult.objects.get(pk=original).status == TaskResultStatus.FAILED
    assert DBTaskResult.objects.exclude(pk=original).get().status == TaskResultStatus.READY
    assert not WorkerHeartbeat.objects.exists()


def test_a_worker_outlives_a_database_error_and_runs_again_the_task_whose_outcome_it_lost(tmp_path, monkeypatch):
    monkeypatch.setattr(workers, "reconnect_backoff", lambda what: Backoff(first=0.01, maximum=0.01))
    original = record_run.enqueue(str(tmp_path)).id
    # The database goes away after the task ran: neither its success nor its failure can be recorded.
    failures = [OperationalError("server closed the connection unexpectedly")] * 2

    def failing(method):
        def record(row, *args):
            if str(row.pk) == original and failures:
                raise failures.pop()
            return method(row, *args)

        return record

    for name in ("set_successful", "set_failed"):
        monkeypatch.setattr(DBTaskResult, name, failing(getattr(DBTaskResult, name)))

    batch_worker("survivor").run()

    assert DBTaskResult.objects.get(pk=original).exception_class_path == "zerovisit.core.tasks.WorkerLost"
    again = DBTaskResult.objects.exclude(pk=original).get()
    assert (again.status, again.return_value, runs(tmp_path)) == (TaskResultStatus.SUCCESSFUL, 2, 2)


class Exited(Exception):
    pass


def test_a_second_stop_signal_leaves_the_task_running_for_another_worker(monkeypatch):
    exits = []

    def exit_now(code):
        exits.append(code)
        raise Exited

    monkeypatch.setattr(workers.os, "_exit", exit_now)
    worker = batch_worker("busy")
    worker.running, worker.running_task = False, True  # stopping already, and still in a task
    with pytest.raises(Exited):
        worker.shutdown(signal.SIGTERM, None)
    assert exits == [1]  # gone without failing the task: it stays RUNNING, and its heartbeat goes stale
