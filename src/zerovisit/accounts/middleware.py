"""Staff and administrators are not signed in until they pass the second factor (accounts.services.second_factor).
Until then their session reaches only the pages that enrol or ask for it, signing out and choosing the language:
a page sends them there, an API call is refused with 403 `second_factor_required`."""

from urllib.parse import quote

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from .services.second_factor import is_enrolled, needs_second_factor, passed

OPEN_PATHS = ("accounts:second_factor", "accounts:second_factor_setup", "accounts:logout", "set_language")


class SecondFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self._open = None

    def __call__(self, request):
        if needs_second_factor(request.user) and not passed(request.session) and not self._is_open(request.path):
            if request.path.startswith("/api/"):
                message = _("Sign in with the second factor first (an authenticator app's code).")
                return JsonResponse({"code": "second_factor_required", "message": message, "errors": []}, status=403)
            setup = "accounts:second_factor" if is_enrolled(request.user) else "accounts:second_factor_setup"
            return redirect(f"{reverse(setup)}?next={quote(request.get_full_path())}")
        return self.get_response(request)

    def _is_open(self, path: str) -> bool:
        if self._open is None:  # the URLconf is not loaded yet when the middleware is made
            self._open = {reverse(name) for name in OPEN_PATHS}
        return path in self._open or path.startswith(settings.STATIC_URL)
