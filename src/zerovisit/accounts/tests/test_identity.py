"""Who holds an account: a mobile number confirmed by SMS code registers and signs in; the population register
binds the account to one person (level 2) and a face check makes it level 3; an account applies only as that
person, and only for items its level allows."""

import datetime
import json
import re

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from zerovisit.accounts.models import Applicant, AssuranceLevel, OneTimeCode, User
from zerovisit.accounts.registers import SimulatedRegister, Verdict
from zerovisit.accounts.services import InvalidIdentity, applicant_for
from zerovisit.accounts.tests.factories import PASSWORD, UserFactory
from zerovisit.cases.models import Case
from zerovisit.cases.tests.factories import pdf
from zerovisit.catalog.models import MaterialSpec
from zerovisit.core.models import AuditEntry
from zerovisit.core.tests.helpers import run_ready_tasks
from zerovisit.notify.models import Message

from .fake_register import FakeRegister

PHONE = "13905161234"
LISI = ("李四", "320303198506120023")
WANGWU = ("王五", "320311199204150037")


@pytest.fixture
def register(settings):
    fake = FakeRegister({LISI[1]: LISI[0], WANGWU[1]: WANGWU[0]})
    settings.IDENTITY_REGISTER = "zerovisit.accounts.registers.HttpRegister"
    settings.IDENTITY_REGISTER_ENDPOINT, settings.IDENTITY_REGISTER_SECRET = fake.url, fake.secret
    yield fake
    fake.close()


def last_code(gateway, phone=PHONE) -> str:
    """The code of the last SMS the gateway delivered to `phone`."""
    run_ready_tasks()
    texts = [m["text"] for m in gateway.delivered.values() if m["to"] == phone]
    return re.search(r"(?<!\d)(\d{6})(?!\d)", texts[-1]).group(1)


def api_sign_in(gateway, phone=PHONE) -> tuple[APIClient, dict]:
    api = APIClient()
    assert api.post("/api/v1/auth/codes/", {"phone": phone}, format="json").status_code == 202
    answer = api.post("/api/v1/auth/token/", {"phone": phone, "code": last_code(gateway, phone)}, format="json")
    assert answer.status_code == 200, answer.json()
    api.credentials(HTTP_AUTHORIZATION=f"Token {answer.json()['token']}")
    return api, answer.json()


# -- SMS codes ---------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_newcomer_registers_on_the_page_with_an_sms_code_and_is_sent_on_to_verify(client, gateway):
    sent = client.post("/accounts/login/sms/", {"phone": PHONE, "send": "1"})
    assert sent.status_code == 200 and "139****1234" in sent.content.decode()
    assert f'value="{PHONE}"' in sent.content.decode()  # the number is kept for the next step
    response = client.post("/accounts/login/sms/", {"phone": PHONE, "code": last_code(gateway), "next": "/my/cases/"})
    assert response.status_code == 302 and response.headers["Location"] == "/accounts/verify/?next=/my/cases/"
    user = User.objects.get()
    assert user.assurance_level == AssuranceLevel.PHONE and user.phone_masked == "139****1234"
    assert PHONE not in user.phone_encrypted and not user.has_usable_password()
    assert AuditEntry.objects.filter(action="account.create", object_id=str(user.pk)).exists()
    assert AuditEntry.objects.get(action="account.sign_in", result="ok").detail["via"] == "sms"
    assert client.get("/accounts/").status_code == 200  # signed in


@pytest.mark.django_db
def test_only_a_keyed_hash_of_a_code_is_kept_once_it_is_sent(gateway):
    APIClient().post("/api/v1/auth/codes/", {"phone": PHONE}, format="json")
    stored = OneTimeCode.objects.get()
    assert stored.code_encrypted and not stored.sent_at  # encrypted until the SMS goes
    code = last_code(gateway)
    stored.refresh_from_db()
    assert stored.code_encrypted == "" and stored.sent_at and code not in stored.code_hash
    assert code not in json.dumps(list(OneTimeCode.objects.values()), default=str)


