"""Signing in through an identity provider over OpenID Connect (Authlib as the relying party): the province's
unified identity platform (统一身份认证), which asserts a person, and the e-business-licence platform (电子营业执照),
which asserts a person and the organisation whose licence they hold.

Each provider is configured in settings.IDENTITY_PROVIDERS: its issuer (its metadata is discovered at
`{issuer}/.well-known/openid-configuration`), the client id and secret it registered us under, the scopes, the
claims that carry each fact (`claims`: our name → the provider's claim), and the assurance level an identity it
asserts counts as (`level`, 2 or 3, or by the ID token's `acr` through `acr_levels`). A provider without an issuer
is not offered.

The flow is the authorization code with PKCE, a state and a nonce kept in the session; the ID token's signature
(the provider's published keys), issuer, audience, expiry and nonce are checked before a claim is read.
"""

import dataclasses
import json

import requests
from authlib.integrations.base_client import OAuthError
from authlib.integrations.django_client import OAuth
from django.conf import settings
from joserfc.errors import JoseError

from .models import AssuranceLevel

PERSON, ORGANISATION = "person", "organisation"  # what a provider asserts
TIMEOUT = 10  # seconds, for each call to the provider


class ProviderUnavailable(Exception):
    """The provider could not be reached or answered nothing usable: the person tries again later."""


class ProviderRefused(Exception):
    """The provider did not vouch for anyone: the person cancelled, or the answer failed its checks."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclasses.dataclass(frozen=True)
class Assertion:
    """Who a provider says signed in, in our terms."""

    provider: str
    issuer: str
    subject: str
    name: str
    id_number: str
    level: int
    phone: str = ""  # a mobile number the provider confirmed
    organisation: str = ""  # the e-business-licence's holder: its name and credit code
    credit_code: str = ""
    representative: bool = False  # the person is the organisation's legal representative


def configured() -> dict[str, dict]:
    """The providers to offer, by name."""
    return {name: config for name, config in settings.IDENTITY_PROVIDERS.items() if config.get("issuer")}


_clients: dict[str, tuple[str, object]] = {}  # provider name → (its configuration, its Authlib client)


def _client(name: str, config: dict):
    # One Authlib client per provider, so that its metadata and keys are fetched once, not at each sign-in; a
    # changed configuration makes a new one.
    key = json.dumps(config, sort_keys=True, default=str)
    cached = _clients.get(name)
    if cached is not None and cached[0] == key:
        return cached[1]
    registry = OAuth()
    registry.register(
        name,
        client_id=config["client_id"],
        client_secret=config["client_secret"],
        server_metadata_url=config["issuer"].rstrip("/") + "/.well-known/openid-configuration",
        client_kwargs={"scope": config.get("scope", "openid"), "code_challenge_method": "S256",
                       "default_timeout": TIMEOUT},
    )  # fmt: skip
    client = registry.create_client(name)
    _clients[name] = (key, client)
    return client


def provider_config(name: str) -> dict:
    config = configured().get(name)
    if config is None:
        raise KeyError(name)
    return config


def authorize_redirect(request, name: str, redirect_uri: str):
    """The redirect that sends the browser to the provider's sign-in."""
    try:
        return _client(name, provider_config(name)).authorize_redirect(request, redirect_uri)
    except (requests.RequestException, ValueError) as exc:
        raise ProviderUnavailable(f"{name}: {exc}") from exc


def assertion(request, name: str) -> Assertion:
    """Who the provider says signed in, from its answer at the callback (code, state), checked."""
    config = provider_config(name)
    client = _client(name, config)
    if "state" not in request.GET:
        raise ProviderRefused("no_state")
    try:
        # The ID token's issuer must be the configured one (Authlib checks it only against the metadata's).
        token = client.authorize_access_token(request, claims_options={
            "iss": {"essential": True, "value": config["issuer"].rstrip("/")}})  # fmt: skip
    except OAuthError as exc:
        raise ProviderRefused(exc.error or "refused") from exc
    except JoseError as exc:
        raise ProviderRefused("id_token_invalid") from exc
    except (requests.RequestException, ValueError) as exc:
        raise ProviderUnavailable(f"{name}: {exc}") from exc
    claims = token.get("userinfo")
    if not claims:  # no ID token, so nothing checked vouches for anyone
        raise ProviderRefused("no_id_token")
    if config.get("userinfo"):  # a provider that gives the identity's details at its userinfo endpoint only
        try:
            more = client.userinfo(token=token)
        except (requests.RequestException, ValueError) as exc:
            raise ProviderUnavailable(f"{name} userinfo: {exc}") from exc
        if more.get("sub") != claims["sub"]:  # OpenID Connect Core §5.3.2
            raise ProviderRefused("userinfo_subject_differs")
        claims = {**more, **claims}
    if client.server_metadata.get("issuer", "").rstrip("/") != config["issuer"].rstrip("/"):
        raise ProviderRefused("issuer_differs")  # the discovered metadata is another issuer's
    return _asserted(name, config, config["issuer"].rstrip("/"), claims)


def _asserted(name: str, config: dict, issuer: str, claims: dict) -> Assertion:
    mapping = config["claims"]

    def claim(ours: str) -> str:
        value = claims.get(mapping.get(ours, ours), "")
        return str(value).strip() if value is not None else ""

    level = config.get("acr_levels", {}).get(claims.get("acr", ""), config.get("level", AssuranceLevel.REAL_NAME))
    organisation = config.get("asserts") == ORGANISATION
    return Assertion(
        provider=name,
        issuer=issuer,
        subject=str(claims["sub"]),
        name=claim("name"),
        id_number=claim("id_number"),
        # a number the provider has not confirmed could be anyone's: it would sign that person in here by SMS
        phone=claim("phone") if claims.get(mapping.get("phone_verified", "phone_number_verified")) is True else "",
        level=min(max(int(level), AssuranceLevel.REAL_NAME), AssuranceLevel.REAL_PERSON),
        organisation=claim("organisation") if organisation else "",
        credit_code=claim("credit_code") if organisation else "",
        representative=organisation and claim("role") in config.get("representative_roles", ()),
    )
