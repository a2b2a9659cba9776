"""Background tasks of supervision."""

from django_tasks import task

from . import alerts, services


@task()
def apply_rollup_queue() -> int:
    return services.apply_rollup_queue()


@task()
def raise_alerts() -> dict:
    return alerts.raise_alerts()
