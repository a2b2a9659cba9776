"""/api/v1/licenses/: public verification, the holder's own licences, and the logged sharing API."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from zerovisit.accounts.services import applicant_for, create_api_client
from zerovisit.accounts.tests.factories import UserFactory, legacy_api_client, system_token
from zerovisit.core.tests.helpers import run_ready_tasks
from zerovisit.licenses.models import License, LicenseAccess

from .test_issuing import approve


@pytest.fixture
def licensed(clock, food_item, food_license_type, company, staff):
    license = License.objects.get(case=approve(food_item, company, staff))
    run_ready_tasks()
    license.refresh_from_db()
    return license


def test_anyone_verifies_by_identifier_or_by_number_and_name_and_sees_nothing_personal(licensed, company):
    api = APIClient()
    body = api.get("/api/v1/licenses/verify/", {"identifier": licensed.identifier}).json()
    assert body["status"] == "valid" and body["signature_valid"] and body["seal"]["agency"] == licensed.issuer.name
    assert body["number"] == licensed.number and "data" not in body
    by_number = api.get("/api/v1/licenses/verify/", {"number": licensed.number, "holder_name": company.name})
    assert by_number.json()["identifier"] == licensed.identifier
    mistyped = licensed.identifier.replace(f".{licensed.serial:08d}.", f".{licensed.serial + 1:08d}.")
    wrong = api.get("/api/v1/licenses/verify/", {"identifier": mistyped})
    assert wrong.status_code == 400 and wrong.json()["code"] == "invalid_identifier"
    missing = api.get("/api/v1/licenses/verify/", {"number": licensed.number, "holder_name": "别人"})
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"


def test_an_uploaded_pdf_is_recognised_as_issued_here_and_a_changed_byte_is_caught(licensed):
    api = APIClient()
    original = licensed.file.open("rb").read()
    good = api.post("/api/v1/licenses/verify/", {"file": SimpleUploadedFile("l.pdf", original)}).json()
    assert good["issued_here"] and good["identifier"] == licensed.identifier and good["valid"]
    middle = len(original) // 3
    altered = original[:middle] + bytes([original[middle] ^ 1]) + original[middle + 1 :]
    bad = api.post("/api/v1/licenses/verify/", {"file": SimpleUploadedFile("l.pdf", altered)}).json()
    assert not bad["issued_here"] and bad["signed"] and not bad["intact"] and not bad["valid"]
    nothing = api.post("/api/v1/licenses/verify/", {})
    assert nothing.status_code == 400 and nothing.json()["code"] == "file_required"


def test_verification_is_rate_limited(licensed, settings):
    settings.VERIFY_RATE_PER_MINUTE = 2
    api = APIClient()
    codes = [api.get("/api/v1/licenses/verify/", {"identifier": licensed.identifier}).status_code for _ in range(3)]
    assert codes == [200, 200, 429]


def test_a_department_looks_up_a_holder_with_its_token_and_every_call_is_logged(licensed, company, agency):
    client, secret = create_api_client(name="市场监管数据共享", agency=agency, scopes=["licenses:read"])
    api = APIClient()
    assert api.get("/api/v1/share/licenses/", {"holder_code": company.credit_code}).status_code in (401, 403)
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {system_token(client, secret)}")
    found = api.get("/api/v1/share/licenses/", {"holder_code": company.credit_code, "type": "T000"})
    body = api.get("/api/v1/share/licenses/", {"holder_code": company.credit_code}).json()
    assert found.status_code == 200 and [x["identifier"] for x in body] == [licensed.identifier]
    assert body[0]["holder_code"] == company.credit_code and body[0]["data"]["经营场所"]
    access = LicenseAccess.objects.filter(client=client)
    assert access.count() == 2 and company.credit_code not in str(list(access.values()))
    assert api.post("/api/v1/share/licenses/", {}).status_code == 405  # read only
    api.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")
    unknown = api.get("/api/v1/share/licenses/", {"holder_code": company.credit_code})
    assert unknown.status_code == 401 and unknown.json()["code"] == "invalid_token"


def test_a_client_with_a_token_from_before_oauth_still_looks_up_holders(licensed, company, agency):
    client = legacy_api_client(agency, "zv_legacy-token")
    api = APIClient(HTTP_AUTHORIZATION="Bearer zv_legacy-token")
    assert api.get("/api/v1/share/licenses/", {"holder_code": company.credit_code}).status_code == 200
    assert LicenseAccess.objects.filter(client=client).count() == 1
    api.credentials(HTTP_AUTHORIZATION="Bearer zv_not-a-token")
    unknown = api.get("/api/v1/share/licenses/", {"holder_code": company.credit_code})
    assert unknown.status_code == 401 and unknown.json()["code"] == "invalid_token"


def test_a_client_without_the_scope_is_refused(licensed, company, agency):
    legacy_api_client(agency, "zv_other", name="别的系统", scopes=())
    refused = APIClient(HTTP_AUTHORIZATION="Bearer zv_other").get("/api/v1/share/licenses/",
                                                                   {"holder_code": company.credit_code})  # fmt: skip
    assert refused.status_code == 403 and not LicenseAccess.objects.exists()


def test_the_holder_lists_their_own_licences(licensed, company):
    api = APIClient()
    api.force_authenticate(company.user)
    assert [x["number"] for x in api.get("/api/v1/licenses/mine/").json()] == [licensed.number]


def test_a_citizen_s_wallet_shows_their_id_number_masked(agency):
    from zerovisit.licenses.services import issue_license

    from .factories import LicenseTypeFactory

    person = applicant_for(kind="person", name="张三", id_number="32030219900307123X", account=UserFactory())
    license_type = LicenseTypeFactory(agency=agency, holder_kind="person", name="健康证明", number_prefix="JK")
    issue_license(license_type=license_type, holder_kind="person", holder_name="张三",
                  holder_code="32030219900307123X", holder=person, data={})  # fmt: skip
    api = APIClient()
    api.force_authenticate(person.user)
    answer = api.get("/api/v1/licenses/mine/")
    assert answer.status_code == 200 and answer.json()[0]["holder_code"] == "3203**********123X"
    assert "32030219900307123X" not in answer.content.decode()
