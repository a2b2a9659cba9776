"""OAuth 2.0 (django-oauth-toolkit) for apps acting for a citizen or an organisation — the authorization code with
PKCE, the consent page, the apps a person has let in and withdrawing them — and for the systems of departments
(accounts.ApiClient), which sign in with client credentials and act for their agency. Tokens issued and revoked,
and every API call made with a token, are audited with the client.

A token reaches only the API paths its scopes name (`SCOPED_PATHS` for people's apps, `CLIENT_SCOPED_PATHS` for
departments' systems, checked on every call); any other path is refused with 403 `insufficient_scope`, so a new
endpoint is closed to apps until it is given a scope here. Staff and administrators authorise no apps: their
accounts reach other people's data.
"""

import base64
from urllib.parse import unquote_plus, urlsplit

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from oauth2_provider import views as oauth_views
from oauth2_provider.contrib.rest_framework import OAuth2Authentication
from oauth2_provider.models import get_access_token_model, get_application_model, get_refresh_token_model
from oauth2_provider.oauth2_validators import OAuth2Validator
from oauth2_provider.scopes import BaseScopes
from oauth2_provider.signals import app_authorized
from rest_framework import authentication, exceptions

from zerovisit.core import audit, ratelimit
from zerovisit.core.clients import client_address
from zerovisit.core.errors import NotFound

from .api_auth import ClientPrincipal
from .models import ApiClient
from .services.api_clients import CLIENT_SCOPES, api_client_for_application
from .services.second_factor import needs_second_factor

SCOPES = {
    "cases:read": gettext_lazy("See your cases, their progress and their couriers"),
    "cases:write": gettext_lazy("Apply and act on your cases in your name"),
    "licenses:read": gettext_lazy("See your licences (我的证照)"),
    "messages": gettext_lazy("Read your messages"),
}
DEFAULT_SCOPES = ["cases:read"]
# (path prefix, scope for reading, scope for writing) under /api/v1/: the first that matches decides.
SCOPED_PATHS = [
    ("/api/v1/cases/", "cases:read", "cases:write"),
    ("/api/v1/shipments/", "cases:read", "cases:write"),
    ("/api/v1/application-drafts/", "cases:write", "cases:write"),
    ("/api/v1/licenses/mine/", "licenses:read", "licenses:read"),
    ("/api/v1/messages/", "messages", "messages"),
    ("/api/v1/auth/me/", None, None),  # who the token is for: any scope
]
# The same for departments' systems (their scopes: accounts.services.api_clients.CLIENT_SCOPES).
CLIENT_SCOPED_PATHS = [
    ("/api/v1/share/licenses/", "licenses:read", "licenses:read"),
]
READING = ("GET", "HEAD", "OPTIONS")


def _for_system(application) -> bool:
    return application is not None and application.authorization_grant_type == application.GRANT_CLIENT_CREDENTIALS


class Scopes(BaseScopes):
    """The scopes, described in the language of the page that asks for consent. A department's system may ask
    for the scopes its client was given, and gets them all when it names none."""

    def get_all_scopes(self):
        return {name: str(description) for name, description in SCOPES.items()}

    def get_available_scopes(self, application=None, request=None, *args, **kwargs):
        if _for_system(application):
            scopes = ApiClient.objects.filter(application=application).values_list("scopes", flat=True).first()
            return [scope for scope in scopes or [] if scope in CLIENT_SCOPES]
        return list(SCOPES)

    def get_default_scopes(self, application=None, request=None, *args, **kwargs):
        if _for_system(application):
            return self.get_available_scopes(application)
        return DEFAULT_SCOPES


