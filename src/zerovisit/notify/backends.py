"""Where SMS and e-mail go: one small interface per channel, chosen by settings.

SMS: `send(phone, text, key)`. The console and log backends are the defaults; `HttpSmsBackend` posts to a
gateway at ZV_SMS_ENDPOINT, signed with ZV_SMS_SECRET, with the message's idempotency key so that a retried send
is delivered once. E-mail: `send(address, subject, text, key)` over Django's mail backends (console by default,
SMTP with ZV_EMAIL_* settings); the key becomes the Message-ID, which mail systems use to drop duplicates.
"""

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils.module_loading import import_string

from zerovisit.core import outbound
from zerovisit.core.identity import mask_phone

log = logging.getLogger("zerovisit.notify")


class ConsoleSmsBackend:
    """For the demo and development: the message on the console, to a masked number like every log line."""

    def send(self, phone: str, text: str, key: str = "") -> None:
        log.info("[SMS to %s] %s", mask_phone(phone), text)


class LogSmsBackend:
    def send(self, phone: str, text: str, key: str = "") -> None:
        log.info("SMS %s to %s: %s", key, mask_phone(phone), text)


class GatewayError(Exception):
    """The gateway refused the message or could not be reached; the task retries."""


class HttpSmsBackend:
    """An SMS gateway over HTTP: POST {"to", "text", "id"} as JSON, with `Idempotency-Key`, `X-Timestamp` and
    `X-Signature` (HMAC-SHA256 of timestamp + "." + body). Any 2xx is success; anything else raises."""

    def __init__(self, endpoint: str | None = None, secret: str | None = None, timeout: float | None = None):
        self.endpoint = endpoint or settings.SMS_ENDPOINT
        self.secret = secret if secret is not None else settings.SMS_SECRET
        self.timeout = timeout or settings.SMS_TIMEOUT

    def send(self, phone: str, text: str, key: str = "") -> None:
        try:
            outbound.call("POST", self.endpoint, secret=self.secret, timeout=self.timeout,
                          payload={"to": phone, "text": text, "id": key}, headers={"Idempotency-Key": key})  # fmt: skip
        except outbound.OutboundError as exc:
            raise GatewayError(f"SMS gateway {exc}") from exc


class DjangoEmailBackend:
    def send(self, address: str, subject: str, text: str, key: str = "") -> None:
        domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1]
        email = EmailMessage(subject, text, settings.DEFAULT_FROM_EMAIL, [address],
                             headers={"Message-ID": f"<{key}@{domain}>"} if key else None)  # fmt: skip
        email.send()


def sms_backend():
    return import_string(settings.SMS_BACKEND)()


def email_backend():
    return DjangoEmailBackend()
