"""Rotating the data keys (docs/security.md, "Personal data keys"): after a new key is put first every applicant and
licence holder is still found by their lookup hash (it has a key of its own) and decrypts; `rotate_data_keys`
re-encrypts every stored value with the newest key, in batches and idempotently, after which the old key can go."""

import importlib

import pytest
from cryptography.fernet import Fernet
from django.apps import apps
from django.core.management import CommandError, call_command

from zerovisit.accounts.admin import ApplicantAdmin
from zerovisit.accounts.models import Applicant
from zerovisit.accounts.services import applicant_for
from zerovisit.accounts.tests.factories import UserFactory
from zerovisit.cases.tests.factories import apply, publish
from zerovisit.core import crypto, keys
from zerovisit.core.models import AuditEntry
from zerovisit.delivery.models import Shipment
from zerovisit.licenses import selectors as licenses
from zerovisit.licenses.models import HolderKind, License, LicenseAccess
from zerovisit.licenses.services import issue_license
from zerovisit.licenses.tests.factories import LicenseTypeFactory
from zerovisit.notify.models import Message
from zerovisit.org.services import issue_seal
from zerovisit.org.tests.factories import AgencyFactory, make_credit_code

pytestmark = pytest.mark.django_db

ID = "32030219900307123X"
CODE = make_credit_code(41)
ADDRESS = {"name": "张三", "phone": "13812341234", "region": "320303000000", "address": "徐州市云龙区和平路88号"}


@pytest.fixture
def stored():
    """One of each kind of encrypted value, under the key the test starts with."""
    agency = AgencyFactory(name="徐州市行政审批局", kind="approval_bureau")
    seal = issue_seal(agency=agency)
    person = applicant_for(kind="person", name="张三", id_number=ID, phone="13812341234", email="zs@example.com",
                           account=UserFactory())  # fmt: skip
    company = applicant_for(kind="organisation", name="徐州云龙餐饮有限公司", credit_code=CODE, phone="13900001111",
                            account=UserFactory())  # fmt: skip
    person_type = LicenseTypeFactory(agency=agency, holder_kind=HolderKind.PERSON)
    person_licence = issue_license(license_type=person_type, holder_kind=HolderKind.PERSON, holder_name="张三",
                                   holder_code=ID, data={})  # fmt: skip
    company_licence = issue_license(license_type=LicenseTypeFactory(agency=agency), holder_kind=HolderKind.ORGANISATION,
                                    holder_name="徐州云龙餐饮有限公司", holder_code=CODE, data={},
                                    holder=company)  # fmt: skip
    item = publish(agency, name="食品经营许可", mail_results=True)
    case = apply(item, person, delivery_method="courier", delivery_address=ADDRESS)
    Shipment.objects.create(case=case, agency=agency, direction="outbound", purpose="result", carrier="simulator",
                            sender_name=agency.name, sender_phone_encrypted=crypto.encrypt("051683000000"),
                            sender_phone_masked="051****0000", sender_region="320300000000", sender_address="徐州市",
                            recipient_name="张三", recipient_phone_encrypted=case.delivery_address["phone_encrypted"],
                            recipient_phone_masked="138****1234", recipient_region=ADDRESS["region"],
                            recipient_address=ADDRESS["address"], contents="食品经营许可证")  # fmt: skip
    Message.objects.create(channel="sms", address=crypto.encrypt("13812341234"), event="case.accept", title="受理",
                           body="您的申请已受理")  # fmt: skip
    return {"person": person, "company": company, "licences": [person_licence, company_licence], "seal": seal}


def add_key(settings) -> str:
    new = Fernet.generate_key().decode()
    settings.DATA_KEYS = [new, *settings.DATA_KEYS]
    return new


def every_value_decrypts() -> int:
    count = 0
    for label, fields in keys.ENCRYPTED_COLUMNS.items():
        for row in apps.get_model(label).objects.values_list(*fields):
            for token in filter(None, row):
                crypto.decrypt(token)
                count += 1
    return count


def assert_found(stored) -> None:
    person, company = stored["person"], stored["company"]
    assert applicant_for(kind="person", name="张三", id_number=ID) == person
    assert applicant_for(kind="organisation", name="徐州云龙餐饮有限公司", credit_code=CODE) == company
    found, _duplicates = ApplicantAdmin(Applicant, None).get_search_results(None, Applicant.objects.all(), ID)
    assert list(found) == [person]
    person_licence, company_licence = stored["licences"]
    assert list(licenses.by_holder(ID)) == [person_licence] and list(licenses.by_holder(CODE)) == [company_licence]
    person.refresh_from_db()
    assert crypto.decrypt(person.id_number_encrypted) == ID and crypto.decrypt(person.phone_encrypted) == "13812341234"
    assert crypto.decrypt(License.objects.get(pk=person_licence.pk).holder_code_encrypted) == ID


