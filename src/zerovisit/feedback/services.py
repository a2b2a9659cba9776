"""好差评: rating a concluded case, and the rectification of a real-name bad rating from the call-back to the
supervisor's close (or the agency's appeal and the supervisor's decision on it); 在线咨询: a question asked on an
item's guide, its answer, and its publication as the item's FAQ. One function per step; each checks who acts,
locks the row it changes and writes in one transaction."""

import datetime
import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from zerovisit.accounts.models import Role, User
from zerovisit.cases.models import Case
from zerovisit.cases.selectors import case_for_actor, is_case_staff, region_reach
from zerovisit.catalog.models import ServiceItem
from zerovisit.core import audit, crypto, identity
from zerovisit.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from zerovisit.notify.services import notify
from zerovisit.org.models import Agency
from zerovisit.workcalendar.selectors import work_calendar

from . import hotline
from .models import ONLINE_ITEMS, CallBack, Evaluation, Question, Rating, Rectification, RectificationStatus
from .selectors import may_rate

log = logging.getLogger(__name__)

RECTIFICATION_DAYS = 5  # working days (国办发〔2019〕51号: bad ratings are rectified within 5 working days)
MAX_TEXT = 1000


class InvalidRating(DomainError):
    code = "invalid_rating"


def _text(value: str, field: str, *, required: bool = False, limit: int = MAX_TEXT) -> str:
    value = (value or "").strip()
    if required and not value:
        raise DomainError(_("Write what was said or done."), code=f"{field}_required")
    if len(value) > limit:
        raise DomainError(_("Keep it to %(n)s characters.") % {"n": limit}, code=f"{field}_too_long")
    return value


def evaluate_case(
    *, actor, number: str, rating: int, items=(), comment: str = "", anonymous: bool = False
) -> Evaluation:
    """一事一评: the applicant (or whoever applied for them) rates a concluded case, once. A real-name bad rating
    opens a rectification for the agency, due in 5 working days, and tells the agency's supervisors."""
    case = case_for_actor(actor, number)
    if not may_rate(actor, case):
        raise PermissionDenied(_("Only the applicant rates the service of their case."))
    if case.concluded_at is None:
        raise Conflict(_("A case is rated once it is concluded."), code="case_not_concluded")
    if rating not in Rating.values:
        raise InvalidRating(_("Choose one of the five ratings."))
    items = list(dict.fromkeys(items))
    if any(item not in ONLINE_ITEMS for item in items):
        raise InvalidRating(_("Choose what was not satisfactory from the list."), code="invalid_items")
    now = timezone.now()
    evaluation = Evaluation(
        case=case, agency_id=case.agency_id, rater=actor, rating=rating, comment=_text(comment, "comment"),
        items=items if rating <= Rating.BASICALLY_SATISFIED else [], anonymous=anonymous, created_at=now,
    )  # fmt: skip
    try:
        with transaction.atomic():
            evaluation.save()
            if evaluation.is_bad and not anonymous:
                _open_rectification(evaluation, now)
    except IntegrityError:
        raise Conflict(_("This case has been rated already."), code="already_rated") from None
    return evaluation


def _open_rectification(evaluation: Evaluation, now) -> Rectification:
    due = work_calendar().add(timezone.localdate(now), RECTIFICATION_DAYS).date
    case = evaluation.case
    rectification = Rectification.objects.create(evaluation=evaluation, case=case, agency_id=evaluation.agency_id,
                                                 due=due, created_at=now)  # fmt: skip
    for user_id in _agency_supervisors(evaluation.agency_id):
        notify(user_id=user_id, event="staff.bad_rating", case_number=case.number, agency_id=case.agency_id,
               values={"n": case.number, "item": case.item.name, "rating": evaluation.get_rating_display(),
                       "due": due.isoformat()})  # fmt: skip
    return rectification


def _agency_supervisors(agency_id: int) -> list[int]:
    return list(User.objects.filter(agency_id=agency_id, is_active=True, roles__role=Role.SUPERVISOR)
                .values_list("pk", flat=True))  # fmt: skip


def _rectification(pk, *, for_update: bool = True) -> Rectification:
    rows = Rectification.objects.select_related("case__item", "agency__region", "evaluation")
    try:
        return (rows.select_for_update(of=("self",)) if for_update else rows).get(pk=pk)
    except (Rectification.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("There is no such rectification.")) from None


def _check_agency_staff(actor, rectification: Rectification) -> None:
    if not (is_case_staff(actor) and actor.agency_id == rectification.agency_id):
        raise PermissionDenied(_("Only the rated agency's staff do this."))


