"""Signing in through an identity provider (accounts.identity_providers): the province's unified identity platform
or the e-business-licence platform. The sign-in page offers those configured; the provider sends the browser back
to the callback, which signs the person in (accounts.services.sign_in_with_assertion) and, for an e-business
licence held by its legal representative, hands them the organisation's account."""

import logging

from django.contrib import messages
from django.contrib.auth import login
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from zerovisit.core import audit
from zerovisit.core.clients import client_address
from zerovisit.core.errors import DomainError
from zerovisit.core.redirects import safe_next

from . import identity_providers, services
from .identity_providers import ProviderRefused, ProviderUnavailable
from .views import BACKEND

log = logging.getLogger(__name__)
NEXT = "identity_provider_next"  # where to go after the provider, kept in the session meanwhile


def _config(name: str) -> dict:
    try:
        return identity_providers.provider_config(name)
    except KeyError:
        raise Http404 from None


def provider_sign_in(request, name: str):
    """To the provider's sign-in, and back to the callback."""
    config = _config(name)
    request.session[NEXT] = safe_next(request)
    callback = request.build_absolute_uri(reverse("accounts:provider_callback", args=[name]))
    try:
        return identity_providers.authorize_redirect(request, name, callback)
    except ProviderUnavailable as exc:
        log.warning("identity provider unavailable: %s", exc)
        return _failed(request, config, _unavailable(config), status=503)


def provider_callback(request, name: str):
    config = _config(name)
    try:
        assertion = identity_providers.assertion(request, name)
        signed_in = services.sign_in_with_assertion(assertion)
    except ProviderUnavailable as exc:
        log.warning("identity provider unavailable: %s", exc)
        return _failed(request, config, _unavailable(config), status=503)
    except ProviderRefused as exc:
        audit.record(actor=None, action="account.sign_in", object_type="accounts.user", result="failed",
                     detail={"via": name, "reason": exc.reason, "address": client_address(request)})  # fmt: skip
        message = (_("You cancelled the sign-in at %(provider)s.") if exc.reason == "access_denied" else
                   _("The sign-in at %(provider)s did not complete; nobody was signed in. Start again."))  # fmt: skip
        return _failed(request, config, message % {"provider": config["label"]}, status=400)
    except DomainError as error:
        return _failed(request, config, str(error.message), status=error.status)
    next_page = request.session.pop(NEXT, "/")
    signed_in.user.signed_in_via = name
    login(request, signed_in.user, backend=BACKEND)
    if signed_in.created:
        messages.success(request, _("Your account is made and verified as %(name)s.") % {"name": assertion.name})
    if assertion.credit_code:
        try:
            organisation = services.claim_asserted_organisation(user=signed_in.user, assertion=assertion)
            messages.success(request, _("You hold the account of %(name)s as its legal representative.")
                             % {"name": organisation.name})  # fmt: skip
        except DomainError as error:
            messages.warning(request, str(error.message))
        return redirect("accounts:organisations")
    return redirect(next_page)


def _unavailable(config: dict) -> str:
    return _(
        "%(provider)s cannot be reached just now; nobody was signed in. Try again in a few minutes, or sign in "
        "with an SMS code."
    ) % {"provider": config["label"]}


def _failed(request, config: dict, message: str, status: int):
    return render(request, "accounts/provider_failed.html", {"provider": config, "message": message}, status=status)