@pytest.mark.django_db
def test_a_wrong_code_is_counted_and_after_five_the_code_is_dead(gateway):
    api = APIClient()
    api.post("/api/v1/auth/codes/", {"phone": PHONE}, format="json")
    code = last_code(gateway)
    wrong = "000000" if code != "000000" else "111111"
    for left in (4, 3, 2, 1, 0):
        refused = api.post("/api/v1/auth/token/", {"phone": PHONE, "code": wrong}, format="json")
        assert refused.status_code == 400 and refused.json()["code"] == "invalid_code"
        assert str(left) in refused.json()["message"]
    dead = api.post("/api/v1/auth/token/", {"phone": PHONE, "code": code}, format="json")
    assert dead.status_code == 400 and dead.json()["code"] == "too_many_attempts"
    assert OneTimeCode.objects.get().attempts == 5 and not User.objects.exists()


@pytest.mark.django_db
def test_a_code_is_used_once_expires_and_is_replaced_by_a_newer_one(gateway, settings):
    api = APIClient()
    api.post("/api/v1/auth/codes/", {"phone": PHONE}, format="json")
    first = last_code(gateway)
    assert api.post("/api/v1/auth/token/", {"phone": PHONE, "code": first}, format="json").status_code == 200
    reused = api.post("/api/v1/auth/token/", {"phone": PHONE, "code": first}, format="json")
    assert reused.status_code == 400 and reused.json()["code"] == "code_expired"

    OneTimeCode.objects.all().delete()
    api.post("/api/v1/auth/codes/", {"phone": "13905160000"}, format="json")
    old = last_code(gateway, "13905160000")
    OneTimeCode.objects.update(created_at=timezone.now() - datetime.timedelta(minutes=2))
    from zerovisit.accounts.services import send_code

    send_code(phone="13905160000", purpose="sign_in", client="10.0.0.9")  # another client, a minute later
    new = last_code(gateway, "13905160000")
    if old != new:
        replaced = api.post("/api/v1/auth/token/", {"phone": "13905160000", "code": old}, format="json")
        assert replaced.status_code == 400
    OneTimeCode.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    late = api.post("/api/v1/auth/token/", {"phone": "13905160000", "code": new}, format="json")
    assert late.status_code == 400 and late.json()["code"] == "code_expired"


@pytest.mark.django_db
def test_codes_are_limited_per_number_and_per_client(gateway, settings):
    api = APIClient()
    assert api.post("/api/v1/auth/codes/", {"phone": PHONE}, format="json").status_code == 202
    again = api.post("/api/v1/auth/codes/", {"phone": PHONE}, format="json")
    assert again.status_code == 429 and again.json()["code"] == "too_many_codes"
    settings.SMS_CODES_PER_CLIENT_HOUR = 4  # the refused request above counted too
    for n in range(2):
        assert api.post("/api/v1/auth/codes/", {"phone": f"1390516000{n}"}, format="json").status_code == 202
    other_number = api.post("/api/v1/auth/codes/", {"phone": "13905160009"}, format="json")
    assert other_number.status_code == 429
    run_ready_tasks()
    assert len(gateway.delivered) == 3


@pytest.mark.django_db
def test_a_bad_number_is_a_clear_error(client):
    refused = APIClient().post("/api/v1/auth/codes/", {"phone": "12345"}, format="json")
    assert refused.status_code == 400 and refused.json()["code"] == "invalid_phone"
    page = client.post("/accounts/login/sms/", {"phone": "12345", "send": "1"}).content.decode()
    assert 'role="alert"' in page and 'value="12345"' in page and "aria-invalid" in page


