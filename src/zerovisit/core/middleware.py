"""Security middleware that Django does not ship: CSP for Django 5.2, and the admin kept off public networks."""

import ipaddress

from django.conf import settings
from django.http import Http404
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class ContentSecurityPolicyMiddleware:
    """Adds the Content-Security-Policy header to every response that does not set its own."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        return response


class AdminNetworkMiddleware:
    """Answers 404 for the admin to clients outside ZV_ADMIN_ALLOWED_NETWORKS (when that list is set), so the
    admin of a public deployment is reachable only from the government intranet."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.prefix = "/" + settings.ADMIN_PATH
        self.networks = [ipaddress.ip_network(n, strict=False) for n in settings.ADMIN_ALLOWED_NETWORKS]

    def __call__(self, request):
        if self.networks and request.path.startswith(self.prefix):
            client = ipaddress.ip_address(request.META.get("REMOTE_ADDR", "0.0.0.0"))
            if not any(client in network for network in self.networks):
                raise Http404
        return self.get_response(request)


class ChosenLanguageMiddleware(LocaleMiddleware):
    """Chinese unless the reader chose another language with the switch (the language cookie).

    Django's LocaleMiddleware would follow the browser's Accept-Language; a Chinese government portal opens in
    Chinese on every device and offers English as a choice. The API alone honours Accept-Language.
    """

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if chosen not in dict(settings.LANGUAGES) and request.path.startswith("/api/"):
            # API clients say which language they want for error messages in the usual header.
            chosen = translation.get_language_from_request(request)
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class DomainErrorPageMiddleware:
    """Pages that let a NotFound or PermissionDenied from a selector or service escape get the ordinary 404 or 403
    page, not a server error. (The API turns them into its error shape before this is reached.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.views import defaults

        from .errors import NotFound, PermissionDenied

        if isinstance(exception, NotFound):
            return defaults.page_not_found(request, exception)
        if isinstance(exception, PermissionDenied):
            return defaults.permission_denied(request, exception)
        return None
