"""The hash-chained history of each case."""

import datetime
import hashlib
import json

from django.utils import timezone

from .models import Case, CaseEvent

GENESIS = "0" * 64


def _digest(prev_hash: str, event: CaseEvent) -> str:
    payload = json.dumps(
        [prev_hash, event.case_id, event.seq, event.at.astimezone(datetime.UTC).isoformat(), event.actor_id,
         event.actor_role, event.action, event.status_before, event.status_after, event.opinion, event.data],
        ensure_ascii=False, sort_keys=True, default=str,
    )  # fmt: skip
    return hashlib.sha256(payload.encode()).hexdigest()


def record(case: Case, *, actor, role: str, action: str, before: str, opinion: str = "", **data) -> CaseEvent:
    """Append an event. The caller holds the case's row lock (every service does), so the sequence is safe."""
    first = action == "submit"  # a new case has no history to look up
    last = None if first else CaseEvent.objects.filter(case=case).order_by("-seq").values_list("seq", "hash").first()
    seq, prev_hash = (last[0] + 1, last[1]) if last else (1, GENESIS)
    data = json.loads(json.dumps(data, default=str))  # dates as ISO text, as the hash and the database keep them
    event = CaseEvent(
        case=case, seq=seq, at=timezone.now(), actor=actor if getattr(actor, "pk", None) else None,
        actor_role=role, action=action, status_before=before, status_after=case.status, opinion=opinion, data=data,
        prev_hash=prev_hash,
    )  # fmt: skip
    event.hash = _digest(prev_hash, event)
    event.save()
    return event


def verify(case: Case) -> CaseEvent | None:
    """The first event of the case whose hash does not follow from its predecessor, or None if intact."""
    prev, expected_seq = GENESIS, 1
    for event in CaseEvent.objects.filter(case=case).order_by("seq"):
        if event.seq != expected_seq or event.prev_hash != prev or _digest(prev, event) != event.hash:
            return event
        prev, expected_seq = event.hash, expected_seq + 1
    return None