@pytest.mark.django_db
def test_the_password_is_reset_by_sms_code_and_then_signs_in_with_the_number(client, gateway):
    user = UserFactory(assurance_level=AssuranceLevel.PHONE)
    from zerovisit.accounts.services.identity import phone_fields

    User.objects.filter(pk=user.pk).update(**phone_fields(PHONE))
    client.post("/accounts/password/reset/", {"phone": PHONE, "send": "1"})
    weak = client.post(
        "/accounts/password/reset/",
        {"phone": PHONE, "code": last_code(gateway), "new_password1": "123", "new_password2": "123"},
    )
    assert weak.status_code == 200 and 'role="alert"' in weak.content.decode()
    done = client.post(
        "/accounts/password/reset/",
        {
            "phone": PHONE,
            "code": last_code(gateway),
            "new_password1": "Brand-New-2026",
            "new_password2": "Brand-New-2026",
        },
    )
    assert done.status_code == 302
    assert AuditEntry.objects.filter(action="account.password_reset", object_id=str(user.pk)).exists()
    signed_in = client.post("/accounts/login/", {"username": PHONE, "password": "Brand-New-2026"})
    assert signed_in.status_code == 302 and client.get("/accounts/").context["user"] == user


@pytest.mark.django_db
def test_a_reset_code_for_an_unknown_number_sends_nothing_and_says_the_same(gateway):
    api = APIClient()
    answer = api.post("/api/v1/auth/codes/", {"phone": PHONE, "purpose": "reset"}, format="json")
    assert answer.status_code == 202 and answer.json()["sent_to"] == "139****1234"
    run_ready_tasks()
    assert not gateway.delivered and not OneTimeCode.objects.exists()
    refused = api.post(
        "/api/v1/auth/password-reset/", {"phone": PHONE, "code": "123456", "password": "Brand-New-2026"}, format="json"
    )
    assert refused.status_code == 400 and refused.json()["code"] == "code_expired"


@pytest.mark.django_db
def test_a_failed_password_sign_in_is_audited_with_the_number_masked(client):
    client.post("/accounts/login/", {"username": PHONE, "password": "wrong"})
    failed = AuditEntry.objects.get(action="account.sign_in", result="failed")
    assert PHONE not in json.dumps(failed.detail) and "139****1234" in failed.detail["username"]


# -- real name and real person --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_register_binds_the_account_to_its_person_at_level_2(gateway, register):
    api, _signed_in = api_sign_in(gateway)
    verified = api.post("/api/v1/auth/verification/", {"name": LISI[0], "id_number": LISI[1]}, format="json")
    assert verified.status_code == 200, verified.json()
    assert verified.json()["assurance_level"] == 2
    assert verified.json()["verified_as"] == {"name": "李四", "id_number": "3203**********0023"}
    person = Applicant.objects.get()
    assert person.user.phone_masked == "139****1234" and person.phone_masked == "139****1234"
    entry = AuditEntry.objects.get(action="account.verify", result="ok")
    assert entry.detail["after"] == {"assurance_level": 2} and LISI[1] not in json.dumps(entry.detail)


@pytest.mark.django_db
def test_a_name_that_does_not_match_or_an_unknown_number_changes_nothing(gateway, register):
    api, _signed_in = api_sign_in(gateway)
    mismatch = api.post("/api/v1/auth/verification/", {"name": "李三", "id_number": LISI[1]}, format="json")
    assert mismatch.status_code == 400 and mismatch.json()["code"] == "identity_mismatch"
    unknown = api.post("/api/v1/auth/verification/", {"name": "李四", "id_number": "11010519491231002X"}, format="json")
    assert unknown.status_code == 400 and unknown.json()["code"] == "identity_not_found"
    bad = api.post("/api/v1/auth/verification/", {"name": "李四", "id_number": "320303198506120024"}, format="json")
    assert bad.status_code == 400 and bad.json()["code"] == "invalid_id_number"
    assert not Applicant.objects.exists() and User.objects.get().assurance_level == 1
    assert AuditEntry.objects.filter(action="account.verify", result="refused").count() == 2


