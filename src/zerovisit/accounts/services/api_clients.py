"""The API clients of other systems (a department's licence-sharing system, say): each acts for its agency within
its scopes, signs in with OAuth 2.0 client credentials (RFC 6749 §4.4) and holds tokens that expire. See
accounts.oauth for how their tokens are held to their scopes and every call is audited.

A client made before OAuth came keeps the bearer token it was given (zv_…, stored as a hash) until its credentials
are issued, which retires that token.
"""

import datetime
import hashlib
import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from oauth2_provider.models import get_access_token_model, get_application_model

from zerovisit.core import audit
from zerovisit.core.errors import DomainError

from ..models import ApiClient

USE_RESOLUTION = datetime.timedelta(minutes=1)  # last_used_at is written at most once a minute per client
# What a department's system may be given; where each reaches: accounts.oauth.CLIENT_SCOPED_PATHS.
CLIENT_SCOPES = {
    "licenses:read": gettext_lazy("Licences of any holder, by the holder's code, for the agency's work (数据共享)"),
}


def _checked_scopes(scopes) -> list[str]:
    scopes = sorted(set(scopes))
    unknown = [scope for scope in scopes if scope not in CLIENT_SCOPES]
    if unknown or not scopes:
        raise DomainError(_("Give one or more of the scopes %(known)s.") % {"known": ", ".join(sorted(CLIENT_SCOPES))},
                          code="invalid_scope")  # fmt: skip
    return scopes


def create_api_client(*, name: str, agency, scopes: list[str], actor=None) -> tuple[ApiClient, str]:
    """A new API client with its OAuth credentials: the client (its `application.client_id` names it) and its
    secret, returned here once and stored only as a hash."""
    scopes = _checked_scopes(scopes)
    with transaction.atomic():
        client = ApiClient.objects.create(name=name, agency=agency, scopes=scopes)
        secret = _issue_credentials(client)
        audit.record(actor=actor, action="api_client.create", obj=client,
                     detail={"scopes": scopes, "client_id": client.application.client_id})  # fmt: skip
    return client, secret


def issue_client_credentials(*, client: ApiClient, actor=None) -> str:
    """A new secret for the client (its first, for a client that had only a bearer token): the old secret and the
    old bearer token stop working now, and so does every token issued with them."""
    with transaction.atomic():
        secret = _issue_credentials(client)
        audit.record(actor=actor, action="api_client.credentials_issue", obj=client,
                     detail={"client_id": client.application.client_id})  # fmt: skip
    return secret


def switch_api_client(*, client: ApiClient, active: bool, actor=None) -> ApiClient:
    """Switch a client off (its credentials are refused from now, and the tokens it holds end) or on again."""
    with transaction.atomic():
        if client.active != active:
            client.active = active
            client.save(update_fields=["active"])
            if not active and client.application_id:
                get_access_token_model().objects.filter(application_id=client.application_id).delete()
            action = "api_client.switch_on" if active else "api_client.switch_off"
            audit.record(actor=actor, action=action, obj=client,
                         detail={"before": {"active": not active}, "after": {"active": active}})  # fmt: skip
    return client


def _issue_credentials(client: ApiClient) -> str:
    secret = secrets.token_urlsafe(32)
    application = client.application
    if application is None:
        application = get_application_model()(
            name=client.name,
            client_type=get_application_model().CLIENT_CONFIDENTIAL,
            authorization_grant_type=get_application_model().GRANT_CLIENT_CREDENTIALS,
        )
    else:
        get_access_token_model().objects.filter(application=application).delete()
    application.client_secret = secret  # hashed as it is saved (hash_client_secret)
    application.save()
    client.application, client.token_prefix, client.token_hash = application, "", None
    client.save(update_fields=["application", "token_prefix", "token_hash"])
    return secret


def _token_hash(token: str) -> str:
    # Tokens are 256 random bits: a plain SHA-256 is enough, and fast enough to run on every request.
    return hashlib.sha256(token.encode()).hexdigest()


def api_client_for_token(token: str) -> ApiClient | None:
    """The active client whose bearer token (zv_…, from before OAuth) this is."""
    client = ApiClient.objects.select_related("agency").filter(token_hash=_token_hash(token), active=True).first()
    return _used(client)


def api_client_for_application(application_id: int) -> ApiClient | None:
    """The active client whose OAuth application this is."""
    client = ApiClient.objects.select_related("agency").filter(application_id=application_id, active=True).first()
    return _used(client)


def _used(client: ApiClient | None) -> ApiClient | None:
    if client is not None and (client.last_used_at is None or timezone.now() - client.last_used_at > USE_RESOLUTION):
        ApiClient.objects.filter(pk=client.pk).update(last_used_at=timezone.now())
    return client
