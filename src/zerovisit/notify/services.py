"""The notification centre: every message the platform sends is created here, in the transaction of the event
that causes it, and delivered by a task with retries.

Delivery is idempotent: a message is sent only while it is pending, and the gateway receives the message's id as
its idempotency key, so a worker killed between the gateway's answer and our bookkeeping, whose task is then run
again, does not make the gateway send it twice. A message that fails for good alerts the agency's supervisors.
"""

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from zerovisit.core import crypto

from . import templates
from .models import Channel, Message, MessageStatus, Preference

PREFERENCE_CACHE_SECONDS = 60


def preference(user_id: int | None) -> Preference:
    """A person's preference, or the defaults (SMS and e-mail on, Chinese) for someone who never set one.

    Every step of a case reads it, so it is cached; a change reaches other worker processes within
    PREFERENCE_CACHE_SECONDS (the process that saved it sees it at once)."""
    if not user_id:
        return Preference()
    key = f"notify:preference:{user_id}"
    found = cache.get(key)
    if found is None:
        found = Preference.objects.filter(user_id=user_id).first() or Preference(user_id=user_id)
        cache.set(key, found, PREFERENCE_CACHE_SECONDS)
    return found


@transaction.atomic
def set_preference(*, user, sms: bool, email: bool, language: str) -> Preference:
    chosen, _ = Preference.objects.update_or_create(user=user, defaults={"sms": sms, "email": email,
                                                                         "language": language})  # fmt: skip
    cache.delete(f"notify:preference:{user.pk}")
    return chosen


def notify(*, user_id: int | None, event: str, values: dict, case_number: str = "", agency_id: int | None = None,
           phone_encrypted: str = "", email_encrypted: str = "") -> list[Message]:  # fmt: skip
    """An in-app message, plus SMS and e-mail where an address is known and the person wants them, in their
    language. Call inside the transaction of the event: the messages and their delivery tasks commit with it or
    not at all."""
    from .tasks import deliver_message

    wants = preference(user_id)
    rendered = templates.render(event, values, wants.language)
    if rendered is None:
        return []
    title, body = rendered
    common = {"recipient_id": user_id, "event": event, "title": title, "body": body, "case_number": case_number,
              "agency_id": agency_id}  # fmt: skip
    messages = []
    if user_id is not None:
        messages.append(Message(channel=Channel.IN_APP, status=MessageStatus.SENT, sent_at=timezone.now(), **common))
    if phone_encrypted and wants.sms:
        messages.append(Message(channel=Channel.SMS, address=phone_encrypted, **common))
    if email_encrypted and wants.email:
        messages.append(Message(channel=Channel.EMAIL, address=email_encrypted, **common))
    Message.objects.bulk_create(messages)
    for message in messages:
        if message.status == MessageStatus.PENDING:
            deliver_message.enqueue(message.pk)
    return messages


def idempotency_key(message: Message) -> str:
    return f"zv-msg-{message.pk}"


def deliver(message_id: int) -> None:
    """Send one message unless it was sent already (a retried or reaped task sends nothing twice)."""
    from .backends import email_backend, sms_backend

    with transaction.atomic():
        message = Message.objects.select_for_update().get(pk=message_id)
        if message.status != MessageStatus.PENDING:
            return
        message.attempts += 1
        message.save(update_fields=["attempts"])
    address = crypto.decrypt(message.address)
    try:
        if message.channel == Channel.SMS:
            sms_backend().send(address, f"【{message.title}】{message.body}", key=idempotency_key(message))
        else:
            email_backend().send(address, message.title, message.body, key=idempotency_key(message))
    except Exception as exc:
        Message.objects.filter(pk=message.pk).update(last_error=str(exc)[:2000])
        raise
    Message.objects.filter(pk=message.pk, status=MessageStatus.PENDING).update(
        status=MessageStatus.SENT, sent_at=timezone.now(), last_error=""
    )


@transaction.atomic
def give_up(message_id: int, error: str) -> None:
    """The last retry failed: the message is marked failed and the people who can reach the applicant otherwise
    (the agency's supervisors, and the platform's administrators) are alerted in the app."""
    message = Message.objects.select_for_update().get(pk=message_id)
    if message.status != MessageStatus.PENDING:
        return
    message.status, message.last_error = MessageStatus.FAILED, error[:2000]
    message.save(update_fields=["status", "last_error"])
    staff = (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(is_superuser=True) | Q(agency_id=message.agency_id, roles__role="supervisor"))
    )
    values = {"channel": message.get_channel_display(), "title": message.title, "n": message.case_number or "—",
              "attempts": message.attempts, "error": error[:200]}  # fmt: skip
    for user_id in staff.values_list("pk", flat=True).distinct():
        notify(user_id=user_id, event="staff.message_failed", values=values, case_number=message.case_number,
               agency_id=message.agency_id)  # fmt: skip


def unread_count(user) -> int:
    return Message.objects.filter(recipient=user, channel=Channel.IN_APP, read_at__isnull=True).count()


def inbox(user):
    return Message.objects.filter(recipient=user, channel=Channel.IN_APP)


def mark_read(*, user, message_ids=None) -> int:
    """Mark some (or all) of a person's in-app messages read; returns how many changed."""
    unread = inbox(user).filter(read_at__isnull=True)
    if message_ids is not None:
        unread = unread.filter(pk__in=message_ids)
    return unread.update(read_at=timezone.now())


def mark_told_of_work(user_id: int, when) -> None:
    """Remember when a member of staff was last told of new work (cases.services.tell_staff_of_new_work)."""
    Preference.objects.update_or_create(user_id=user_id, defaults={"work_notified_at": when})
    cache.delete(f"notify:preference:{user_id}")
