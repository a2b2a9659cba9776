"""Background tasks of the licence library."""

from django_tasks import task

from zerovisit.core.tasks import retrying_task

from . import documents, services


@retrying_task(max_attempts=5, first_delay=10)
def render_license(license_id: int) -> None:
    documents.render(license_id)


@task()
def expire_licenses() -> int:
    return services.expire_licenses()
