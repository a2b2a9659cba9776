"""Background tasks of the core."""

from django_tasks import task

from . import tasks


@task()
def reap_stuck_tasks() -> int:
    return tasks.reap_stuck_tasks()


@task()
def verify_audit() -> int:
    """Daily: the whole audit verified, a checkpoint signed or the security administrators alerted."""
    from . import integrity

    return len(integrity.verify_and_alert().breaks)


@task()
def checkpoint_audit() -> int:
    """Hourly: a signed checkpoint, after the quick check of the heads and counts."""
    from . import integrity

    return len(integrity.checkpoint_and_alert().breaks)
