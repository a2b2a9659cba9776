"""The hash-chained history of each case, and its keyed anchor (core.audit describes the threat model).

Each event's hash covers the previous event of the same case. With each event the case's `HistoryAnchor` is set,
in the same single write, to the event's number and hash and to the case's state as the step left it (its status,
stage and clocks: STATE_FIELDS), under a MAC keyed with the audit key. So a case is intact when its events chain
from the first, the last one is the one the anchor names, and the case row still says what the anchor says.
"""

import datetime
import hashlib
import json

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zerovisit.core import audit
from zerovisit.core.errors import Conflict
from zerovisit.core.models import HistoryAnchor

from .models import Case, CaseEvent

GENESIS = "0" * 64
ANCHOR_TYPE = "case"
RECHECKED = 1000  # cases found wrong that are checked again and reported one by one

# What only a step may change: the columns a step of cases.services sets, and those derived from them.
STATE_FIELDS = (
    "status", "stage_order", "acting_role", "due", "claimed_by_id", "item_id", "agency_id", "applicant_id",
    "submitted_by_id", "submitted_at", "received_at", "acceptance_due", "accepted_at", "deemed_accepted",
    "limit_days", "extension_days", "paused_days", "paused_since", "pause_expected_days", "decision_due",
    "due_estimated", "decided_at", "concluded_at", "delivered_at", "originals_pending", "delivery_method",
    "paper_pickup", "commitment_signed", "number", "channel", "process_template_id", "proxy_authorisation_id",
    "idempotency_key", "request_digest", "process", "form_data", "delivery_address",
)  # fmt: skip


class HistoryBroken(Conflict):
    code = "history_broken"


def _digest(prev_hash: str, event: CaseEvent) -> str:
    payload = json.dumps(
        [prev_hash, event.case_id, event.seq, event.at.astimezone(datetime.UTC).isoformat(), event.actor_id,
         event.actor_role, event.action, event.status_before, event.status_after, event.opinion, event.data],
        ensure_ascii=False, sort_keys=True, default=str,
    )  # fmt: skip
    return hashlib.sha256(payload.encode()).hexdigest()


def state_of(case: Case) -> dict:
    """The case's STATE_FIELDS as JSON values (times in UTC, digests of JSON fields), as the anchor keeps and its
    MAC covers them: every column a step may change, and those that say what was applied for, by whom and where
    the result goes, so none of them can be edited behind the history's back."""
    state = {}
    for name in STATE_FIELDS:
        value = getattr(case, name)
        if isinstance(value, datetime.datetime):
            value = audit.utc(value)
        elif isinstance(value, datetime.date):
            value = value.isoformat()
        elif isinstance(value, dict | list):  # the answers, the address, the stages: their digest is enough
            value = hashlib.sha256(json.dumps(value, ensure_ascii=False, sort_keys=True).encode()).hexdigest()
        state[name] = value
    return state


def _anchor_mac(case_id: int, seq: int, head: str, state: dict) -> str:
    return audit.mac("history", ANCHOR_TYPE, case_id, seq, head, state)


def record(case: Case, *, actor, role: str, action: str, before: str, opinion: str = "", **data) -> CaseEvent:
    """Append an event and move the case's anchor to it. The caller holds the case's row lock (every service does),
    so the sequence is safe, and has saved the case: the anchor keeps the state the step left it in.

    A history whose newest event is not the one its anchor names was cut or rewritten: it is not extended (the
    step fails with HistoryBroken) but left as found, for `zerovisit verify_audit` to report."""
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
    state = state_of(case)
    anchor = {"seq": seq, "head": event.hash, "state": state, "mac": _anchor_mac(case.pk, seq, event.hash, state)}
    if first:
        HistoryAnchor.objects.create(object_type=ANCHOR_TYPE, object_id=case.pk, **anchor)
    elif not HistoryAnchor.objects.filter(
        object_type=ANCHOR_TYPE, object_id=case.pk, seq=seq - 1, head=prev_hash
    ).update(**anchor):
        message = _(
            "The history of case %(number)s does not match its anchor, so no step can be added to it: the security "
            "administrator must check it (zerovisit verify_audit)."
        )
        raise HistoryBroken(message % {"number": case.number})
    return event