def may_review(actor, rectification: Rectification) -> bool:
    """Supervisors above the agency: a regional supervisor or auditor whose region holds it, or an administrator
    (never the agency itself, which is the one being reviewed)."""
    reach = region_reach(actor)
    return (
        reach is not None
        and rectification.agency.region.code.startswith(reach)
        and (actor.is_superuser or actor.has_role(Role.REGION_SUPERVISOR))
    )


def _check_status(rectification: Rectification, *allowed: str) -> None:
    if rectification.status not in allowed:
        raise Conflict(_("Not now: the rectification is %(status)s.") % {"status": rectification.get_status_display()},
                       code="rectification_status")  # fmt: skip


@transaction.atomic
def record_call_back(*, actor, rectification_id, said: str) -> CallBack:
    """回访: the agency called the rater; what was said. Every call is kept."""
    rectification = _rectification(rectification_id)
    _check_agency_staff(actor, rectification)
    _check_status(rectification, RectificationStatus.OPEN, RectificationStatus.CALLED_BACK)
    call = CallBack.objects.create(rectification=rectification, called_by=actor, called_at=timezone.now(),
                                   said=_text(said, "said", required=True))  # fmt: skip
    rectification.status = RectificationStatus.CALLED_BACK
    rectification.save(update_fields=["status"])
    return call


@transaction.atomic
def rectify(*, actor, rectification_id, action: str, told: str) -> Rectification:
    """The agency records what it put right and what it told the rater, after calling them back; the rater is told
    in the app and may rate again."""
    rectification = _rectification(rectification_id)
    _check_agency_staff(actor, rectification)
    _check_status(rectification, RectificationStatus.CALLED_BACK)
    rectification.action = _text(action, "action", required=True)
    rectification.result_told = _text(told, "told", required=True)
    rectification.status = RectificationStatus.RECTIFIED
    rectification.save(update_fields=["action", "result_told", "status"])
    if rectification.evaluation:  # a work order's caller is told through the hotline (push_to_hotline)
        case = rectification.case
        values = {"n": case.number, "item": case.item.name, "action": rectification.action}
        notify(user_id=rectification.evaluation.rater_id, event="feedback.rectified", case_number=case.number,
               agency_id=case.agency_id, values=values)  # fmt: skip
    return rectification


def rate_again(*, actor, rectification_id, rating: int, comment: str = "") -> Evaluation:
    """The rater's second rating, once the agency has told them what it put right."""
    with transaction.atomic():
        rectification = _rectification(rectification_id)
        first = rectification.evaluation
        if first is None or actor.pk != first.rater_id:
            raise PermissionDenied(_("Only the rater rates again."))
        _check_status(rectification, RectificationStatus.RECTIFIED, RectificationStatus.CLOSED)
        if rating not in Rating.values:
            raise InvalidRating(_("Choose one of the five ratings."))
        if Evaluation.objects.filter(second_of=first).exists():
            raise Conflict(_("You have rated again already."), code="already_rated")
        return Evaluation.objects.create(case=first.case, agency_id=first.agency_id, rater=actor, rating=rating,
                                         comment=_text(comment, "comment"), second_of=first,
                                         created_at=timezone.now())  # fmt: skip


@transaction.atomic
def close_rectification(*, actor, rectification_id, note: str = "") -> Rectification:
    """A supervisor reviews the call-back and what was put right, and closes the rectification."""
    rectification = _rectification(rectification_id)
    if not may_review(actor, rectification):
        raise PermissionDenied(_("Only a supervisor above the agency closes a rectification."))
    _check_status(rectification, RectificationStatus.RECTIFIED)
    rectification.status, rectification.review_note = RectificationStatus.CLOSED, _text(note, "note")
    rectification.closed_by, rectification.closed_at = actor, timezone.now()
    rectification.save(update_fields=["status", "review_note", "closed_by", "closed_at"])
    return rectification


@transaction.atomic
def appeal_rating(*, actor, rectification_id, reason: str) -> Rectification:
    """The agency holds the rating wrong or malicious (申诉) and says why, with its evidence."""
    rectification = _rectification(rectification_id)
    _check_agency_staff(actor, rectification)
    _check_status(rectification, RectificationStatus.OPEN, RectificationStatus.CALLED_BACK)
    rectification.appeal_reason = _text(reason, "reason", required=True)
    rectification.status = RectificationStatus.APPEALED
    rectification.save(update_fields=["appeal_reason", "status"])
    return rectification


