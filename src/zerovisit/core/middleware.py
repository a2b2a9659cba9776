"""Security middleware that Django does not ship: CSP for Django 5.2, the admin kept off public networks,
control characters refused in every input, and an idle timeout of sessions that does not write on every request."""

import ipaddress
import json
import re
import time
from itertools import islice

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import Http404, HttpResponseBadRequest, JsonResponse, QueryDict
from django.http.multipartparser import MultiPartParserError
from django.middleware.locale import LocaleMiddleware
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .clients import client_address
from .text import FORBIDDEN_CHARACTERS


class IdleSessionMiddleware:
    """Sessions end SESSION_COOKIE_AGE after the last request (an idle timeout), without the write on every
    request that SESSION_SAVE_EVERY_REQUEST costs (an UPDATE and a COMMIT on every page and API read): a session
    is saved again, moving its expiry, only once its last refresh is SESSION_REFRESH_SECONDS old. The timeout is
    exact to within that many seconds. Placed after SessionMiddleware, so the session it marks is saved."""

    KEY = "_refreshed_at"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and session.session_key and not session.is_empty():
            now = int(time.time())
            if now - session.get(self.KEY, 0) >= settings.SESSION_REFRESH_SECONDS:
                session[self.KEY] = now
        return response


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
            try:
                client = ipaddress.ip_address(client_address(request))
            except ValueError:
                raise Http404 from None
            if not any(client in network for network in self.networks):
                raise Http404
        return self.get_response(request)


class ChosenLanguageMiddleware(LocaleMiddleware):
    """Chinese unless the reader chose another language with the switch (the language cookie).

    Django's LocaleMiddleware would follow the browser's Accept-Language; a Chinese government portal opens in
    Chinese on every device and offers English as a choice. The API alone honours Accept-Language.
    """

    def process_request(self, request):
        translation.activate(chosen_language(request))
        request.LANGUAGE_CODE = translation.get_language()


def chosen_language(request) -> str:
    """The language chosen with the switch (the language cookie); API clients may also ask in Accept-Language."""
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if chosen not in dict(settings.LANGUAGES) and request.path.startswith("/api/"):
        # API clients say which language they want for error messages in the usual header.
        chosen = translation.get_language_from_request(request)
    return chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


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


# In UTF-8 JSON a forbidden character is either the raw byte or an escape (\b, \f, \u…): a body without any
# needs no parsing here.
_JSON_MAY_HOLD_FORBIDDEN = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|\\[bf]|\\u00[01][0-9a-fA-F]|\\u007[fF]")
_MAX_REPORTED = 20
# Bodies that cannot be read at all: the API still answers in its error shape.
_UNREADABLE = {
    RequestDataTooBig: ("request_too_large", gettext_lazy("The request body is too large.")),
    TooManyFieldsSent: ("too_many_fields", gettext_lazy("The request has too many fields.")),
    TooManyFilesSent: ("too_many_fields", gettext_lazy("The request has too many files.")),
    MultiPartParserError: ("parse_error", gettext_lazy("The form data cannot be read.")),
}