@pytest.mark.django_db
def test_a_register_that_is_down_is_a_503_to_try_again_and_changes_nothing(client, gateway, register):
    api, _signed_in = api_sign_in(gateway)
    register.fail_with = 500
    down = api.post("/api/v1/auth/verification/", {"name": LISI[0], "id_number": LISI[1]}, format="json")
    assert down.status_code == 503 and down.json()["code"] == "register_unavailable"
    assert not Applicant.objects.exists() and User.objects.get().assurance_level == 1
    client.force_login(User.objects.get())
    page = client.post("/accounts/verify/", {"name": LISI[0], "id_number": LISI[1]}).content.decode()
    assert "人口库" in page and f'value="{LISI[1]}"' in page  # said, and what was typed is kept
    register.fail_with = None
    assert client.post("/accounts/verify/", {"name": LISI[0], "id_number": LISI[1]}).status_code == 302


@pytest.mark.django_db
def test_no_register_configured_means_verification_at_a_window(gateway, settings):
    settings.IDENTITY_REGISTER = ""
    api, _signed_in = api_sign_in(gateway)
    refused = api.post("/api/v1/auth/verification/", {"name": LISI[0], "id_number": LISI[1]}, format="json")
    assert refused.status_code == 503 and refused.json()["code"] == "register_not_configured"


