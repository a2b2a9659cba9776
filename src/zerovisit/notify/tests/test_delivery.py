"""The notification centre: messages written with the event that causes them, in the recipient's language and on
the channels they want, delivered by tasks through the gateway once, with retries, and alerting staff when they
finally fail."""

import datetime

import pytest
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from zerovisit.accounts.models import Role
from zerovisit.accounts.tests.factories import UserFactory, editor
from zerovisit.core import crypto
from zerovisit.core.tests.helpers import run_ready_tasks
from zerovisit.notify import backends, services
from zerovisit.notify.models import Channel, Message, MessageStatus
from zerovisit.org.tests.factories import AgencyFactory

from .fake_gateway import FakeGateway

ACCEPTED = {"n": "X1", "item": "食品经营许可", "decision_due": "2026-12-10"}


def sms_to(phone="13812341234", user=None, event="case.accept", values=ACCEPTED, **extra):
    return services.notify(user_id=user.pk if user else None, event=event, values=values,
                           phone_encrypted=crypto.encrypt(phone), **extra)  # fmt: skip


@pytest.mark.django_db
def test_an_event_writes_an_in_app_message_and_an_sms_task_in_its_transaction(gateway):
    user = UserFactory()
    messages = sms_to(user=user)
    assert [m.channel for m in messages] == [Channel.IN_APP, Channel.SMS]
    assert messages[0].status == MessageStatus.SENT and messages[0].title == "申请已受理"
    assert DBTaskResult.objects.filter(status=TaskResultStatus.READY).count() == 1
    run_ready_tasks()
    (key, body), = [(k, v) for k, v in gateway.delivered.items()]  # fmt: skip
    assert key == f"zv-msg-{messages[1].pk}" and body["to"] == "13812341234" and "X1" in body["text"]
    assert Message.objects.get(channel=Channel.SMS).status == MessageStatus.SENT


@pytest.mark.django_db
def test_the_recipient_s_language_and_channels_are_respected(gateway, mailoutbox):
    user = UserFactory()
    services.set_preference(user=user, sms=False, email=True, language="en")
    messages = services.notify(user_id=user.pk, event="case.accept", values=ACCEPTED,
                               phone_encrypted=crypto.encrypt("13812341234"),
                               email_encrypted=crypto.encrypt("a@example.com"))  # fmt: skip
    assert [m.channel for m in messages] == [Channel.IN_APP, Channel.EMAIL]
    assert messages[0].title == "Application accepted"
    run_ready_tasks()
    assert mailoutbox[0].subject == "Application accepted" and mailoutbox[0].extra_headers["Message-ID"].startswith(
        f"<zv-msg-{messages[1].pk}@"
    )
    assert not gateway.received
    assert services.notify(user_id=user.pk, event="no.such.event", values={}) == []


@pytest.mark.django_db
def test_a_message_is_never_sent_twice(gateway):
    message = sms_to()[0]
    services.deliver(message.pk)
    services.deliver(message.pk)  # e.g. a task the reaper enqueued again
    assert len(gateway.received) == 1


@pytest.mark.django_db
def test_a_gateway_outage_is_retried_with_back_off_and_sent_once_when_it_is_back(gateway):
    message = sms_to()[0]
    gateway.fail_with = 503
    run_ready_tasks()
    retry = DBTaskResult.objects.filter(status=TaskResultStatus.READY).get()
    assert retry.args_kwargs["kwargs"] == {"_attempt": 2}
    assert retry.run_after > timezone.now() + datetime.timedelta(seconds=20)
    message.refresh_from_db()
    assert message.status == MessageStatus.PENDING and "503" in message.last_error
    gateway.fail_with = None
    DBTaskResult.objects.filter(status=TaskResultStatus.READY).update(run_after=timezone.now())
    run_ready_tasks()
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT and len(gateway.delivered) == 1 and message.attempts == 2


@pytest.mark.django_db
def test_a_gateway_that_never_answers_times_out_and_counts_as_a_failed_attempt(settings):
    gateway = FakeGateway()
    gateway.stall_seconds = 3
    try:
        with pytest.raises(backends.GatewayError):
            backends.HttpSmsBackend(endpoint=gateway.url, secret=gateway.secret, timeout=0.5).send("138", "t", "k")
        with pytest.raises(backends.GatewayError):  # a wrong secret is refused by the gateway
            backends.HttpSmsBackend(endpoint=gateway.url, secret="wrong", timeout=1).send("138", "t", "k2")
        with pytest.raises(backends.GatewayError, match="no shared secret"):  # nothing goes out unsigned
            backends.HttpSmsBackend(endpoint=gateway.url, secret="", timeout=1).send("138", "t", "k4")
        assert "k4" not in {request["key"] for request in gateway.received}
        with pytest.raises(backends.GatewayError):  # nobody listening
            backends.HttpSmsBackend(endpoint="http://127.0.0.1:9/sms", secret="x", timeout=1).send("138", "t", "k3")
    finally:
        gateway.close()


@pytest.mark.django_db
def test_a_message_that_finally_fails_alerts_the_agency_s_supervisors(gateway):
    agency = AgencyFactory()
    supervisor, other = editor(agency, role=Role.SUPERVISOR), editor(AgencyFactory(), role=Role.SUPERVISOR)
    message = sms_to(agency_id=agency.pk, case_number="320300-20261201-AAAAAAAA")[0]
    gateway.fail_with = 500
    for _ in range(6):  # let every retry come due
        DBTaskResult.objects.filter(status=TaskResultStatus.READY).update(run_after=timezone.now())
        run_ready_tasks()
    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED and message.attempts == 6 and "500" in message.last_error
    alert = Message.objects.get(recipient=supervisor, event="staff.message_failed")
    assert "320300-20261201-AAAAAAAA" in alert.body and "6" in alert.body
    assert not Message.objects.filter(recipient=other).exists()


@pytest.mark.django_db
def test_in_app_messages_have_an_unread_count_and_are_marked_read(gateway):
    user = UserFactory()
    first, second = sms_to(user=user)[0], sms_to(user=user)[0]
    assert services.unread_count(user) == 2
    assert services.mark_read(user=user, message_ids=[first.pk]) == 1
    assert services.unread_count(user) == 1
    assert services.mark_read(user=UserFactory(), message_ids=[second.pk]) == 0  # not someone else's
    assert services.mark_read(user=user) == 1 and services.unread_count(user) == 0
