import datetime
import time

import pytest
from django.conf import settings
from django.test import override_settings
from django.utils import timezone

from zerovisit.core.middleware import AdminNetworkMiddleware


@pytest.mark.django_db
def test_every_page_carries_a_csp_that_names_no_outside_origin(client):
    response = client.get("/")
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "http" not in policy and "*" not in policy and "unsafe-inline" not in policy


@pytest.mark.django_db
def test_pages_refuse_framing_and_sniffing(client):
    response = client.get("/")
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_passwords_are_hashed_with_argon2():
    assert settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


@pytest.mark.django_db
def test_a_session_ends_when_idle_and_is_refreshed_at_most_once_a_minute(client):
    from unittest import mock

    from django.contrib.sessions.models import Session
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from zerovisit.accounts.tests.factories import UserFactory

    assert settings.SESSION_COOKIE_AGE <= 30 * 60 and settings.SESSION_COOKIE_HTTPONLY
    client.force_login(UserFactory())
    start = time.time()
    with mock.patch("time.time", return_value=start):
        client.get("/my/cases/")
    expiry = Session.objects.get().expire_date
    with mock.patch("time.time", return_value=start + 30), CaptureQueriesContext(connection) as reads:
        assert client.get("/my/cases/").status_code == 200
    assert not [q for q in reads.captured_queries if "django_session" in q["sql"] and "UPDATE" in q["sql"]]
    assert Session.objects.get().expire_date == expiry  # within the minute: not written again
    later = timezone.now() + datetime.timedelta(seconds=90)
    with mock.patch("time.time", return_value=start + 90), mock.patch("django.utils.timezone.now", return_value=later):
        client.get("/my/cases/")
    assert Session.objects.get().expire_date > expiry  # a request after the minute moves the idle timeout
    idle = later + datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE + 1)
    with mock.patch("django.utils.timezone.now", return_value=idle):
        assert client.get("/my/cases/").status_code == 302  # idle past the age: signed out


@pytest.mark.django_db
def test_the_admin_answers_404_outside_its_allowed_networks(rf):
    with override_settings(ADMIN_ALLOWED_NETWORKS=["10.0.0.0/8"]):
        middleware = AdminNetworkMiddleware(lambda request: "passed")
        outside = rf.get(f"/{settings.ADMIN_PATH}", REMOTE_ADDR="203.0.113.5")
        inside = rf.get(f"/{settings.ADMIN_PATH}", REMOTE_ADDR="10.1.2.3")
        with pytest.raises(Exception) as refused:
            middleware(outside)
        assert refused.type.__name__ == "Http404"
        assert middleware(inside) == "passed"
        assert middleware(rf.get("/", REMOTE_ADDR="203.0.113.5")) == "passed"


@pytest.mark.django_db
def test_the_admin_asks_anonymous_visitors_to_log_in(client):
    response = client.get(f"/{settings.ADMIN_PATH}")
    assert response.status_code == 302 and "login" in response.headers["Location"]
    assert client.get(response.headers["Location"]).status_code == 200


@pytest.mark.django_db
def test_state_changing_forms_need_a_csrf_token(client):
    client = type(client)(enforce_csrf_checks=True)
    response = client.post("/display/large-text/", {"on": "1"})
    assert response.status_code == 403


@pytest.mark.django_db
def test_staff_with_nothing_to_administer_are_refused_at_the_admin_index(client):
    from zerovisit.accounts.models import Role
    from zerovisit.accounts.tests.factories import editor
    from zerovisit.org.tests.factories import AgencyFactory

    agency = AgencyFactory()
    client.force_login(editor(agency, role=Role.ACCEPTOR))
    assert client.get(f"/{settings.ADMIN_PATH}").status_code == 403
    assert client.get(f"/{settings.ADMIN_PATH}catalog/").status_code in (403, 404)
    client.force_login(editor(agency, role=Role.CATALOGUE_EDITOR))
    index = client.get(f"/{settings.ADMIN_PATH}")
    assert index.status_code == 200 and "zerovisit 管理后台" in index.content.decode()


def test_check_deploy_reports_a_signed_adapter_without_a_secret_and_a_home_made_audit_key(settings, monkeypatch):
    from django.core.checks import Error, Warning, run_checks

    settings.CARRIER_BACKEND, settings.CARRIER_SECRET = "zerovisit.delivery.carriers.HttpCarrier", ""
    settings.SMS_BACKEND, settings.SMS_SECRET = "zerovisit.notify.backends.HttpSmsBackend", "short"
    settings.HOTLINE_ENDPOINT, settings.HOTLINE_SECRET = "https://12345.example/api", ""
    monkeypatch.delenv("ZV_AUDIT_KEY", raising=False)
    messages = run_checks(include_deployment_checks=True)
    found = {message.id: message for message in messages}
    errors = " ".join(message.msg for message in messages if message.id == "zerovisit.E001")
    assert isinstance(found["zerovisit.E001"], Error)
    assert "ZV_CARRIER_SECRET" in errors and "ZV_HOTLINE_SECRET" in errors
    assert isinstance(found["zerovisit.W001"], Warning) and "ZV_SMS_SECRET" in found["zerovisit.W001"].msg
    assert "zerovisit.W002" in found
    settings.CARRIER_SECRET = settings.SMS_SECRET = settings.HOTLINE_SECRET = "x" * 40
    monkeypatch.setenv("ZV_AUDIT_KEY", "from-a-secret-store")
    found = {message.id for message in run_checks(include_deployment_checks=True)}
    assert not {"zerovisit.E001", "zerovisit.W001", "zerovisit.W002"} & found
