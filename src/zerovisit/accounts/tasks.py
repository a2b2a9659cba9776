"""Background jobs of accounts."""

from zerovisit.core.tasks import retrying_task

from .services import identity


@retrying_task(max_attempts=3, first_delay=5)
def send_code(code_id: int) -> None:
    """An SMS code, retried briefly: after a few minutes it has expired and is not worth sending."""
    identity.deliver_code(code_id)
