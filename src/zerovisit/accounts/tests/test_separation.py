"""三员分立: the system administrator keeps accounts, the security administrator decides what they may do, the audit
administrator reads the audit log; no account is two of them, and no one can both change an account's rights and
read the record of that change."""

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from zerovisit.accounts.models import Role, StaffRole, User
from zerovisit.accounts.services import second_factor
from zerovisit.accounts.tests.factories import UserFactory
from zerovisit.core.errors import PermissionDenied
from zerovisit.core.models import AuditEntry
from zerovisit.org.tests.factories import AgencyFactory

from .test_account_audit import ADMIN, change_form, roles_inline

pytestmark = pytest.mark.django_db
SITE = "/admin/"


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def system_admin():
    return UserFactory(username="xitong", is_staff=True, is_superuser=True)


@pytest.fixture
def security_admin():
    return UserFactory(username="anquan", is_staff=True, roles=[Role.SECURITY_ADMIN])


@pytest.fixture
def auditor():
    return UserFactory(username="shenji", is_staff=True, roles=[Role.AUDITOR])


def test_the_system_administrator_makes_accounts_but_gives_them_no_rights(system_admin):
    client = signed_in(system_admin)
    agency = AgencyFactory()
    form = {"username": "lisi", "password1": "Correct-Horse-9x", "password2": "Correct-Horse-9x"}
    assert client.post(f"{ADMIN}add/", {**form, **roles_inline()}).status_code == 302
    lisi = User.objects.get(username="lisi")

    rights = {"is_staff": "on", "is_superuser": "on", "agency": str(agency.pk), **roles_inline(Role.DECIDER)}
    response = client.post(f"{ADMIN}{lisi.pk}/change/", change_form(lisi, display_name="李四", **rights))

    lisi.refresh_from_db()
    assert response.status_code == 302 and lisi.display_name == "李四", "the account itself: theirs"
    assert (lisi.is_staff, lisi.is_superuser, lisi.agency_id) == (False, False, None), "its rights: not theirs"
    assert not StaffRole.objects.filter(user=lisi).exists()
    assert "reset_two_factor" not in client.get(ADMIN).content.decode()


def test_the_security_administrator_gives_rights_but_keeps_no_accounts(security_admin):
    client = signed_in(security_admin)
    wangwu = UserFactory(username="wangwu")

    assert client.post(f"{ADMIN}{wangwu.pk}/change/", change_form(
        wangwu, display_name="改名", is_staff="on", **roles_inline(Role.ACCEPTOR),
    )).status_code == 302  # fmt: skip

    wangwu.refresh_from_db()
    assert wangwu.is_staff and wangwu.has_role(Role.ACCEPTOR) and wangwu.display_name != "改名"
    assert client.get(f"{ADMIN}add/").status_code == 403, "makes no accounts"
    assert client.get(f"{ADMIN}{wangwu.pk}/password/").status_code == 403, "sets no passwords"
    assert client.post(f"{ADMIN}{wangwu.pk}/delete/", {"post": "yes"}).status_code == 403


def test_nobody_changes_their_own_rights(security_admin):
    client = signed_in(security_admin)
    response = client.post(f"{ADMIN}{security_admin.pk}/change/", change_form(
        security_admin, is_staff="on", is_superuser="on",
        **roles_inline(Role.AUDITOR, existing=security_admin.roles.all()),
    ))  # fmt: skip
    assert response.status_code == 403
    security_admin.refresh_from_db()
    assert not security_admin.is_superuser and not security_admin.has_role(Role.AUDITOR)


@pytest.mark.parametrize("rights", [
    {"is_superuser": "on", "roles": [Role.SECURITY_ADMIN]},
    {"roles": [Role.SECURITY_ADMIN, Role.AUDITOR]},
    {"is_superuser": "on", "roles": [Role.AUDITOR]},
], ids=["system and security", "security and audit", "system and audit"])  # fmt: skip
def test_no_account_is_two_of_the_three_administrators(security_admin, rights):
    client = signed_in(security_admin)
    zhaoliu = UserFactory(username="zhaoliu", is_staff=True)
    data = change_form(
        zhaoliu, is_staff="on", is_superuser=rights.get("is_superuser"), **roles_inline(*rights["roles"])
    )

    response = client.post(f"{ADMIN}{zhaoliu.pk}/change/", data)

    assert response.status_code == 200 and "三员分立" in response.content.decode()
    zhaoliu.refresh_from_db()
    assert not zhaoliu.is_superuser and not StaffRole.objects.filter(user=zhaoliu).exists(), "nothing saved"
    assert not AuditEntry.objects.filter(action="account.change").exists()


def test_only_the_audit_administrator_reads_the_audit_log(system_admin, security_admin, auditor):
    wangwu = UserFactory(username="wangwu")
    signed_in(security_admin).post(f"{ADMIN}{wangwu.pk}/change/", change_form(
        wangwu, is_staff="on", **roles_inline(Role.REVIEWER)))  # fmt: skip
    entry = AuditEntry.objects.get(action="account.change")

    assert entry.actor_label == "anquan"
    for who in (security_admin, system_admin):
        client = signed_in(who)
        assert client.get(f"{SITE}core/auditentry/").status_code == 403, who.username
        assert client.get(f"{SITE}core/auditentry/{entry.pk}/change/").status_code == 403, who.username
    reading = signed_in(auditor).get(f"{SITE}core/auditentry/{entry.pk}/change/")
    assert reading.status_code == 200 and "account.change" in reading.content.decode()


def test_the_first_security_administrator_is_made_on_the_command_line(system_admin, auditor):
    call_command("grant_role", "xitong", "auditor", "--revoke")  # holds none: unchanged
    with pytest.raises(CommandError, match="roles_not_separate"):
        call_command("grant_role", "xitong", "security_admin")
    with pytest.raises(CommandError, match="roles_not_separate"):
        call_command("grant_role", "shenji", "security_admin")

    newcomer = UserFactory(username="anquan2", is_staff=True)
    call_command("grant_role", "anquan2", "security_admin")

    assert newcomer.has_role(Role.SECURITY_ADMIN)
    entry = AuditEntry.objects.get(action="account.change")
    assert entry.actor is None and entry.detail["via"] == "grant_role"
    assert entry.detail["after"] == {"roles": [Role.SECURITY_ADMIN]}


def test_the_system_administrator_resets_no_second_factor(system_admin, auditor):
    with pytest.raises(PermissionDenied):
        second_factor.reset_second_factor(actor=system_admin, user=auditor, via="test")


def test_no_administrator_makes_a_token_for_someone_else(system_admin):
    assert signed_in(system_admin).get(f"{SITE}authtoken/tokenproxy/").status_code == 404
