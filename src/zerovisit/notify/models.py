from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    IN_APP = "in_app", _("In-app message")
    SMS = "sms", _("SMS")
    EMAIL = "email", _("E-mail")


class MessageStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class Message(models.Model):
    """One message to one person on one channel, written in the transaction of the event that causes it and
    sent by a background task; a record of every message the platform sends."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True,
                                  related_name="messages", verbose_name=_("recipient"),
                                  db_index=False)  # fmt: skip  # message_inbox leads with it
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    address = models.TextField(blank=True, help_text=_("Phone or e-mail address, encrypted."))
    event = models.CharField(_("event"), max_length=64)
    case_number = models.CharField(_("case number"), max_length=32, blank=True, db_index=True)
    agency = models.ForeignKey("org.Agency", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                               verbose_name=_("agency"), db_index=False)  # fmt: skip
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"))
    status = models.CharField(_("status"), max_length=10, choices=MessageStatus.choices,
                              default=MessageStatus.PENDING)  # fmt: skip
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "channel", "read_at"], name="message_inbox"),
            # 电子监察 looks at the few failed ones of the last weeks (supervision.alerts).
            models.Index(fields=["created_at"], condition=Q(status="failed"), name="message_failed"),
        ]

    def __str__(self):
        return self.title


class Preference(models.Model):
    """How a person wants to be told: SMS and e-mail on or off (in-app messages always arrive), and in which
    language. Staff also keep here when they were last told of new work."""

    class Language(models.TextChoices):
        CHINESE = "zh-hans", "中文"
        ENGLISH = "en", "English"

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True,
                                related_name="notification_preference")  # fmt: skip
    sms = models.BooleanField(_("SMS"), default=True)
    email = models.BooleanField(_("e-mail"), default=True)
    language = models.CharField(_("language"), max_length=8, choices=Language.choices, default=Language.CHINESE)
    work_notified_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self):
        return str(self.user)
