"""The applicant's view of a case's history: the steps to come, without the office's own steps, the opinions
they are not owed, or the names of staff; staff read all of it."""

from rest_framework.test import APIClient

from zerovisit.cases import services
from zerovisit.cases.selectors import stages_to_come, timeline_for

from .factories import apply


def reviewed(item, citizen, staff):
    case = apply(item, citizen)
    services.claim_case(actor=staff["acceptor"], number=case.number)
    services.accept_case(actor=staff["acceptor"], number=case.number)
    services.review_case(actor=staff["reviewer"], number=case.number, opinion="内部意见：建议核实场所产权")
    return case


def test_the_applicant_reads_neither_the_offices_own_steps_nor_its_internal_opinions(clock, item, citizen, staff):
    case = reviewed(item, citizen, staff)
    services.extend_case(actor=staff["decider"], number=case.number, reason="需现场核查，延长十个工作日")
    seen = timeline_for(citizen.user, case.events.order_by("seq"))
    assert [e.action for e in seen] == ["submit", "accept", "extend"]
    assert seen[-1].opinion == "需现场核查，延长十个工作日"  # a reason the applicant is owed
    assert all(e.actor is None for e in seen if e.action != "submit")
    assert [e.action for e in timeline_for(staff["reviewer"], case.events.order_by("seq"))] == [
        "submit",
        "claim",
        "accept",
        "review",
        "extend",
    ]
    case.events.get(action="review")  # nothing was changed or saved: the record is whole
    assert case.events.get(action="review").opinion.startswith("内部意见")


def test_an_open_case_names_the_stages_still_to_come(clock, item, citizen, staff):
    case = apply(item, citizen)
    assert [s.action for s in stages_to_come(case)] == [s["action"] for s in case.process["stages"]]
    case = reviewed(item, citizen, staff)
    case.refresh_from_db()
    assert [s.action for s in stages_to_come(case)] == ["decide"]
    services.decide_case(actor=staff["decider"], number=case.number, approve=True, reasons="准予")
    case.refresh_from_db()
    assert stages_to_come(case) == []


def test_the_case_page_and_the_api_show_the_applicant_the_same(clock, client, item, citizen, staff):
    case = reviewed(item, citizen, staff)
    client.force_login(citizen.user)
    page = client.get(f"/my/cases/{case.number}/").content.decode()
    assert "内部意见" not in page and "受理" in page and 'aria-current="step"' in page
    api = APIClient()
    api.force_authenticate(citizen.user)
    events = api.get(f"/api/v1/cases/{case.number}/").json()["events"]
    assert [e["action"] for e in events] == ["submit", "accept"] and all(not e["opinion"] for e in events)
    assert {e["actor"] for e in events} <= {None, str(citizen.user)}
    api.force_authenticate(staff["reviewer"])
    assert "review" in [e["action"] for e in api.get(f"/api/v1/cases/{case.number}/").json()["events"]]
