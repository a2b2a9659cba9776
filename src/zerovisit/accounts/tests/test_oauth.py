"""Apps act for a person through OAuth 2.0: the authorization code with PKCE after the person consents, tokens held
to their scopes, refresh tokens that rotate (a reused one revokes the family), revocation, expiry; issued and
revoked tokens are audited; staff authorise no apps."""

import base64
import datetime
import hashlib
import secrets
from urllib.parse import parse_qs, urlparse

import pytest
from django.test import Client
from oauth2_provider.models import Application, get_access_token_model
from rest_framework.test import APIClient

from zerovisit.accounts.models import Role
from zerovisit.cases.tests.factories import apply
from zerovisit.core.models import AuditEntry

REDIRECT = "https://app.example.cn/callback"


@pytest.fixture
def app(db):
    return Application.objects.create(
        name="徐州政务服务App", client_id="xz-app", client_type=Application.CLIENT_PUBLIC,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE, redirect_uris=REDIRECT, algorithm="",
    )  # fmt: skip


def pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def authorise(user, scope="cases:read", challenge=None, allow=True):
    """The person signs in and answers the consent page: where the browser is sent back to."""
    browser = Client()
    browser.force_login(user)
    query = {"response_type": "code", "client_id": "xz-app", "redirect_uri": REDIRECT, "scope": scope, "state": "s1"}
    if challenge:
        query.update(code_challenge=challenge, code_challenge_method="S256")
    consent = browser.get("/oauth/authorize/", query)
    if consent.status_code != 200:
        return consent
    assert "徐州政务服务App" in consent.content.decode()
    assert "form-action 'self' https://app.example.cn;" in consent["Content-Security-Policy"], "allowing goes there"
    return browser.post("/oauth/authorize/", {**query, **({"allow": "1"} if allow else {})})


def token_for(user, scope="cases:read") -> dict:
    verifier, challenge = pkce()
    back = authorise(user, scope, challenge)
    code = parse_qs(urlparse(back["Location"]).query)["code"][0]
    answer = Client().post("/oauth/token/", {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT,
                                             "client_id": "xz-app", "code_verifier": verifier})  # fmt: skip
    assert answer.status_code == 200, answer.content
    return answer.json()


def bearer(token: str) -> APIClient:
    return APIClient(HTTP_AUTHORIZATION=f"Bearer {token}")


def refused(response) -> bool:
    """A token that is unknown, expired, revoked or not for apps: 401 with the bearer challenge (RFC 6750)."""
    return (response.status_code == 401 and response.json()["code"] == "invalid_token"
            and response["WWW-Authenticate"] == 'Bearer error="invalid_token"')  # fmt: skip


def test_an_app_gets_a_token_with_pkce_and_lists_the_persons_cases(clock, app, item, citizen):
    case = apply(item, citizen)
    token = token_for(citizen.user)

    listed = bearer(token["access_token"]).get("/api/v1/cases/")

    assert listed.status_code == 200 and [c["number"] for c in listed.json()["results"]] == [case.number]
    assert token["expires_in"] == 3600 and token["refresh_token"] and token["scope"] == "cases:read"
    entry = AuditEntry.objects.get(action="oauth.token_issue")
    assert (
        entry.actor == citizen.user and entry.detail["client"] == "xz-app" and entry.detail["scopes"] == ["cases:read"]
    )
    call = AuditEntry.objects.get(action="oauth.api_call")
    assert call.actor == citizen.user and call.result == "ok"
    assert call.detail == {"client": "xz-app", "method": "GET", "path": "/api/v1/cases/", "status": 200}


def test_without_pkce_or_with_the_wrong_verifier_there_is_no_token(clock, app, citizen):
    without = authorise(citizen.user, challenge=None)
    assert "error=invalid_request" in without["Location"]

    _verifier, challenge = pkce()
    code = parse_qs(urlparse(authorise(citizen.user, challenge=challenge)["Location"]).query)["code"][0]
    wrong = Client().post("/oauth/token/", {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT,
                                            "client_id": "xz-app", "code_verifier": pkce()[0]})  # fmt: skip
    assert wrong.status_code == 400 and wrong.json()["error"] == "invalid_grant"


