"""A case's history and state are tamper-evident (cases.events, core.audit): each way an attacker with database
access but without the audit key could rewrite, cut or bypass the history is found by `zerovisit verify_audit`."""

import datetime

import pytest
from django.core.management import CommandError, call_command

from zerovisit.cases import events, services
from zerovisit.cases.models import Case, CaseEvent, CaseStatus
from zerovisit.core import audit
from zerovisit.core.models import HistoryAnchor

from .factories import apply, first_material


def case_breaks(**kwargs) -> list[audit.Break]:
    report = audit.Report()
    events.verify_histories(report, **kwargs)
    return report.breaks


@pytest.fixture
def accepted(clock, item, citizen, staff):
    """A case accepted and reviewed: three events."""
    case = apply(item, citizen)
    services.accept_case(actor=staff["acceptor"], number=case.number)
    services.review_case(actor=staff["reviewer"], number=case.number, opinion="材料齐全")
    return Case.objects.get(pk=case.pk)


def test_a_case_through_its_whole_lifecycle_verifies(clock, item, citizen, staff):
    case = apply(item, citizen)
    services.request_correction(
        actor=staff["acceptor"], number=case.number, materials=first_material(case), corrections=["补充照片"]
    )
    corrected = [services.MaterialInput(spec=item.materials.first(), reference="x")]
    services.resubmit_correction(actor=citizen.user, number=case.number, materials=corrected)
    services.claim_case(actor=staff["acceptor"], number=case.number)
    services.accept_case(actor=staff["acceptor"], number=case.number)
    services.suspend_case(actor=staff["reviewer"], number=case.number, procedure="专家评审", expected_days=3)
    clock.set(2026, 11, 5)
    services.resume_case(actor=staff["reviewer"], number=case.number)
    services.extend_case(actor=staff["decider"], number=case.number, reason="情况复杂")
    services.review_case(actor=staff["reviewer"], number=case.number, opinion="同意")
    services.decide_case(actor=staff["decider"], number=case.number, approve=True, reasons="符合条件")
    report = audit.check_all(chunk_size=2)
    assert report.intact, report.breaks
    assert list(report.checked.values())[-2:] == [1, case.events.count()]  # cases, case events
    anchor = HistoryAnchor.objects.get(object_type="case", object_id=case.pk)
    assert anchor.seq == case.events.count() and anchor.state["status"] == CaseStatus.APPROVED


def test_rewriting_the_last_event_and_recomputing_its_hash_is_detected(accepted):
    last = accepted.events.order_by("-seq").first()
    CaseEvent.objects.filter(pk=last.pk).update(opinion="材料不全")
    changed = CaseEvent.objects.get(pk=last.pk)
    CaseEvent.objects.filter(pk=last.pk).update(hash=events._digest(changed.prev_hash, changed))
    assert events.verify(accepted) is None  # the hash chain alone cannot tell
    [found] = case_breaks()
    assert (found.code, found.pk) == ("event_rewritten", last.pk)
    assert accepted.number in found.chain


def test_deleting_the_newest_events_is_detected(accepted):
    CaseEvent.objects.filter(case=accepted, seq__gte=2).delete()
    Case.objects.filter(pk=accepted.pk).update(status=CaseStatus.SUBMITTED)
    assert events.verify(accepted) is None
    [found] = case_breaks()
    assert found.code == "events_deleted" and "第 1 条" in found.message and "第 3 条" in found.message


def test_changing_a_cases_status_without_an_event_is_detected(accepted):
    Case.objects.filter(pk=accepted.pk).update(status=CaseStatus.APPROVED)
    [found] = case_breaks()
    assert found.code == "state_without_event" and "status" in found.message and "approved" in found.message


@pytest.mark.parametrize("field, value", [
    ("decision_due", datetime.date(2027, 1, 29)),
    ("accepted_at", datetime.datetime(2026, 12, 1, 9, 0, tzinfo=datetime.UTC)),
    ("paused_days", 30),
])  # fmt: skip
def test_editing_a_clock_without_an_event_is_detected(accepted, field, value):
    Case.objects.filter(pk=accepted.pk).update(**{field: value})
    [found] = case_breaks()
    assert found.code == "state_without_event" and field in found.message


def test_the_anchor_cannot_be_made_to_agree_without_the_key(accepted):
    Case.objects.filter(pk=accepted.pk).update(decision_due=datetime.date(2027, 1, 29))
    anchor = HistoryAnchor.objects.get(object_id=accepted.pk)
    HistoryAnchor.objects.filter(pk=anchor.pk).update(state={**anchor.state, "decision_due": "2027-01-29"})
    [found] = case_breaks()
    assert found.code == "anchor_forged"


def test_deleting_the_anchor_or_the_whole_history_is_detected(accepted, item, citizen):
    other = apply(item, citizen)
    HistoryAnchor.objects.filter(object_id=accepted.pk).delete()
    CaseEvent.objects.filter(case=other).delete()
    assert sorted(b.code for b in case_breaks()) == ["anchor_missing", "history_missing"]


def test_each_broken_case_is_reported_once_at_its_first_break(accepted, item, citizen):
    intact = apply(item, citizen)
    broken = apply(item, citizen)
    first = accepted.events.get(seq=1)
    CaseEvent.objects.filter(pk=first.pk).update(opinion="改过")
    CaseEvent.objects.filter(pk=accepted.events.get(seq=2).pk).update(opinion="也改过")
    Case.objects.filter(pk=broken.pk).update(status=CaseStatus.WITHDRAWN)
    found = case_breaks(chunk_size=1)
    assert [(b.chain, b.code) for b in found] == [
        (f"办件 {accepted.number}", "event_altered"), (f"办件 {broken.number}", "state_without_event"),
    ]  # fmt: skip
    assert found[0].pk == first.pk and intact.number not in str(found)


