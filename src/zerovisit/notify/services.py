"""Messages to applicants: created in the caller's transaction, delivered by a task with retries."""

from django.db import transaction
from django.utils import timezone

from zerovisit.core import crypto

from .models import Channel, Message, MessageStatus


def notify(*, user_id: int | None, event: str, title: str, body: str, case_number: str = "",
           phone_encrypted: str = "", email_encrypted: str = "") -> list[Message]:  # fmt: skip
    """An in-app message, plus SMS and e-mail where an address is known. Call inside the transaction of the
    event: the messages and their delivery tasks commit with it or not at all."""
    from .tasks import deliver_message

    common = {"recipient_id": user_id, "event": event, "title": title, "body": body, "case_number": case_number}
    messages = []
    if user_id is not None:
        messages.append(Message(channel=Channel.IN_APP, status=MessageStatus.SENT, sent_at=timezone.now(), **common))
    if phone_encrypted:
        messages.append(Message(channel=Channel.SMS, address=phone_encrypted, **common))
    if email_encrypted:
        messages.append(Message(channel=Channel.EMAIL, address=email_encrypted, **common))
    Message.objects.bulk_create(messages)
    for message in messages:
        if message.status == MessageStatus.PENDING:
            deliver_message.enqueue(message.pk)
    return messages


def deliver(message_id: int) -> None:
    """Send one message unless it was sent already (a retried or reaped task sends nothing twice)."""
    from .backends import send_email, sms_backend

    with transaction.atomic():
        message = Message.objects.select_for_update().get(pk=message_id)
        if message.status != MessageStatus.PENDING:
            return
        message.attempts += 1
        message.save(update_fields=["attempts"])
    address = crypto.decrypt(message.address)
    try:
        if message.channel == Channel.SMS:
            sms_backend().send(address, f"【{message.title}】{message.body}")
        else:
            send_email(address, message.title, message.body)
    except Exception as exc:
        Message.objects.filter(pk=message.pk).update(last_error=str(exc)[:2000])
        raise
    Message.objects.filter(pk=message.pk, status=MessageStatus.PENDING).update(
        status=MessageStatus.SENT, sent_at=timezone.now(), last_error=""
    )


def mark_failed(message_id: int, error: str) -> None:
    Message.objects.filter(pk=message_id, status=MessageStatus.PENDING).update(
        status=MessageStatus.FAILED, last_error=error[:2000]
    )
