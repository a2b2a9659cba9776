"""Accounts created or changed, what they may do, applicants linked and contact details changed are in the audit
log with who, when, before and after, and personal data only masked (accounts.audit)."""

import pytest
from django.contrib.auth.models import Group, Permission

from zerovisit.accounts import audit as account_audit
from zerovisit.accounts.models import Role, StaffRole, User
from zerovisit.accounts.services import applicant_for
from zerovisit.accounts.tests.factories import UserFactory
from zerovisit.core import audit
from zerovisit.core.models import AuditEntry
from zerovisit.org.tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db

ADMIN = "/admin/accounts/user/"


def roles_inline(*roles, existing=()):
    data = {"roles-TOTAL_FORMS": str(len(existing) + len(roles)), "roles-INITIAL_FORMS": str(len(existing)),
            "roles-MIN_NUM_FORMS": "0", "roles-MAX_NUM_FORMS": "1000"}  # fmt: skip
    for n, row in enumerate(existing):
        data.update({f"roles-{n}-id": str(row.pk), f"roles-{n}-user": str(row.user_id), f"roles-{n}-role": row.role})
    for n, role in enumerate(roles, start=len(existing)):
        data[f"roles-{n}-role"] = role
    return data


def change_form(user, **changes):
    data = {"username": user.username, "first_name": "", "last_name": "", "email": "", "display_name": "",
            "agency": str(user.agency_id or ""), "date_joined_0": "2026-11-01", "date_joined_1": "09:00:00",
            "is_active": "on"}  # fmt: skip
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def security_client(client):
    """The admin as a security administrator sees it: the one who changes what accounts may do (三员分立)."""
    client.force_login(UserFactory(username="anquan", is_staff=True, roles=[Role.SECURITY_ADMIN]))
    return client


def test_an_account_made_in_the_admin_is_recorded_with_what_it_may_do(admin_client):
    form = {"username": "lisi", "password1": "Correct-Horse-9x", "password2": "Correct-Horse-9x"}
    response = admin_client.post(f"{ADMIN}add/", {**form, **roles_inline()})
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = AuditEntry.objects.get(action="account.create")
    assert entry.actor.username == "admin" and entry.object_id == str(User.objects.get(username="lisi").pk)
    assert entry.detail["after"]["roles"] == [] and entry.detail["after"]["is_superuser"] is False
    assert audit.verify_chain() is None


def test_granting_rights_in_the_admin_is_recorded_before_and_after(security_client):
    agency = AgencyFactory()
    user = UserFactory(username="wangwu")
    group = Group.objects.create(name="审批员")
    data = change_form(user, is_staff="on", groups=str(group.pk), agency=str(agency.pk),
                       **roles_inline(Role.ACCEPTOR))  # fmt: skip
    response = security_client.post(f"{ADMIN}{user.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    entry = AuditEntry.objects.get(action="account.change")
    assert entry.detail["before"] == {"is_staff": False, "groups": [], "agency": None, "roles": []}
    assert entry.detail["after"] == {"is_staff": True, "groups": ["审批员"], "agency": agency.pk,
                                     "roles": [Role.ACCEPTOR]}  # fmt: skip


def test_saving_an_account_unchanged_records_nothing_and_deactivating_it_is_recorded(admin_client):
    user = UserFactory(username="zhaoliu", roles=[Role.REVIEWER])
    existing = list(StaffRole.objects.filter(user=user))
    admin_client.post(f"{ADMIN}{user.pk}/change/", change_form(user, **roles_inline(existing=existing)))
    assert not AuditEntry.objects.filter(action="account.change").exists()
    admin_client.post(f"{ADMIN}{user.pk}/change/", change_form(user, is_active=None, **roles_inline(existing=existing)))
    entry = AuditEntry.objects.get(action="account.change")
    assert entry.detail == {"via": "admin", "username": "zhaoliu", "before": {"is_active": True},
                            "after": {"is_active": False}}  # fmt: skip


def test_deleting_an_account_in_the_admin_is_recorded(admin_client):
    user = UserFactory(username="sunqi", roles=[Role.DECIDER])
    admin_client.post(f"{ADMIN}{user.pk}/delete/", {"post": "yes"})
    assert not User.objects.filter(username="sunqi").exists()
    entry = AuditEntry.objects.get(action="account.delete")
    assert entry.detail["before"]["roles"] == [Role.DECIDER]


def test_a_groups_permissions_changed_in_the_admin_are_recorded(security_client):
    group = Group.objects.create(name="事项管理")
    permission = Permission.objects.get(codename="change_serviceitem")
    form = {"name": "事项管理", "permissions": [str(permission.pk)]}
    response = security_client.post(f"/admin/auth/group/{group.pk}/change/", form)
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="group.change")
    assert entry.detail["before"] == {"permissions": []}
    assert entry.detail["after"] == {"permissions": ["catalog.change_serviceitem"]}


