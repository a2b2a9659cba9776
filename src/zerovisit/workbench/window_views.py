"""窗口受理: staff of the agency that handles an item file an application for a walk-in applicant, on the online
form (channel window). A credit code whose check character fails is accepted there with a reason."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from zerovisit.accounts.models import Role
from zerovisit.accounts.services import IDENTITY_ERROR_FIELDS
from zerovisit.cases import services
from zerovisit.cases.models import Channel
from zerovisit.catalog import selectors as catalog
from zerovisit.core.errors import DomainError, show_on_form

from .views import staff_required
from .window_forms import WindowApplicationForm


def _acceptor_required(request) -> None:
    if not request.user.has_role(Role.ACCEPTOR):
        raise PermissionDenied


@staff_required
def window_start(request):
    """Choose the item by its implementation code."""
    _acceptor_required(request)
    code = request.GET.get("item", "").strip()
    if code:
        item = catalog.item_for_application(code)
        if item is not None and item.agency_id == request.user.agency_id:
            return redirect("workbench:window_apply", impl_code=item.impl_code)
        messages.error(request, _("Your agency has no published item with the code %(code)s.") % {"code": code})
    return render(request, "workbench/window_start.html", {"code": code})


@staff_required
def window_apply(request, impl_code):
    _acceptor_required(request)
    item = catalog.item_for_application(impl_code)
    if item is None or item.agency_id != request.user.agency_id:
        raise Http404
    form = WindowApplicationForm(item, request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = services.submit_application(
                actor=request.user, item=item, applicant=form.applicant(), channel=Channel.WINDOW,
                materials=form.materials(), form_data=form.form_data(), idempotency_key=data["idempotency_key"],
                commitment_signed=data.get("commitment") == "sign", normal_procedure=data.get("commitment") == "normal",
                delivery_method=data["delivery_method"], delivery_address=form.delivery_address(),
                paper_pickup=data.get("paper_pickup", False),
            ).case  # fmt: skip
        except DomainError as error:
            show_on_form(form, error, IDENTITY_ERROR_FIELDS)
        else:
            messages.success(request, _("Application %(number)s was filed.") % {"number": case.number})
            return redirect("workbench:case_detail", number=case.number)
    return render(request, "workbench/window_apply.html", {"item": item, "form": form})
