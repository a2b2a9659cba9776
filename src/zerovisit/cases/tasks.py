"""Background tasks of the case lifecycle."""

from django_tasks import task

from . import services


@task()
def deem_overdue_acceptances() -> list[str]:
    return services.deem_overdue_acceptances()
