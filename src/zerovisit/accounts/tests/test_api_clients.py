"""Departments' systems sign in with OAuth 2.0 client credentials: tokens that expire and reach only what their
client's scopes name, for their agency; a client switched off or given a new secret stops at once; every call is
audited with the client; clients made before OAuth keep their bearer token until their credentials are issued."""

import base64
import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from oauth2_provider.models import get_access_token_model
from rest_framework.test import APIClient

from zerovisit.accounts.models import ApiClient
from zerovisit.accounts.services import applicant_for, create_api_client, issue_client_credentials
from zerovisit.accounts.services.api_clients import _token_hash, switch_api_client
from zerovisit.core.errors import DomainError
from zerovisit.core.models import AuditEntry
from zerovisit.licenses.models import LicenseAccess

from .factories import legacy_api_client, system_token

SHARE = "/api/v1/share/licenses/"
HOLDER = "91320300MA1PCCY204"


@pytest.fixture
def system(agency):
    return create_api_client(name="市场监管局数据共享", agency=agency, scopes=["licenses:read"])


def token_request(client_id: str, secret: str, **data):
    basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    return Client().post("/oauth/token/", {"grant_type": "client_credentials", **data},
                         HTTP_AUTHORIZATION=f"Basic {basic}")  # fmt: skip


def bearer(token: str) -> APIClient:
    return APIClient(HTTP_AUTHORIZATION=f"Bearer {token}")


def test_a_system_gets_a_token_that_expires_and_holds_its_client_s_scopes(system, settings):
    client, secret = system
    answer = token_request(client.application.client_id, secret)
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["token_type"] == "Bearer" and body["scope"] == "licenses:read" and "refresh_token" not in body
    assert body["expires_in"] == settings.OAUTH2_PROVIDER["ACCESS_TOKEN_EXPIRE_SECONDS"]
    issued = AuditEntry.objects.get(action="oauth.token_issue")
    assert issued.actor is None and issued.object_id == str(client.application.pk)
    assert issued.detail["client"] == client.application.client_id and issued.detail["grant"] == "client_credentials"
    assert secret not in str(issued.detail) and client.application.client_secret != secret, "kept only as a hash"


def test_a_client_secret_is_kept_with_a_fast_hash_and_a_password_still_with_argon2(system):
    from django.contrib.auth.hashers import make_password

    client, _secret = system
    assert client.application.client_secret.startswith("client_secret_pbkdf2$1$")
    assert make_password("Correct-Horse-9").startswith("argon2$"), "passwords keep the slow hash"


def test_a_wrong_secret_or_a_scope_the_client_was_not_given_gets_no_token(system):
    client, secret = system
    wrong = token_request(client.application.client_id, secret + "x")
    assert wrong.status_code == 401 and wrong.json()["error"] == "invalid_client"
    failed = AuditEntry.objects.get(action="oauth.client_sign_in")
    assert failed.result == "failed" and failed.detail == {"client": client.application.client_id}
    beyond = token_request(client.application.client_id, secret, scope="licenses:read cases:read")
    assert beyond.status_code == 400 and beyond.json()["error"] == "invalid_scope"
    assert not get_access_token_model().objects.exists()


def test_a_system_looks_up_a_holder_and_every_call_is_audited_with_the_client_but_not_the_holder(system, agency):
    client, secret = system
    applicant_for(kind="organisation", name="徐州市彭城餐饮有限公司", credit_code=HOLDER)
    api = bearer(system_token(client, secret))
    assert api.get(SHARE, {"holder_code": HOLDER}).status_code == 200
    assert api.get(SHARE).status_code == 400  # no holder named
    calls = list(AuditEntry.objects.filter(action="oauth.api_call").order_by("id"))
    assert [(c.result, c.detail["status"], c.detail["path"]) for c in calls] == [("ok", 200, SHARE),
                                                                                 ("refused", 400, SHARE)]  # fmt: skip
    assert calls[0].detail["client"] == client.application.client_id and calls[0].actor is None
    assert HOLDER not in str([c.detail for c in calls]), "the query, with the holder's code, is not in the audit"
    assert LicenseAccess.objects.get().client == client


def test_a_system_s_token_reaches_only_the_paths_of_its_scopes(system):
    client, secret = system
    api = bearer(system_token(client, secret))
    for path in ["/api/v1/cases/", "/api/v1/licenses/mine/", "/api/v1/auth/me/", "/api/v1/inbox/"]:
        refused = api.get(path)
        assert refused.status_code == 403 and refused.json()["code"] == "insufficient_scope", path
    assert AuditEntry.objects.filter(action="oauth.api_call", result="refused").count() == 4


def test_a_person_s_app_cannot_use_the_sharing_api(clock, citizen):
    from oauth2_provider.models import Application

    app = Application.objects.create(name="徐州政务服务App", client_type=Application.CLIENT_PUBLIC,
                                     authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
                                     redirect_uris="https://app.example.cn/cb")  # fmt: skip
    token = get_access_token_model().objects.create(
        user=citizen.user, application=app, token="person-token", scope="cases:read licenses:read",
        expires=datetime.datetime.now(datetime.UTC) + datetime.timedelta(hours=1),
    )  # fmt: skip
    refused = bearer(token.token).get(SHARE, {"holder_code": HOLDER})
    assert refused.status_code == 403 and refused.json()["code"] == "insufficient_scope"


