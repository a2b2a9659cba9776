"""在线咨询: asking on a guide, the agency's answer within its service level, publication as the item's FAQ."""

import datetime

import pytest
from django.conf import settings
from django.urls import reverse
from rest_framework.test import APIClient

from zerovisit.accounts.tests.factories import UserFactory, editor
from zerovisit.cases.tests.factories import SHANGHAI
from zerovisit.core.audit import AuditEntry
from zerovisit.core.errors import Conflict, DomainError, NotFound
from zerovisit.notify.models import Message
from zerovisit.org.tests.factories import AgencyFactory

from .. import selectors, services
from ..models import Question

pytestmark = pytest.mark.django_db


def at(*args):
    return datetime.datetime(*args, tzinfo=SHANGHAI)


@pytest.fixture
def asked(item, citizen, clock):
    """zhangsan's question, asked on Monday 2026-11-02 at 10:00."""
    return services.ask_question(actor=citizen.user, impl_code=item.impl_code, text="个体户可以申请吗？")


@pytest.fixture
def acceptor(staff):
    return staff["acceptor"]


def test_a_question_is_due_one_working_day_of_office_hours_later(asked, item):
    assert (asked.item, asked.agency_id, asked.impl_code) == (item, item.agency_id, item.impl_code)
    assert asked.due_at == at(2026, 11, 3, 10)  # 8.5 office hours: Monday 10:00 to Tuesday 10:00


def test_a_question_asked_on_friday_evening_is_due_on_monday_evening(item, citizen, clock):
    clock.set(2026, 11, 6, 19)
    question = services.ask_question(actor=citizen.user, impl_code=item.impl_code, text="周末能办吗？")
    assert question.due_at == at(2026, 11, 9, 17, 30)


def test_an_empty_or_overlong_question_or_an_unknown_item_is_refused(item, citizen):
    with pytest.raises(DomainError) as empty:
        services.ask_question(actor=citizen.user, impl_code=item.impl_code, text="  ")
    with pytest.raises(DomainError) as long:
        services.ask_question(actor=citizen.user, impl_code=item.impl_code, text="问" * 501)
    with pytest.raises(NotFound):
        services.ask_question(actor=citizen.user, impl_code="000000000000000000000000000000", text="问")
    assert (empty.value.code, long.value.code) == ("question_required", "question_too_long")
    assert not Question.objects.exists()


def test_an_account_asks_at_most_ten_questions_a_day(item, citizen, clock):
    for n in range(settings.QUESTIONS_PER_DAY):
        services.ask_question(actor=citizen.user, impl_code=item.impl_code, text=f"问题{n}")
    with pytest.raises(services.TooManyQuestions) as refused:
        services.ask_question(actor=citizen.user, impl_code=item.impl_code, text="再问一个")
    assert refused.value.status == 429
    clock.set(2026, 11, 3, 10, 1)  # a day later
    services.ask_question(actor=citizen.user, impl_code=item.impl_code, text="再问一个")


def test_the_agency_answers_once_and_the_asker_is_told(asked, acceptor, citizen, clock):
    clock.set(2026, 11, 2, 15)
    answered = services.answer_question(actor=acceptor, question_id=asked.pk, answer="可以，持营业执照申请。")
    assert answered.answered_in_time and answered.answered_by == acceptor
    message = Message.objects.get(recipient=citizen.user, event="feedback.answered")
    assert "持营业执照申请" in message.body
    with pytest.raises(Conflict):
        services.answer_question(actor=acceptor, question_id=asked.pk, answer="再答一次")


def test_an_answer_after_the_service_level_is_late(asked, acceptor, clock):
    clock.set(2026, 11, 3, 11)
    assert not services.answer_question(actor=acceptor, question_id=asked.pk, answer="晚了").answered_in_time


def test_nobody_outside_the_agency_reads_or_answers_a_question(asked, citizen):
    other = editor(AgencyFactory(), username="other_staff")
    stranger = UserFactory(username="lisi")
    for actor in (other, stranger, citizen.user):
        with pytest.raises(NotFound):
            services.answer_question(actor=actor, question_id=asked.pk, answer="不归我管")
    for reader in (other, stranger):
        with pytest.raises(NotFound):
            selectors.question_for(reader, asked.pk)
    assert selectors.question_for(citizen.user, asked.pk) == asked