def test_after_adding_a_data_key_every_applicant_and_licence_holder_is_still_found_and_decrypts(stored, settings):
    hashes = sorted(Applicant.objects.values_list("id_number_hash", flat=True))
    add_key(settings)
    assert_found(stored)
    assert sorted(Applicant.objects.values_list("id_number_hash", flat=True)) == hashes
    newcomer = applicant_for(kind="person", name="李四", id_number="11010519491231002X")
    assert crypto.is_current(newcomer.id_number_encrypted)  # new values take the newest key


def test_after_rotate_data_keys_the_old_key_can_be_removed(stored, settings, capsys):
    old = settings.DATA_KEYS[0]
    new = add_key(settings)
    with pytest.raises(CommandError, match="older key"):
        call_command("rotate_data_keys", "--check")
    assert not AuditEntry.objects.filter(action="data_keys.rotate").exists()  # --check changes nothing

    call_command("rotate_data_keys", "--batch-size", "1")
    out = capsys.readouterr().out
    assert "accounts.Applicant.id_number_encrypted: 1 re-encrypted, 0 already under the newest key" in out
    assert "accounts.Applicant.phone_encrypted: 2 re-encrypted" in out
    assert "org.Seal.key_encrypted: 2 re-encrypted" in out  # the platform's root and the bureau's seal
    assert "cases.Case.delivery_address: left as it is" in out and "1 under an older key" in out
    entry = AuditEntry.objects.get(action="data_keys.rotate")
    assert entry.detail["columns"]["licenses.License.holder_code_encrypted"]["rotated"] == 2

    call_command("rotate_data_keys")  # idempotent: nothing is left to do
    out = capsys.readouterr().out
    assert "0 value(s) re-encrypted" in out
    assert "licenses.License.holder_code_encrypted: 0 re-encrypted, 2 already" in out

    settings.DATA_KEYS = [new]  # the old key removed
    assert every_value_decrypts() >= 12
    assert_found(stored)
    # Left out of the rotation (its history anchor covers it): the courier's phone of a case still needs the old key.
    case_phone = stored["person"].cases.get().delivery_address["phone_encrypted"]
    with pytest.raises(ValueError):
        crypto.decrypt(case_phone)
    settings.DATA_KEYS = [new, old]
    assert crypto.decrypt(case_phone) == "13812341234"


def test_a_value_written_while_the_rotation_runs_is_not_overwritten(stored, settings):
    add_key(settings)
    person = stored["person"]
    read = Applicant.objects.values_list("phone_encrypted", flat=True).get(pk=person.pk)
    Applicant.objects.filter(pk=person.pk).update(phone_encrypted=crypto.encrypt("13700000000"))  # meanwhile
    assert Applicant.objects.filter(pk=person.pk, phone_encrypted=read).update(phone_encrypted="x") == 0
    keys.rotate_model("accounts.Applicant", ("phone_encrypted",))
    person.refresh_from_db()
    assert crypto.decrypt(person.phone_encrypted) == "13700000000"


def test_every_encrypted_column_is_rotated_or_named_as_left_out():
    listed = {(label, name) for label, fields in keys.ENCRYPTED_COLUMNS.items() for name in fields}
    for model in apps.get_models():
        for model_field in model._meta.concrete_fields:
            if model_field.name.endswith("_encrypted"):
                assert (model._meta.label, model_field.name) in listed, f"{model._meta.label}.{model_field.name}"
    for label, name in [*listed, *keys.LEFT_OUT]:
        apps.get_model(label)._meta.get_field(name)


def test_the_migrations_recompute_hashes_made_from_the_newest_data_key(stored, settings):
    """Before ZV_LOOKUP_KEY, the lookup hash was keyed with the newest data key."""
    old_hash = crypto.lookup_hasher(settings.DATA_KEYS[0])
    person = stored["person"]
    Applicant.objects.filter(pk=person.pk).update(id_number_hash=old_hash(ID))
    License.objects.update(holder_code_hash=old_hash(CODE))
    client = stored["company"].licenses.get().license_type.agency.api_clients.create(name="市场监管局系统",
                                                                                    token_hash="h" * 64)  # fmt: skip
    LicenseAccess.objects.create(client=client, holder_code_hash=old_hash(CODE), results=1)
    LicenseAccess.objects.create(client=client, holder_code_hash=old_hash("91320300MA00000000"), results=0)

    importlib.import_module("zerovisit.accounts.migrations.0005_lookup_key").forwards(apps, None)
    importlib.import_module("zerovisit.licenses.migrations.0005_lookup_key").forwards(apps, None)

    assert Applicant.objects.get(pk=person.pk).id_number_hash == crypto.lookup_hash(ID)
    assert {*License.objects.values_list("holder_code_hash", flat=True)} == {crypto.lookup_hash(ID),
                                                                            crypto.lookup_hash(CODE)}  # fmt: skip
    logged = set(LicenseAccess.objects.values_list("holder_code_hash", flat=True))
    assert logged == {crypto.lookup_hash(CODE), old_hash("91320300MA00000000")}  # a code no licence holds stays
    assert_found(stored)

    importlib.import_module("zerovisit.accounts.migrations.0005_lookup_key").backwards(apps, None)
    assert Applicant.objects.get(pk=person.pk).id_number_hash == old_hash(ID)
