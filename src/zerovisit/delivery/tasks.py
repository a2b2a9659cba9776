"""Background jobs of the courier service."""

from django_tasks import task

from . import services


@task()
def ship_approved_results() -> int:
    return services.ship_approved_results()


@task()
def track_shipments() -> int:
    return services.track_in_flight()
