"""Background tasks of the core."""

from django_tasks import task

from . import tasks


@task()
def reap_stuck_tasks() -> int:
    return tasks.reap_stuck_tasks()
