"""Where SMS and e-mail go. Console and log backends by default; a production deployment points
ZV_SMS_BACKEND at an adapter for its SMS gateway (same two-method interface)."""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string

log = logging.getLogger("zerovisit.notify")


class ConsoleSmsBackend:
    def send(self, phone: str, text: str) -> None:
        print(f"[SMS to {phone}] {text}", flush=True)


class LogSmsBackend:
    def send(self, phone: str, text: str) -> None:
        log.info("SMS to %s: %s", phone, text)


def sms_backend():
    return import_string(settings.SMS_BACKEND)()


def send_email(address: str, subject: str, text: str) -> None:
    send_mail(subject, text, settings.DEFAULT_FROM_EMAIL, [address])
