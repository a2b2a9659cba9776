import datetime

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from zerovisit.accounts.models import Role
from zerovisit.accounts.tests.factories import editor
from zerovisit.cases import services as cases
from zerovisit.cases.tests.factories import apply
from zerovisit.core.errors import DomainError
from zerovisit.feedback.services import answer_question, ask_question
from zerovisit.notify.models import Message

from ..alerts import acknowledge_alert, raise_alerts
from ..models import Alert, AlertKind
from ..selectors import open_alerts, reach


@pytest.fixture
def supervisor(agency):
    return editor(agency, role=Role.SUPERVISOR, username="jiandu")


def test_an_online_application_left_unclaimed_past_the_duty_hours_raises_one_alert(clock, item, citizen):
    clock.set(2026, 11, 2, 9)
    case = apply(item, citizen)
    clock.set(2026, 11, 2, 12)
    assert raise_alerts()[AlertKind.UNCLAIMED] == 0  # three office hours
    clock.set(2026, 11, 2, 14)
    assert raise_alerts()[AlertKind.UNCLAIMED] == 1
    assert raise_alerts()[AlertKind.UNCLAIMED] == 0  # raised once
    [alert] = Alert.objects.filter(kind=AlertKind.UNCLAIMED)
    assert alert.case == case and alert.ended_at is None


def test_a_red_case_raises_an_alert_that_ends_when_the_case_moves_on(clock, item, citizen, staff):
    clock.set(2026, 11, 2)
    case = apply(item, citizen)
    cases.claim_case(actor=staff["acceptor"], number=case.number)
    clock.set(2026, 11, 10)  # acceptance was due on 11-09
    raise_alerts()
    alert = Alert.objects.get(kind=AlertKind.OVERDUE)
    assert alert.case == case and alert.ended_at is None
    cases.accept_case(actor=staff["acceptor"], number=case.number)
    cases.review_case(actor=staff["reviewer"], number=case.number, opinion="同意")
    cases.decide_case(actor=staff["decider"], number=case.number, approve=True, reasons="符合条件")
    raise_alerts()
    alert.refresh_from_db()
    assert alert.ended_at is not None


@override_settings(ALERT_ESCALATION_DAYS=2)
def test_a_case_red_for_days_is_told_to_the_agencys_head_once(clock, item, citizen, supervisor):
    clock.set(2026, 11, 2)
    apply(item, citizen)
    clock.set(2026, 11, 10)
    raise_alerts()
    clock.set(2026, 11, 11)
    raise_alerts()
    assert not Message.objects.filter(event="staff.alert_escalated").exists()  # one working day
    clock.set(2026, 11, 12)
    raise_alerts()
    raise_alerts()
    assert Message.objects.filter(recipient=supervisor, event="staff.alert_escalated").count() == 1
    assert Alert.objects.get(kind=AlertKind.OVERDUE).escalated_at is not None


def test_a_supervisor_acknowledges_an_alert_with_a_note(clock, item, citizen, supervisor):
    clock.set(2026, 11, 2)
    apply(item, citizen)
    clock.set(2026, 11, 10)
    raise_alerts()
    alert = Alert.objects.get(kind=AlertKind.OVERDUE)
    assert open_alerts(reach(supervisor))[AlertKind.OVERDUE] == 1
    with pytest.raises(DomainError) as refused:
        acknowledge_alert(actor=supervisor, alert_id=alert.pk, note=" ")
    assert refused.value.code == "note_required"
    acknowledge_alert(actor=supervisor, alert_id=alert.pk, note="已督促受理")
    alert.refresh_from_db()
    assert alert.acknowledged_by == supervisor and alert.note == "已督促受理"
    assert open_alerts(reach(supervisor))[AlertKind.OVERDUE] == 0


