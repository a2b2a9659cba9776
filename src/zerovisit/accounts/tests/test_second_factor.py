"""Staff and administrators sign in with two factors: after the password (or SMS code) an authenticator app's code
or a backup code. They enrol at their first sign-in; until a session has passed it, it reaches nothing else, and
the admin never. Citizens are not asked."""

import datetime
import re

import pytest
from django.conf import settings
from django.test import Client
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from zerovisit.accounts.models import Role
from zerovisit.accounts.services import second_factor
from zerovisit.accounts.services.identity import phone_fields
from zerovisit.accounts.tests.factories import PASSWORD, UserFactory, authenticator_code, editor
from zerovisit.core.models import AuditEntry
from zerovisit.portal.tests.conftest import DESKTOP
from zerovisit.portal.tests.conftest import PHONE as PHONE_SCREEN
from zerovisit.portal.tests.test_browser_mobile import AXE, RUN_AXE, assert_no_sideways_scrolling

from .test_identity import PHONE, last_code

ADMIN = f"/{settings.ADMIN_PATH}"


def password_sign_in(user) -> Client:
    client = Client()
    response = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, "the password is right"
    return client


def enrol(client, user) -> list[str]:
    """Through the enrolment page; the backup codes it shows."""
    client.get("/accounts/2fa/setup/")
    page = client.post("/accounts/2fa/setup/", {"token": authenticator_code(user)}).content.decode()
    return re.findall(r"<code>([a-z2-9]{4}-[a-z2-9]{4})</code>", page)


@pytest.fixture
def acceptor(staff):
    return staff[Role.ACCEPTOR]


@pytest.fixture
def security_admin(db):
    return UserFactory(username="anquan", is_staff=True, roles=[Role.SECURITY_ADMIN])


def test_staff_signed_in_with_a_password_reach_nothing_before_the_second_factor(acceptor):
    client = password_sign_in(acceptor)

    page = client.get("/workbench/")
    assert page.status_code == 302 and page["Location"] == "/accounts/2fa/setup/?next=/workbench/"
    api = client.get("/api/v1/cases/")
    assert api.status_code == 403 and api.json()["code"] == "second_factor_required"
    assert client.get(ADMIN)["Location"].startswith("/accounts/2fa/setup/")
    assert client.get("/")["Location"].startswith("/accounts/2fa/setup/"), "not even the portal"
    assert client.post("/accounts/logout/").status_code == 302, "signing out is always open"


def test_enrolling_shows_the_key_and_one_wrong_code_keeps_it(acceptor):
    client = password_sign_in(acceptor)

    page = client.get("/accounts/2fa/setup/?next=/workbench/").content.decode()
    key = re.search(r'data-key="([A-Z2-7 ]+)"', page).group(1)
    assert "<svg" in page, "a QR code of the key, drawn here, fetched from nowhere"

    wrong = client.post("/accounts/2fa/setup/?next=/workbench/", {"token": "000000", "next": "/workbench/"})
    assert wrong.status_code == 200 and 'aria-invalid="true"' in wrong.content.decode()
    assert re.search(r'data-key="([A-Z2-7 ]+)"', wrong.content.decode()).group(1) == key, "the same key"
    assert client.get("/workbench/").status_code == 302, "still not signed in"
    failed = AuditEntry.objects.get(action="account.second_factor", result="failed")
    assert failed.detail == {"step": "enrol", "reason": "wrong_code"}


def test_enrolling_with_the_apps_code_signs_in_and_gives_ten_backup_codes_shown_once(acceptor):
    client = password_sign_in(acceptor)
    session_before = client.cookies["sessionid"].value

    codes = enrol(client, acceptor)

    assert len(set(codes)) == second_factor.BACKUP_CODES
    assert client.cookies["sessionid"].value != session_before, "a new session id with the new rights"
    assert client.get("/workbench/").status_code == 200
    assert client.get("/api/v1/cases/").status_code == 200
    stored = set(StaticToken.objects.values_list("token", flat=True))
    clear = {c.replace("-", "") for c in codes} | set(codes)
    assert len(stored) == 10 and not stored & clear, "only hashes are kept"
    assert AuditEntry.objects.get(action="account.second_factor_enrol").actor_label == acceptor.username
    assert client.get("/accounts/2fa/setup/")["Location"].startswith("/accounts/2fa/"), "enrolled once only"


