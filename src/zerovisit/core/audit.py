"""The tamper-evident audit (DESIGN.md §4: who, what, when, object, result; kept at least 6 months; audit records
tamper-evident).

Three kinds of record protect each other:

- the audit log (`AuditEntry`): a hash chain over every field of every entry, the time included;
- each case's history (`cases.CaseEvent`, hash-chained per case, see cases.events);
- anchors: the head of each chain (the audit log's `AuditChainHead`; one `HistoryAnchor` per case, which also
  holds the case's state as its last event left it) under an HMAC keyed with `settings.AUDIT_KEY`; and signed
  checkpoints (`AuditCheckpoint`), written by a periodic job, that count the audit log and the append-only tables
  and chain to each other, the newest also kept in a file outside the database (`settings.AUDIT_CHECKPOINT_FILE`).

Threat model. The attacker can read and write the database (a stolen backup restored and changed, a DBA, an SQL
injection) but does not hold the audit key, which lives in the environment or the data directory, never in the
database. Hashes alone do not stop such an attacker, who can recompute them; the MACs do:

- editing any field of an entry or event, or moving its time, breaks the hash chain where it happened;
- rewriting the newest entry or event and recomputing its hash leaves the keyed head behind;
- deleting the newest entries or events leaves the head (with its count) pointing past the end; setting the head
  back needs its MAC, which only the key makes;
- changing a case's status or a clock without an event leaves the case unlike its anchor's state;
- setting an anchor back to a copy kept from earlier, or deleting whole cases, fails against the next checkpoint's
  counts; deleting the checkpoints too is caught by the file, and by the chain of the checkpoints left.

What it cannot tell: an attacker who also holds the key (the application host itself) can forge anything; and an
anchor set back to a copy taken earlier is only caught once a later checkpoint counted the rows it hides. Run
`zerovisit verify_audit` (daily by the scheduler) to check everything; docs/security.md describes it.
"""

import datetime
import hashlib
import hmac
import json
import logging
import os
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from .errors import DomainError
from .models import AuditChainHead, AuditCheckpoint, AuditEntry

log = logging.getLogger(__name__)

GENESIS = "0" * 64
FORGED_HEAD_FOUND = "audit.forged_head_found"

# Append-only tables a checkpoint counts: rows deleted from them show as fewer rows below the highest id counted.
CHECKPOINTED = ["cases.case", "cases.caseevent"]

# What `check_all()` runs, by dotted path (as core.scheduler names its jobs, so the core imports no other app):
# each takes a Report and a chunk size, reads its chain as a stream, and adds what it checked and found.
VERIFIERS = [
    "zerovisit.core.audit.verify_audit_log",
    "zerovisit.core.audit.verify_checkpoints",
    "zerovisit.cases.events.verify_histories",
]


class AuditBroken(DomainError):
    code = "audit_broken"
    status = 409


@dataclass(frozen=True)
class Break:
    """The first place where one chain is no longer what was recorded."""

    chain: str  # "audit log", "checkpoints", "case 320300-20261102-…"
    code: str  # machine-readable: entry_altered, entries_deleted, state_without_event, …
    message: str
    pk: int | None = None  # the first row found wrong, where there is one

    def __str__(self):
        return f"{self.chain}: {self.message}"


@dataclass
class Report:
    breaks: list[Break] = field(default_factory=list)
    checked: dict[str, int] = field(default_factory=dict)

    @property
    def intact(self) -> bool:
        return not self.breaks


def mac(purpose: str, *parts) -> str:
    """An HMAC-SHA256 keyed with settings.AUDIT_KEY over `parts` (JSON-serialisable), separated by purpose so that
    no MAC made for one kind of record passes for another."""
    payload = json.dumps([purpose, *parts], ensure_ascii=False, sort_keys=True, default=str, separators=(",", ":"))
    return hmac.new(settings.AUDIT_KEY.encode(), payload.encode(), hashlib.sha256).hexdigest()


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(a or "", b or "")


def utc(moment: datetime.datetime | None) -> str | None:
    """A time as hashes and MACs cover it: UTC, ISO 8601, microseconds kept (as both databases keep them)."""
    return moment.astimezone(datetime.UTC).isoformat() if moment else None


