from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    """One security-relevant action: who did what to which object, and with what result.

    Entries form a hash chain (each hash covers the previous one and every field, the time included) whose head
    is kept with a keyed MAC, so editing, deleting or cutting off entries is detectable by
    `core.audit.verify_chain()`. Rows are only ever inserted.
    """

    # Set by core.audit.record before the hash is computed (auto_now_add would set it after).
    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("actor")
    )
    actor_label = models.CharField(_("actor name"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=64)
    object_type = models.CharField(_("object type"), max_length=64, blank=True)
    object_id = models.CharField(_("object"), max_length=64, blank=True)
    result = models.CharField(_("result"), max_length=16, default="ok")
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_label} {self.action} {self.object_type}:{self.object_id}"


class AuditChainHead(models.Model):
    """A single row locked while an entry is appended, so concurrent writers cannot fork the chain. Its MAC
    (keyed with settings.AUDIT_KEY, which the database does not hold) covers the number of entries and the last
    hash: entries cut off the end, with the head set back, no longer match it."""

    last_hash = models.CharField(max_length=64, default="0" * 64)
    count = models.PositiveBigIntegerField(default=0)
    mac = models.CharField(max_length=64, blank=True)

    def __str__(self):
        return self.last_hash


class HistoryAnchor(models.Model):
    """The keyed head of one object's own history (a case's events, cases.events): the number and hash of its
    last event and the object's state as that event left it, under a MAC keyed with settings.AUDIT_KEY. Written
    in the transaction of each event, so a history cut short, a last event rewritten, or the object's state
    changed without an event, no longer matches it."""

    object_type = models.CharField(max_length=32)
    object_id = models.BigIntegerField()
    seq = models.PositiveIntegerField()
    head = models.CharField(max_length=64)
    state = models.JSONField(default=dict)
    mac = models.CharField(max_length=64)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["object_type", "object_id"], name="historyanchor_unique_object")]

    def __str__(self):
        return f"{self.object_type}:{self.object_id} #{self.seq}"


class AuditCheckpoint(models.Model):
    """A signed count of the audit records at one moment (core.audit.write_checkpoint): the audit chain's length
    and head, and the number and highest id of the rows of each append-only table. Checkpoints chain (each MAC
    covers the previous one) and the newest is also kept outside the database, so rows deleted before a
    checkpoint, or the checkpoints themselves, are found missing."""

    seq = models.PositiveIntegerField(unique=True)
    at = models.DateTimeField()
    audit_count = models.PositiveBigIntegerField()
    audit_head = models.CharField(max_length=64)
    tallies = models.JSONField(default=dict)  # {"app.model": [highest id, number of rows], ...}
    prev_mac = models.CharField(max_length=64)
    mac = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("audit checkpoint")
        verbose_name_plural = _("audit checkpoints")
        ordering = ["-seq"]

    def __str__(self):
        return f"#{self.seq} {self.at:%Y-%m-%d %H:%M}"


class PeriodicJob(models.Model):
    """When a periodic job was last enqueued (core.scheduler)."""

    name = models.CharField(max_length=100, primary_key=True)
    last_enqueued_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return self.name


class WorkerHeartbeat(models.Model):
    """A running `zerovisit worker` or `scheduler` process as it last reported itself alive (core.workers), under
    the id a worker also writes into the tasks it claims. The tasks of a worker whose heartbeat stopped are run
    again (core.tasks.reap_stuck_tasks); a process that stops cleanly deletes its row."""

    worker_id = models.CharField(_("process id"), max_length=64, primary_key=True)
    kind = models.CharField(_("kind"), max_length=16, default="worker")  # worker or scheduler
    host = models.CharField(_("host"), max_length=255, blank=True)
    pid = models.PositiveIntegerField(_("PID"), default=0)
    started_at = models.DateTimeField(_("started at"))
    beat_at = models.DateTimeField(_("last heartbeat"), db_index=True)

    class Meta:
        verbose_name = _("background process")
        verbose_name_plural = _("background processes")

    def __str__(self):
        return f"{self.kind} {self.worker_id}"


class RateCounter(models.Model):
    """Requests of one client to one limited scope in one time window (core.ratelimit), when no shared cache is
    configured: a row every process sees, incremented atomically."""

    key = models.CharField(max_length=200, primary_key=True)
    count = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self):
        return f"{self.key}: {self.count}"
