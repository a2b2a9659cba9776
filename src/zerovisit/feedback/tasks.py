"""Background jobs of 好差评."""

from django_tasks import task

from . import services


@task()
def push_to_hotline() -> int:
    return services.push_to_hotline()