def _digest(prev_hash: str, entry: AuditEntry) -> str:
    payload = json.dumps(
        [prev_hash, utc(entry.at), entry.actor_id, entry.actor_label, entry.action, entry.object_type,
         entry.object_id, entry.result, entry.detail],
        ensure_ascii=False, sort_keys=True, default=str,
    )  # fmt: skip
    return hashlib.sha256(payload.encode()).hexdigest()


def _head_mac(count: int, last_hash: str) -> str:
    return mac("audit-head", count, last_hash)


def record(
    *,
    actor,
    action: str,
    obj=None,
    object_type: str = "",
    object_id: str = "",
    result: str = "ok",
    detail: dict | None = None,
) -> AuditEntry:
    """Append one entry. Call inside the transaction of the change it records, so both land or neither.

    `detail` says what changed (before/after where there is one); personal data only masked, never a clear ID
    number or phone."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    detail = json.loads(json.dumps(detail or {}, ensure_ascii=False, default=str))  # as the database keeps it
    with transaction.atomic():
        head, _created = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
        if not _head_is_genuine(head):
            # Set by someone without the key (most likely to hide entries cut off the end). The next MAC would
            # make it look genuine, so the chain itself keeps the finding, where it cannot be removed unseen.
            _append(
                head,
                actor=None,
                action=FORGED_HEAD_FOUND,
                object_type="",
                object_id="",
                result="failed",
                detail={"count": head.count, "last_hash": head.last_hash, "mac": head.mac},
            )
        entry = _append(
            head, actor=actor, action=action, object_type=object_type, object_id=object_id, result=result, detail=detail
        )
        head.save(update_fields=["last_hash", "count", "mac"])
    return entry


def _append(head: AuditChainHead, *, actor, **fields) -> AuditEntry:
    entry = AuditEntry(
        at=timezone.now(),
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=getattr(actor, "username", "") or "system",
        prev_hash=head.last_hash,
        **fields,
    )
    entry.hash = _digest(head.last_hash, entry)
    entry.save()
    head.last_hash, head.count = entry.hash, head.count + 1
    head.mac = _head_mac(head.count, head.last_hash)
    return entry


def record_export(*, actor, what: str, rows: int, **detail) -> AuditEntry:
    """An export of data (a file downloaded, a list sent to another system): who, what, how many rows."""
    return record(actor=actor, action="data.export", object_type=what, detail={"rows": rows, **detail})


# -- verification --------------------------------------------------------------------------------------------


def _head_is_genuine(head: AuditChainHead) -> bool:
    fresh = head.count == 0 and head.last_hash == GENESIS and not head.mac
    return fresh or same(head.mac, _head_mac(head.count, head.last_hash))


def verify_audit_log(report: Report, *, chunk_size: int = 2000) -> None:
    """The audit log: each entry follows from the one before; the keyed head matches the end of the chain; and
    the chain passes through the head every checkpoint recorded."""
    chain = _("audit log")
    head = AuditChainHead.objects.filter(pk=1).first()  # read first: entries appended meanwhile come after it
    at_checkpoint = dict(AuditCheckpoint.objects.values_list("audit_count", "audit_head"))
    n, found = _walk_log(head, at_checkpoint, chunk_size)
    report.checked[chain] = n
    if found is None:
        found = _check_log_end(n, head, at_checkpoint)
    if found is not None:
        report.breaks.append(Break(chain, *found))


def _walk_log(head, at_checkpoint: dict, chunk_size: int) -> tuple[int, tuple | None]:
    """How many entries chain from the first, and (code, message, pk) of the first that does not."""
    prev, n = GENESIS, 0
    for entry in AuditEntry.objects.order_by("id").iterator(chunk_size=chunk_size):
        described = _described(entry)
        if entry.prev_hash != prev:
            message = _("Entries before entry %(id)s (%(action)s, %(at)s) were deleted or replaced.")
            return n, ("entry_missing", message % described, entry.pk)
        if not same(_digest(prev, entry), entry.hash):
            message = _("Entry %(id)s (%(action)s, %(at)s) was changed after it was recorded.")
            return n, ("entry_altered", message % described, entry.pk)
        n += 1
        if n in at_checkpoint and at_checkpoint[n] != entry.hash:
            message = _("Entry %(id)s is not the entry a checkpoint recorded at this place: the log was rewritten.")
            return n, ("checkpoint_mismatch", message % described, entry.pk)
        if entry.action == FORGED_HEAD_FOUND:
            message = _(
                "When entry %(id)s was recorded (%(at)s), the log's head had been set by someone without the audit "
                "key, after entry %(count)s: the entries after that one were probably deleted."
            )
            return n, ("head_forged", message % {**described, "count": entry.detail.get("count")}, entry.pk)
        if head is not None and n == head.count and entry.hash != head.last_hash:
            message = _(
                "Entry %(id)s (%(action)s, %(at)s) is not the one the log's keyed head recorded: it was rewritten."
            )
            return n, ("entry_rewritten", message % described, entry.pk)
        prev = entry.hash
    return n, None


def _check_log_end(n: int, head, at_checkpoint: dict) -> tuple | None:
    """(code, message) when the end of a log of `n` intact entries is not where its head and checkpoints say."""
    if head is None:
        if n:
            return "head_missing", _("The log has %(n)s entries, but its keyed head is gone.") % {"n": n}
        head = AuditChainHead(pk=1)
    if not _head_is_genuine(head):
        return "head_forged", _(
            "The log's head does not carry a valid MAC: it was set by someone without the audit key."
        )
    if n < head.count:
        message = _("The log ends after %(n)s entries, but its keyed head counts %(count)s: the newest were deleted.")
        return "entries_deleted", message % {"n": n, "count": head.count}
    now = AuditChainHead.objects.filter(pk=1).first() or head
    if n > now.count:  # every genuine entry moves the head in its own transaction
        message = _(
            "The log has %(n)s entries, but its keyed head counts %(count)s: entries were added without the key."
        )
        return "entries_unanchored", message % {"n": n, "count": now.count}
    if at_checkpoint and n < max(at_checkpoint):
        message = _("The log has %(n)s entries, fewer than the %(count)s a checkpoint counted: entries were deleted.")
        return "entries_deleted", message % {"n": n, "count": max(at_checkpoint)}
    return None


def _described(entry: AuditEntry) -> dict:
    return {"id": entry.pk, "action": entry.action, "at": timezone.localtime(entry.at).strftime("%Y-%m-%d %H:%M:%S")}


def verify_head(report: Report) -> None:
    """The audit log's keyed head alone, against the checkpoints (no entry read)."""
    head = AuditChainHead.objects.filter(pk=1).first() or AuditChainHead(pk=1)
    counted = AuditCheckpoint.objects.aggregate(most=Max("audit_count"))["most"] or 0
    if found := _check_log_end(head.count, head, {counted: None} if counted else {}):
        report.breaks.append(Break(_("audit log"), *found))