def import_history(histories: list[tuple[Case, list[CaseEvent]]]) -> None:
    """Chain and anchor, in bulk, the histories of cases brought in from elsewhere (an earlier platform's records,
    the demo's year of generated cases) or filed together (a bundle's members, their first events). Each case is
    saved in the state its last event left it; each event has its time, actor, role, action, statuses, opinion and
    data: its number and hashes are given here, as `record` would have given them one by one."""
    events, anchors = [], []
    for case, steps in histories:
        prev_hash = GENESIS
        for seq, event in enumerate(steps, start=1):
            event.case, event.seq, event.prev_hash = case, seq, prev_hash
            event.data = json.loads(json.dumps(event.data or {}, default=str))
            event.hash = prev_hash = _digest(prev_hash, event)
            events.append(event)
        state = state_of(case)
        anchors.append(HistoryAnchor(object_type=ANCHOR_TYPE, object_id=case.pk, seq=len(steps), head=prev_hash,
                                     state=state, mac=_anchor_mac(case.pk, len(steps), prev_hash, state)))  # fmt: skip
    CaseEvent.objects.bulk_create(events, batch_size=1000)
    HistoryAnchor.objects.bulk_create(anchors, batch_size=1000)


def verify(case: Case) -> CaseEvent | None:
    """The first event of the case whose hash does not follow from its predecessor, or None if intact."""
    prev, expected_seq = GENESIS, 1
    for event in CaseEvent.objects.filter(case=case).order_by("seq"):
        if event.seq != expected_seq or event.prev_hash != prev or _digest(prev, event) != event.hash:
            return event
        prev, expected_seq = event.hash, expected_seq + 1
    return None


# -- verification of every case ------------------------------------------------------------------------------


def _check(case: Case, events, anchor: HistoryAnchor | None) -> audit.Break | None:
    """What is wrong with one case, given its events in order and its anchor, or None."""
    chain = _("case %(number)s") % {"number": case.number}

    def broken(code, message, pk=None):
        return audit.Break(chain, code, message, pk)

    prev, last = GENESIS, None
    for event in events:
        expected = last.seq + 1 if last else 1
        if event.seq != expected or event.prev_hash != prev:
            return broken(
                "event_missing",
                _("Events before event #%(seq)s (%(action)s) were deleted or replaced.")
                % {"seq": event.seq, "action": event.action},
                event.pk,
            )
        if not audit.same(_digest(prev, event), event.hash):
            return broken(
                "event_altered",
                _("Event #%(seq)s (%(action)s) was changed after it was recorded.")
                % {"seq": event.seq, "action": event.action},
                event.pk,
            )
        prev, last = event.hash, event
    if last is None:
        return broken("history_missing", _("The case has no history: its events were deleted."), case.pk)
    if anchor is None:
        return broken("anchor_missing", _("The case's anchor is gone, so its history cannot be confirmed."), case.pk)
    if not audit.same(anchor.mac, _anchor_mac(case.pk, anchor.seq, anchor.head, anchor.state)):
        return broken("anchor_forged", _("The case's anchor was changed by someone without the audit key."), case.pk)
    if last.seq < anchor.seq:
        return broken(
            "events_deleted",
            _("The history ends at event #%(seq)s, but its anchor names event #%(anchored)s: the newest were deleted.")
            % {"seq": last.seq, "anchored": anchor.seq},
            last.pk,
        )
    if last.seq > anchor.seq:
        return broken(
            "events_unanchored",
            _("Events after #%(anchored)s were added without the audit key.") % {"anchored": anchor.seq},
            last.pk,
        )
    if last.hash != anchor.head:
        return broken(
            "event_rewritten",
            _("Event #%(seq)s (%(action)s) is not the one its anchor names: it was rewritten.")
            % {"seq": last.seq, "action": last.action},
            last.pk,
        )
    state = state_of(case)
    changed = [name for name in STATE_FIELDS if state[name] != anchor.state.get(name)]
    if case.status != last.status_after or changed:
        changed = changed or ["status"]
        return broken(
            "state_without_event",
            _(
                "%(fields)s changed without an event: the case says %(now)s, its last event #%(seq)s (%(action)s) "
                "left %(then)s."
            )
            % {
                "fields": ", ".join(changed),
                "seq": last.seq,
                "action": last.action,
                "now": {name: state[name] for name in changed},
                "then": {name: anchor.state.get(name) for name in changed},
            },
            case.pk,
        )
    return None


