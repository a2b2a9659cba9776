"""Where to send someone back to after a form: the `next` they came with, if it is on this site."""

from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request, default: str = "/") -> str:
    """The `next` of the form or the query, when it points at this site (never elsewhere: an open redirect would
    let a phishing link pass for ours); else `default`."""
    target = request.POST.get("next") or request.GET.get("next") or default
    return target if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}) else default
