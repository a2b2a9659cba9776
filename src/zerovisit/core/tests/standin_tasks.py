"""Tasks that tests of workers enqueue: they leave traces in files the test can watch, even from another process."""

import os
import time
from pathlib import Path

from django_tasks import task


def _record_run(folder: str) -> int:
    runs = len(list(Path(folder).glob("run-*"))) + 1
    (Path(folder) / f"run-{runs}-{os.getpid()}").touch()
    return runs


@task()
def record_run(folder: str) -> int:
    """Record each run (a file named after the run and the process); returns the number of the run."""
    return _record_run(folder)


@task()
def hold_first_run(folder: str) -> int:
    """Like record_run, but the first run then works for a long while, as a PDF or a slow gateway can."""
    runs = _record_run(folder)
    if runs == 1:
        time.sleep(60)
    return runs


@task()
def touch(path: str) -> None:
    Path(path).touch()