@pytest.mark.django_db
def test_a_person_verified_with_one_account_is_not_taken_by_another_and_its_holder_is_told(gateway, register):
    owner, _ = api_sign_in(gateway, "13905160001")
    assert (
        owner.post("/api/v1/auth/verification/", {"name": LISI[0], "id_number": LISI[1]}, format="json").status_code
        == 200
    )
    other, _ = api_sign_in(gateway, "13905160002")
    refused = other.post("/api/v1/auth/verification/", {"name": LISI[0], "id_number": LISI[1]}, format="json")
    assert refused.status_code == 409 and refused.json()["code"] == "person_bound_elsewhere"
    person = Applicant.objects.get()
    assert person.user.phone_masked == "139****0001"
    told = Message.objects.filter(recipient=person.user, event="account.claim_refused")
    assert told.filter(channel="in_app").exists() and told.filter(channel="sms").exists()
    again = owner.post("/api/v1/auth/verification/", {"name": WANGWU[0], "id_number": WANGWU[1]}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "already_verified"


@pytest.mark.django_db
def test_a_face_check_makes_a_verified_account_level_3(client, gateway, register):
    api, _signed_in = api_sign_in(gateway)
    user = User.objects.get()
    client.force_login(user)
    assert "先完成实名认证" in client.get("/accounts/verify/face/").content.decode()
    api.post("/api/v1/auth/verification/", {"name": LISI[0], "id_number": LISI[1]}, format="json")
    face = b"\xff\xd8\xff" + b"face" * 100
    register.faces[LISI[1]] = face
    from django.core.files.uploadedfile import SimpleUploadedFile

    wrong = client.post("/accounts/verify/face/", {"photo": SimpleUploadedFile("me.jpg", b"\xff\xd8\xff other")})
    assert wrong.status_code == 200 and 'role="alert"' in wrong.content.decode()
    not_a_photo = client.post("/accounts/verify/face/", {"photo": SimpleUploadedFile("me.jpg", b"%PDF-1.7")})
    assert 'role="alert"' in not_a_photo.content.decode()
    done = client.post("/accounts/verify/face/", {"photo": SimpleUploadedFile("me.jpg", face)})
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.assurance_level == AssuranceLevel.REAL_PERSON


# -- applying as oneself ------------------------------------------------------------------------------------------


def application(item, name, id_number):
    specs = list(MaterialSpec.objects.filter(item=item).order_by("order"))
    return {
        "item": item.impl_code,
        "applicant_kind": "person",
        "applicant_name": name,
        "id_number": id_number,
        f"material_{specs[0].pk}": pdf(),
        f"later_{specs[1].pk}": "true",
    }


def test_a_newcomer_registers_verifies_and_applies_but_never_as_anybody_else(clock, item, gateway, register):
    api, signed_in = api_sign_in(gateway)
    assert signed_in["created"] and signed_in["account"]["assurance_level"] == 1
    early = api.post("/api/v1/cases/", application(item, *LISI), format="multipart")
    assert early.status_code == 403 and early.json()["code"] == "not_authorised_for_applicant"
    assert (
        api.post("/api/v1/auth/verification/", {"name": LISI[0], "id_number": LISI[1]}, format="json").status_code
        == 200
    )
    filed = api.post("/api/v1/cases/", application(item, *LISI), format="multipart")
    assert filed.status_code == 201, filed.json()
    someone_else = api.post("/api/v1/cases/", application(item, *WANGWU), format="multipart")
    assert someone_else.status_code == 403 and someone_else.json()["code"] == "not_authorised_for_applicant"
    assert Case.objects.count() == 1 and not Applicant.objects.filter(name="王五").exists()
    assert api.get("/api/v1/cases/").json()["count"] == 1


def test_an_item_that_needs_a_face_check_asks_for_it(clock, item, citizen, client):
    item.assurance_level = AssuranceLevel.REAL_PERSON
    item.save(update_fields=["assurance_level"])
    api = APIClient()
    api.force_authenticate(citizen.user)
    refused = api.post("/api/v1/cases/", application(item, "张三", "32030219900307123X"), format="multipart")
    assert refused.status_code == 403 and refused.json()["code"] == "assurance_too_low"
    client.force_login(citizen.user)
    page = client.get(f"/items/{item.impl_code}/apply/")
    assert page.status_code == 403 and "/accounts/verify/face/?next=" in page.content.decode()


def test_the_apply_page_sends_an_unverified_account_to_verify_first(clock, item, client):
    client.force_login(UserFactory(assurance_level=AssuranceLevel.PHONE))
    page = client.get(f"/items/{item.impl_code}/apply/")
    assert page.status_code == 403
    assert f"/accounts/verify/?next=/items/{item.impl_code}/apply/" in page.content.decode()


def test_an_administrator_linking_a_person_verifies_the_account(db):
    from zerovisit.accounts.services import link_applicant

    user = UserFactory(assurance_level=AssuranceLevel.PHONE)
    person = applicant_for(kind="person", name=LISI[0], id_number=LISI[1])
    link_applicant(actor=None, applicant=person, account=user)
    user.refresh_from_db()
    assert user.assurance_level == AssuranceLevel.REAL_NAME
    other = applicant_for(kind="person", name=WANGWU[0], id_number=WANGWU[1])
    with pytest.raises(InvalidIdentity) as refused:
        link_applicant(actor=None, applicant=other, account=user)
    assert refused.value.code == "already_verified"


# -- the demo's register -------------------------------------------------------------------------------------------


def test_the_demo_register_knows_the_demo_people_and_nobody_else():
    register = SimulatedRegister()
    assert register.verify_person("李四", "320303198506120023") == Verdict.MATCH
    assert register.verify_person("李三", "320303198506120023") == Verdict.MISMATCH
    assert register.verify_person("李四", "11010519491231002X") == Verdict.NOT_FOUND
    assert register.verify_face("张三", "32030219900307123X", b"\xff\xd8\xff") == Verdict.MATCH


def test_the_deploy_check_refuses_the_simulated_register(settings):
    settings.IDENTITY_REGISTER = "zerovisit.accounts.registers.SimulatedRegister"
    with pytest.raises(SystemCheckError, match="E004"):
        call_command("check", "--deploy", "--fail-level", "ERROR")


def test_password_sign_in_still_works_by_username(client, db):
    user = UserFactory()
    assert client.post("/accounts/login/", {"username": user.username, "password": PASSWORD}).status_code == 302
    assert Client().post("/accounts/login/", {"username": user.username, "password": "x"}).status_code == 200


def test_enter_in_the_code_field_signs_in_rather_than_sending_another_code(live_server, browser_page, gateway):
    page = browser_page
    page.goto(live_server.url + "/accounts/login/sms/")
    page.fill("#id_phone", PHONE)
    page.get_by_role("button", name="获取验证码").click()
    page.wait_for_load_state()
    page.fill("#id_code", last_code(gateway))
    page.press("#id_code", "Enter")
    page.wait_for_url("**/accounts/verify/**")
    assert OneTimeCode.objects.count() == 1 and User.objects.get().assurance_level == AssuranceLevel.PHONE
