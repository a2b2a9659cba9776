"""DRF authentication: the tokens of people (`Token …`) and the bearer tokens that API clients (other systems) were
given before they signed in with OAuth client credentials (accounts.oauth)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions
from rest_framework.authtoken.models import Token

from .selectors import role_names
from .services import api_client_for_token


class TokenAuthentication(authentication.TokenAuthentication):
    """DRF's token authentication, loading the token's user with their agency, its region and their roles in the
    same query (see accounts.selectors.signed_in_users)."""

    def authenticate_credentials(self, key):
        token = (
            Token.objects.select_related("user__agency__region")
            .annotate(user_role_names=role_names("user_id"))
            .filter(key=key)
            .first()
        )
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        token.user.role_names = token.user_role_names
        return token.user, token


class ClientPrincipal:
    """What `request.user` is for a call made by an API client: authenticated, but no person and no staff role.
    The client itself is `request.auth`; `scopes` are those the call may use (an OAuth token's may be fewer than
    its client's)."""

    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_staff = False
    is_superuser = False
    pk = id = None
    agency_id = None

    def __init__(self, client, scopes=None):
        self.client = client
        self.scopes = list(client.scopes if scopes is None else scopes)

    def __str__(self):
        return f"api:{self.client.name}"

    def has_role(self, role) -> bool:
        return False


class ClientTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].decode().lower() != self.keyword.lower():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Send `Authorization: Bearer <token>`.")
        if not header[1].startswith(b"zv_"):
            return None  # an app's OAuth token (accounts.oauth)
        client = api_client_for_token(header[1].decode(errors="replace"))
        if client is None:
            raise exceptions.AuthenticationFailed("Unknown or inactive API client token.")
        return ClientPrincipal(client), client

    def authenticate_header(self, request):
        return self.keyword


def has_scope(request, scope: str) -> bool:
    """Whether the call is an API client's, with `scope`."""
    return isinstance(request.user, ClientPrincipal) and scope in request.user.scopes


class ClientTokenScheme(OpenApiAuthenticationExtension):
    """How the OpenAPI schema describes client tokens."""

    target_class = ClientTokenAuthentication
    name = "clientToken"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "An API client's token from before OAuth (zv_…)"}
