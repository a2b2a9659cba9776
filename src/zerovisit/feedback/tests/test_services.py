import datetime

import pytest

from zerovisit.accounts.tests.factories import UserFactory
from zerovisit.cases.tests.factories import apply
from zerovisit.core.errors import Conflict, NotFound, PermissionDenied
from zerovisit.core.models import AuditEntry
from zerovisit.notify.models import Message
from zerovisit.supervision.models import MEASURES, DailyRollup
from zerovisit.supervision.services import apply_rollup_queue, rollup_differences

from .. import services
from ..models import Evaluation, Rating, RectificationStatus

D = datetime.date


def rated_bad(concluded, citizen, clock, **kwargs):
    clock.set(2026, 11, 3)
    return services.evaluate_case(actor=citizen.user, number=concluded.number, rating=Rating.DISSATISFIED,
                                  items=["speed"], comment="等了很久", **kwargs)  # fmt: skip


def measures_of(day) -> dict:
    rows = DailyRollup.objects.filter(day=day).values(*MEASURES)
    return {name: sum(row[name] for row in rows) for name in ("evaluated", "satisfied", "bad_rated", "rectified")}


def test_the_applicant_rates_a_concluded_case_once(concluded, citizen, clock):
    evaluation = services.evaluate_case(actor=citizen.user, number=concluded.number, rating=Rating.VERY_SATISFIED,
                                        items=["speed"])  # fmt: skip
    assert evaluation.rating == 5 and evaluation.items == []  # what was not satisfactory: nothing, when satisfied
    assert not hasattr(evaluation, "rectification")
    with pytest.raises(Conflict) as refused:
        services.evaluate_case(actor=citizen.user, number=concluded.number, rating=Rating.SATISFIED)
    assert refused.value.code == "already_rated"


def test_a_case_still_in_handling_cannot_be_rated(item, citizen, clock):
    case = apply(item, citizen)
    with pytest.raises(Conflict) as refused:
        services.evaluate_case(actor=citizen.user, number=case.number, rating=Rating.SATISFIED)
    assert refused.value.code == "case_not_concluded"


def test_only_the_applicant_rates(concluded, staff):
    with pytest.raises(PermissionDenied):
        services.evaluate_case(actor=staff["acceptor"], number=concluded.number, rating=Rating.SATISFIED)
    with pytest.raises(NotFound):
        services.evaluate_case(actor=UserFactory(), number=concluded.number, rating=Rating.SATISFIED)


def test_a_rating_out_of_the_scale_or_an_unknown_item_is_refused(concluded, citizen):
    for rating, items in ((0, []), (6, []), (2, ["weather"])):
        with pytest.raises(services.InvalidRating):
            services.evaluate_case(actor=citizen.user, number=concluded.number, rating=rating, items=items)
    assert not Evaluation.objects.exists()


def test_a_real_name_bad_rating_opens_a_rectification_due_in_five_working_days(concluded, citizen, clock,
                                                                               agency_supervisor):  # fmt: skip
    evaluation = rated_bad(concluded, citizen, clock)
    rectification = evaluation.rectification
    assert rectification.status == RectificationStatus.OPEN
    assert rectification.due == D(2026, 11, 10)  # Tuesday + 5 working days
    told = Message.objects.get(recipient=agency_supervisor, event="staff.bad_rating")
    assert concluded.number in told.body


def test_an_anonymous_bad_rating_counts_but_opens_no_rectification(concluded, citizen, clock):
    evaluation = rated_bad(concluded, citizen, clock, anonymous=True)
    assert not hasattr(evaluation, "rectification")
    apply_rollup_queue()
    assert measures_of(D(2026, 11, 3)) == {"evaluated": 1, "satisfied": 0, "bad_rated": 0, "rectified": 0}


