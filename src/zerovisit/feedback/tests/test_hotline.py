"""12345: bad ratings pushed to the hotline, its work orders taken in as rectifications, their outcomes reported
back; against a local fake hotline."""

import time

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from zerovisit.core.audit import AuditEntry
from zerovisit.notify.models import Message

from .. import services
from ..models import Evaluation, Rating, Rectification
from .fake_hotline import FakeHotline


@pytest.fixture
def fake(settings):
    hotline = FakeHotline()
    settings.HOTLINE_ENDPOINT, settings.HOTLINE_SECRET, settings.HOTLINE_TIMEOUT = hotline.url, hotline.secret, 2
    yield hotline
    hotline.close()


def rate(case, citizen, rating, **kwargs):
    return services.evaluate_case(actor=citizen.user, number=case.number, rating=rating, comment="等了很久",
                                  **kwargs)  # fmt: skip


def send(fake, order, **signing):
    body, headers = fake.work_order(order, **signing)
    return APIClient().post("/api/v1/hotline/work-orders/", body, content_type="application/json",
                            headers={k: v for k, v in headers.items() if k != "Content-Type"})  # fmt: skip


def order_for(of, **fields):
    return {"work_order": "GD20261103000123", "agency": of.credit_code, "content": "窗口电话一直打不通",
            "caller": {"name": "李四", "phone": "13900001111"}, **fields}  # fmt: skip


def test_a_real_name_bad_rating_is_pushed_once_with_the_contact_and_an_anonymous_one_without(
    fake, concluded, citizen, clock
):
    evaluation = rate(concluded, citizen, Rating.DISSATISFIED)
    assert services.push_to_hotline() == 1
    assert services.push_to_hotline() == 0  # pushed once
    pushed = fake.tickets[f"zv-evaluation-{evaluation.pk}"]
    assert pushed["case_number"] == concluded.number and pushed["rating"] == 2 and pushed["comment"] == "等了很久"
    assert pushed["contact"] == {"name": "张三", "phone": "13812341234"}
    assert pushed["agency"]["credit_code"] == concluded.agency.credit_code and pushed["rectification_due"]
    evaluation.refresh_from_db()
    assert evaluation.hotline_ticket == "12345-PJ-000001" and evaluation.hotline_pushed_at
    Rectification.objects.all().delete()
    Evaluation.objects.all().delete()
    anonymous = rate(concluded, citizen, Rating.VERY_DISSATISFIED, anonymous=True)
    assert services.push_to_hotline() == 1
    assert fake.tickets[f"zv-evaluation-{anonymous.pk}"]["contact"] is None


def test_a_good_rating_is_not_pushed_and_without_a_hotline_nothing_is(fake, settings, concluded, citizen, clock):
    rate(concluded, citizen, Rating.BASICALLY_SATISFIED)
    assert services.push_to_hotline() == 0 and fake.tickets == {}
    Evaluation.objects.all().delete()
    rate(concluded, citizen, Rating.DISSATISFIED)
    settings.HOTLINE_ENDPOINT = ""
    assert services.push_to_hotline() == 0 and fake.tickets == {}


def test_while_the_hotline_is_down_the_rating_waits_for_the_next_run(fake, concluded, citizen, clock):
    evaluation = rate(concluded, citizen, Rating.DISSATISFIED)
    fake.fail_with = 503
    assert services.push_to_hotline() == 0
    evaluation.refresh_from_db()
    assert evaluation.hotline_pushed_at is None
    fake.fail_with = None
    assert services.push_to_hotline() == 1


def test_a_push_signed_with_another_secret_is_refused_by_the_hotline_and_retried(fake, settings, concluded, citizen,
                                                                                clock):  # fmt: skip
    rate(concluded, citizen, Rating.DISSATISFIED)
    settings.HOTLINE_SECRET = "not-the-shared-one"
    assert services.push_to_hotline() == 0 and fake.refused == 1
    assert Evaluation.objects.get().hotline_pushed_at is None


def test_a_signed_work_order_becomes_a_rectification_of_the_agency_due_in_five_working_days(
    fake, agency, agency_supervisor, clock
):
    answer = send(fake, order_for(agency))
    assert answer.status_code == 201, answer.content
    rectification = Rectification.objects.get(pk=answer.json()["rectification"])
    assert rectification.agency == agency and rectification.evaluation is None and rectification.case is None
    assert rectification.work_order == "GD20261103000123" and rectification.complaint == "窗口电话一直打不通"
    assert rectification.caller_name == "李四" and rectification.caller_phone_masked == "139****1111"
    assert "13900001111" not in rectification.caller_phone_encrypted
    assert str(rectification.due) == "2026-11-09"  # Monday 2 November + 5 working days
    assert Message.objects.filter(recipient=agency_supervisor, event="staff.work_order").exists()
    again = send(fake, order_for(agency, content="再次来电"))
    assert again.status_code == 200 and again.json() == answer.json()  # the same work order, taken once
    assert Rectification.objects.count() == 1


