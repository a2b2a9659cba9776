"""A real worker killed in the middle of sending an SMS: the message is neither lost nor sent twice."""

import datetime
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from zerovisit.core import crypto
from zerovisit.core.tasks import reap_stuck_tasks
from zerovisit.core.tests.helpers import run_ready_tasks
from zerovisit.notify import services
from zerovisit.notify.models import Message, MessageStatus

from .fake_gateway import FakeGateway

pytestmark = pytest.mark.django_db(transaction=True)


def database_url() -> str:
    """The test database, for a worker in another process."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{Path(db['NAME']).resolve()}"
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def test_killing_the_worker_mid_send_loses_and_duplicates_nothing(settings, tmp_path):
    gateway = FakeGateway()
    gateway.stall_seconds = 30  # the gateway takes the message, then the worker waits for its answer
    settings.SMS_BACKEND = "zerovisit.notify.backends.HttpSmsBackend"
    settings.SMS_ENDPOINT, settings.SMS_SECRET, settings.SMS_TIMEOUT = gateway.url, gateway.secret, 60
    try:
        values = {"n": "X1", "item": "许可", "decision_due": "2026-12-10"}
        phone = crypto.encrypt("13812341234")
        message = services.notify(user_id=None, event="case.accept", values=values, phone_encrypted=phone)[0]
        env = {
            **os.environ, "ZV_DATABASE_URL": database_url(), "ZV_DATA_DIR": str(tmp_path),
            "ZV_SMS_BACKEND": settings.SMS_BACKEND, "ZV_SMS_ENDPOINT": gateway.url, "ZV_SMS_SECRET": gateway.secret,
            "ZV_SMS_TIMEOUT": "60", "ZV_DATA_KEYS": ",".join(settings.DATA_KEYS),
        }  # fmt: skip
        worker = subprocess.Popen([sys.executable, "-m", "zerovisit", "db_worker", "--no-startup-delay",
                                   "--interval", "0.1"], env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
        try:
            assert gateway.request_seen.wait(timeout=60), "the worker never reached the gateway"
        finally:
            worker.send_signal(signal.SIGKILL)
            worker.wait(timeout=10)
        message.refresh_from_db()
        assert message.status == MessageStatus.PENDING and message.attempts == 1  # sent, but not known to be

        assert reap_stuck_tasks(older_than=datetime.timedelta(0)) == 1  # the reaper enqueues it again
        gateway.stall_seconds = 0
        run_ready_tasks()
        message.refresh_from_db()
        assert message.status == MessageStatus.SENT and message.attempts == 2
        assert len(gateway.received) == 2 and len(gateway.delivered) == 1  # sent again, delivered once
        assert Message.objects.count() == 1
    finally:
        gateway.close()