def test_the_next_sign_in_asks_for_the_apps_code_which_works_once(acceptor):
    enrol(password_sign_in(acceptor), acceptor)
    client = password_sign_in(acceptor)
    assert client.get("/workbench/")["Location"] == "/accounts/2fa/?next=/workbench/"

    code = authenticator_code(acceptor)
    assert client.post("/accounts/2fa/", {"token": code, "next": "/workbench/"})["Location"] == "/workbench/"
    assert client.get("/workbench/").status_code == 200

    again = password_sign_in(acceptor)
    replayed = again.post("/accounts/2fa/", {"token": code})
    assert replayed.status_code == 200 and "不正确" in replayed.content.decode(), "a code works once"
    assert again.get("/workbench/").status_code == 302


def test_a_backup_code_signs_in_once(acceptor):
    codes = enrol(password_sign_in(acceptor), acceptor)

    client = password_sign_in(acceptor)
    assert client.post("/accounts/2fa/", {"token": codes[0].upper()}).status_code == 302, "any case, any hyphen"
    assert client.get("/workbench/").status_code == 200
    assert AuditEntry.objects.filter(action="account.second_factor", result="ok").last().detail == {
        "device": "backup_code", "backup_codes_left": 9,
    }  # fmt: skip

    again = password_sign_in(acceptor)
    assert again.post("/accounts/2fa/", {"token": codes[0]}).status_code == 200, "spent"


def test_wrong_codes_are_audited_and_slow_the_next_try_down(acceptor):
    enrol(password_sign_in(acceptor), acceptor)
    client = password_sign_in(acceptor)

    client.post("/accounts/2fa/", {"token": "000000"})
    throttled = client.post("/accounts/2fa/", {"token": authenticator_code(acceptor)})

    assert "1 秒后" in throttled.content.decode(), "even the right code waits after a wrong one"
    assert client.get("/workbench/").status_code == 302
    reasons = AuditEntry.objects.filter(action="account.second_factor", result="failed").order_by("pk")
    reasons = reasons.values_list("detail", flat=True)
    assert [r["reason"] for r in reasons] == ["wrong_code", "throttled"]


def test_citizens_are_not_asked_for_a_second_factor(citizen):
    client = password_sign_in(citizen.user)
    assert client.get("/my/cases/").status_code == 200
    assert client.get("/accounts/2fa/setup/")["Location"] == "/accounts/"


def test_the_admin_requires_the_second_factor_even_without_the_middleware(settings, security_admin):
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if not m.endswith("SecondFactorMiddleware")]
    client = password_sign_in(security_admin)
    assert client.get(ADMIN)["Location"].startswith(f"{ADMIN}login/")

    enrol(client, security_admin)
    assert client.get(ADMIN).status_code == 200


def test_the_admin_shows_no_ones_keys_or_backup_codes(client, security_admin):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    assert client.get(f"{ADMIN}otp_totp/totpdevice/").status_code == 404
    assert client.get(f"{ADMIN}otp_static/staticdevice/").status_code == 404
    assert client.get(f"{ADMIN}accounts/user/").status_code == 200


