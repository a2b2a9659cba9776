"""A password chosen while signed in: set for the first time by an account registered by SMS code, changed with the
current one otherwise; audited, and the session stays signed in."""

import pytest

from zerovisit.accounts.tests.factories import PASSWORD, UserFactory
from zerovisit.core.models import AuditEntry

pytestmark = pytest.mark.django_db
NEW = "Brand-New-Pass-2026"


def test_an_account_registered_by_sms_sets_its_first_password(client):
    user = UserFactory()
    user.set_unusable_password()
    user.save()
    client.force_login(user)
    page = client.get("/accounts/password/").content.decode()
    assert 'name="current_password"' not in page

    response = client.post("/accounts/password/", {"new_password1": NEW, "new_password2": NEW})

    assert response.status_code == 302 and client.get("/accounts/").status_code == 200, "still signed in"
    user.refresh_from_db()
    assert user.check_password(NEW)
    assert AuditEntry.objects.get(action="account.password_change").detail == {"had_password": False}


def test_changing_a_password_needs_the_current_one(client):
    user = UserFactory()
    client.force_login(user)

    wrong = client.post("/accounts/password/", {"current_password": "nope", "new_password1": NEW,
                                                "new_password2": NEW})  # fmt: skip
    weak = client.post("/accounts/password/", {"current_password": PASSWORD, "new_password1": "123",
                                               "new_password2": "123"})  # fmt: skip
    differ = client.post("/accounts/password/", {"current_password": PASSWORD, "new_password1": NEW,
                                                 "new_password2": NEW + "x"})  # fmt: skip

    for what, refused in {"wrong": wrong, "weak": weak, "differ": differ}.items():
        assert refused.status_code == 200 and 'aria-invalid="true"' in refused.content.decode(), what
    user.refresh_from_db()
    assert user.check_password(PASSWORD) and not AuditEntry.objects.filter(action="account.password_change").exists()
    assert client.post("/accounts/password/", {"current_password": PASSWORD, "new_password1": NEW,
                                               "new_password2": NEW}).status_code == 302  # fmt: skip
    user.refresh_from_db()
    assert user.check_password(NEW)


def test_signed_out_the_page_asks_to_log_in(client):
    assert client.get("/accounts/password/")["Location"].startswith("/accounts/login/")
