"""Seals (电子印章): which seal speaks for an agency, signing with it, and rotation that keeps old documents valid."""

import pytest
from django.core.management import call_command

from zerovisit.core import pdf, signing
from zerovisit.org import selectors, services
from zerovisit.org.models import AgencyKind, Level, Seal

from .factories import AgencyFactory, RegionFactory

WHERE = pdf.SealBox(0, (380, 150, 500, 270))


def document() -> bytes:
    return pdf.notice(
        title="受理通知书", document_number="测试〔2026〕1号", agency="徐州市行政审批局", addressee="张三",
        paragraphs=["你的申请已受理。"], date="2026年11月28日", verify_url="http://127.0.0.1/verify/x/",
        verify_label="核验",
    ).pdf  # fmt: skip


@pytest.fixture
def city(db):
    return RegionFactory()


@pytest.fixture
def county(city):
    return RegionFactory(code="320322000000", name="沛县", level=Level.COUNTY, parent=city)


def test_one_seal_for_approvals_an_agency_signs_with_its_own_or_its_bureau_s(city, county):
    city_bureau = AgencyFactory(region=city, kind=AgencyKind.APPROVAL_BUREAU)
    county_bureau = AgencyFactory(region=county, kind=AgencyKind.APPROVAL_BUREAU)
    county_department, police = AgencyFactory(region=county), AgencyFactory(region=city)
    assert selectors.seal_for(county_department) is None
    with pytest.raises(services.NoSeal):
        services.sign(document(), agency=county_department, where=WHERE, reason="测试")
    city_seal = services.issue_seal(agency=city_bureau)
    assert selectors.seal_for(county_department) == city_seal  # the nearest bureau above
    county_seal = services.issue_seal(agency=county_bureau)
    assert selectors.seal_for(county_department) == county_seal
    own = services.issue_seal(agency=police, purpose="公章")
    assert selectors.seal_for(police) == own


def test_a_signed_document_verifies_and_a_changed_byte_breaks_the_seal(city):
    bureau = AgencyFactory(region=city, kind=AgencyKind.APPROVAL_BUREAU)
    services.issue_seal(agency=bureau)
    signed, seal = services.sign(document(), agency=bureau, where=WHERE, reason="受理通知书")
    check = signing.check_pdf(signed, trust_roots_pem=selectors.trust_roots())
    assert check.valid and check.signer == bureau.name and seal.agency == bureau
    altered = bytearray(signed)
    altered[len(altered) // 3] ^= 0x01
    assert not signing.check_pdf(bytes(altered), trust_roots_pem=selectors.trust_roots()).valid
    stranger_root = signing.make_certificate(common_name="x", organisation="x", key=signing.new_private_key(),
                                             valid_from=seal.valid_from, years=1, ca=True)  # fmt: skip
    assert not signing.check_pdf(signed, trust_roots_pem=[stranger_root]).trusted


def test_rotating_a_seal_or_the_root_leaves_what_was_signed_valid(city):
    bureau = AgencyFactory(region=city, kind=AgencyKind.APPROVAL_BUREAU)
    old = services.issue_seal(agency=bureau)
    signed_before, _ = services.sign(document(), agency=bureau, where=WHERE, reason="测试")
    services.create_root()
    new = services.issue_seal(agency=bureau)
    old.refresh_from_db()
    assert not old.active and old.retired_at and new.active and new.issued_by != old.issued_by
    signed_after, used = services.sign(document(), agency=bureau, where=WHERE, reason="测试")
    assert used == new
    for signed in (signed_before, signed_after):
        assert signing.check_pdf(signed, trust_roots_pem=selectors.trust_roots()).valid


def test_the_private_key_is_stored_encrypted(city):
    seal = services.issue_seal(agency=AgencyFactory(region=city, kind=AgencyKind.APPROVAL_BUREAU))
    assert "PRIVATE KEY" not in seal.key_encrypted and "BEGIN CERTIFICATE" in seal.certificate_pem


def test_the_command_seals_every_approval_bureau_once(city, county):
    bureaus = [AgencyFactory(region=r, kind=AgencyKind.APPROVAL_BUREAU) for r in (city, county)]
    department = AgencyFactory(region=city)
    call_command("create_seals", verbosity=0)
    call_command("create_seals", verbosity=0)  # again: nothing new
    assert Seal.objects.filter(kind="agency").count() == 2 and Seal.objects.filter(kind="root").count() == 1
    call_command("create_seals", "--agency", department.name, verbosity=0)
    call_command("create_seals", "--agency", bureaus[0].name, "--rotate", verbosity=0)
    assert Seal.objects.filter(agency=bureaus[0]).count() == 2
    assert Seal.objects.filter(agency=bureaus[0], active=True).count() == 1 and selectors.seal_for(department)
