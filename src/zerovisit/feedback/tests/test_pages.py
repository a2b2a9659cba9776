from django.urls import reverse

from zerovisit.accounts.tests.factories import UserFactory

from ..models import Evaluation, RectificationStatus


def rate(client, citizen, case, **data):
    client.force_login(citizen.user)
    return client.post(reverse("portal:rate", args=[case.number]), data)


def test_zhangsan_rates_his_concluded_case_on_its_page(client, concluded, citizen):
    client.force_login(citizen.user)
    page = client.get(reverse("portal:case_detail", args=[concluded.number]))
    assert page.context["rating_form"] is not None
    response = rate(client, citizen, concluded, rating="2", items=["speed"], comment="太慢")
    assert response.status_code == 302
    evaluation = Evaluation.objects.get()
    assert (evaluation.rating, evaluation.items, evaluation.comment) == (2, ["speed"], "太慢")
    page = client.get(reverse("portal:case_detail", args=[concluded.number]))
    assert page.context["rating_form"] is None and page.context["evaluation"] == evaluation


def test_a_rating_form_with_errors_is_shown_again_with_what_was_chosen(client, concluded, citizen):
    response = rate(client, citizen, concluded, rating="9", comment="想说的话")
    assert response.status_code == 400
    assert response.context["rating_form"].errors["rating"]
    assert "想说的话" in response.content.decode()
    assert not Evaluation.objects.exists()


def test_rating_twice_says_so(client, concluded, citizen):
    rate(client, citizen, concluded, rating="5")
    response = rate(client, citizen, concluded, rating="5")  # a second tab, say: the form to rate again is refused
    assert response.status_code == 400
    assert Evaluation.objects.count() == 1


def test_the_agency_and_its_supervisor_work_a_rectification_through_the_pages(
    client, concluded, citizen, clock, agency_supervisor, city_supervisor
):
    rate(client, citizen, concluded, rating="1", comment="态度差")
    rectification = Evaluation.objects.get().rectification
    client.force_login(agency_supervisor)
    listing = client.get(reverse("feedback:rectifications"))
    assert [r.pk for r in listing.context["page"]] == [rectification.pk]
    detail = reverse("feedback:rectification", args=[rectification.pk])
    assert [step for step, _, _ in client.get(detail).context["steps"]] == ["call-back", "appeal"]
    act = lambda step: reverse("feedback:act", args=[rectification.pk, step])  # noqa: E731
    assert client.post(act("call-back"), {"said": ""}).status_code == 400
    assert client.post(act("call-back"), {"said": "已致歉并说明原因"}).status_code == 302
    assert client.post(act("rectify"), {"action": "窗口人员培训", "told": "已告知"}).status_code == 302
    assert client.post(act("close"), {"note": "自己关"}).status_code == 400  # not the agency's step
    client.force_login(city_supervisor)
    assert [r.pk for r in client.get(reverse("feedback:rectifications")).context["page"]] == [rectification.pk]
    assert client.post(act("close"), {"note": "整改到位"}).status_code == 302
    rectification.refresh_from_db()
    assert rectification.status == RectificationStatus.CLOSED


def test_nobody_else_sees_a_rectification(client, concluded, citizen, clock):
    rate(client, citizen, concluded, rating="1")
    rectification = Evaluation.objects.get().rectification
    client.force_login(citizen.user)
    assert client.get(reverse("feedback:rectifications")).status_code == 403
    client.force_login(UserFactory())
    assert client.get(reverse("feedback:rectification", args=[rectification.pk])).status_code == 404