def test_a_published_answer_is_on_the_guide_in_its_own_wording_and_audited(asked, acceptor, item, client):
    services.answer_question(actor=acceptor, question_id=asked.pk, answer="张三先生：可以。")
    with pytest.raises(DomainError) as missing:
        services.publish_faq(actor=acceptor, question_id=asked.pk, question="个体户可以申请吗？", answer=" ")
    assert missing.value.code == "faq_answer_required"
    services.publish_faq(actor=acceptor, question_id=asked.pk, question="个体户可以申请吗？", answer="可以。")
    guide = client.get(reverse("portal:item_guide", args=[item.impl_code]))
    assert [q.faq_answer for q in guide.context["answered"]] == ["可以。"]
    assert "张三先生" not in guide.content.decode()
    entry = AuditEntry.objects.get(action="question.published")
    assert entry.detail["after"]["answer"] == "可以。" and entry.detail["before"]["published"] is False
    services.withdraw_faq(actor=acceptor, question_id=asked.pk)
    assert not client.get(reverse("portal:item_guide", args=[item.impl_code])).context["answered"]
    assert AuditEntry.objects.filter(action="question.withdrawn").exists()


def test_an_unanswered_question_cannot_be_published(asked, acceptor):
    with pytest.raises(Conflict):
        services.publish_faq(actor=acceptor, question_id=asked.pk, question="问", answer="答")


def test_a_published_answer_is_found_by_search_on_the_first_page(asked, acceptor, client):
    services.answer_question(actor=acceptor, question_id=asked.pk, answer="可以")
    services.publish_faq(actor=acceptor, question_id=asked.pk, question="个体户可以申请吗？",
                         answer="个体工商户持营业执照即可申请。")  # fmt: skip
    found = client.get(reverse("portal:item_list"), {"q": "个体户"})
    assert [q.pk for q in found.context["faq_hits"]] == [asked.pk]
    assert "个体工商户持营业执照即可申请" in found.content.decode()
    assert client.get(reverse("portal:item_list"), {"q": "护照"}).context["faq_hits"] == []


# -- pages ---------------------------------------------------------------------------------------------------


def test_zhangsan_asks_on_the_guide_and_reads_the_answer_on_his_page(client, item, citizen, acceptor, clock):
    guide = reverse("portal:item_guide", args=[item.impl_code])
    assert reverse("accounts:login") in client.get(guide).content.decode()  # signed out: a link to log in
    client.force_login(citizen.user)
    response = client.post(reverse("portal:ask", args=[item.impl_code]), {"text": "需要本人到场吗？"})
    assert response.status_code == 302 and response.url == reverse("portal:my_questions")
    question = Question.objects.get()
    client.force_login(acceptor)
    queue = client.get(reverse("feedback:questions"))
    assert [q.pk for q in queue.context["page"]] == [question.pk]
    detail = reverse("feedback:question", args=[question.pk])
    assert client.get(detail).status_code == 200
    act = lambda step: reverse("feedback:question_act", args=[question.pk, step])  # noqa: E731
    assert client.post(act("answer"), {"answer": ""}).status_code == 400
    assert client.post(act("answer"), {"answer": "不需要，全程网办。"}).status_code == 302
    page = client.get(detail)
    assert page.context["publish_form"].initial == {"question": "需要本人到场吗？", "answer": "不需要，全程网办。"}
    assert client.post(act("publish"), {"question": "需要本人到场吗？", "answer": "不需要。"}).status_code == 302
    assert client.post(act("withdraw")).status_code == 302
    assert client.post(act("withdraw")).status_code == 302  # not published: said on the page, nothing changes
    client.force_login(citizen.user)
    mine = client.get(reverse("portal:my_questions"))
    assert "不需要，全程网办。" in mine.content.decode()


def test_a_refused_question_shows_the_guide_again_with_the_text_kept(client, item, citizen):
    client.force_login(citizen.user)
    response = client.post(reverse("portal:ask", args=[item.impl_code]), {"text": "问" * 501})
    assert response.status_code == 400
    assert response.context["question_form"].errors["text"]
    assert "问" * 501 in response.content.decode()
    assert not Question.objects.exists()


