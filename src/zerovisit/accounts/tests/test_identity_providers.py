"""Signing in through an identity provider over OpenID Connect — the province's unified identity platform and the
e-business-licence platform — against a local provider: the authorization code with PKCE, state and nonce; the
ID token checked (signature, issuer, audience, expiry, nonce) before anyone is signed in; the person bound to one
account at the level the provider counts as; refusals that change nothing."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client

from zerovisit.accounts.models import Applicant, ApplicantKind, AssuranceLevel, ExternalIdentity, User
from zerovisit.core import crypto
from zerovisit.core.models import AuditEntry

from .factories import UserFactory, verified_person
from .fake_identity_provider import FakeIdentityProvider

LI_SI = {
    "sub": "js-0001",
    "name": "李四",
    "id_number": "11010519491231002X",
    "phone_number": "13905160001",
    "phone_number_verified": True,
}
WANG_WU = {"sub": "js-0002", "name": "王五", "id_number": "320303198506120023"}
COMPANY = {
    "sub": "ebl-0001",
    "name": "张三",
    "id_number": "32030219900307123X",
    "organisation": "徐州市彭城餐饮有限公司",
    "credit_code": "91320300MA1PCCY204",
    "role": "legal_representative",
}


def provider_settings(fake: FakeIdentityProvider, label: str, **extra) -> dict:
    return {"label": label, "asserts": "person", "issuer": fake.url, "client_id": fake.client_id,
            "client_secret": fake.client_secret, "scope": "openid profile", "level": 2, "acr_levels": {},
            "claims": {"name": "name", "id_number": "id_number", "phone": "phone_number"}, **extra}  # fmt: skip


@pytest.fixture
def province(settings, db):
    fake = FakeIdentityProvider()
    licence = FakeIdentityProvider(client_id="zerovisit-ebl")
    settings.IDENTITY_PROVIDERS = {
        "province": provider_settings(fake, "江苏政务服务网", acr_levels={"urn:js:face": 3}),
        "business_licence": provider_settings(
            licence, "电子营业执照", asserts="organisation", representative_roles=["legal_representative"],
            claims={"name": "name", "id_number": "id_number", "organisation": "organisation",
                    "credit_code": "credit_code", "role": "role"},
        ),
        "unconfigured": {**provider_settings(fake, "未配置"), "issuer": ""},
    }  # fmt: skip
    fake.licence = licence
    yield fake
    fake.close()
    licence.close()


def sign_in_through(browser: Client, fake: FakeIdentityProvider, name: str = "province", next_page: str = "/my/"):
    """The browser goes to the provider, the person signs in there, and the provider sends it back: the answer of
    our callback."""
    start = browser.get(f"/accounts/login/idp/{name}/", {"next": next_page})
    assert start.status_code == 302 and start["Location"].startswith(f"{fake.url}/authorize?"), start
    query = {k: v[0] for k, v in parse_qs(urlsplit(start["Location"]).query).items()}
    back = urlsplit(fake.authorize(query))
    return browser.get(f"{back.path}?{back.query}")


def test_a_newcomer_signs_in_through_the_province_and_is_verified_at_level_2(province):
    province.person = LI_SI
    browser = Client()
    answer = sign_in_through(browser, province, next_page="/my/cases/")

    assert answer.status_code == 302 and answer["Location"] == "/my/cases/"
    user = User.objects.get(external_identities__subject="js-0001")
    person = Applicant.objects.get(kind=ApplicantKind.PERSON, user=user)
    assert person.name == "李四" and person.id_number_hash == crypto.lookup_hash(LI_SI["id_number"])
    assert user.assurance_level == AssuranceLevel.REAL_NAME and not user.has_usable_password()
    assert user.phone_masked == "139****0001", "the platform's number, free here, signs in by SMS code too"
    asked = province.authorize_requests[0]
    assert asked["code_challenge_method"] == "S256" and asked["nonce"] and asked["state"]
    assert browser.get("/api/v1/auth/me/").json()["assurance_level"] == 2
    actions = list(AuditEntry.objects.filter(actor=user).order_by("id").values_list("action", "detail__via"))
    assert actions == [("account.create", "province"), ("account.verify", "province"), ("account.change", "province"),
                       ("account.sign_in", "province")]  # fmt: skip

    again = sign_in_through(Client(), province)
    assert again.status_code == 302 and User.objects.filter(username__startswith="p").count() == 1


def test_a_number_the_provider_did_not_confirm_is_not_taken(province):
    province.person = {**LI_SI, "phone_number_verified": False}
    assert sign_in_through(Client(), province).status_code == 302
    assert not User.objects.get(external_identities__subject="js-0001").phone_hash


def test_metadata_naming_another_issuer_signs_nobody_in(province, settings):
    settings.IDENTITY_PROVIDERS = {"province": {**settings.IDENTITY_PROVIDERS["province"],
                                                "issuer": province.url.replace("127.0.0.1", "localhost")}}  # fmt: skip
    province.person = LI_SI
    browser = Client()
    start = browser.get("/accounts/login/idp/province/")
    query = {k: v[0] for k, v in parse_qs(urlsplit(start["Location"]).query).items()}
    back = urlsplit(province.authorize(query))
    assert browser.get(f"{back.path}?{back.query}").status_code == 400 and not User.objects.exists()


def test_a_face_checked_identity_counts_as_level_3(province):
    province.person = {**LI_SI, "acr": "urn:js:face"}
    assert sign_in_through(Client(), province).status_code == 302
    assert User.objects.get(external_identities__subject="js-0001").assurance_level == AssuranceLevel.REAL_PERSON


def test_a_person_verified_here_already_signs_in_to_their_own_account(province):
    held = verified_person(name="王五", id_number=WANG_WU["id_number"])
    province.person = WANG_WU
    assert sign_in_through(Client(), province).status_code == 302
    assert ExternalIdentity.objects.get().user == held.user and User.objects.count() == 1


def test_an_account_bound_to_someone_else_is_not_taken_over(province):
    verified_person(name="王五", id_number=WANG_WU["id_number"])
    province.person = LI_SI
    sign_in_through(Client(), province)
    province.person = {**WANG_WU, "sub": LI_SI["sub"]}  # the platform's account now names 王五, held here already

    browser = Client()
    refused = sign_in_through(browser, province)

    assert refused.status_code == 409
    assert "_auth_user_id" not in browser.session
    assert AuditEntry.objects.filter(action="account.sign_in", result="refused",
                                     detail__reason="person_bound_elsewhere").exists()  # fmt: skip


@pytest.mark.parametrize("forge", ["signature", "nonce", "audience", "issuer", "expired"])
def test_an_id_token_that_fails_a_check_signs_nobody_in(province, forge):
    province.person, province.forge = LI_SI, forge
    browser = Client()
    refused = sign_in_through(browser, province)
    assert refused.status_code == 400 and "_auth_user_id" not in browser.session
    assert not User.objects.exists() and not Applicant.objects.exists()
    assert AuditEntry.objects.get(action="account.sign_in", result="failed").detail["via"] == "province"


def test_a_callback_used_twice_or_from_another_browser_signs_nobody_in(province):
    province.person = LI_SI
    browser = Client()
    start = browser.get("/accounts/login/idp/province/")
    back = urlsplit(province.authorize({k: v[0] for k, v in parse_qs(urlsplit(start["Location"]).query).items()}))
    assert Client().get(f"{back.path}?{back.query}").status_code == 400, "the state is the first browser's"
    assert browser.get(f"{back.path}?{back.query}").status_code == 302
    assert Client().get(f"{back.path}?{back.query}").status_code == 400
    assert browser.get(f"{back.path}?{back.query}").status_code == 400, "the state was used"


def test_cancelling_at_the_provider_or_its_token_endpoint_down_signs_nobody_in_and_says_so(province):
    province.person = None
    cancelled = sign_in_through(Client(), province)
    assert cancelled.status_code == 400 and "江苏政务服务网" in cancelled.content.decode()

    province.person, province.down = LI_SI, True
    down = sign_in_through(Client(), province)
    assert down.status_code == 503 and not User.objects.exists()


def test_a_provider_whose_metadata_cannot_be_fetched_is_unavailable(province, settings):
    gone = FakeIdentityProvider()
    gone.close()
    settings.IDENTITY_PROVIDERS = {"province": provider_settings(gone, "江苏政务服务网")}
    unreachable = Client().get("/accounts/login/idp/province/")
    assert unreachable.status_code == 503 and "江苏政务服务网" in unreachable.content.decode()


def test_claims_that_name_nobody_valid_make_no_account(province):
    province.person = {**LI_SI, "id_number": "110105194912310021"}  # the check digit is wrong
    refused = sign_in_through(Client(), province)
    assert refused.status_code == 400 and not User.objects.exists()


def test_staff_do_not_sign_in_through_a_provider(province, agency):
    staff = UserFactory(agency=agency)
    ExternalIdentity.objects.create(user=staff, provider="province", issuer=province.url, subject="js-0001",
                                    last_used_at="2026-11-01T00:00:00Z")  # fmt: skip
    province.person = LI_SI
    browser = Client()
    assert sign_in_through(browser, province).status_code == 400 and "_auth_user_id" not in browser.session


def test_the_legal_representative_signs_in_with_the_e_business_licence_and_holds_the_organisation(province):
    province.licence.person = COMPANY
    browser = Client()
    answer = sign_in_through(browser, province.licence, name="business_licence")

    assert answer.status_code == 302 and answer["Location"] == "/accounts/organisations/"
    organisation = Applicant.objects.get(kind=ApplicantKind.ORGANISATION, credit_code=COMPANY["credit_code"])
    assert organisation.user.external_identities.get().provider == "business_licence"
    assert organisation.representative_confirmed_at is not None
    claim = AuditEntry.objects.get(action="organisation.claim")
    assert claim.detail["via"] == "business_licence" and claim.result == "ok"
    assert "徐州市彭城餐饮有限公司" in browser.get("/accounts/organisations/").content.decode()


def test_a_licence_holder_who_is_not_the_representative_signs_in_without_the_organisation(province):
    province.licence.person = {**COMPANY, "role": "agent"}
    browser = Client()
    answer = sign_in_through(browser, province.licence, name="business_licence")
    assert answer.status_code == 302 and "_auth_user_id" in browser.session
    assert not Applicant.objects.filter(kind=ApplicantKind.ORGANISATION).exists()
    assert "授权您作为经办人" in browser.get(answer["Location"]).content.decode()


def test_the_sign_in_page_offers_the_configured_providers_only(province, settings):
    page = Client().get("/accounts/login/?next=/my/").content.decode()
    assert "/accounts/login/idp/province/?next=/my/" in page and "/accounts/login/idp/business_licence/" in page
    assert "unconfigured" not in page
    assert Client().get("/accounts/login/idp/unconfigured/").status_code == 404
    settings.IDENTITY_PROVIDERS = {}
    assert "idp" not in Client().get("/accounts/login/").content.decode()


def test_the_deployment_check_wants_a_secret_https_and_a_level_for_each_provider(settings):
    from django.core.checks import run_checks

    settings.IDENTITY_PROVIDERS = {
        "province": {"issuer": "http://idp.example.cn", "client_id": "zerovisit", "client_secret": "", "level": 4},
        "business_licence": {"issuer": "https://ebl.example.cn", "client_id": "z", "client_secret": "s", "level": 2},
        "off": {"issuer": ""},
    }
    found = sorted(m.id for m in run_checks(include_deployment_checks=True) if m.id in (
        "zerovisit.E005", "zerovisit.E006", "zerovisit.E007"))  # fmt: skip
    assert found == ["zerovisit.E005", "zerovisit.E006", "zerovisit.E007"]


def test_the_admin_shows_which_provider_signs_an_account_in(province, settings):
    province.person = LI_SI
    sign_in_through(Client(), province)
    user = User.objects.get(external_identities__subject="js-0001")
    browser = Client()
    browser.force_login(UserFactory(is_staff=True, is_superuser=True))
    page = browser.get(f"/{settings.ADMIN_PATH}accounts/user/{user.pk}/change/").content.decode()
    assert "province (js-0001)" in page