def test_the_demo_accounts_are_recorded_once():
    from zerovisit import demo_data

    demo_data.load_organisation()
    demo_data.load_users()
    made = AuditEntry.objects.filter(action="account.create").count()
    assert made == len(demo_data.USERS)
    demo_data.load_users()
    assert AuditEntry.objects.filter(action__startswith="account.").count() == made


def test_linking_and_contact_changes_are_recorded_masked():
    account = UserFactory(username="zhangsan")
    applicant = applicant_for(kind="person", name="张三", id_number="32030219900307123X", phone="13812341234")
    applicant.user = account
    account_audit.record_applicant_linked(actor=None, applicant=applicant, before_account="")
    entry = account_audit.record_contact_changed(
        actor=account, applicant=applicant, changed_fields=["phone_encrypted", "phone_masked"],
        before_masked={"phone": "138****1234"}, after_masked={"phone": "139****5678"},
    )  # fmt: skip
    linked = AuditEntry.objects.get(action="applicant.link")
    assert linked.detail["after"] == {"account": "zhangsan"} and linked.detail["applicant"] == "3203**********123X"
    assert entry.detail["before"] == {"phone": "138****1234"}
    assert entry.detail["fields"] == ["phone_encrypted", "phone_masked"]
    logged = str(list(AuditEntry.objects.values_list("detail", flat=True)))
    assert "13812341234" not in logged and "32030219900307123X" not in logged


def test_a_clear_phone_or_id_number_is_refused_in_the_audit_log():
    applicant = applicant_for(kind="person", name="张三", id_number="32030219900307123X")
    for before, after in (({"phone": ""}, {"phone": "13812341234"}), ({"id": "32030219900307123X"}, {})):
        with pytest.raises(ValueError):
            account_audit.record_contact_changed(actor=None, applicant=applicant, changed_fields=list(before),
                                                 before_masked=before, after_masked=after)  # fmt: skip
    assert not AuditEntry.objects.filter(action="applicant.contact_change").exists()


def test_an_administrator_finds_an_applicant_by_id_number_and_unlinks_or_links_an_account(admin_client):
    wrong, right = UserFactory(username="claimed"), UserFactory(username="zhangsan")
    applicant = applicant_for(kind="person", name="张三", id_number="32030219900307123X", account=wrong)
    found = admin_client.get("/admin/accounts/applicant/", {"q": "32030219900307123x"}).content.decode()
    assert "3203**********123X" in found and "32030219900307123X" not in found
    admin_client.post("/admin/accounts/applicant/", {"action": "unlink", "_selected_action": [applicant.pk]})
    applicant.refresh_from_db()
    assert applicant.user is None
    admin_client.post(f"/admin/accounts/applicant/{applicant.pk}/change/", {"user": right.pk})
    applicant.refresh_from_db()
    assert applicant.user == right
    links = AuditEntry.objects.filter(action="applicant.link").order_by("id")
    assert [(e.detail["before"]["account"], e.detail["after"]["account"]) for e in links] == [
        ("claimed", ""),
        ("", "zhangsan"),
    ]
    assert all(e.actor.is_superuser for e in links)