@transaction.atomic
def decide_appeal(*, actor, rectification_id, set_aside: bool, note: str) -> Rectification:
    """A supervisor decides the appeal: the rating is set aside (it no longer counts; audited), or the appeal is
    rejected and the agency must rectify."""
    rectification = _rectification(rectification_id)
    if not may_review(actor, rectification):
        raise PermissionDenied(_("Only a supervisor above the agency decides an appeal."))
    _check_status(rectification, RectificationStatus.APPEALED)
    note = _text(note, "note", required=True)
    before = rectification.status
    if set_aside:
        if evaluation := rectification.evaluation:
            evaluation.set_aside = True
            evaluation.save(update_fields=["set_aside"])
        rectification.status, rectification.closed_by, rectification.closed_at = (
            RectificationStatus.SET_ASIDE, actor, timezone.now())  # fmt: skip
    else:
        rectification.status = (
            RectificationStatus.CALLED_BACK if rectification.call_backs.exists() else RectificationStatus.OPEN
        )
    rectification.review_note = note
    rectification.save(update_fields=["status", "review_note", "closed_by", "closed_at"])
    audit.record(
        actor=actor, action="evaluation.set_aside" if set_aside else "evaluation.appeal_rejected",
        obj=rectification.evaluation or rectification,
        detail={"before": before, "after": rectification.status, "note": note, "work_order": rectification.work_order},
    )  # fmt: skip
    return rectification


# -- 在线咨询 --------------------------------------------------------------------------------------------------

MAX_QUESTION = 500


class TooManyQuestions(DomainError):
    code = "too_many_questions"
    status = 429


def answer_due(asked_at: datetime.datetime) -> datetime.datetime:
    """CONSULTATION_ANSWER_HOURS office hours after the question was asked."""
    return work_calendar().after_working_hours(timezone.localtime(asked_at), settings.CONSULTATION_ANSWER_HOURS,
                                               settings.OFFICE_OPENS, settings.OFFICE_CLOSES)  # fmt: skip


def ask_question(*, actor, impl_code: str, text: str) -> Question:
    """Someone signed in asks about a published item; its agency is to answer by `due_at`."""
    item = ServiceItem.objects.published().filter(impl_code=impl_code).first()
    if item is None:
        raise NotFound(_("There is no such item."))
    text = (text or "").strip()
    if not text:
        raise DomainError(_("Write your question."), code="question_required")
    text = _text(text, "question", limit=MAX_QUESTION)
    now = timezone.now()
    with transaction.atomic():
        # The asker's row is locked so that two questions sent at once cannot both pass the daily limit.
        User.objects.select_for_update().filter(pk=actor.pk).first()
        recent = Question.objects.filter(asked_by=actor, asked_at__gte=now - datetime.timedelta(days=1)).count()
        if recent >= settings.QUESTIONS_PER_DAY:
            raise TooManyQuestions(_("You have asked %(n)s questions today; please call the consultation phone "
                                     "for more.") % {"n": settings.QUESTIONS_PER_DAY})  # fmt: skip
        return Question.objects.create(item=item, impl_code=item.impl_code, agency_id=item.agency_id,
                                       asked_by=actor, text=text, asked_at=now, due_at=answer_due(now))  # fmt: skip


def _question(actor, pk) -> Question:
    """The question, locked, for the staff of its agency; NotFound for anyone else (it is private)."""
    try:
        question = Question.objects.select_for_update(of=("self",)).select_related("item").get(pk=int(pk))
    except (Question.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("There is no such question.")) from None
    if not (is_case_staff(actor) and actor.agency_id == question.agency_id):
        raise NotFound(_("There is no such question."))
    return question


@transaction.atomic
def answer_question(*, actor, question_id, answer: str) -> Question:
    """The agency answers, once; the asker is told in the app."""
    question = _question(actor, question_id)
    if question.is_answered:
        raise Conflict(_("This question has been answered already."), code="already_answered")
    question.answer = _text(answer, "answer", required=True)
    question.answered_by, question.answered_at = actor, timezone.now()
    question.save(update_fields=["answer", "answered_by", "answered_at"])
    notify(user_id=question.asked_by_id, event="feedback.answered", agency_id=question.agency_id,
           values={"item": question.item.name, "answer": question.answer})  # fmt: skip
    return question


