"""The tamper-evident audit log (DESIGN.md §4: who, what, when, object, result; kept at least 6 months)."""

import hashlib
import json

from django.db import transaction

from .models import AuditChainHead, AuditEntry

GENESIS = "0" * 64


def _digest(prev_hash: str, entry: AuditEntry) -> str:
    payload = json.dumps(
        [
            prev_hash,
            entry.actor_id,
            entry.actor_label,
            entry.action,
            entry.object_type,
            entry.object_id,
            entry.result,
            entry.detail,
        ],
        ensure_ascii=False,
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


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
    """Append one entry. Call inside the transaction of the change it records, so both land or neither."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
        entry = AuditEntry(
            actor=actor if getattr(actor, "pk", None) else None,
            actor_label=getattr(actor, "username", "") or "system",
            action=action,
            object_type=object_type,
            object_id=object_id,
            result=result,
            detail=detail or {},
            prev_hash=head.last_hash,
        )
        entry.hash = _digest(head.last_hash, entry)
        entry.save()
        head.last_hash = entry.hash
        head.save(update_fields=["last_hash"])
    return entry


def verify_chain() -> AuditEntry | None:
    """The first entry whose hash does not follow from its predecessor, or None when the chain is intact."""
    prev = GENESIS
    for entry in AuditEntry.objects.order_by("id").iterator(chunk_size=2000):
        if entry.prev_hash != prev or _digest(prev, entry) != entry.hash:
            return entry
        prev = entry.hash
    return None