def test_call_back_rectify_rate_again_and_close(concluded, citizen, clock, staff, city_supervisor,
                                                agency_supervisor):  # fmt: skip
    rectification = rated_bad(concluded, citizen, clock).rectification
    apply_rollup_queue()
    assert measures_of(D(2026, 11, 3)) == {"evaluated": 1, "satisfied": 0, "bad_rated": 1, "rectified": 0}
    with pytest.raises(Conflict):  # nothing to report before the rater was called
        services.rectify(actor=staff["acceptor"], rectification_id=rectification.pk, action="x", told="y")
    services.record_call_back(actor=agency_supervisor, rectification_id=rectification.pk,
                              said="申请人反映审查等待时间长，已致歉")  # fmt: skip
    services.rectify(actor=agency_supervisor, rectification_id=rectification.pk, action="增设审查岗，承诺三日内审结",
                     told="已电话告知整改措施")  # fmt: skip
    assert Message.objects.filter(recipient=citizen.user, event="feedback.rectified").exists()
    with pytest.raises(PermissionDenied):  # the agency does not close its own rectification
        services.close_rectification(actor=agency_supervisor, rectification_id=rectification.pk)
    second = services.rate_again(actor=citizen.user, rectification_id=rectification.pk, rating=Rating.SATISFIED)
    assert second.second_of == rectification.evaluation
    with pytest.raises(Conflict):
        services.rate_again(actor=citizen.user, rectification_id=rectification.pk, rating=Rating.SATISFIED)
    closed = services.close_rectification(actor=city_supervisor, rectification_id=rectification.pk, note="整改到位")
    assert closed.status == RectificationStatus.CLOSED and closed.closed_by == city_supervisor
    apply_rollup_queue()
    assert measures_of(D(2026, 11, 3))["rectified"] == 1
    assert rollup_differences(D(2026, 11, 1), D(2026, 11, 30)) == []


def test_a_step_needs_its_words(concluded, citizen, clock, agency_supervisor):
    rectification = rated_bad(concluded, citizen, clock).rectification
    with pytest.raises(services.DomainError) as refused:
        services.record_call_back(actor=agency_supervisor, rectification_id=rectification.pk, said="  ")
    assert refused.value.code == "said_required"


def test_staff_of_another_agency_cannot_touch_a_rectification(concluded, citizen, clock):
    from zerovisit.accounts.models import Role
    from zerovisit.accounts.tests.factories import editor
    from zerovisit.org.tests.factories import AgencyFactory

    rectification = rated_bad(concluded, citizen, clock).rectification
    stranger = editor(AgencyFactory(), role=Role.SUPERVISOR, username="other")
    with pytest.raises(PermissionDenied):
        services.record_call_back(actor=stranger, rectification_id=rectification.pk, said="?")


def test_a_rating_set_aside_on_appeal_no_longer_counts_and_the_decision_is_audited(
    concluded, citizen, clock, agency_supervisor, city_supervisor
):
    rectification = rated_bad(concluded, citizen, clock).rectification
    services.appeal_rating(actor=agency_supervisor, rectification_id=rectification.pk,
                           reason="评价人在办结前已撤回投诉，录音为证")  # fmt: skip
    with pytest.raises(PermissionDenied):
        services.decide_appeal(actor=agency_supervisor, rectification_id=rectification.pk, set_aside=True, note="x")
    decided = services.decide_appeal(actor=city_supervisor, rectification_id=rectification.pk, set_aside=True,
                                     note="证据属实")  # fmt: skip
    assert decided.status == RectificationStatus.SET_ASIDE and decided.evaluation.set_aside
    entry = AuditEntry.objects.get(action="evaluation.set_aside")
    assert entry.actor_id == city_supervisor.pk and entry.detail["after"] == "set_aside"
    apply_rollup_queue()
    assert measures_of(D(2026, 11, 3)) == {"evaluated": 0, "satisfied": 0, "bad_rated": 0, "rectified": 0}


def test_a_rejected_appeal_sends_the_rectification_back_to_the_agency(concluded, citizen, clock, agency_supervisor,
                                                                     city_supervisor):  # fmt: skip
    rectification = rated_bad(concluded, citizen, clock).rectification
    services.record_call_back(actor=agency_supervisor, rectification_id=rectification.pk, said="已回访")
    services.appeal_rating(actor=agency_supervisor, rectification_id=rectification.pk, reason="评价与事实不符")
    rejected = services.decide_appeal(actor=city_supervisor, rectification_id=rectification.pk, set_aside=False,
                                      note="证据不足，请整改")  # fmt: skip
    assert rejected.status == RectificationStatus.CALLED_BACK and not rejected.evaluation.set_aside
    assert AuditEntry.objects.filter(action="evaluation.appeal_rejected").exists()