def test_a_work_order_may_name_a_case_of_the_agency_and_a_later_due_day(fake, agency, concluded, clock):
    answer = send(fake, order_for(agency, case_number=concluded.number, due="2026-11-20"))
    rectification = Rectification.objects.get(pk=answer.json()["rectification"])
    assert rectification.case == concluded and str(rectification.due) == "2026-11-20"
    earlier = send(fake, order_for(agency, work_order="GD2", due="2026-11-03"))
    assert str(Rectification.objects.get(pk=earlier.json()["rectification"]).due) == "2026-11-09"  # not less


@pytest.mark.parametrize("fields, code", [
    ({"agency": "91320300MA1XXXXXX1"}, "unknown_agency"),
    ({"case_number": "320300-20261101-NOSUCH00"}, "unknown_case"),
    ({"content": " "}, "content_required"),
    ({"work_order": ""}, "work_order_required"),
    ({"content": "长" * 2001}, "invalid_work_order"),
    ({"caller": "李四"}, "invalid_work_order"),
    ({"due": "next week"}, "invalid_work_order"),
    ({"work_order": 123}, "invalid_work_order"),
])  # fmt: skip
def test_a_work_order_that_cannot_be_taken_is_a_400_with_its_code(fake, agency, fields, code):
    answer = send(fake, order_for(agency, **fields))
    assert answer.status_code == 400 and answer.json()["code"] == code
    assert not Rectification.objects.exists()


def test_an_unsigned_old_or_wrongly_signed_work_order_is_refused(fake, settings, agency):
    assert send(fake, order_for(agency), secret="guessed").status_code == 401
    assert send(fake, order_for(agency), timestamp=int(time.time()) - 3600).status_code == 401
    plain = APIClient().post("/api/v1/hotline/work-orders/", order_for(agency), format="json")
    assert plain.status_code == 401 and plain.json()["code"] == "bad_signature"
    settings.HOTLINE_SECRET = ""  # no secret: nothing is trusted, however it is signed
    assert send(fake, order_for(agency), secret="x").status_code == 401
    assert not Rectification.objects.exists()


def test_a_work_order_about_a_pushed_rating_joins_its_rectification(fake, agency, concluded, citizen, clock):
    evaluation = rate(concluded, citizen, Rating.DISSATISFIED)
    services.push_to_hotline()
    answer = send(fake, {"work_order": "GD9", "reference": f"zv-evaluation-{evaluation.pk}"})
    assert answer.status_code == 200 and answer.json()["rectification"] == evaluation.rectification.pk
    assert Rectification.objects.get().work_order == "GD9"


def test_the_outcome_of_a_work_order_is_reported_to_the_hotline_as_it_is_reached(
    fake, agency, agency_supervisor, city_supervisor, clock
):
    pk = send(fake, order_for(agency)).json()["rectification"]
    services.record_call_back(actor=agency_supervisor, rectification_id=pk, said="已回电，来电人反映电话占线")
    assert services.push_to_hotline() == 0  # nothing to report while it is worked on
    services.rectify(actor=agency_supervisor, rectification_id=pk, action="开通第二条咨询专线", told="已电话告知")
    assert services.push_to_hotline() == 1 and services.push_to_hotline() == 0
    [(number, reply)] = fake.replies
    assert number == "GD20261103000123" and reply["status"] == "rectified" and reply["action"] == "开通第二条咨询专线"
    assert reply["call_backs"][0]["said"] == "已回电，来电人反映电话占线"
    with pytest.raises(services.PermissionDenied):  # a work order has no rater to rate again
        services.rate_again(actor=agency_supervisor, rectification_id=pk, rating=Rating.SATISFIED)
    services.close_rectification(actor=city_supervisor, rectification_id=pk, note="整改到位")
    assert services.push_to_hotline() == 1 and fake.replies[-1][1]["status"] == "closed"


def test_a_wrong_work_order_is_set_aside_on_appeal_audited_and_reported(fake, agency, agency_supervisor,
                                                                        city_supervisor, clock):  # fmt: skip
    pk = send(fake, order_for(agency)).json()["rectification"]
    services.appeal_rating(actor=agency_supervisor, rectification_id=pk, reason="该事项不属本单位职责")
    services.decide_appeal(actor=city_supervisor, rectification_id=pk, set_aside=True, note="转交属地办理")
    entry = AuditEntry.objects.get(action="evaluation.set_aside")
    assert entry.object_type.endswith("rectification") and entry.detail["work_order"] == "GD20261103000123"
    services.push_to_hotline()
    assert fake.replies[-1][1]["status"] == "set_aside" and fake.replies[-1][1]["appeal"] == "该事项不属本单位职责"


def test_the_agency_works_a_work_order_on_its_page_and_sees_the_caller_s_number(
    client, fake, agency, agency_supervisor, city_supervisor, clock
):
    pk = send(fake, order_for(agency)).json()["rectification"]
    client.force_login(agency_supervisor)
    listing = client.get(reverse("feedback:rectifications")).content.decode()
    assert "GD20261103000123" in listing
    page = client.get(reverse("feedback:rectification", args=[pk]))
    assert page.status_code == 200 and "tel:13900001111" in page.content.decode()
    assert "窗口电话一直打不通" in page.content.decode()
    assert client.post(reverse("feedback:act", args=[pk, "call-back"]), {"said": "已回电"}).status_code == 302
    client.force_login(city_supervisor)
    page = client.get(reverse("feedback:rectification", args=[pk])).content.decode()
    assert "139****1111" in page and "13900001111" not in page
