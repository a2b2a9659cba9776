"""Rectifications of bad ratings: the agency's list and its steps (call-back, what was put right, appeal), and the
supervisors' review (close, decide an appeal); the agency's questions (在线咨询): answering them and publishing
the good answers as FAQs. The applicant rates on their case page and asks on an item's guide (portal)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from zerovisit.cases.selectors import is_case_staff, region_reach
from zerovisit.core import crypto
from zerovisit.core.errors import DomainError, PermissionDenied

from . import selectors, services
from .forms import AnswerForm, AppealDecisionForm, AppealForm, CallBackForm, CloseForm, PublishForm, RectifyForm
from .models import RectificationStatus as S

# step → (form, service, who may take it, in which statuses the page offers it)
STEPS = {
    "call-back": (CallBackForm, services.record_call_back, "agency", (S.OPEN, S.CALLED_BACK)),
    "rectify": (RectifyForm, services.rectify, "agency", (S.CALLED_BACK,)),
    "appeal": (AppealForm, services.appeal_rating, "agency", (S.OPEN, S.CALLED_BACK)),
    "close": (CloseForm, services.close_rectification, "review", (S.RECTIFIED,)),
    "decide-appeal": (AppealDecisionForm, services.decide_appeal, "review", (S.APPEALED,)),
}
TITLES = {
    "call-back": gettext_lazy("Record a call-back"), "rectify": gettext_lazy("Record what was put right"),
    "appeal": gettext_lazy("Appeal the rating"), "close": gettext_lazy("Close the rectification"),
    "decide-appeal": gettext_lazy("Decide the appeal"),
}  # fmt: skip


def _side(user, rectification) -> str:
    if services.may_review(user, rectification):
        return "review"
    return "agency" if is_case_staff(user) and user.agency_id == rectification.agency_id else ""


def _check_reader(user) -> None:
    if region_reach(user) is None and not is_case_staff(user):
        raise PermissionDenied(_("Only staff and supervisors see rectifications."))


@login_required
def rectification_list(request):
    _check_reader(request.user)
    everything = request.GET.get("all") == "1"
    rows = selectors.visible_rectifications(request.user).order_by("-created_at") if everything else \
        selectors.to_do(request.user)  # fmt: skip
    page = Paginator(rows, 20).get_page(request.GET.get("page"))
    return render(request, "feedback/rectification_list.html", {"page": page, "everything": everything})


@login_required
def rectification_detail(request, pk, forms=None, status=200):
    rectification = selectors.rectification_for(request.user, pk)
    side = _side(request.user, rectification)
    forms = forms or {}
    offered = [
        (step, TITLES[step], forms.get(step) or form_class())
        for step, (form_class, _service, who, statuses) in STEPS.items()
        if who == side and rectification.status in statuses
    ]
    evaluation, is_agency = rectification.evaluation, side == "agency"
    # The agency calls a work order's caller back; everyone else sees the number masked.
    phone = rectification.caller_phone_encrypted
    return render(request, "feedback/rectification_detail.html", {
        "rectification": rectification, "evaluation": evaluation, "case": rectification.case, "steps": offered,
        "second": getattr(evaluation, "second", None), "is_agency": is_agency,
        "caller_phone": crypto.decrypt(phone) if phone and is_agency else rectification.caller_phone_masked,
    }, status=status)  # fmt: skip


@login_required
@require_POST
def act(request, pk, step):
    if step not in STEPS:
        raise Http404
    selectors.rectification_for(request.user, pk)  # a rectification the user may not see is not found
    form_class, service, _who, _statuses = STEPS[step]
    form = form_class(request.POST)
    if form.is_valid():
        try:
            service(actor=request.user, rectification_id=pk, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Done: %(step)s.") % {"step": TITLES[step]})
            return redirect("feedback:rectification", pk=pk)
    return rectification_detail(request, pk, forms={step: form}, status=400)


# -- 在线咨询 --------------------------------------------------------------------------------------------------


@login_required
def question_list(request):
    if not is_case_staff(request.user):
        raise PermissionDenied(_("Only an agency's staff answer its questions."))
    answered = request.GET.get("answered") == "1"
    rows = selectors.question_queue(request.user, answered=answered)
    page = Paginator(rows, 20).get_page(request.GET.get("page"))
    return render(request, "feedback/question_list.html", {"page": page, "answered": answered, "now": timezone.now()})


@login_required
def question_detail(request, pk, answer_form=None, publish_form=None, status=200):
    question = selectors.question_for(request.user, pk)
    if not is_case_staff(request.user):  # the asker reads their answer on their own page
        return redirect("portal:my_questions")
    publish_form = publish_form or PublishForm(initial={
        "question": question.faq_question or question.text, "answer": question.faq_answer or question.answer,
    })  # fmt: skip
    return render(request, "feedback/question_detail.html", {
        "question": question, "answer_form": answer_form or AnswerForm(), "publish_form": publish_form,
        "now": timezone.now(),
    }, status=status)  # fmt: skip


@login_required
@require_POST
def question_act(request, pk, step):
    """answer, publish (or publish again, reworded) and withdraw: a refused form shows the page again with it."""
    forms = {"answer": AnswerForm, "publish": PublishForm, "withdraw": None}
    if step not in forms:
        raise Http404
    form = forms[step](request.POST) if forms[step] else None
    if form is None or form.is_valid():
        data = form.cleaned_data if form else {}
        try:
            if step == "answer":
                services.answer_question(actor=request.user, question_id=pk, **data)
            elif step == "publish":
                services.publish_faq(actor=request.user, question_id=pk, **data)
            else:
                services.withdraw_faq(actor=request.user, question_id=pk)
        except DomainError as error:
            if form is None:
                messages.error(request, error.message)
                return redirect("feedback:question", pk=pk)
            form.add_error(None, error.message)
        else:
            done = {"answer": _("The answer was sent to the asker."), "publish": _("Published on the item's guide."),
                    "withdraw": _("Taken off the item's guide.")}  # fmt: skip
            messages.success(request, done[step])
            return redirect("feedback:question", pk=pk)
    return question_detail(request, pk, status=400, **{f"{step}_form": form})
