"""The applicant's pages: apply for an item, follow one's cases, answer a correction, withdraw; and the public
verification page of notices."""

import hashlib

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zerovisit.accounts import services as accounts
from zerovisit.accounts.models import AssuranceLevel
from zerovisit.accounts.services import IDENTITY_ERROR_FIELDS
from zerovisit.cases import selectors, services
from zerovisit.cases.models import CaseNotice, CaseStatus, Channel
from zerovisit.catalog import selectors as catalog
from zerovisit.catalog.models import MaterialSource
from zerovisit.core import crypto, ratelimit, signing
from zerovisit.core.errors import DomainError, show_on_form
from zerovisit.core.serving import private_file_response
from zerovisit.feedback import selectors as feedback
from zerovisit.feedback import services as feedback_services
from zerovisit.feedback.forms import EvaluationForm, RateAgainForm
from zerovisit.feedback.models import RectificationStatus
from zerovisit.licenses import selectors as license_selectors
from zerovisit.org import selectors as org

from .case_forms import ApplicationForm, CorrectionAnswerForm, WithdrawForm


def _details_of(applicant) -> dict:
    """What the form can fill in for someone applying again for themselves or their organisation."""
    if applicant is None:
        return {}
    phone = crypto.decrypt(applicant.phone_encrypted) if applicant.phone_encrypted else ""
    return {
        "applicant_kind": applicant.kind, "applicant_name": applicant.name, "credit_code": applicant.credit_code,
        "id_number": crypto.decrypt(applicant.id_number_encrypted) if applicant.id_number_encrypted else "",
        "phone": phone, "email": crypto.decrypt(applicant.email_encrypted) if applicant.email_encrypted else "",
        "delivery_name": applicant.name, "delivery_phone": phone,  # the courier brings it to the applicant
    }  # fmt: skip


def _answers(post) -> dict:
    """A form's posted answers as a draft keeps them: one value, or the list of a multiple choice."""
    return {key: values[0] if len(values) == 1 else values for key, values in post.lists()}


@login_required
def apply(request, impl_code):
    """The apply wizard: item → applicant → form → materials → review → submit. One form, shown a step at a
    time by wizard.js; without JavaScript every step shows at once and the server's checks are the same.

    Files are never lost: when the server refuses the application, what was uploaded is kept in the
    application's draft (暂存) and shown as uploaded; “Save as draft” keeps everything for later, on any device."""
    item = catalog.item_for_application(impl_code)
    if item is None:
        raise Http404
    own = [] if request.user.agency_id else accounts.own_applicants(request.user)
    if not request.user.agency_id and (request.user.assurance_level < item.assurance_level or not own):
        return _step_up(request, item)
    draft = selectors.draft_for(request.user, request.POST.get("draft") or request.GET.get("draft"))
    answers = services.draft_answers(draft) if draft and request.method == "GET" else {}
    chosen = next((a for a in own if str(a.pk) == request.GET.get("as")), own[0] if own else None)
    library = [spec.name for spec in item.materials.all() if spec.source == MaterialSource.LICENSE_LIBRARY]
    held = license_selectors.for_materials(chosen, library) if chosen and library else {}
    offered = {spec.pk: held[spec.name] for spec in item.materials.all() if spec.name in held}
    form = ApplicationForm(item, request.POST or None, request.FILES or None,
                           initial={**_details_of(chosen), **answers}, from_library=offered,
                           kept=selectors.draft_files(draft))  # fmt: skip
    if request.method == "POST" and "save_draft" in request.POST:
        try:
            draft = services.save_draft(user=request.user, item=item, answers=_answers(request.POST),
                                        files=form.uploads(), draft=draft)  # fmt: skip
        except DomainError as error:
            form.is_valid()
            show_on_form(form, error, IDENTITY_ERROR_FIELDS)
        else:
            messages.success(request, _("Saved as a draft until %(date)s. Continue it from “My drafts”.")
                             % {"date": f"{timezone.localtime(draft.expires_at):%Y-%m-%d}"})  # fmt: skip
            return redirect("portal:drafts")
    elif request.method == "POST":
        case, draft = _submit(request, item, form, draft)
        if case is not None:
            messages.success(request, _("Your application %(number)s was received.") % {"number": case.number})
            return redirect("portal:case_detail", number=case.number)
        form.kept = selectors.draft_files(draft)
    return render(request, "portal/apply.html", {
        "item": item, "form": form, "materials": form.specs, "own_applicants": own, "chosen": chosen,
        "draft": draft, "draft_days": settings.DRAFT_DAYS,
    })  # fmt: skip


