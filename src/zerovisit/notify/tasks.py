from zerovisit.core.tasks import retrying_task

from . import services


def _failed_for_good(message_id: int, *, error: Exception) -> None:
    services.give_up(message_id, str(error))


@retrying_task(max_attempts=6, first_delay=30, on_give_up=_failed_for_good)
def deliver_message(message_id: int) -> None:
    services.deliver(message_id)
