"""Licences issued on approval, sealed as PDF, replaced by new versions, revoked and expired."""

import datetime

import pytest

from zerovisit.cases import services as cases
from zerovisit.cases.tests.factories import apply, publish
from zerovisit.core import crypto, signing
from zerovisit.core.tests.helpers import run_ready_tasks
from zerovisit.licenses import identifiers, services
from zerovisit.licenses.models import License, LicenseStatus
from zerovisit.org.selectors import trust_roots

from .conftest import ANSWERS


def approve(item, applicant, staff, **answers):
    case = apply(item, applicant, form_data={**ANSWERS, **answers})
    cases.accept_case(actor=staff["acceptor"], number=case.number)
    cases.review_case(actor=staff["reviewer"], number=case.number, opinion="符合条件")
    return cases.decide_case(actor=staff["decider"], number=case.number, approve=True, reasons="准予许可")


def test_approving_the_item_issues_its_licence_from_the_case_without_retyping(
    clock, food_item, food_license_type, company, staff
):
    clock.set(2026, 12, 1)
    case = approve(food_item, company, staff)
    license = License.objects.get(case=case)
    assert identifiers.is_valid(license.identifier) and license.number == "JY1320300000000001"
    assert license.data == {"经营场所": "徐州市云龙区和平路88号", "主体业态": "餐饮服务经营者"}
    assert license.holder == company and license.holder_code_type == "001"
    assert crypto.decrypt(license.holder_code_encrypted) == company.credit_code
    assert (license.valid_from, license.valid_until) == (datetime.date(2026, 12, 1), datetime.date(2031, 11, 30))
    assert [e.action for e in license.events.all()] == ["issue"]


def test_the_licence_document_is_sealed_by_the_issuer_and_verifies(clock, food_item, food_license_type, company, staff):
    case = approve(food_item, company, staff)
    run_ready_tasks()
    license = License.objects.get(case=case)
    body = license.file.read()
    check = signing.check_pdf(body, trust_roots_pem=trust_roots())
    assert check.valid and check.signer == license.issuer.name and license.signature_valid
    assert body.startswith(b"%PDF") and b"FontFile2" in body  # the CJK font travels inside the file
    assert license.seal.agency == license.issuer


def test_a_holder_with_a_valid_licence_gets_a_new_version_and_the_old_one_is_kept(
    clock, agency, food_item, food_license_type, company, staff
):
    first = License.objects.get(case=approve(food_item, company, staff))
    change = publish(agency, name="食品经营许可变更", form_fields=food_item.form_fields)
    food_license_type.issuing_items.append(change.impl_code)
    food_license_type.save()
    second = License.objects.get(case=approve(change, company, staff, 主体业态="食品销售经营者"))
    first.refresh_from_db()
    assert (second.version, second.number, second.serial) == (2, first.number, first.serial)
    assert second.supersedes == first and first.status == LicenseStatus.SUPERSEDED
    assert second.data["主体业态"] == "食品销售经营者" and identifiers.is_valid(second.identifier)


def test_revoking_needs_a_reason_and_is_recorded(clock, food_item, food_license_type, company, staff):
    license = License.objects.get(case=approve(food_item, company, staff))
    with pytest.raises(services.DomainError):
        services.revoke_license(license=license, reason=" ", actor=staff["decider"])
    services.revoke_license(license=license, reason="以欺骗手段取得许可", actor=staff["decider"])
    license.refresh_from_db()
    assert license.status == LicenseStatus.REVOKED and license.status_reason == "以欺骗手段取得许可"
    assert [e.action for e in license.events.all()] == ["issue", "revoke"]
    with pytest.raises(services.Conflict):
        services.cancel_license(license=license, reason="再次注销", actor=staff["decider"])


def test_a_false_commitment_revokes_the_licence_it_brought(clock, agency, company, staff):
    from zerovisit.licenses.tests.factories import LicenseTypeFactory

    item = publish(agency, template="commitment", reform_mode="commitment", verification_method="site",
                   verification_days=20, case_kind="instant", promised_days=0, base_code="010005000100")  # fmt: skip
    LicenseTypeFactory(agency=agency, issuing_items=[item.impl_code], printed_fields=[])
    case = apply(item, company, commitment_signed=True)
    cases.accept_case(actor=staff["acceptor"], number=case.number)
    cases.decide_case(actor=staff["decider"], number=case.number, approve=True, reasons="依承诺准予")
    license = License.objects.get(case=case)
    cases.verify_commitment(actor=staff["reviewer"], number=case.number, passed=False, note="实地核查场所不符")
    cases.conclude_correction(actor=staff["decider"], number=case.number, corrected=False, note="逾期未整改")
    license.refresh_from_db()
    assert license.status == LicenseStatus.REVOKED and "逾期未整改" in license.status_reason


def test_licences_past_their_last_day_expire(clock, food_item, food_license_type, company, staff):
    license = License.objects.get(case=approve(food_item, company, staff))
    assert services.expire_licenses(license.valid_until) == 0
    assert services.expire_licenses(license.valid_until + datetime.timedelta(days=1)) == 1
    license.refresh_from_db()
    assert license.status == LicenseStatus.EXPIRED and license.events.last().action == "expire"


def test_with_sm2_switched_on_the_licence_data_carries_an_sm2_signature(
    clock, food_item, food_license_type, company, staff, settings
):
    from zerovisit.core import sm
    from zerovisit.licenses import documents

    settings.SM2_SIGNATURES = True
    license = License.objects.get(case=approve(food_item, company, staff))
    run_ready_tasks()
    license.refresh_from_db()
    status = documents.sm2_status(license)
    assert status["valid"] and len(license.sm2_signature) == 128 and len(status["sm3"]) == 64
    assert sm.verify(license.seal.sm2_public_key, documents.signed_data(license), license.sm2_signature)
    license.data["经营场所"] = "别处"  # the data changed behind the signature's back
    assert not documents.sm2_status(license)["valid"]
