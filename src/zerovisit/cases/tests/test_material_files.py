"""The stored files of a case's materials: a correction's replaced file goes once the correction is committed."""

from unittest import mock

import pytest

from zerovisit.accounts.models import Role
from zerovisit.accounts.tests.factories import editor
from zerovisit.cases import services
from zerovisit.cases.models import CaseMaterial
from zerovisit.catalog.models import MaterialSpec
from zerovisit.core.storage import private_storage

from .factories import apply, first_material, pdf


def correction_asked(item, citizen):
    case = apply(item, citizen)
    services.request_correction(actor=editor(item.agency, role=Role.ACCEPTOR), number=case.number,
                                materials=first_material(case), corrections=["申请书未签字"])  # fmt: skip
    spec = MaterialSpec.objects.get(item=item, name="申请书")
    return case, spec, case.materials.get(spec=spec).file.name


def test_a_replaced_material_s_file_is_deleted_after_the_correction_commits(
    clock, item, citizen, django_capture_on_commit_callbacks
):
    case, spec, old = correction_asked(item, citizen)
    with django_capture_on_commit_callbacks() as callbacks:
        services.resubmit_correction(actor=citizen.user, number=case.number,
                                     materials=[services.MaterialInput(spec=spec, file=pdf("签字.pdf"))])  # fmt: skip
        assert private_storage().exists(old)  # still there while the transaction may roll back
    for callback in callbacks:
        callback()
    new = CaseMaterial.objects.get(case=case, spec=spec).file.name
    assert new != old and private_storage().exists(new) and not private_storage().exists(old)


def test_a_correction_that_fails_after_storing_keeps_the_old_file_and_leaves_no_new_one(
    clock, item, citizen, django_capture_on_commit_callbacks, settings
):
    case, spec, old = correction_asked(item, citizen)
    folder = settings.PRIVATE_ROOT / old.rsplit("/", 1)[0]
    before = set(folder.iterdir())
    corrected = [services.MaterialInput(spec=spec, file=pdf("签字.pdf"))]
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        mock.patch("zerovisit.cases.services.steps.record", side_effect=RuntimeError("the disk is full")),
        pytest.raises(RuntimeError),
    ):
        services.resubmit_correction(actor=citizen.user, number=case.number, materials=corrected)
    assert callbacks == [] and set(folder.iterdir()) == before
    assert CaseMaterial.objects.get(case=case, spec=spec).file.name == old and private_storage().exists(old)


def test_the_case_page_of_the_admin_shows_the_stored_file_without_a_public_link(client, clock, item, citizen):
    from zerovisit.accounts.tests.factories import UserFactory

    case = apply(item, citizen)
    name = case.materials.exclude(file="").get().file.name
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    page = client.get(f"/admin/cases/case/{case.pk}/change/")
    assert page.status_code == 200 and name in page.content.decode() and f"/media/{name}" not in page.content.decode()


def test_a_zip_bomb_uploaded_as_a_material_is_refused_with_its_code_and_not_stored(clock, item, citizen, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from zerovisit.cases.models import Case
    from zerovisit.core.tests.test_files import office_document

    settings.MAX_UNPACKED_FILE_BYTES = 1024 * 1024
    bomb = SimpleUploadedFile("申请书.docx", office_document({"word/document.xml": bytes(32 * 1024 * 1024)}))
    spec = MaterialSpec.objects.get(item=item, name="申请书")
    with pytest.raises(services.MaterialsIncomplete) as refused:
        apply(item, citizen, materials=[services.MaterialInput(spec=spec, file=bomb)])
    assert refused.value.errors[0]["code"] == "file_unpacked_too_large"  # the other material is missing too
    assert not Case.objects.exists() and not settings.PRIVATE_ROOT.exists()
