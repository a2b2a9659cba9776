"""A licence stands in for a material of a later application; anyone can verify it on the public page."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from zerovisit.cases import services as cases
from zerovisit.cases.models import CaseMaterial
from zerovisit.cases.tests.factories import apply
from zerovisit.catalog.models import MaterialSpec
from zerovisit.catalog.tests.factories import MaterialSpecFactory
from zerovisit.core.tests.helpers import run_ready_tasks
from zerovisit.licenses import services
from zerovisit.licenses.models import License

from .test_issuing import approve


@pytest.fixture
def licensed(clock, food_item, food_license_type, company, staff):
    license = License.objects.get(case=approve(food_item, company, staff))
    run_ready_tasks()
    license.refresh_from_db()
    return license


@pytest.fixture
def renewal(agency):
    """An item that takes the food licence from the licence library instead of a copy."""
    from zerovisit.catalog import services as catalog_services
    from zerovisit.catalog.models import ProcessTemplate
    from zerovisit.catalog.tests.factories import ServiceItemFactory

    item = ServiceItemFactory.build(agency=agency, name="食品经营许可延续", base_code="010001000300",
                                    process_template=ProcessTemplate.objects.get(code="promised-1"))  # fmt: skip
    materials = [
        MaterialSpecFactory.build(item=None, name="延续申请书", necessity="required", order=1),
        MaterialSpecFactory.build(
            item=None,
            name="食品经营许可证",
            necessity="required",
            order=2,
            source="license_library",
            material_type="e_license",
        ),
    ]
    catalog_services.item_save_draft(actor=None, item=item, materials=materials)
    return catalog_services.item_publish(actor=None, item=item)


def first_material(item):
    from zerovisit.cases.tests.factories import pdf

    spec = MaterialSpec.objects.get(item=item, order=1)
    return [cases.MaterialInput(spec=spec, file=pdf())]


def test_a_later_application_takes_the_licence_from_the_library_without_an_upload(licensed, renewal, company):
    case = apply(renewal, company, materials=first_material(renewal))
    used = case.materials.get(spec__name="食品经营许可证")
    assert used.source == CaseMaterial.Source.LICENSE and used.license == licensed and not used.file


def test_a_revoked_or_expired_licence_is_not_taken_and_the_copy_is_then_required(licensed, renewal, company, staff):
    services.revoke_license(license=licensed, reason="撤销", actor=staff["decider"])
    with pytest.raises(cases.MaterialsIncomplete) as caught:
        apply(renewal, company, materials=first_material(renewal))
    assert "食品经营许可证" in caught.value.message
    spec = MaterialSpec.objects.get(item=renewal, name="食品经营许可证")
    naming_it = [*first_material(renewal), cases.MaterialInput(spec=spec, reference=licensed.identifier)]
    with pytest.raises(cases.MaterialsIncomplete) as caught:
        apply(renewal, company, materials=naming_it)
    assert caught.value.errors[0]["code"] == "license_not_usable"


def test_someone_else_s_licence_cannot_be_named(licensed, renewal):
    from zerovisit.accounts.services import applicant_for
    from zerovisit.accounts.tests.factories import UserFactory
    from zerovisit.org.tests.factories import make_credit_code

    other = applicant_for(kind="organisation", name="别家公司", credit_code=make_credit_code(88), account=UserFactory())
    spec = MaterialSpec.objects.get(item=renewal, name="食品经营许可证")
    with pytest.raises(cases.MaterialsIncomplete):
        apply(renewal, other, materials=[*first_material(renewal),
                                         cases.MaterialInput(spec=spec, reference=licensed.identifier)])  # fmt: skip


def test_the_qr_page_shows_a_valid_licence_with_an_intact_seal_and_masks_the_holder(client, licensed):
    page = client.get(f"/licenses/verify/{licensed.identifier}/").content.decode()
    assert "有效" in page and licensed.number in page and "完好且可信" in page
    assert licensed.holder_code_masked in page
    by_number = client.get("/licenses/verify/", {"number": licensed.number, "holder_name": licensed.holder_name})
    assert by_number.headers["Location"] == f"/licenses/verify/{licensed.identifier}/"
    mistyped = licensed.identifier.replace(f".{licensed.serial:08d}.", f".{licensed.serial + 1:08d}.")
    assert "不是有效的证照标识" in client.get("/licenses/verify/", {"identifier": mistyped}).content.decode()
    assert client.get("/licenses/verify/", {"number": licensed.number, "holder_name": "别人"}).status_code == 200


def test_uploading_the_pdf_tells_an_unaltered_licence_from_one_with_a_changed_byte(client, licensed):
    original = licensed.file.open("rb").read()
    good = client.post(f"/licenses/verify/{licensed.identifier}/", {"file": SimpleUploadedFile("l.pdf", original)})
    assert "正是所发文书" in good.content.decode() and "完好且可信" in good.content.decode()
    middle = len(original) // 3
    altered = original[:middle] + bytes([original[middle] ^ 1]) + original[middle + 1 :]
    bad = client.post(f"/licenses/verify/{licensed.identifier}/", {"file": SimpleUploadedFile("l.pdf", altered)})
    assert "电子印章已损坏" in bad.content.decode()


def test_a_revoked_licence_shows_revoked_with_its_reason(client, licensed, staff):
    services.revoke_license(license=licensed, reason="以欺骗手段取得许可", actor=staff["decider"])
    page = client.get(f"/licenses/verify/{licensed.identifier}/").content.decode()
    assert "已撤销" in page and "以欺骗手段取得许可" in page


def test_the_holder_sees_and_downloads_their_licences_and_nobody_else_can(client, licensed, company):
    from zerovisit.accounts.tests.factories import UserFactory

    client.force_login(company.user)
    wallet = client.get("/my/licenses/").content.decode()
    assert licensed.number in wallet and "食品经营许可证" in wallet
    download = client.get(f"/my/licenses/{licensed.pk}/pdf/")
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    client.force_login(UserFactory())
    assert licensed.number not in client.get("/my/licenses/").content.decode()
    assert client.get(f"/my/licenses/{licensed.pk}/pdf/").status_code == 404


def test_the_case_pages_show_the_licence_the_case_issued(client, licensed, company, staff):
    client.force_login(company.user)
    page = client.get(f"/my/cases/{licensed.case.number}/").content.decode()
    assert licensed.number in page and f"/licenses/verify/{licensed.identifier}/" in page
    download = client.get(f"/my/cases/{licensed.case.number}/licenses/{licensed.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    client.force_login(staff["acceptor"])
    assert licensed.number in client.get(f"/workbench/cases/{licensed.case.number}/").content.decode()