def test_an_expired_token_a_switched_off_client_and_a_new_secret_all_stop_at_once(system):
    client, secret = system
    expired = system_token(client, secret)
    get_access_token_model().objects.filter(token=expired).update(
        expires=datetime.datetime.now(datetime.UTC) - datetime.timedelta(seconds=1))  # fmt: skip
    assert bearer(expired).get(SHARE, {"holder_code": HOLDER}).status_code == 401

    token = system_token(client, secret)
    switch_api_client(client=client, active=False)
    off = bearer(token).get(SHARE, {"holder_code": HOLDER})
    assert off.status_code == 401 and off.json()["code"] == "invalid_token"
    assert token_request(client.application.client_id, secret).json()["error"] == "invalid_client"
    switch_api_client(client=client, active=True)
    assert bearer(token).get(SHARE, {"holder_code": HOLDER}).status_code == 401, "switching on revives no token"

    token = system_token(client, secret)
    new_secret = issue_client_credentials(client=client)
    assert bearer(token).get(SHARE, {"holder_code": HOLDER}).status_code == 401, "its tokens ended with the secret"
    assert token_request(client.application.client_id, secret).status_code == 401
    assert bearer(system_token(client, new_secret)).get(SHARE, {"holder_code": HOLDER}).status_code == 200
    assert AuditEntry.objects.filter(action="api_client.credentials_issue", object_id=str(client.pk)).exists()


def test_issuing_credentials_to_a_client_from_before_oauth_retires_its_bearer_token(agency):
    client = legacy_api_client(agency, "zv_old-token")
    assert bearer("zv_old-token").get(SHARE, {"holder_code": HOLDER}).status_code == 200
    secret = issue_client_credentials(client=client)
    assert bearer("zv_old-token").get(SHARE, {"holder_code": HOLDER}).status_code == 401
    assert bearer(system_token(client, secret)).get(SHARE, {"holder_code": HOLDER}).status_code == 200


def test_a_client_is_given_only_the_scopes_systems_may_hold(agency):
    for scopes in ([], ["cases:write"]):
        with pytest.raises(DomainError) as refused:
            create_api_client(name="无效", agency=agency, scopes=scopes)
        assert refused.value.code == "invalid_scope"
    assert not ApiClient.objects.exists()


def test_the_command_prints_the_client_id_and_the_secret_once(agency):
    out = io.StringIO()
    call_command("create_api_client", "公安数据共享", "--agency", agency.name, "--scope", "licenses:read", stdout=out)
    printed = dict(line.split("=", 1) for line in out.getvalue().split())
    client = ApiClient.objects.get(name="公安数据共享")
    assert printed["client_id"] == client.application.client_id
    assert system_token(client, printed["client_secret"])
    with pytest.raises(CommandError, match="already called"):
        call_command("create_api_client", "公安数据共享", "--agency", agency.name, "--scope", "licenses:read")
    out = io.StringIO()
    call_command("create_api_client", "公安数据共享", "--new-secret", stdout=out)
    assert system_token(client, dict(line.split("=", 1) for line in out.getvalue().split())["client_secret"])
    with pytest.raises(CommandError, match="No API client"):
        call_command("create_api_client", "没有的系统", "--new-secret")


@pytest.mark.django_db(transaction=True)
def test_clients_made_before_oauth_keep_their_token_through_the_migration(agency):
    executor = MigrationExecutor(connection)
    before, after = [("accounts", "0011_organisation_agents")], [("accounts", "0012_api_client_credentials")]
    executor.migrate(before)
    old = executor.loader.project_state(before).apps.get_model("accounts", "ApiClient")
    old.objects.create(name="旧系统", agency_id=agency.pk, scopes=["licenses:read"], token_prefix="zv_abcdefg",
                       token_hash=_token_hash("zv_abcdefg-rest"))  # fmt: skip
    executor = MigrationExecutor(connection)  # the loader again, as `migrate` would start
    executor.migrate(after)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    migrated = ApiClient.objects.get(name="旧系统")
    assert migrated.application is None and migrated.token_prefix == "zv_abcdefg"
    assert bearer("zv_abcdefg-rest").get(SHARE, {"holder_code": HOLDER}).status_code == 200


def test_the_system_administrator_switches_a_client_off_in_the_admin_and_it_is_audited(system, settings):
    from .factories import UserFactory

    client, secret = system
    token = system_token(client, secret)
    admin_path = f"/{settings.ADMIN_PATH}accounts/apiclient/"
    security_admin = Client()
    security_admin.force_login(UserFactory(is_staff=True, roles=["security_admin"]))
    assert security_admin.get(admin_path).status_code == 403
    browser = Client()
    browser.force_login(UserFactory(is_staff=True, is_superuser=True))
    listed = browser.get(admin_path)
    assert listed.status_code == 200 and client.application.client_id in listed.content.decode()
    assert secret not in listed.content.decode()

    done = browser.post(admin_path, {"action": "switch_off", "_selected_action": [client.pk]})

    assert done.status_code == 302 and not ApiClient.objects.get(pk=client.pk).active
    assert bearer(token).get(SHARE, {"holder_code": HOLDER}).status_code == 401
    entry = AuditEntry.objects.get(action="api_client.switch_off")
    assert entry.object_id == str(client.pk) and entry.detail["after"] == {"active": False}


def test_the_token_endpoint_is_rate_limited_per_address(system, settings):
    client, secret = system
    settings.OAUTH_TOKEN_REQUESTS_PER_MINUTE = 2
    answers = [token_request(client.application.client_id, secret + "x").status_code for _ in range(3)]
    assert answers == [401, 401, 429]
    assert token_request(client.application.client_id, secret).status_code == 429, "even with the right secret"
