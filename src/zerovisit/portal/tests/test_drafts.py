"""The apply wizard keeps what a person uploaded when the server refuses the application, and saves drafts (暂存)
to resume later, on another device."""

import pytest
from django.test import Client

from zerovisit.accounts.tests.factories import verified_person
from zerovisit.cases.models import ApplicationDraft, Case, DraftMaterial
from zerovisit.cases.tests.factories import pdf, publish
from zerovisit.catalog.models import MaterialSpec
from zerovisit.core.storage import private_storage
from zerovisit.org.tests.factories import AgencyFactory

from .test_case_pages import form_data, wangwu


@pytest.fixture
def item(db):
    return publish(AgencyFactory(name="徐州市行政审批局"))


@pytest.fixture
def person(client):
    user = wangwu()
    client.force_login(user)
    return user


def apply_url(item):
    return f"/items/{item.impl_code}/apply/"


def test_a_refused_application_keeps_the_uploaded_file_and_sends_it_once_corrected(
    client, item, person, django_capture_on_commit_callbacks
):
    page = client.post(apply_url(item), form_data(item, id_number="320302199003071231")).content.decode()
    assert "这不是有效的居民身份证号码" in page and not Case.objects.exists()
    draft = ApplicationDraft.objects.get(user=person)
    assert "已上传并保留：申请书.pdf" in page and f'name="draft" value="{draft.pk}"' in page
    [kept] = DraftMaterial.objects.values_list("file", flat=True)
    corrected = form_data(item, draft=draft.pk)
    corrected.pop(next(key for key in corrected if key.startswith("material_")))  # not chosen again
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(apply_url(item), corrected)
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/my/cases/{case.number}/"
    material = case.materials.get(spec__name="申请书")
    assert material.file and private_storage().open(material.file.name).read() == b"%PDF-1.7 test"
    assert not ApplicationDraft.objects.exists() and not private_storage().exists(kept)  # the case has its copy


def test_a_file_that_fails_the_checks_is_refused_at_its_field_and_the_good_ones_are_kept(client, item, person):
    specs = list(MaterialSpec.objects.filter(item=item).order_by("order"))
    data = form_data(item, applicant_name="", **{f"material_{specs[1].pk}": pdf("场所证明.pdf")})
    data[f"material_{specs[0].pk}"] = pdf("申请书.exe")
    page = client.post(apply_url(item), data).content.decode()
    assert 'aria-invalid="true"' in page and "申请书：" in page
    assert list(DraftMaterial.objects.values_list("name", flat=True)) == ["场所证明.pdf"]


def test_saving_a_draft_and_resuming_it_on_another_device(client, item, person):
    data = form_data(item, save_draft="1", applicant_name="王五")
    response = client.post(apply_url(item), data)
    assert response.status_code == 302 and response["Location"] == "/my/drafts/"
    draft = ApplicationDraft.objects.get(user=person)
    listed = client.get("/my/drafts/").content.decode()
    assert item.name in listed and f"?draft={draft.pk}" in listed and "申请书.pdf" in listed
    phone = Client()
    phone.force_login(person)
    page = phone.get(apply_url(item), {"draft": draft.pk}).content.decode()
    assert 'value="王五"' in page and 'value="32030219900307123X"' in page and "已上传并保留：申请书.pdf" in page
    assert not Case.objects.exists()


def test_nobody_else_opens_discards_or_downloads_a_draft(client, item, person):
    client.post(apply_url(item), form_data(item, save_draft="1"))
    draft = ApplicationDraft.objects.get()
    material = draft.materials.get()
    assert client.get(f"/my/drafts/{draft.pk}/files/{material.pk}/").status_code == 200
    stranger = Client()
    stranger.force_login(verified_person().user)
    assert stranger.get(apply_url(item), {"draft": draft.pk}).status_code == 404
    assert stranger.get(f"/my/drafts/{draft.pk}/files/{material.pk}/").status_code == 404
    assert stranger.post(f"/my/drafts/{draft.pk}/discard/").status_code == 404
    assert "申请书.pdf" not in stranger.get("/my/drafts/").content.decode()
    assert ApplicationDraft.objects.filter(pk=draft.pk).exists()


@pytest.mark.parametrize("draft_id", ["abc", "99999", "9" * 30])
def test_a_draft_that_does_not_exist_is_a_404(client, item, person, draft_id):
    assert client.get(apply_url(item), {"draft": draft_id}).status_code == 404


def test_discarding_a_draft_deletes_it_and_its_files(client, item, person, django_capture_on_commit_callbacks):
    client.post(apply_url(item), form_data(item, save_draft="1"))
    draft = ApplicationDraft.objects.get()
    [name] = draft.materials.values_list("file", flat=True)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/my/drafts/{draft.pk}/discard/")
    assert response["Location"] == "/my/drafts/" and not ApplicationDraft.objects.exists()
    assert not private_storage().exists(name)