def test_an_address_the_app_did_not_register_gets_no_code_and_no_form(clock, app, citizen):
    browser = Client()
    browser.force_login(citizen.user)
    page = browser.get("/oauth/authorize/", {"response_type": "code", "client_id": "xz-app", "scope": "cases:read",
                                             "redirect_uri": "https://evil.example/", "code_challenge": pkce()[1],
                                             "code_challenge_method": "S256"})  # fmt: skip
    assert page.status_code == 400 or 'name="allow"' not in page.content.decode()
    assert "evil.example" not in page.get("Content-Security-Policy", "")


def test_the_person_may_refuse(clock, app, citizen):
    back = authorise(citizen.user, challenge=pkce()[1], allow=False)
    assert back["Location"].startswith(REDIRECT) and "error=access_denied" in back["Location"]


def test_a_token_reaches_only_what_its_scopes_name(clock, app, item, citizen):
    messages_only = bearer(token_for(citizen.user, scope="messages")["access_token"])
    assert messages_only.get("/api/v1/messages/").status_code == 200
    cases = messages_only.get("/api/v1/cases/")
    assert cases.status_code == 403 and cases.json()["code"] == "insufficient_scope"
    unlisted = messages_only.get("/api/v1/organisations/")
    assert unlisted.status_code == 403 and unlisted.json()["code"] == "insufficient_scope", "closed unless scoped"

    reading = bearer(token_for(citizen.user, scope="cases:read")["access_token"])
    writing = reading.post("/api/v1/cases/", {"item": item.impl_code}, format="multipart")
    assert writing.status_code == 403 and writing.json()["code"] == "insufficient_scope"


def test_refresh_tokens_rotate_and_a_reused_one_revokes_the_family(clock, app, citizen):
    first = token_for(citizen.user)

    def refresh(token):
        return Client().post("/oauth/token/", {"grant_type": "refresh_token", "refresh_token": token,
                                               "client_id": "xz-app"})  # fmt: skip

    second = refresh(first["refresh_token"]).json()
    assert second["refresh_token"] != first["refresh_token"]
    assert bearer(second["access_token"]).get("/api/v1/cases/").status_code == 200
    assert refused(bearer(first["access_token"]).get("/api/v1/cases/")), "the old access token is gone"

    reused = refresh(first["refresh_token"])
    assert reused.status_code == 400 and reused.json()["error"] == "invalid_grant"
    assert refresh(second["refresh_token"]).status_code == 400, "the stolen family is revoked"


def test_a_revoked_or_expired_token_reaches_nothing(clock, app, citizen):
    token = token_for(citizen.user)
    revoked = Client().post("/oauth/revoke_token/", {"token": token["access_token"], "client_id": "xz-app"})
    assert revoked.status_code == 200
    assert refused(bearer(token["access_token"]).get("/api/v1/cases/"))
    assert AuditEntry.objects.get(action="oauth.token_revoke").detail == {"client": "xz-app", "kind": "AccessToken"}

    later = token_for(citizen.user)
    clock.now += datetime.timedelta(hours=1, seconds=1)
    assert refused(bearer(later["access_token"]).get("/api/v1/cases/"))


def test_staff_authorise_no_apps_and_a_staff_token_is_refused(clock, app, staff):
    acceptor = staff[Role.ACCEPTOR]
    assert authorise(acceptor, challenge=pkce()[1]).status_code == 403
    expires = clock.now + datetime.timedelta(hours=1)
    made = get_access_token_model().objects.create(user=acceptor, application=app, token="staff-token",
                                                   scope="cases:read", expires=expires)  # fmt: skip
    assert refused(bearer(made.token).get("/api/v1/cases/"))


def test_the_person_withdraws_an_app_on_their_account_page(clock, app, citizen):
    token = token_for(citizen.user)
    page = Client()
    page.force_login(citizen.user)
    assert "徐州政务服务App" in page.get("/accounts/").content.decode()

    assert page.post(f"/accounts/apps/{app.pk}/withdraw/").status_code == 302

    assert refused(bearer(token["access_token"]).get("/api/v1/cases/"))
    again = Client().post("/oauth/token/", {"grant_type": "refresh_token", "refresh_token": token["refresh_token"],
                                            "client_id": "xz-app"})  # fmt: skip
    assert again.status_code == 400
    assert "徐州政务服务App" not in page.get("/accounts/").content.decode()
    assert AuditEntry.objects.get(action="oauth.app_withdraw").detail == {"client": "xz-app", "tokens": 1}