def _step_up(request, item):
    """The account is not verified enough for this item (its assurance level) or as nobody at all: the way to
    the verification it needs, coming back here afterwards."""
    needed = max(item.assurance_level, AssuranceLevel.REAL_NAME)
    face = request.user.assurance_level >= AssuranceLevel.REAL_NAME and needed >= AssuranceLevel.REAL_PERSON
    return render(request, "portal/step_up.html", {
        "item": item, "needed": AssuranceLevel(needed), "face": face,
        "level": AssuranceLevel(request.user.assurance_level),
    }, status=403)  # fmt: skip


def _submit(request, item, form, draft):
    """(the case filed, None) or, when the application is refused, (None, the draft now holding its files)."""
    if form.is_valid():
        data = form.cleaned_data
        given = form.materials()
        kept = services.draft_material_inputs(draft, form.specs, skip={m.spec.pk for m in given}) if draft else []
        try:
            case = services.submit_application(
                actor=request.user, item=item,
                applicant={"kind": data["applicant_kind"], "name": data["applicant_name"],
                           "id_number": data["id_number"], "credit_code": data["credit_code"],
                           "phone": data["phone"], "email": data["email"]},
                channel=Channel.WEB, materials=given + kept, form_data=form.form_data(),
                idempotency_key=data["idempotency_key"], commitment_signed=data.get("commitment") == "sign",
                normal_procedure=data.get("commitment") == "normal", delivery_method=data["delivery_method"],
                delivery_address=form.delivery_address(), paper_pickup=data.get("paper_pickup", False),
            ).case  # fmt: skip
        except DomainError as error:
            show_on_form(form, error, IDENTITY_ERROR_FIELDS)
        else:
            if draft is not None:
                services.discard_draft(user=request.user, draft=draft)
            return case, None
        finally:
            for material in kept:  # the draft's files, opened for the case to copy
                material.file.close()
    usable, problems = services.usable_uploads(item, form.uploads())
    for problem in problems:  # a file that fails the checks is not kept; the form says why, once
        field = f"material_{problem['field'].removeprefix('materials.')}"
        if field not in form.errors:
            form.add_error(field, problem["message"])
    if usable:
        files = {spec.pk: upload for spec, upload in usable.items()}
        draft = services.save_draft(user=request.user, item=item, answers=_answers(request.POST), files=files,
                                    draft=draft)  # fmt: skip
    return None, draft


@login_required
def drafts(request):
    """我的草稿: applications saved before they were sent, to continue or discard."""
    drafts = selectors.drafts_of(request.user)
    return render(request, "portal/drafts.html", {"drafts": drafts, "draft_days": settings.DRAFT_DAYS})


@login_required
@require_POST
def discard_draft(request, draft_id):
    services.discard_draft(user=request.user, draft=selectors.draft_for(request.user, draft_id))
    messages.success(request, _("The draft and its files were deleted."))
    return redirect("portal:drafts")


@login_required
def draft_file(request, draft_id, material_id):
    """A file kept in one's own draft, to check what was uploaded."""
    draft = selectors.draft_for(request.user, draft_id)
    material = draft.materials.filter(pk=material_id).first()
    if material is None:
        raise Http404
    return private_file_response(material.file, filename=material.name)


@login_required
def my_cases(request):
    cases = selectors.visible_cases(request.user).select_related("item").order_by("-submitted_at", "-id")
    if request.user.agency_id:  # staff see their own applications here; their agency's work is in the workbench
        cases = cases.filter(submitted_by=request.user)
    page = Paginator(cases, 20).get_page(request.GET.get("page"))
    bundle_cases = selectors.bundle_cases_of(request.user)[:20] if page.number == 1 else []
    return render(request, "portal/my_cases.html", {"page": page, "bundle_cases": bundle_cases})


@login_required
def case_detail(request, number):
    case = selectors.case_for_actor(request.user, number)
    return _case_page(request, case)


def _case_page(request, case, correction_form=None, status=200, rating_form=None):
    correction = case.events.filter(action="request_correction").order_by("-seq").first()
    if correction_form is None and case.status == CaseStatus.CORRECTION:
        correction_form = CorrectionAnswerForm(case.item, selectors.correction_materials(case))
    evaluation = feedback.evaluation_of(case) if case.concluded_at else None
    return render(request, "portal/case_detail.html", {
        "case": case,
        "events": selectors.timeline_for(request.user, case.events.select_related("actor").order_by("seq")),
        "to_come": selectors.stages_to_come(case),
        "materials": case.materials.select_related("spec", "license__license_type"),
        "notices": case.notices.all(),
        "licenses": case.licenses.select_related("license_type"),
        "shipments": case.shipments.prefetch_related("events"),
        "correction": correction,
        "correction_form": correction_form,
        "withdraw_form": WithdrawForm() if case.is_open else None,
        "evaluation": evaluation,
        "rating_form": rating_form or _rating_form(request.user, case, evaluation),
    }, status=status)  # fmt: skip


