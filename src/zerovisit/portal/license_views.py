"""Licences on the portal: the public verification page (QR link, identifier, or number with the holder's name),
with a check of a PDF someone holds; and the holder's licence wallet."""

import hashlib

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render

from zerovisit.accounts import services as accounts
from zerovisit.core import ratelimit, signing
from zerovisit.core.serving import private_file_response
from zerovisit.licenses import documents, identifiers, selectors
from zerovisit.org import selectors as org


def _limited(request) -> bool:
    return not ratelimit.allow(request, "verify", limit=settings.VERIFY_RATE_PER_MINUTE)


def find_license(request):
    """The search form: an identifier goes to its page; a number needs the holder's full name as well."""
    if _limited(request):
        return render(request, "portal/too_many.html", status=429)
    query = {k: request.GET.get(k, "").strip() for k in ("identifier", "number", "holder_name")}
    problem = None
    if query["identifier"]:
        if identifiers.is_valid(query["identifier"]):
            return redirect("portal:verify_license", identifier=query["identifier"])
        problem = "identifier"
    elif query["number"] or query["holder_name"]:
        found = selectors.by_number(query["number"], query["holder_name"])
        if found is not None:
            return redirect("portal:verify_license", identifier=found.identifier)
        problem = "not_found"
    return render(request, "portal/find_license.html", {"query": query, "problem": problem})


def verify_license(request, identifier):
    """What anyone may know of a licence: its type, number, masked holder, issuer, validity, status with the
    reason and time of each change, and whether its sealed PDF (or one uploaded here) is intact and ours."""
    if _limited(request):
        return render(request, "portal/too_many.html", status=429)
    license = selectors.by_identifier(identifier)
    if license is None:
        raise Http404
    match = check = None
    if request.method == "POST" and request.FILES.get("file"):
        data = request.FILES["file"].read(settings.MAX_MATERIAL_FILE_BYTES + 1)
        match = bool(license.sha256) and hashlib.sha256(data).hexdigest() == license.sha256
        check = signing.check_pdf(data, trust_roots_pem=org.trust_roots())
    return render(request, "portal/verify_license.html", {
        "license": license, "events": selectors.changes(license), "match": match, "check": check,
        "newer": selectors.newer_version(license), "sm2": documents.sm2_status(license),
    })  # fmt: skip


@login_required
def wallet(request):
    licenses = selectors.wallet(accounts.own_applicants(request.user))
    return render(request, "portal/wallet.html", {"licenses": licenses})


def license_file(request, license_id):
    """A licence's sealed PDF, for its holder only: anyone else, signed in or not, gets 404."""
    if not request.user.is_authenticated:
        raise Http404
    license = selectors.holders_file(request.user, license_id)
    if license is None:
        raise Http404
    return private_file_response(license.file, filename=f"{license.number}.pdf")