def verify_chain() -> Break | None:
    """The first break in the audit log, or None when it is intact."""
    report = Report()
    verify_audit_log(report)
    return report.breaks[0] if report.breaks else None


def check_all(*, chunk_size: int = 2000) -> Report:
    """Every chain the VERIFIERS know, read as streams (a million rows take memory for one chunk)."""
    report = Report()
    for path in VERIFIERS:
        import_string(path)(report, chunk_size=chunk_size)
    return report


# -- checkpoints ---------------------------------------------------------------------------------------------


def _checkpoint_mac(cp: AuditCheckpoint) -> str:
    return mac("checkpoint", cp.seq, utc(cp.at), cp.audit_count, cp.audit_head, cp.tallies, cp.prev_mac)


def _tallies() -> dict:
    tallies = {}
    for label in CHECKPOINTED:
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        counted = model.objects.aggregate(highest=Max("pk"), rows=Count("pk"))
        tallies[label] = [counted["highest"] or 0, counted["rows"]]
    return tallies


def write_checkpoint() -> AuditCheckpoint:
    """Sign what the audit records count now, chained to the previous checkpoint, and keep the newest in the
    checkpoint file too (written when the transaction commits)."""
    tallies = _tallies()  # counted outside the lock: the tables only grow, so a count taken earlier stays true
    with transaction.atomic():
        head, _created = AuditChainHead.objects.select_for_update().get_or_create(pk=1)  # one writer at a time
        if not _head_is_genuine(head):
            raise AuditBroken(
                _(
                    "The audit log's head was set without the audit key: no checkpoint is signed over it. Run "
                    "zerovisit verify_audit."
                )
            )
        last = AuditCheckpoint.objects.order_by("-seq").first()
        cp = AuditCheckpoint(
            seq=last.seq + 1 if last else 1,
            at=timezone.now(),
            audit_count=head.count,
            audit_head=head.last_hash,
            tallies=tallies,
            prev_mac=last.mac if last else GENESIS,
        )
        cp.mac = _checkpoint_mac(cp)
        cp.save()
        transaction.on_commit(lambda: _keep(cp))
    return cp