def _rating_form(user, case, evaluation):
    """一事一评 on a concluded case the user applied for; after a rectification, the rater's second rating."""
    if not case.concluded_at or not feedback.may_rate(user, case):
        return None
    if evaluation is None:
        return EvaluationForm()
    rectification = getattr(evaluation, "rectification", None)
    if (rectification and evaluation.rater_id == user.pk and not hasattr(evaluation, "second")
            and rectification.status in (RectificationStatus.RECTIFIED, RectificationStatus.CLOSED)):  # fmt: skip
        return RateAgainForm()
    return None


@login_required
@require_POST
def rate(request, number):
    """The rating, or the second rating after a rectification: a form that does not pass shows the page again with
    what was chosen kept."""
    case = selectors.case_for_actor(request.user, number)
    evaluation = feedback.evaluation_of(case)
    again = evaluation is not None
    form = (RateAgainForm if again else EvaluationForm)(request.POST)
    if form.is_valid():
        try:
            if again and not hasattr(evaluation, "rectification"):
                raise DomainError(_("This case has been rated already."), code="already_rated")
            if again:
                feedback_services.rate_again(actor=request.user, rectification_id=evaluation.rectification.pk,
                                             **form.cleaned_data)  # fmt: skip
            else:
                feedback_services.evaluate_case(actor=request.user, number=number, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Thank you for rating the service."))
            return redirect("portal:case_detail", number=number)
    return _case_page(request, case, status=400, rating_form=form)


@login_required
@require_POST
def answer_correction(request, number):
    """A form that does not pass, or an answer the service refuses, shows the page again with the errors at their
    fields and the note kept (a browser cannot be given back the files it sent)."""
    case = selectors.case_for_actor(request.user, number)
    form = CorrectionAnswerForm(case.item, selectors.correction_materials(case), request.POST, request.FILES)
    if form.is_valid():
        try:
            services.resubmit_correction(actor=request.user, number=number, materials=form.materials(),
                                         note=form.cleaned_data["note"])  # fmt: skip
        except DomainError as error:
            show_on_form(form, error, IDENTITY_ERROR_FIELDS)
        else:
            messages.success(request, _("The corrected materials were sent."))
            return redirect("portal:case_detail", number=number)
    return _case_page(request, case, correction_form=form, status=400)


@login_required
@require_POST
def withdraw(request, number):
    selectors.case_for_actor(request.user, number)
    form = WithdrawForm(request.POST)
    if form.is_valid():
        try:
            services.withdraw_case(actor=request.user, number=number, reason=form.cleaned_data["reason"])
            messages.success(request, _("The application was withdrawn."))
        except DomainError as error:
            messages.error(request, str(error.message))
    return redirect("portal:case_detail", number=number)


# The files of a case are for whoever may see the case (the applicant, their agent or proxy, the staff of the
# agencies handling it); anyone else, signed in or not, gets the same 404 as for a case that does not exist.


def material_file(request, number, material_id):
    """A case's uploaded material, downloaded under the material's name."""
    case = selectors.case_for_actor(request.user, number)
    material = case.materials.select_related("spec").filter(pk=material_id).exclude(file="").first()
    if material is None:
        raise Http404
    return private_file_response(material.file, filename=material.download_name)


def notice_file(request, number, notice_id):
    case = selectors.case_for_actor(request.user, number)
    notice = case.notices.filter(pk=notice_id).first()
    if notice is None:
        raise Http404
    return private_file_response(notice.file, filename=f"{notice.kind}-{case.number}.pdf")


def case_license_file(request, number, license_id):
    """The licence a case issued."""
    case = selectors.case_for_actor(request.user, number)
    license = case.licenses.filter(pk=license_id).exclude(file="").first()
    if license is None:
        raise Http404
    return private_file_response(license.file, filename=f"{license.number}.pdf")


def verify_notice(request, code):
    """The public page behind a notice's QR code: what was issued, by whom and when, under which seal, and whether
    a file someone holds is that very document (its SHA-256) and carries our intact, trusted signature. Shows
    nothing personal beyond a masked name."""
    if not ratelimit.allow(request, "verify", limit=settings.VERIFY_RATE_PER_MINUTE):
        return render(request, "portal/too_many.html", status=429)
    notice = CaseNotice.objects.select_related("case__agency", "case__applicant", "seal__agency").filter(code=code)
    notice = notice.first()
    if notice is None:
        raise Http404
    match = check = None
    if request.method == "POST" and request.FILES.get("file"):
        data = request.FILES["file"].read(settings.MAX_MATERIAL_FILE_BYTES + 1)
        match = hashlib.sha256(data).hexdigest() == notice.sha256
        check = signing.check_pdf(data, trust_roots_pem=org.trust_roots())
    name = notice.case.applicant.name
    return render(request, "portal/verify_notice.html", {
        "notice": notice, "masked_name": name[:1] + "*" * max(len(name) - 1, 1), "match": match, "check": check,
    })  # fmt: skip
