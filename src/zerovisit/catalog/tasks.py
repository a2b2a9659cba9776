"""Background tasks of the catalogue."""

from django_tasks import task

from . import transfers


@task()
def carry_out_due_transfers() -> int:
    return transfers.carry_out_due_transfers()
