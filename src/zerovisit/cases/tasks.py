"""Background tasks of the case lifecycle."""

from django_tasks import task

from zerovisit.core.tasks import retrying_task

from . import notices, services
from .services import bundles, tally


@task()
def deem_overdue_acceptances() -> list[str]:
    return services.deem_overdue_acceptances()


@task()
def lapse_overdue_corrections() -> list[str]:
    return services.lapse_overdue_corrections()


@task()
def delete_expired_drafts() -> int:
    return services.delete_expired_drafts()


@task()
def tell_staff_of_new_work() -> int:
    return services.tell_staff_of_new_work()


@task()
def fold_case_tally() -> int:
    return tally.fold_case_tally()


@retrying_task(max_attempts=5, first_delay=10)
def recount_estimated_deadlines() -> list[str]:
    return services.recount_estimated_deadlines()


def recount_after_calendar_change(**kwargs) -> None:
    """A year's official schedule was loaded or edited: the estimated deadlines are counted again, in one job."""
    recount_estimated_deadlines.enqueue()


@retrying_task(max_attempts=5, first_delay=10)
def render_notice(event_id: int) -> None:
    notices.render(event_id)


@retrying_task(max_attempts=5, first_delay=10)
def follow_bundle(bundle_case_id: int) -> list[str]:
    return bundles.follow_bundle(bundle_case_id)