class InputCharactersMiddleware:
    """Refuses, with a 400 before anything reads the session or the database, a request that carries a control
    character (see FORBIDDEN_CHARACTERS) in its path, query, form fields, JSON strings (keys included), headers
    or cookies. The API answers its error shape with the code `invalid_characters`; pages a short page.

    Form bodies are parsed once here, the way the view would parse them (DATA_UPLOAD_MAX_MEMORY_SIZE applies),
    and the view reads the parsed fields and uploaded files again; file contents are not inspected. A JSON body
    is parsed only when its bytes hold a control character or an escape of one.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            problems = list(islice(self._problems(request), _MAX_REPORTED))
        except (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent, MultiPartParserError) as exc:
            if not request.path.startswith("/api/"):
                raise  # Django's own 400 page
            code, message = _UNREADABLE[type(exc)]
            return self._api_error(request, code, message, [])
        if problems:
            return self._refuse(request, problems)
        return self.get_response(request)

    def _problems(self, request):
        """(field, character) for each input that holds a forbidden character."""
        yield from _check("path", request.path)
        for key, values in request.GET.lists():
            yield from _check_pair("query", key, values)
        for key, value in request.META.items():
            if (key.startswith("HTTP_") and key != "HTTP_COOKIE") or key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
                name = key.removeprefix("HTTP_").replace("_", "-").title()
                yield from _check(f"header.{name}", value)
        for key, value in request.COOKIES.items():
            yield from _check_pair("cookie", key, [value])
        yield from self._body_problems(request)

    def _body_problems(self, request):
        content_type = request.content_type or ""
        if content_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
            if request.method == "POST":
                fields = request.POST
            elif content_type == "multipart/form-data":
                # Django parses multipart bodies of POST only; keep what is parsed here where request.POST and
                # DRF's request.data look for it, since the stream can be read only once.
                fields, files = QueryDict(), MultiValueDict()
                try:
                    fields, files = request.parse_file_upload(request.META, request)
                finally:
                    request._post, request._files = fields, files
            else:
                fields = QueryDict(request.body, encoding=request.encoding)
            if content_type == "multipart/form-data" and not fields and not request.FILES:
                _refuse_unnamed_parts(request)
            # Field names are not checked: only the names the views declare are ever read.
            for key, values in fields.lists():
                for value in values:
                    yield from _check(f"body.{_printable(key)}", value)
        elif content_type == "application/json" or content_type.endswith("+json"):
            yield from _json_problems(request)

    def _refuse(self, request, problems):
        with translation.override(chosen_language(request)):
            errors = [
                {
                    "field": field,
                    "code": "invalid_characters",
                    "message": _("“%(field)s” contains a control character (%(character)s) that cannot be accepted.")
                    % {"field": field, "character": character},
                }
                for field, character in problems
            ]
            message = _("The request contains control characters (such as NUL) that cannot be accepted.")
            if request.path.startswith("/api/"):
                return self._api_error(request, "invalid_characters", message, errors)
            with translation.override("en"):
                english = {
                    "message": str(_("The request contains control characters (such as NUL) that cannot be "
                                     "accepted.")),
                    "hint": str(_("Remove them (they are often pasted by accident) and try again.")),
                }  # fmt: skip
            html = render_to_string(
                "core/bad_request.html",
                {"message": message, "errors": errors, "english": english, "language": translation.get_language()},
            )
            return HttpResponseBadRequest(html)

    def _api_error(self, request, code, message, errors):
        with translation.override(chosen_language(request)):
            body = {"code": code, "message": str(message), "errors": errors}
            return JsonResponse(body, status=400, json_dumps_params={"ensure_ascii": False})


def _refuse_unnamed_parts(request):
    """Django skips a multipart part without a named Content-Disposition, so a body of nothing but such parts
    would reach the view as an empty form and act on its defaults. A body longer than its closing delimiter
    (`--boundary--` and line ends) that yields no field held something, and is refused as unreadable."""
    boundary = request.content_params.get("boundary", "")
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > len(boundary) + 8:
        raise MultiPartParserError("multipart body without a named part")


def _printable(text: str) -> str:
    """The text with each forbidden character written as an escape, for naming a field in a message."""
    return FORBIDDEN_CHARACTERS.sub(lambda m: f"\\x{ord(m.group()):02x}", text)[:100]


def _check(field: str, value):
    if isinstance(value, str) and (found := FORBIDDEN_CHARACTERS.search(value)):
        yield field, f"U+{ord(found.group()):04X}"


def _check_pair(prefix: str, key: str, values):
    field = f"{prefix}.{_printable(key)}"
    yield from _check(field, key)
    for value in values:
        yield from _check(field, value)


def _json_problems(request):
    charset = (request.content_params.get("charset") or "utf-8").lower()
    body = request.body
    if charset in ("utf-8", "utf8"):
        if not _JSON_MAY_HOLD_FORBIDDEN.search(body):
            return
        text = body.decode("utf-8", errors="replace")
    else:
        try:
            text = body.decode(charset)
        except (LookupError, UnicodeDecodeError):
            return  # the view answers that it cannot read the body
    try:
        # strict=False reads raw control characters inside strings too, so that they can be located.
        document = json.loads(text, strict=False)
    except (ValueError, RecursionError):
        # Not JSON: the view refuses it anyway, but not before a raw control character is reported as such.
        yield from _check("body", text)
        return
    stack = [("body", document)]
    while stack:
        field, value = stack.pop()
        if isinstance(value, dict):
            for key, item in value.items():
                yield from _check(f"{field}.{_printable(key)}", key)
                stack.append((f"{field}.{_printable(key)}", item))
        elif isinstance(value, list):
            stack.extend((f"{field}.{i}", item) for i, item in enumerate(value))
        else:
            yield from _check(field, value)