class Validator(OAuth2Validator):
    """django-oauth-toolkit's, refusing the credentials of a client that was switched off."""

    def authenticate_client(self, request, *args, **kwargs):
        """A system's failed sign-in is audited like a person's."""
        signed_in = super().authenticate_client(request, *args, **kwargs) and (
            not _for_system(request.client)
            or ApiClient.objects.filter(application=request.client, active=True).exists()
        )
        if not signed_in:
            audit.record(actor=None, action="oauth.client_sign_in", object_type="oauth2_provider.application",
                         result="failed", detail={"client": self._named_client(request)[:100]})  # fmt: skip
        return signed_in

    def _named_client(self, request) -> str:
        """The client id the request gave, in its Basic credentials or its body (never the secret)."""
        basic = self._extract_basic_auth(request)
        if not basic:
            return str(request.client_id or "")
        try:
            return unquote_plus(base64.b64decode(basic).decode().split(":", 1)[0])
        except ValueError:  # not base64, or not text
            return ""


def required_scope(path: str, method: str, paths=SCOPED_PATHS) -> tuple[bool, str | None]:
    """(whether a token may call this at all, the scope it needs)."""
    for prefix, read, write in paths:
        if path.startswith(prefix):
            return True, read if method in READING else write
    return False, None


def _check_scope(request, token, paths) -> None:
    allowed, scope = required_scope(request.path, request.method, paths)
    if not allowed:
        raise exceptions.PermissionDenied(_("No OAuth token reaches this."), code="insufficient_scope")
    if scope is not None and not token.allow_scopes([scope]):
        raise exceptions.PermissionDenied(
            _("The app's token does not reach this (scope %(scope)s is needed).") % {"scope": scope},
            code="insufficient_scope",
        )


class ScopedOAuth2Authentication(OAuth2Authentication):
    """An app's bearer token, held to the scopes the person granted it; or a department system's, held to its
    client's scopes, for which the call's user is the client (api_auth.ClientPrincipal)."""

    def authenticate(self, request):
        found = super().authenticate(request)
        if found is None:
            if authentication.get_authorization_header(request).lower().startswith(b"bearer "):
                # A token was sent and is not (or no longer) good: 401, so that the app refreshes or asks anew.
                raise exceptions.AuthenticationFailed(_("The token is unknown, expired or revoked."))
            return None
        user, token = found
        request._request.oauth_token = token  # the call is audited once it is answered (OAuthCallAudit)
        if user is None:
            client = api_client_for_application(token.application_id)
            if client is None:
                raise exceptions.AuthenticationFailed(_("This API client has been switched off."))
            _check_scope(request, token, CLIENT_SCOPED_PATHS)
            return ClientPrincipal(client, scopes=[s for s in client.scopes if token.allow_scopes([s])]), client
        if needs_second_factor(user):
            raise exceptions.AuthenticationFailed(_("Apps act for citizens and organisations, not for staff."))
        _check_scope(request, token, SCOPED_PATHS)
        return user, token