def _keep(cp: AuditCheckpoint) -> None:
    path = settings.AUDIT_CHECKPOINT_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        json.dump({"seq": cp.seq, "at": utc(cp.at), "mac": cp.mac}, out)
    os.replace(tmp, path)  # whole or not at all
    log.info("audit checkpoint #%s: %s audit entries, %s", cp.seq, cp.audit_count, cp.tallies)


CHECKPOINT_FILE_GRACE = datetime.timedelta(minutes=10)


def _kept() -> dict | None:
    try:
        return json.loads(settings.AUDIT_CHECKPOINT_FILE.read_text())
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        return {"seq": None}


def verify_checkpoints(report: Report, *, chunk_size: int = 2000) -> None:
    """The checkpoints: numbered without a gap, each MAC genuine and covering the one before; the newest one the
    checkpoint file knows is still there; and no append-only table has lost rows the newest one counted."""
    chain = _("checkpoints")

    def broken(code, message, pk=None):
        report.breaks.append(Break(chain, code, message, pk))

    prev_mac, expected, latest = GENESIS, 1, None
    for cp in AuditCheckpoint.objects.order_by("seq").iterator(chunk_size=chunk_size):
        if cp.seq != expected:
            return broken("checkpoint_missing", _("Checkpoints before #%(seq)s were deleted.") % {"seq": cp.seq}, cp.pk)
        if cp.prev_mac != prev_mac or not same(cp.mac, _checkpoint_mac(cp)):
            return broken(
                "checkpoint_forged",
                _("Checkpoint #%(seq)s was changed or made without the audit key.") % {"seq": cp.seq},
                cp.pk,
            )
        prev_mac, expected, latest = cp.mac, expected + 1, cp
    report.checked[chain] = expected - 1
    kept = _kept()
    # The file is written once the checkpoint is committed: a fresh one may not have it yet.
    if kept is None and latest is not None and latest.at < timezone.now() - CHECKPOINT_FILE_GRACE:
        return broken(
            "checkpoint_file_missing",
            _("Checkpoint #%(seq)s exists but the checkpoint file %(path)s does not.")
            % {"seq": latest.seq, "path": settings.AUDIT_CHECKPOINT_FILE},
        )
    if kept is not None:
        if kept.get("seq") is None:
            return broken(
                "checkpoint_file_unreadable",
                _("The checkpoint file %(path)s cannot be read.") % {"path": settings.AUDIT_CHECKPOINT_FILE},
            )
        if latest is None or latest.seq < kept["seq"]:
            return broken(
                "checkpoints_deleted",
                _(
                    "Checkpoint #%(seq)s, kept in %(path)s, is no longer in the database: the checkpoints, and with "
                    "them perhaps the history, were deleted."
                )
                % {"seq": kept["seq"], "path": settings.AUDIT_CHECKPOINT_FILE},
            )
        if not same(AuditCheckpoint.objects.get(seq=kept["seq"]).mac, kept.get("mac", "")):
            return broken(
                "checkpoint_forged",
                _("Checkpoint #%(seq)s differs from the copy kept in %(path)s.")
                % {"seq": kept["seq"], "path": settings.AUDIT_CHECKPOINT_FILE},
            )
    if latest is None:
        return
    for label, (highest, rows) in latest.tallies.items():
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        left = model.objects.filter(pk__lte=highest).count()
        if left < rows:
            broken(
                "rows_deleted",
                _(
                    "%(table)s: %(left)s of the %(rows)s rows checkpoint #%(seq)s counted (up to id %(highest)s) are "
                    "left: rows were deleted."
                )
                % {"table": label, "left": left, "rows": rows, "seq": latest.seq, "highest": highest},
            )