def test_a_step_on_a_cut_history_is_refused_and_leaves_it_as_found(accepted, staff):
    CaseEvent.objects.filter(case=accepted, seq=3).delete()
    with pytest.raises(events.HistoryBroken):
        services.decide_case(actor=staff["decider"], number=accepted.number, approve=True, reasons="同意")
    assert accepted.events.count() == 2
    assert Case.objects.get(pk=accepted.pk).status == CaseStatus.ACCEPTED
    assert case_breaks()[0].code == "events_deleted"


def test_a_tampered_case_does_not_hold_up_the_deemed_acceptance_of_the_others(clock, item, citizen):
    tampered, other = apply(item, citizen), apply(item, citizen)
    HistoryAnchor.objects.filter(object_id=tampered.pk).update(seq=5)
    assert services.deem_overdue_acceptances(today=datetime.date(2026, 11, 10)) == [other.number]
    assert Case.objects.get(pk=tampered.pk).status == CaseStatus.SUBMITTED
    assert Case.objects.get(pk=other.pk).status == CaseStatus.ACCEPTED


def test_a_whole_case_deleted_is_caught_by_the_checkpoint(accepted, item, citizen):
    newest = apply(item, citizen)
    audit.write_checkpoint()
    HistoryAnchor.objects.filter(object_id=newest.pk).delete()
    CaseEvent.objects.filter(case=newest).delete()
    newest.materials.all().delete()
    Case.objects.filter(pk=newest.pk).delete()
    assert case_breaks() == []  # nothing of it is left to check
    found = audit.check_all().breaks
    assert {b.code for b in found} == {"rows_deleted"}
    assert {b.message.split("：")[0] for b in found} == {"cases.case", "cases.caseevent"}


def test_an_anchor_set_back_to_an_old_copy_is_caught_by_the_checkpoint(accepted, staff):
    old = HistoryAnchor.objects.filter(object_id=accepted.pk).values("seq", "head", "state", "mac").get()
    services.decide_case(actor=staff["decider"], number=accepted.number, approve=True, reasons="同意")
    audit.write_checkpoint()
    CaseEvent.objects.filter(case=accepted, seq=4).delete()
    HistoryAnchor.objects.filter(object_id=accepted.pk).update(**old)
    Case.objects.filter(pk=accepted.pk).update(status=CaseStatus.ACCEPTED, stage_order=3, decided_at=None,
                                               concluded_at=None, acting_role="decider",
                                               due=accepted.decision_due)  # fmt: skip
    assert case_breaks() == []  # a genuine anchor, kept from before: only the count shows it
    assert [b.code for b in audit.check_all().breaks] == ["rows_deleted"]


def test_verify_audit_reports_a_tampered_case_and_exits_non_zero(accepted, capsys):
    call_command("verify_audit")
    assert "intact" in capsys.readouterr().out
    Case.objects.filter(pk=accepted.pk).update(accepted_at=None)
    with pytest.raises(CommandError):
        call_command("verify_audit")
    out = capsys.readouterr().out
    assert f"BROKEN [state_without_event] 办件 {accepted.number}" in out and "accepted_at" in out


def _legacy(anchor):
    """The anchor as it was before cases kept their whole process: the stages' roles instead, under a valid MAC."""
    state = {k: v for k, v in anchor.state.items() if k not in ("process", "request_digest")}
    state["stage_roles"] = "0" * 64
    return state, audit.mac("history", "case", anchor.object_id, anchor.seq, anchor.head, state)


def test_the_migration_moves_each_valid_anchor_to_the_frozen_process(accepted):
    from importlib import import_module

    moved_anchor = import_module("zerovisit.cases.migrations.0009_frozen_process").moved_anchor
    anchor = HistoryAnchor.objects.get(object_type="case", object_id=accepted.pk)
    anchor.state, anchor.mac = _legacy(anchor)
    anchor.save()
    assert case_breaks()[0].code == "state_without_event"  # the legacy state does not name the process
    anchor.state, anchor.mac = moved_anchor(accepted.pk, anchor.seq, anchor.head, anchor.state, anchor.mac,
                                            accepted.process)  # fmt: skip
    anchor.save()
    assert case_breaks() == []


def test_the_migration_leaves_a_forged_anchor_as_found(accepted):
    from importlib import import_module

    moved_anchor = import_module("zerovisit.cases.migrations.0009_frozen_process").moved_anchor
    anchor = HistoryAnchor.objects.get(object_type="case", object_id=accepted.pk)
    state, _mac = _legacy(anchor)
    assert moved_anchor(accepted.pk, anchor.seq, anchor.head, state, "f" * 64, accepted.process) is None


def test_anchoring_costs_one_small_write_per_step(accepted, staff):
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    with transaction.atomic(), CaptureQueriesContext(connection) as step:
        case = Case.objects.select_for_update().get(pk=accepted.pk)
        events.record(case, actor=staff["reviewer"], role="reviewer", action="claim", before=case.status)
    sql = [q["sql"].split()[0] for q in step.captured_queries[1:] if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))]
    assert sql == ["SELECT", "INSERT", "UPDATE"]  # the last event, the new one, the anchor
    assert case_breaks() == []


@pytest.mark.parametrize("change", [
    {"delivery_address": {"name": "别人", "address": "别处"}}, {"form_data": {"经营场所": "别处"}},
    {"channel": "kiosk"}, {"process": {"stages": []}}, {"number": "320300-20261102-AAAAAAAA"},
])  # fmt: skip
def test_what_was_applied_for_and_where_the_result_goes_cannot_be_edited_unseen(accepted, change):
    Case.objects.filter(pk=accepted.pk).update(**change)
    assert [found.code for found in case_breaks()] == ["state_without_event"]