def test_the_alert_inbox_lists_what_the_supervisor_supervises_and_says_what_to_fix(
    client, clock, item, citizen, supervisor
):
    clock.set(2026, 11, 2)
    apply(item, citizen)
    clock.set(2026, 11, 10)
    raise_alerts()
    client.force_login(supervisor)
    url = reverse("supervision:alerts")
    assert {a.kind for a in client.get(url).context["page"]} == {AlertKind.OVERDUE, AlertKind.UNCLAIMED}
    [alert] = client.get(url, {"kind": "overdue"}).context["page"]
    response = client.post(reverse("supervision:acknowledge", args=[alert.pk]), {"note": "", "alert": alert.pk})
    assert response.status_code == 400 and response.context["form"].errors["note"]
    response = client.post(reverse("supervision:acknowledge", args=[alert.pk]), {"note": "已处理", "alert": alert.pk})
    assert response.status_code == 302
    assert list(client.get(url, {"kind": "overdue"}).context["page"]) == []
    assert len(client.get(url, {"kind": "overdue", "state": "all"}).context["page"]) == 1


def test_nobody_else_acknowledges_an_alert(client, clock, item, citizen, staff):
    clock.set(2026, 11, 2)
    apply(item, citizen)
    clock.set(2026, 11, 10)
    raise_alerts()
    alert = Alert.objects.get(kind=AlertKind.OVERDUE)
    client.force_login(staff["acceptor"])
    assert client.post(reverse("supervision:acknowledge", args=[alert.pk]), {"note": "x"}).status_code == 403


def test_a_deemed_acceptance_raises_an_alert(clock, item, citizen):
    clock.set(2026, 11, 2)
    apply(item, citizen)
    clock.set(2026, 11, 10)
    cases.deem_overdue_acceptances()
    raise_alerts()
    assert Alert.objects.filter(kind=AlertKind.DEEMED_ACCEPTED).count() == 1
    assert timezone.localdate(Alert.objects.get(kind=AlertKind.DEEMED_ACCEPTED).raised_at) == datetime.date(
        2026, 11, 10
    )


def test_a_question_unanswered_past_its_service_level_raises_an_alert_that_ends_with_the_answer(
    client, clock, item, citizen, staff, supervisor
):
    question = ask_question(actor=citizen.user, impl_code=item.impl_code, text="要带原件吗？")  # due Tue 10:00
    clock.set(2026, 11, 3, 9)
    assert raise_alerts()[AlertKind.QUESTION_OVERDUE] == 0
    clock.set(2026, 11, 3, 11)
    assert raise_alerts()[AlertKind.QUESTION_OVERDUE] == 1
    assert raise_alerts()[AlertKind.QUESTION_OVERDUE] == 0  # raised once
    assert open_alerts(reach(supervisor))[AlertKind.QUESTION_OVERDUE] == 1
    client.force_login(supervisor)
    [alert] = client.get(reverse("supervision:alerts"), {"kind": "question_overdue"}).context["page"]
    assert alert.question == question and alert.case is None
    answer_question(actor=staff["acceptor"], question_id=question.pk, answer="要")
    raise_alerts()
    alert.refresh_from_db()
    assert alert.ended_at is not None


def test_a_notification_that_could_not_be_sent_raises_an_alert_on_its_case(clock, item, citizen, supervisor):
    case = apply(item, citizen)
    other = apply(item, citizen)
    Message.objects.filter(case_number=case.number).update(status="failed")
    Message.objects.create(channel="sms", event="x", title="x", body="x", status="failed")  # about no case
    assert raise_alerts()[AlertKind.MESSAGE_FAILED] == 1
    assert raise_alerts()[AlertKind.MESSAGE_FAILED] == 0  # raised once
    [alert] = Alert.objects.filter(kind=AlertKind.MESSAGE_FAILED)
    assert alert.case == case and alert.agency_id == case.agency_id and other.number != case.number
    assert open_alerts(reach(supervisor))[AlertKind.MESSAGE_FAILED] == 1
    clock.set(2026, 12, 10)  # older than the last 30 days: nothing new
    Message.objects.filter(case_number=other.number).update(status="failed")
    Message.objects.filter(case_number=other.number).update(created_at=timezone.now() - datetime.timedelta(days=31))
    assert raise_alerts()[AlertKind.MESSAGE_FAILED] == 0
