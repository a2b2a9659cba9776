"""OAuth 2.0 for apps acting for a citizen or an organisation (django-oauth-toolkit): the authorization code with
PKCE, the scopes that bound what a token reaches, the consent page, the apps a person has let in and withdrawing
them, and the audit of tokens issued and revoked.

A token reaches only the API paths its scopes name (`SCOPED_PATHS`, checked on every call); any other path is
refused with 403 `insufficient_scope`, so a new endpoint is closed to apps until it is given a scope here. Staff
and administrators authorise no apps: their accounts reach other people's data.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from oauth2_provider import views as oauth_views
from oauth2_provider.contrib.rest_framework import OAuth2Authentication
from oauth2_provider.models import get_access_token_model, get_application_model, get_refresh_token_model
from oauth2_provider.scopes import BaseScopes
from oauth2_provider.signals import app_authorized
from rest_framework import exceptions

from zerovisit.core import audit
from zerovisit.core.errors import NotFound

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
READING = ("GET", "HEAD", "OPTIONS")


class Scopes(BaseScopes):
    """The scopes, described in the language of the page that asks for consent."""

    def get_all_scopes(self):
        return {name: str(description) for name, description in SCOPES.items()}

    def get_available_scopes(self, application=None, request=None, *args, **kwargs):
        return list(SCOPES)

    def get_default_scopes(self, application=None, request=None, *args, **kwargs):
        return DEFAULT_SCOPES


def required_scope(path: str, method: str) -> tuple[bool, str | None]:
    """(whether an app's token may call this at all, the scope it needs)."""
    for prefix, read, write in SCOPED_PATHS:
        if path.startswith(prefix):
            return True, read if method in READING else write
    return False, None


class ScopedOAuth2Authentication(OAuth2Authentication):
    """An app's bearer token, held to the scopes the person granted it."""

    def authenticate(self, request):
        found = super().authenticate(request)
        if found is None:
            return None
        user, token = found
        if needs_second_factor(user):
            raise exceptions.AuthenticationFailed(_("Apps act for citizens and organisations, not for staff."))
        allowed, scope = required_scope(request.path, request.method)
        if not allowed or (scope is not None and not token.allow_scopes([scope])):
            raise exceptions.PermissionDenied(
                _("The app's token does not reach this (scope %(scope)s is needed).") % {"scope": scope or "—"},
                code="insufficient_scope",
            )
        return user, token


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
    """How the OpenAPI schema describes apps' tokens: the authorization code flow (with PKCE) and its scopes."""

    target_class = ScopedOAuth2Authentication
    name = "oauth2"

    def get_security_definition(self, auto_schema):
        return {"type": "oauth2", "flows": {"authorizationCode": {
            "authorizationUrl": "/oauth/authorize/", "tokenUrl": "/oauth/token/", "refreshUrl": "/oauth/token/",
            "scopes": {name: str(description) for name, description in SCOPES.items()},
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
    audit.record(actor=token.user, action="oauth.token_issue", obj=token.user, detail={
        "client": token.application.client_id, "scopes": sorted(token.scope.split()),
        "grant": request.POST.get("grant_type", ""), "expires": token.expires.isoformat(),
    })  # fmt: skip


app_authorized.connect(_audit_token, dispatch_uid="audit-oauth-token")
