"""Brings the records made before the audit was keyed under the new scheme (trust on first use).

The audit log is hashed again with the entry time included, and its head gets its count and MAC; each case gets
the anchor of its history as it stands. What the old chain said about itself is kept: an entry at the end records
whether it was intact, and where it broke if not. The functions are frozen copies of core.audit and
cases.events as they were when this was written, as migrations must be.
"""

import datetime
import hashlib
import hmac
import json

from django.conf import settings
from django.db import migrations

GENESIS = "0" * 64
CHUNK = 2000
STATE_FIELDS = (
    "status", "stage_order", "acting_role", "due", "claimed_by_id", "item_id", "agency_id", "applicant_id",
    "submitted_by_id", "submitted_at", "received_at", "acceptance_due", "accepted_at", "deemed_accepted",
    "limit_days", "extension_days", "paused_days", "paused_since", "pause_expected_days", "decision_due",
    "due_estimated", "decided_at", "concluded_at", "delivered_at", "originals_pending", "delivery_method",
    "paper_pickup", "commitment_signed", "number", "channel", "process_template_id", "proxy_authorisation_id",
    "idempotency_key", "stage_roles", "form_data", "delivery_address",
)  # fmt: skip


def _mac(purpose, *parts):
    payload = json.dumps([purpose, *parts], ensure_ascii=False, sort_keys=True, default=str, separators=(",", ":"))
    return hmac.new(settings.AUDIT_KEY.encode(), payload.encode(), hashlib.sha256).hexdigest()


def _utc(moment):
    return moment.astimezone(datetime.UTC).isoformat() if moment else None


def _dumps(parts):
    return hashlib.sha256(json.dumps(parts, ensure_ascii=False, sort_keys=True, default=str).encode()).hexdigest()


def _old_digest(prev, e):
    return _dumps([prev, e.actor_id, e.actor_label, e.action, e.object_type, e.object_id, e.result, e.detail])


def _digest(prev, e):
    return _dumps(
        [prev, _utc(e.at), e.actor_id, e.actor_label, e.action, e.object_type, e.object_id, e.result, e.detail]
    )


def rehash_audit_log(apps, schema_editor):
    AuditEntry = apps.get_model("core", "AuditEntry")
    AuditChainHead = apps.get_model("core", "AuditChainHead")
    old_prev, prev, n, first_break, changed = GENESIS, GENESIS, 0, None, []
    for entry in AuditEntry.objects.order_by("id").iterator(chunk_size=CHUNK):
        if first_break is None and (entry.prev_hash != old_prev or _old_digest(old_prev, entry) != entry.hash):
            first_break = entry.pk
        old_prev = entry.hash
        entry.prev_hash, entry.hash = prev, _digest(prev, entry)
        prev, n = entry.hash, n + 1
        changed.append(entry)
        if len(changed) >= CHUNK:
            AuditEntry.objects.bulk_update(changed, ["prev_hash", "hash"])
            changed = []
    AuditEntry.objects.bulk_update(changed, ["prev_hash", "hash"])
    if n:
        from django.utils import timezone

        note = AuditEntry(
            at=timezone.now(),
            actor_label="system",
            action="audit.keyed",
            prev_hash=prev,
            detail={"entries": n, "old_chain_intact": first_break is None, "first_break": first_break},
        )
        note.hash = _digest(prev, note)
        note.save()
        prev, n = note.hash, n + 1
    AuditChainHead.objects.update_or_create(
        pk=1,
        defaults={
            "last_hash": prev,
            "count": n,
            "mac": _mac("audit-head", n, prev) if n else "",
        },
    )


def _state(case):
    state = {}
    for name in STATE_FIELDS:
        value = getattr(case, name)
        if isinstance(value, datetime.datetime):
            value = _utc(value)
        elif isinstance(value, datetime.date):
            value = value.isoformat()
        elif isinstance(value, dict | list):  # the answers, the address, the stages: their digest is enough
            value = hashlib.sha256(json.dumps(value, ensure_ascii=False, sort_keys=True).encode()).hexdigest()
        state[name] = value
    return state


def anchor_case_histories(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    CaseEvent = apps.get_model("cases", "CaseEvent")
    HistoryAnchor = apps.get_model("core", "HistoryAnchor")
    events = CaseEvent.objects.order_by("case_id", "seq").values_list("case_id", "seq", "hash").iterator(CHUNK)
    pending = next(events, None)
    batch = []
    for case in Case.objects.order_by("pk").iterator(chunk_size=CHUNK):
        last = None
        while pending is not None and pending[0] <= case.pk:
            if pending[0] == case.pk:
                last = pending
            pending = next(events, None)
        if last is None:
            continue  # no history to anchor: verify_audit reports it
        _case_id, seq, head = last
        state = _state(case)
        batch.append(
            HistoryAnchor(
                object_type="case",
                object_id=case.pk,
                seq=seq,
                head=head,
                state=state,
                mac=_mac("history", "case", case.pk, seq, head, state),
            )
        )
        if len(batch) >= CHUNK:
            HistoryAnchor.objects.bulk_create(batch)
            batch = []
    HistoryAnchor.objects.bulk_create(batch)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_audit_anchors"),
        ("cases", "0007_paper_pickup"),
    ]

    operations = [
        migrations.RunPython(rehash_audit_log, migrations.RunPython.noop),
        migrations.RunPython(anchor_case_histories, migrations.RunPython.noop),
    ]