@transaction.atomic
def publish_faq(*, actor, question_id, question: str, answer: str) -> Question:
    """An answered question goes on the item's guide as an FAQ, worded for everyone (audited: it is public)."""
    row = _question(actor, question_id)
    if not row.is_answered:
        raise Conflict(_("Answer the question before publishing it."), code="not_answered")
    before = {"question": row.faq_question, "answer": row.faq_answer, "published": row.published_at is not None}
    row.faq_question = _text(question, "faq_question", required=True, limit=MAX_QUESTION)
    row.faq_answer = _text(answer, "faq_answer", required=True)
    row.published_by, row.published_at = actor, row.published_at or timezone.now()
    row.save(update_fields=["faq_question", "faq_answer", "published_by", "published_at"])
    audit.record(actor=actor, action="question.published", obj=row, detail={
        "before": before, "after": {"question": row.faq_question, "answer": row.faq_answer, "published": True},
    })  # fmt: skip
    return row


@transaction.atomic
def withdraw_faq(*, actor, question_id) -> Question:
    """The FAQ comes off the guide (the question and its answer stay with the asker)."""
    row = _question(actor, question_id)
    if row.published_at is None:
        raise Conflict(_("This question is not published."), code="not_published")
    row.published_by, row.published_at = actor, None
    row.save(update_fields=["published_by", "published_at"])
    audit.record(actor=actor, action="question.withdrawn", obj=row, detail={"question": row.faq_question})
    return row


# -- 12345 hotline -------------------------------------------------------------------------------------------------

HOTLINE_BATCH = 200  # sent per run of the job: a backlog goes out over a few runs
# The outcomes of a work order reported to the hotline, each once.
REPORTED = (RectificationStatus.RECTIFIED, RectificationStatus.CLOSED, RectificationStatus.SET_ASIDE)
MAX_COMPLAINT = 2000


def push_to_hotline() -> int:
    """The job: push the bad ratings not pushed yet, then report the outcomes of work orders reached since the last
    report; returns how many requests went out. Without a hotline (ZV_HOTLINE_ENDPOINT) nothing is done; while it
    is down, what is left waits for the next run. A rating is pushed under a stable reference and the hotline
    makes one ticket per reference, so a push repeated after a lost answer makes no second ticket."""
    line = hotline.hotline()
    if line is None:
        return 0
    pending = (
        Evaluation.objects.filter(rating__lte=Rating.DISSATISFIED, hotline_pushed_at__isnull=True, set_aside=False)
        .select_related("case__item", "case__applicant", "agency", "rectification")
        .order_by("created_at", "pk")
    )
    outcomes = (
        Rectification.objects.exclude(work_order="").filter(status__in=REPORTED).exclude(hotline_reported=F("status"))
        .prefetch_related("call_backs").order_by("pk")
    )  # fmt: skip
    sent = 0
    try:
        for evaluation in pending[:HOTLINE_BATCH]:
            ticket = line.push_rating(_rating_for_hotline(evaluation))
            Evaluation.objects.filter(pk=evaluation.pk).update(hotline_ticket=ticket, hotline_pushed_at=timezone.now())
            sent += 1
        for rectification in outcomes[:HOTLINE_BATCH]:
            line.reply(rectification.work_order, _outcome_for_hotline(rectification))
            Rectification.objects.filter(pk=rectification.pk, status=rectification.status).update(
                hotline_reported=rectification.status
            )
            sent += 1
    except hotline.HotlineError as exc:
        log.warning("%s; the rest waits for the next run", exc)
    return sent


def _rating_for_hotline(evaluation: Evaluation) -> dict:
    """What the hotline is told of a bad rating. A real-name one carries the case's contact (the applicant's name
    and phone, whom the office calls back); an anonymous one carries nobody."""
    case, rectification = evaluation.case, getattr(evaluation, "rectification", None)
    contact = None
    if not evaluation.anonymous:
        applicant = case.applicant
        phone = crypto.decrypt(applicant.phone_encrypted) if applicant.phone_encrypted else ""
        contact = {"name": applicant.name, "phone": phone}
    return {
        "reference": f"zv-evaluation-{evaluation.pk}", "case_number": case.number,
        "agency": {"credit_code": evaluation.agency.credit_code, "name": evaluation.agency.name},
        "item": {"impl_code": case.item.impl_code, "name": case.item.name},
        "rating": evaluation.rating, "second_rating": evaluation.second_of_id is not None,
        "items": evaluation.items, "comment": evaluation.comment, "rated_at": evaluation.created_at.isoformat(),
        "contact": contact, "rectification_due": rectification.due.isoformat() if rectification else None,
    }  # fmt: skip


