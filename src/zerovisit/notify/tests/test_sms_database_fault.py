"""The database fails right after the SMS gateway accepted a message: the worker survives, sends the message again
with the same idempotency key, and the gateway delivers it once."""

import pytest
from django.db import connection

from zerovisit.core import crypto
from zerovisit.core.tests.helpers import Processes, cut_database_connections, eventually, process_env
from zerovisit.notify import services
from zerovisit.notify.models import Message, MessageStatus

from .fake_gateway import FakeGateway

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def processes(tmp_path):
    started = Processes(tmp_path)
    yield started
    started.stop_all()
    print(started.output())  # pytest shows it when the test failed


@pytest.fixture
def gateway():
    fake = FakeGateway()
    yield fake
    fake.close()


def test_a_message_whose_sending_outlived_the_database_is_delivered_once(processes, gateway, settings, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("ending the worker's database sessions from outside needs PostgreSQL")
    gateway.stall_seconds = 2  # the gateway takes the message and answers a little later
    backend = "zerovisit.notify.backends.HttpSmsBackend"
    values = {"n": "X1", "item": "许可", "decision_due": "2026-12-10"}
    message = services.notify(user_id=None, event="case.accept", values=values,
                              phone_encrypted=crypto.encrypt("13812341234"))[0]  # fmt: skip
    env = process_env(tmp_path, SMS_BACKEND=backend, SMS_ENDPOINT=gateway.url, SMS_SECRET=gateway.secret,
                      SMS_TIMEOUT=30, WORKER_HEARTBEAT_SECONDS=0.3, WORKER_LOST_AFTER_SECONDS=1.5)  # fmt: skip
    worker = processes.start("worker", "worker", "--no-startup-delay", "--interval", "0.1", env=env)

    assert gateway.request_seen.wait(timeout=60), "the worker never reached the gateway"
    # While the gateway is still answering, the database goes away: the worker cannot record the message as sent.
    assert cut_database_connections() >= 1
    gateway.stall_seconds = 0

    eventually(lambda: Message.objects.get(pk=message.pk).status == MessageStatus.SENT, what="the message sent")
    message.refresh_from_db()
    assert message.attempts == 2  # sent twice ...
    assert [request["key"] for request in gateway.received] == [services.idempotency_key(message)] * 2
    assert list(gateway.delivered) == [services.idempotency_key(message)]  # ... delivered once
    assert worker.poll() is None  # and the worker is still there