def _recheck(case_id: int) -> audit.Break | None:
    """One case again, with its row locked as every step locks it: what a stream read while a step was under way
    may have seen half-done is whole here."""
    with transaction.atomic():
        case = Case.objects.select_for_update().filter(pk=case_id).first()
        anchor = HistoryAnchor.objects.filter(object_type=ANCHOR_TYPE, object_id=case_id).first()
        if case is None:
            if anchor is None and not CaseEvent.objects.filter(case_id=case_id).exists():
                return None  # a submission rolled back while the stream read it
            return audit.Break(
                _("case id %(id)s") % {"id": case_id},
                "case_deleted",
                _("The case was deleted; its anchor or events remain."),
                case_id,
            )
        return _check(case, CaseEvent.objects.filter(case_id=case_id).order_by("seq"), anchor)


class _Peek:
    """An iterator one can look ahead in by one item."""

    def __init__(self, iterable):
        self._it, self.next = iter(iterable), None
        self.advance()

    def advance(self):
        current, self.next = self.next, next(self._it, None)
        return current


def verify_histories(report: audit.Report, *, chunk_size: int = 2000) -> None:
    """Every case: its events, its anchor and its row, as three streams in case order merged as they go (memory
    for one chunk of each, whatever the number of cases). A case found wrong is checked again under its lock
    before it is reported, so a step made while the streams ran is not mistaken for tampering."""
    cases = _Peek(
        Case.objects.order_by("pk")
        .only("number", *[f.removesuffix("_id") for f in STATE_FIELDS])
        .iterator(chunk_size=chunk_size)
    )
    events = _Peek(CaseEvent.objects.order_by("case_id", "seq").iterator(chunk_size=chunk_size))
    anchors = _Peek(
        HistoryAnchor.objects.filter(object_type=ANCHOR_TYPE).order_by("object_id").iterator(chunk_size=chunk_size)
    )
    suspects, n_cases, n_events = [], 0, 0
    while cases.next or events.next or anchors.next:
        case_id = min(
            key
            for key in (cases.next and cases.next.pk, events.next and events.next.case_id,
                        anchors.next and anchors.next.object_id)
            if key is not None
        )  # fmt: skip
        case = cases.advance() if cases.next and cases.next.pk == case_id else None
        own = []
        while events.next and events.next.case_id == case_id:
            own.append(events.advance())
        anchor = anchors.advance() if anchors.next and anchors.next.object_id == case_id else None
        n_cases, n_events = n_cases + (case is not None), n_events + len(own)
        if case is None or _check(case, own, anchor) is not None:
            suspects.append(case_id)
    report.checked[_("cases")], report.checked[_("case events")] = n_cases, n_events
    for case_id in suspects[:RECHECKED]:
        if found := _recheck(case_id):
            report.breaks.append(found)
    if len(suspects) > RECHECKED:
        report.breaks.append(
            audit.Break(
                _("cases"),
                "many_cases_broken",
                _(
                    "%(n)s more cases look wrong as well (not checked again one by one); an audit key other than "
                    "the one their anchors were made with gives this too."
                )
                % {"n": len(suspects) - RECHECKED},
            )
        )
