"""Messages are written with the event that causes them and delivered by tasks: once, with retries."""

import datetime

import pytest
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from zerovisit.accounts.tests.factories import UserFactory
from zerovisit.core import crypto
from zerovisit.core.tests.helpers import run_ready_tasks
from zerovisit.notify import services
from zerovisit.notify.models import Channel, Message, MessageStatus

sent = []


class RecordingSms:
    def send(self, phone, text):
        sent.append((phone, text))


class BrokenSms:
    def send(self, phone, text):
        raise ConnectionError("gateway down")


@pytest.fixture
def sms(settings):
    sent.clear()
    settings.SMS_BACKEND = "zerovisit.notify.tests.test_delivery.RecordingSms"
    return sent


def run_tasks():
    run_ready_tasks()


@pytest.mark.django_db
def test_an_event_writes_an_in_app_message_and_an_sms_task_in_its_transaction(sms):
    user = UserFactory()
    messages = services.notify(user_id=user.pk, event="case.accept", title="已受理", body="您的申请已受理",
                               case_number="X1", phone_encrypted=crypto.encrypt("13812341234"))  # fmt: skip
    assert [m.channel for m in messages] == [Channel.IN_APP, Channel.SMS]
    assert messages[0].status == MessageStatus.SENT
    assert DBTaskResult.objects.filter(status=TaskResultStatus.READY).count() == 1
    run_tasks()
    assert sms == [("13812341234", "【已受理】您的申请已受理")]
    assert Message.objects.get(channel=Channel.SMS).status == MessageStatus.SENT


@pytest.mark.django_db
def test_a_message_is_never_sent_twice(sms):
    message = services.notify(
        user_id=None, event="x", title="t", body="b", phone_encrypted=crypto.encrypt("13800000000")
    )[0]
    services.deliver(message.pk)
    services.deliver(message.pk)  # e.g. a task the reaper enqueued again
    assert len(sms) == 1


@pytest.mark.django_db
def test_a_gateway_outage_is_retried_with_back_off_and_then_marked_failed(settings):
    settings.SMS_BACKEND = "zerovisit.notify.tests.test_delivery.BrokenSms"
    message = services.notify(
        user_id=None, event="x", title="t", body="b", phone_encrypted=crypto.encrypt("13800000000")
    )[0]
    run_tasks()
    retry = DBTaskResult.objects.filter(status=TaskResultStatus.READY).get()
    assert retry.args_kwargs["kwargs"] == {"_attempt": 2}
    assert retry.run_after > timezone.now() + datetime.timedelta(seconds=20)
    for _ in range(6):  # let every retry come due
        DBTaskResult.objects.filter(status=TaskResultStatus.READY).update(run_after=timezone.now())
        run_tasks()
    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED and "gateway down" in message.last_error
    assert message.attempts == 6
