"""我的企业: the organisations a person holds as their legal representative (claimed through the market-entity
register) with the agents they authorise, and those the person is an agent of."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zerovisit.core.errors import DomainError, show_on_form

from . import services
from .forms import AgentForm, ClaimOrganisationForm

# The field of the forms that shows each refusal.
ERROR_FIELDS = {
    "invalid_credit_code": "credit_code", "credit_code_check_failed": "credit_code", "name_required": "name",
    "organisation_not_found": "credit_code", "not_legal_representative": "name", "invalid_id_number": "id_number",
    "agent_not_registered": "id_number", "agent_is_representative": "id_number", "unknown_item": "item_codes",
    "invalid_valid_until": "valid_until",
}  # fmt: skip


@login_required
def organisations(request):
    """The organisations held and served as an agent, and the form that claims one."""
    form = ClaimOrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organisation = services.claim_organisation(user=request.user, **form.cleaned_data)
        except DomainError as error:
            show_on_form(form, error, ERROR_FIELDS)
        else:
            messages.success(request, _("%(name)s is now held by your account.") % {"name": organisation.name})
            return redirect("accounts:organisation_agents", organisation.pk)
    return render(request, "accounts/organisations.html", {
        "form": form, "represented": services.represented(request.user),
        "agent_for": services.running_authorisations(request.user),
    })  # fmt: skip


@login_required
def organisation_agents(request, pk: int):
    """The agents (经办人) of an organisation the person holds, and the form that authorises one."""
    organisation = services.held_organisation(request.user, pk)
    form = AgentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            authorisation = services.authorise_agent(actor=request.user, organisation_id=pk, **form.cleaned_data)
        except DomainError as error:
            show_on_form(form, error, ERROR_FIELDS)
        else:
            messages.success(request, _("%(agent)s may apply for the organisation until %(until)s.")
                             % {"agent": form.cleaned_data["name"], "until": authorisation.valid_until})  # fmt: skip
            return redirect("accounts:organisation_agents", pk)
    return render(request, "accounts/organisation_agents.html",
                  {"organisation": organisation, "agents": services.agents_of(organisation), "form": form})  # fmt: skip


@login_required
@require_POST
def revoke_agent(request, pk: int, authorisation_pk: int):
    services.revoke_agent(actor=request.user, organisation_id=pk, authorisation_id=authorisation_pk)
    messages.success(request, _("The authorisation has ended."))
    return redirect("accounts:organisation_agents", pk)