def test_a_security_administrator_resets_a_lost_phone_and_every_session_ends(acceptor, security_admin):
    enrol(password_sign_in(acceptor), acceptor)
    signed_in = password_sign_in(acceptor)
    signed_in.post("/accounts/2fa/", {"token": authenticator_code(acceptor)})
    admin = Client()
    admin.force_login(security_admin)

    changelist = f"{ADMIN}accounts/user/"
    response = admin.post(changelist, {"action": "reset_two_factor", "_selected_action": [acceptor.pk]})

    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=acceptor).exists() and not StaticToken.objects.exists()
    assert signed_in.get("/workbench/")["Location"].startswith("/accounts/login/"), "signed out everywhere"
    entry = AuditEntry.objects.get(action="account.second_factor_reset")
    assert entry.actor_label == "anquan" and entry.detail["sessions_ended"] == 2
    assert password_sign_in(acceptor).get("/workbench/")["Location"].startswith("/accounts/2fa/setup/")


def test_only_a_security_administrator_resets_and_never_their_own(acceptor, security_admin):
    with pytest.raises(second_factor.PermissionDenied):
        second_factor.reset_second_factor(actor=acceptor, user=security_admin, via="test")
    with pytest.raises(second_factor.PermissionDenied) as refused:
        second_factor.reset_second_factor(actor=security_admin, user=security_admin, via="test")
    assert refused.value.code == "own_second_factor"


def test_new_backup_codes_replace_the_old_ones(acceptor, clock):
    client = password_sign_in(acceptor)
    old = enrol(client, acceptor)
    assert "还剩 10 个备用码" in client.get("/accounts/").content.decode()

    page = client.post("/accounts/2fa/backup-codes/").content.decode()
    new = re.findall(r"<code>([a-z2-9]{4}-[a-z2-9]{4})</code>", page)

    assert len(new) == 10 and not set(new) & set(old)
    assert password_sign_in(acceptor).post("/accounts/2fa/", {"token": old[0]}).status_code == 200, "old: refused"
    clock.now += datetime.timedelta(seconds=2)  # a wrong try slows the next one down
    assert password_sign_in(acceptor).post("/accounts/2fa/", {"token": new[0]}).status_code == 302
    assert AuditEntry.objects.filter(action="account.backup_codes_renew").count() == 1


def test_a_staff_token_needs_the_second_factor_with_the_sms_code(gateway, clock, agency):
    member = editor(agency, role=Role.ACCEPTOR, **phone_fields(PHONE))
    enrol(password_sign_in(member), member)
    api = APIClient()

    def token(**extra):
        clock.now += datetime.timedelta(minutes=2)  # a number gets one code a minute
        api.post("/api/v1/auth/codes/", {"phone": PHONE}, format="json")
        return api.post("/api/v1/auth/token/", {"phone": PHONE, "code": last_code(gateway), **extra}, format="json")

    missing = token()
    assert missing.status_code == 403 and missing.json()["code"] == "second_factor_required"
    wrong = token(second_factor="000000")
    assert wrong.status_code == 400 and wrong.json()["code"] == "invalid_second_factor"
    right = token(second_factor=authenticator_code(member))
    assert right.status_code == 200 and right.json()["token"]
    signed_in = AuditEntry.objects.filter(action="account.sign_in", result="ok", detail__via="sms-api")
    assert signed_in.count() == 1, "signed in only when both factors passed"


@pytest.mark.browser
@pytest.mark.parametrize("viewport", [PHONE_SCREEN, DESKTOP], ids=["phone", "desktop"])
def test_the_second_factor_pages_fit_the_screen_and_pass_axe(live_server, chromium, acceptor, viewport):
    if not AXE.exists():
        pytest.skip("axe-core is not installed (npm ci --prefix tools/a11y)")
    page = chromium.new_context(viewport=viewport, bypass_csp=True).new_page()
    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=username]", acceptor.username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").click()
    found = {}
    for what in ("enrolment", "backup codes"):
        page.wait_for_load_state()
        assert_no_sideways_scrolling(page, what)
        page.add_script_tag(path=str(AXE))
        if problems := page.evaluate(RUN_AXE):
            found[what] = problems
        if what == "enrolment":
            page.fill("input[name=token]", authenticator_code(acceptor))
            page.locator("main form button[type=submit]").first.click()
    assert page.locator(".backup-codes code").count() == 10
    assert not found, found