def test_the_asker_is_sent_to_their_own_page_and_strangers_find_nothing(client, asked, citizen):
    client.force_login(citizen.user)
    assert client.get(reverse("feedback:question", args=[asked.pk])).url == reverse("portal:my_questions")
    assert client.get(reverse("feedback:questions")).status_code == 403
    client.force_login(UserFactory(username="lisi"))
    assert client.get(reverse("feedback:question", args=[asked.pk])).status_code == 404


def test_the_workbench_counts_the_waiting_questions(client, asked, acceptor):
    client.force_login(acceptor)
    assert client.get(reverse("workbench:inbox")).context["questions_waiting"] == 1


# -- API -----------------------------------------------------------------------------------------------------


def test_the_app_asks_lists_and_reads_the_faq_over_the_api(item, citizen, acceptor, clock):
    url = f"/api/v1/items/{item.impl_code}/questions/"
    anonymous = APIClient()
    assert anonymous.post(url, {"text": "问"}, format="json").status_code in (401, 403)
    api = APIClient()
    api.force_authenticate(citizen.user)
    asked = api.post(url, {"text": "可以代办吗？"}, format="json")
    assert asked.status_code == 201, asked.json()
    body = asked.json()
    assert (body["item"], body["answered"], body["due_at"]) == (item.impl_code, False, "2026-11-03T10:00:00+08:00")
    assert api.post(url, {"text": ""}, format="json").status_code == 400
    assert [q["id"] for q in api.get("/api/v1/questions/").json()["results"]] == [body["id"]]
    assert api.get("/api/v1/questions/", {"queue": "waiting"}).status_code == 403  # not an agency's staff

    staff_api = APIClient()
    staff_api.force_authenticate(acceptor)
    assert staff_api.get("/api/v1/questions/", {"queue": "later"}).json()["code"] == "invalid_queue"
    [waiting] = staff_api.get("/api/v1/questions/", {"queue": "waiting"}).json()["results"]
    assert waiting["id"] == body["id"]
    answer = f"/api/v1/questions/{body['id']}/answer/"
    assert api.post(answer, {"answer": "可以"}, format="json").status_code == 404  # the asker does not answer
    answered = staff_api.post(answer, {"answer": "可以，委托书即可。"}, format="json")
    assert answered.status_code == 200 and answered.json()["answered"] is True
    assert staff_api.post(answer, {"answer": "再答"}, format="json").json()["code"] == "already_answered"

    assert anonymous.get(url).json()["results"] == []  # not published yet
    services.publish_faq(actor=acceptor, question_id=body["id"], question="可以代办吗？", answer="可以。")
    [faq] = anonymous.get(url).json()["results"]
    assert (faq["question"], faq["answer"]) == ("可以代办吗？", "可以。")


def test_too_many_questions_is_429_over_the_api(item, citizen, clock):
    api = APIClient()
    api.force_authenticate(citizen.user)
    url = f"/api/v1/items/{item.impl_code}/questions/"
    for n in range(settings.QUESTIONS_PER_DAY):
        assert api.post(url, {"text": f"问{n}"}, format="json").status_code == 201
    refused = api.post(url, {"text": "再问"}, format="json")
    assert refused.status_code == 429 and refused.json()["code"] == "too_many_questions"


def test_the_admin_shows_questions_ratings_and_alerts_and_changes_none(admin_client, asked, concluded, citizen):
    services.evaluate_case(actor=citizen.user, number=concluded.number, rating=1)
    for name in ("feedback_question", "feedback_evaluation", "feedback_rectification", "supervision_alert"):
        assert admin_client.get(reverse(f"admin:{name}_changelist")).status_code == 200, name
    page = admin_client.get(reverse("admin:feedback_question_change", args=[asked.pk]))
    assert page.status_code == 200 and "个体户可以申请吗" in page.content.decode()
    assert admin_client.get(reverse("admin:feedback_question_add")).status_code == 403
    response = admin_client.post(reverse("admin:feedback_question_delete", args=[asked.pk]), {"post": "yes"})
    assert response.status_code == 403 and Question.objects.filter(pk=asked.pk).exists()
