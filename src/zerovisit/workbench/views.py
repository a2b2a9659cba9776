"""The staff workbench: the inbox by queue, a case with its materials and history, and every step as a form."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zerovisit.accounts.models import Role
from zerovisit.cases import selectors, services
from zerovisit.core import audit
from zerovisit.core.errors import DomainError
from zerovisit.delivery import selectors as delivery
from zerovisit.feedback import selectors as feedback

from . import forms

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# step name → (form, service); the names are those of the API (`POST /api/v1/cases/{number}/{action}/`).
STEPS = {
    "claim": (forms.ClaimForm, services.claim_case),
    "accept": (forms.AcceptForm, services.accept_case),
    "refuse": (forms.RefuseForm, services.refuse_case),
    "request-correction": (forms.CorrectionForm, services.request_correction),
    "review": (forms.ReviewForm, services.review_case),
    "decide": (forms.DecideForm, services.decide_case),
    "file": (forms.FileForm, services.file_case),
    "check-originals": (forms.OriginalsForm, services.check_originals),
    "hand-over": (forms.HandOverForm, services.hand_over_result),
    "extend": (forms.ExtendForm, services.extend_case),
    "suspend": (forms.SuspendForm, services.suspend_case),
    "resume": (forms.ResumeForm, services.resume_case),
    "verify": (forms.VerifyForm, services.verify_commitment),
    "conclude-correction": (forms.ConcludeCorrectionForm, services.conclude_correction),
}
QUEUE_LABELS = {
    "unclaimed": _("Unclaimed"), "mine": _("Mine"), "due_soon": _("Due soon"), "overdue": _("Overdue"),
    "suspended": _("Suspended"),
}  # fmt: skip


def staff_required(view):
    @login_required
    def check(request, *args, **kwargs):
        if not selectors.is_case_staff(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return check


@staff_required
def inbox(request):
    queue = request.GET.get("queue", "unclaimed")
    if queue not in selectors.QUEUES:
        raise Http404
    page = Paginator(selectors.inbox(request.user, queue), 20).get_page(request.GET.get("page"))
    queues = [(q, _(QUEUE_LABELS[q])) for q in selectors.QUEUES]
    return render(request, "workbench/inbox.html", {
        "page": page, "queue": queue, "queues": queues, "today": timezone.localdate(),
        "questions_waiting": feedback.waiting_questions(request.user),
        "is_supervisor": request.user.has_role(Role.SUPERVISOR), "is_acceptor": request.user.has_role(Role.ACCEPTOR),
    })  # fmt: skip


@staff_required
def online_duty(request):
    return render(request, "workbench/online_duty.html", {
        "cases": selectors.online_duty(request.user), "limit_hours": settings.ONLINE_DUTY_HOURS,
    })  # fmt: skip


@staff_required
def case_detail(request, number):
    case = selectors.case_for_actor(request.user, number)
    steps = selectors.possible_steps(request.user, case)
    bundle_case, fellows = selectors.fellow_members(case)
    return render(request, "workbench/case_detail.html", {
        "case": case, "bundle_case": bundle_case, "fellows": fellows,
        "stage": case.stage,
        "events": case.events.select_related("actor").order_by("seq"),
        "materials": case.materials.select_related("spec", "license__license_type"),
        "notices": case.notices.all(),
        "licenses": case.licenses.select_related("license_type"),
        "shipments": case.shipments.prefetch_related("events"),
        "step_forms": [(name, STEPS[name][0](case=case)) for name in steps if name in STEPS],
    })  # fmt: skip


@staff_required
@require_POST
def act(request, number, step):
    if step not in STEPS:
        raise Http404
    case = selectors.case_for_actor(request.user, number)
    form_class, service = STEPS[step]
    form = form_class(request.POST, case=case)
    if not form.is_valid():
        for field, errors in form.errors.items():
            messages.error(request, f"{form.fields[field].label if field in form.fields else ''}：{errors[0]}")
        return redirect("workbench:case_detail", number=number)
    try:
        service(actor=request.user, number=number, **form.cleaned_data)
        messages.success(request, _("Done: %(step)s.") % {"step": form.title})
    except DomainError as error:
        messages.error(request, str(error.message))
    return redirect("workbench:case_detail", number=number)


@login_required
def ledger(request):
    """政务专递台账: a supervisor sees their agency's shipments and postage by month; an administrator every
    agency's. `?format=xlsx` downloads it."""
    if not (request.user.is_superuser or (request.user.agency_id and request.user.has_role(Role.SUPERVISOR))):
        raise PermissionDenied
    try:
        year = int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        raise Http404 from None
    rows = delivery.ledger(year=year, agency_id=None if request.user.is_superuser else request.user.agency_id)
    if request.GET.get("format") == "xlsx":
        audit.record_export(actor=request.user, what="delivery.ledger", rows=len(rows), year=year, format="xlsx",
                            agency=None if request.user.is_superuser else request.user.agency_id)  # fmt: skip
        response = HttpResponse(delivery.ledger_xlsx(rows), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="ledger-{year}.xlsx"'
        return response
    return render(request, "workbench/ledger.html", {
        "rows": rows, "year": year, "total_postage": sum(r.postage for r in rows),
        "total_saving": sum(r.saving for r in rows), "total_shipments": sum(r.shipments for r in rows),
    })  # fmt: skip