class OAuthCallAudit:
    """Middleware: every API call made with an OAuth token in the audit log, with its client and its answer. The
    path only, never the query, which may hold personal data (a holder's ID number)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        token = getattr(request, "oauth_token", None)
        if token is not None:
            client = token.application
            audit.record(
                actor=token.user,
                action="oauth.api_call",
                object_type="oauth2_provider.application",
                object_id=str(client.pk),
                result="ok" if response.status_code < 400 else "refused",
                detail={"client": client.client_id, "method": request.method, "path": request.path[:300],
                        "status": response.status_code},
            )  # fmt: skip
        return response


class AuthorizationView(oauth_views.AuthorizationView):
    """The consent page (同意授权), for people only: a staff account is refused."""

    template_name = "accounts/oauth_authorize.html"

    def dispatch(self, request, *args, **kwargs):
        if needs_second_factor(request.user):
            return render(request, "accounts/oauth_staff_refused.html", status=403)
        response = super().dispatch(request, *args, **kwargs)
        consent = getattr(response, "context_data", None) or {}
        if response.status_code == 200 and "form" in consent and not consent.get("error"):
            # Allowing sends the browser on to the app, which the page's own form-action 'self' would stop. The
            # address was checked against the application's before the consent form was drawn.
            response.headers["Content-Security-Policy"] = settings.CONTENT_SECURITY_POLICY.replace(
                "form-action 'self'", f"form-action 'self' {_origin(request.GET['redirect_uri'])}"
            )
        return response


def _origin(uri: str) -> str:
    parsed = urlsplit(uri)
    return f"{parsed.scheme}://{parsed.netloc}" if parsed.netloc else f"{parsed.scheme}:"


class TokenView(oauth_views.TokenView):
    """The token endpoint, with at most settings.OAUTH_TOKEN_REQUESTS_PER_MINUTE requests a minute from one
    address: a wrong secret costs an audit entry, and the endpoint is no place to guess secrets or codes."""

    def post(self, request, *args, **kwargs):
        limit = settings.OAUTH_TOKEN_REQUESTS_PER_MINUTE
        if not ratelimit.allow_for(f"oauth-token:{client_address(request)}", limit, 60):
            refusal = {"error": "too_many_requests", "error_description": _("Too many token requests; try again in "
                                                                            "a minute.")}  # fmt: skip
            return JsonResponse(refusal, status=429, headers={"Retry-After": "60"})
        return super().post(request, *args, **kwargs)


class RevokeTokenView(oauth_views.RevokeTokenView):
    """RFC 7009 revocation, audited with the token's holder and app."""

    def post(self, request, *args, **kwargs):
        given = request.POST.get("token", "")
        token = (
            get_access_token_model().objects.filter(token=given).select_related("application", "user").first()
            or get_refresh_token_model().objects.filter(token=given).select_related("application", "user").first()
        )
        response = super().post(request, *args, **kwargs)
        if token is not None and response.status_code == 200:
            audit.record(actor=token.user, action="oauth.token_revoke", obj=token.user,
                         detail={"client": token.application.client_id, "kind": type(token).__name__})  # fmt: skip
        return response


class OAuthScheme(OpenApiAuthenticationExtension):
    """How the OpenAPI schema describes OAuth tokens: people's apps take the authorization code flow (with PKCE),
    departments' systems client credentials."""

    target_class = ScopedOAuth2Authentication
    name = "oauth2"

    def get_security_definition(self, auto_schema):
        return {"type": "oauth2", "flows": {"authorizationCode": {
            "authorizationUrl": "/oauth/authorize/", "tokenUrl": "/oauth/token/", "refreshUrl": "/oauth/token/",
            "scopes": {name: str(description) for name, description in SCOPES.items()},
        }, "clientCredentials": {
            "tokenUrl": "/oauth/token/",
            "scopes": {name: str(description) for name, description in CLIENT_SCOPES.items()},
        }}}  # fmt: skip


def authorised_apps(user) -> list:
    """The applications holding a token of the user that still works (or may be refreshed)."""
    now = timezone.now()
    live = Q(accesstoken__user=user, accesstoken__expires__gt=now) | Q(refreshtoken__user=user,
                                                                       refreshtoken__revoked=None)  # fmt: skip
    return list(get_application_model().objects.filter(live).distinct().order_by("name"))


def withdraw_app(*, user, application_id: int) -> int:
    """The person withdraws an app's access: every token it holds for them ends now. How many ended."""
    with transaction.atomic():
        application = get_application_model().objects.filter(pk=application_id).first()
        if application is None:
            raise NotFound(_("No such app."))
        refresh = list(get_refresh_token_model().objects.filter(user=user, application=application, revoked=None))
        for token in refresh:
            token.revoke()  # with its access token
        ended = len(refresh) + get_access_token_model().objects.filter(user=user, application=application).delete()[0]
        audit.record(actor=user, action="oauth.app_withdraw", obj=user,
                     detail={"client": application.client_id, "tokens": ended})  # fmt: skip
    return ended


def _audit_token(sender, request, token, **kwargs):
    audit.record(actor=token.user, action="oauth.token_issue", obj=token.user or token.application, detail={
        "client": token.application.client_id, "scopes": sorted(token.scope.split()),
        "grant": request.POST.get("grant_type", ""), "expires": token.expires.isoformat(),
    })  # fmt: skip


app_authorized.connect(_audit_token, dispatch_uid="audit-oauth-token")