def _outcome_for_hotline(rectification: Rectification) -> dict:
    return {
        "status": rectification.status, "action": rectification.action, "told": rectification.result_told,
        "appeal": rectification.appeal_reason, "review_note": rectification.review_note,
        "call_backs": [{"at": c.called_at.isoformat(), "said": c.said} for c in rectification.call_backs.all()],
    }  # fmt: skip


class InvalidWorkOrder(DomainError):
    code = "invalid_work_order"


def _order_text(order: dict, key: str, *, limit: int, required: bool = False) -> str:
    value = order.get(key, "")
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise InvalidWorkOrder(_("%(field)s must be text.") % {"field": key})
    value = value.strip()
    if required and not value:
        raise InvalidWorkOrder(_("The work order names no %(field)s.") % {"field": key}, code=f"{key}_required")
    if len(value) > limit:
        raise InvalidWorkOrder(_("%(field)s is longer than %(n)s characters.") % {"field": key, "n": limit})
    return value


def receive_work_order(body: bytes, headers) -> tuple[Rectification, bool]:
    """A work order (工单) the 12345 hotline sends us, signed: a rectification for the agency it names (by credit
    code), due in 5 working days unless the hotline set a later day, and its supervisors told. A work order about
    a rating we pushed joins that rating's rectification; one sent again is the one already taken. Returns the
    rectification and whether it is new."""
    order = hotline.Hotline().work_order(body, headers)  # raises hotline.BadSignature
    number = _order_text(order, "work_order", limit=40, required=True)
    taken = Rectification.objects.filter(work_order=number).first()
    if taken:
        return taken, False
    joined = _join_pushed_rating(order, number)
    if joined:
        return joined, False
    complaint = _order_text(order, "content", limit=MAX_COMPLAINT, required=True)
    agency = Agency.objects.filter(credit_code=_order_text(order, "agency", limit=18, required=True).upper()).first()
    if agency is None:
        raise InvalidWorkOrder(_("No agency has this credit code."), code="unknown_agency")
    case = None
    if case_number := _order_text(order, "case_number", limit=32):
        case = Case.objects.filter(number=case_number, agency=agency).select_related("item").first()
        if case is None:
            raise InvalidWorkOrder(_("The agency has no case with this number."), code="unknown_case")
    caller = order.get("caller") or {}
    if not isinstance(caller, dict):
        raise InvalidWorkOrder(_("caller must be an object with name and phone."))
    name, phone = _order_text(caller, "name", limit=100), _order_text(caller, "phone", limit=20)
    now = timezone.now()
    due = work_calendar().add(timezone.localdate(now), RECTIFICATION_DAYS).date
    if asked := _order_text(order, "due", limit=10):
        try:
            due = max(due, datetime.date.fromisoformat(asked))
        except ValueError:
            raise InvalidWorkOrder(_("due must be a date (YYYY-MM-DD).")) from None
    rectification = Rectification(
        agency=agency, case=case, work_order=number, complaint=complaint, caller_name=name, due=due, created_at=now,
        caller_phone_encrypted=crypto.encrypt(phone) if phone else "", caller_phone_masked=identity.mask_phone(phone),
    )  # fmt: skip
    try:
        with transaction.atomic():
            rectification.save()
    except IntegrityError:  # the same work order, sent twice at once
        return Rectification.objects.get(work_order=number), False
    for user_id in _agency_supervisors(agency.pk):
        notify(user_id=user_id, event="staff.work_order", case_number=case.number if case else "",
               agency_id=agency.pk, values={"order": number, "due": due.isoformat()})  # fmt: skip
    return rectification, True


def _join_pushed_rating(order: dict, number: str) -> Rectification | None:
    """The rectification of the rating a work order names by the reference we pushed it under, which takes the
    work order's number so that its outcome is reported; None when it names none (or one without a
    rectification: an anonymous rating, which the work order then rectifies on its own)."""
    reference = _order_text(order, "reference", limit=40)
    if not reference.startswith("zv-evaluation-") or not reference[14:].isdigit():
        return None
    with transaction.atomic():
        rectification = (Rectification.objects.select_for_update(of=("self",)).filter(evaluation_id=int(reference[14:]),
                         evaluation__hotline_pushed_at__isnull=False).first())  # fmt: skip
        if rectification and not rectification.work_order:
            rectification.work_order = number
            rectification.save(update_fields=["work_order"])
    return rectification
