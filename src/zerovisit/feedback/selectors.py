"""Reading evaluations, rectifications and questions, with who may see them checked in the same call."""

from django.db.models import Q

from zerovisit.cases.selectors import is_case_staff, region_reach
from zerovisit.catalog.models import ServiceItem
from zerovisit.core.errors import NotFound

from .models import Evaluation, Question, Rectification, RectificationStatus

# What each side has still to do: the agency calls back, rectifies or appeals; a supervisor closes or decides.
AGENCY_TODO = (RectificationStatus.OPEN, RectificationStatus.CALLED_BACK)
REVIEW_TODO = (RectificationStatus.RECTIFIED, RectificationStatus.APPEALED)


def may_rate(user, case) -> bool:
    """The applicant's side rates a case: the account that sent it, or the applicant's own account."""
    return user.pk == case.submitted_by_id or (case.applicant.user_id is not None and case.applicant.user_id == user.pk)


def evaluation_of(case) -> Evaluation | None:
    """The case's first rating, with its rectification and second rating when there are."""
    return (Evaluation.objects.filter(case=case, second_of__isnull=True)
            .select_related("rectification", "second").first())  # fmt: skip


def visible_rectifications(user):
    """The agency's own for its staff; every agency's in their region for regional supervisors, auditors and
    administrators; none for anyone else."""
    rows = Rectification.objects.select_related("case__item", "evaluation", "agency")
    reach = region_reach(user)
    if reach is not None:
        return rows.filter(agency__region__code__startswith=reach) if reach else rows
    if is_case_staff(user):
        return rows.filter(agency_id=user.agency_id)
    return rows.none()


def to_do(user):
    """What waits for the user: the agency's open ones, or those a supervisor is to review; the earliest due first."""
    rows = visible_rectifications(user)
    todo = REVIEW_TODO if region_reach(user) is not None else AGENCY_TODO
    return rows.filter(Q(status__in=todo)).order_by("due", "pk")


def rectification_for(user, pk) -> Rectification:
    try:
        return visible_rectifications(user).prefetch_related("call_backs__called_by").get(pk=int(pk))
    except (Rectification.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


# -- 在线咨询 --------------------------------------------------------------------------------------------------

FAQ_MATCHES = 5


def faq_of(impl_code: str):
    """The published FAQs of an item (of any of its versions), the latest first."""
    return Question.objects.filter(impl_code=impl_code, published_at__isnull=False).order_by("-published_at", "-pk")


def faq_matching(tokens: list[str], limit: int = FAQ_MATCHES) -> list[Question]:
    """Published FAQs whose question or answer holds every token of a search, with their item, the latest first.
    A plain substring scan: published FAQs are few beside the items, and searched only on a list's first page."""
    if not tokens:
        return []
    published = ServiceItem.objects.published().values("impl_code")
    rows = Question.objects.filter(published_at__isnull=False, impl_code__in=published)
    for token in tokens:
        rows = rows.filter(Q(faq_question__icontains=token) | Q(faq_answer__icontains=token))
    return list(rows.select_related("item").order_by("-published_at", "-pk")[:limit])


def questions_asked_by(user):
    """What the user asked, the latest first."""
    return Question.objects.filter(asked_by=user).select_related("item", "agency").order_by("-asked_at", "-pk")


def question_queue(user, *, answered: bool = False):
    """The questions of the staff member's agency: waiting ones, the earliest due first (or answered ones, the
    latest first). None for anyone who is not an agency's staff."""
    if not is_case_staff(user):
        return Question.objects.none()
    rows = Question.objects.filter(agency_id=user.agency_id, answered_at__isnull=not answered).select_related("item")
    return rows.order_by("-answered_at", "-pk") if answered else rows.order_by("due_at", "pk")


def waiting_questions(user) -> int:
    return question_queue(user).count() if is_case_staff(user) else 0


def question_for(user, pk) -> Question:
    """A question its asker or the staff of its agency may read; NotFound for anyone else."""
    try:
        question = Question.objects.select_related("item", "agency", "answered_by").get(pk=int(pk))
    except (Question.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
    if question.asked_by_id == user.pk or (is_case_staff(user) and user.agency_id == question.agency_id):
        return question
    raise NotFound()
