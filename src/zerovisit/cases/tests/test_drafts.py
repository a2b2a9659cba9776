"""Drafts (暂存): kept with their files, encrypted, and gone with their files when sent, discarded or expired."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from zerovisit.accounts.tests.factories import UserFactory
from zerovisit.cases import services
from zerovisit.cases.models import ApplicationDraft, DraftMaterial
from zerovisit.catalog.models import MaterialSpec
from zerovisit.core.storage import private_storage
from zerovisit.org.tests.factories import AgencyFactory

from .factories import pdf, publish


@pytest.fixture
def item(db):
    return publish(AgencyFactory())


@pytest.fixture
def specs(item):
    return list(MaterialSpec.objects.filter(item=item).order_by("order"))


def stored(draft) -> list[str]:
    return list(DraftMaterial.objects.filter(draft=draft).values_list("file", flat=True))


def test_a_draft_keeps_the_answers_encrypted_and_its_files_privately(item, specs):
    user = UserFactory()
    draft = services.save_draft(user=user, item=item, answers={"id_number": "32030219900307123X",
                                "csrfmiddlewaretoken": "x", "confirm": "on"}, files={specs[0].pk: pdf()})  # fmt: skip
    assert "32030219900307123X" not in ApplicationDraft.objects.get().data_encrypted
    assert services.draft_answers(draft) == {"id_number": "32030219900307123X"}  # not the form's plumbing
    [name] = stored(draft)
    assert name.startswith("drafts/") and "申请书" not in name and private_storage().exists(name)
    assert draft.expires_at - draft.saved_at == datetime.timedelta(days=30)


def test_saving_again_replaces_a_materials_file_and_deletes_the_old_one(
    item, specs, django_capture_on_commit_callbacks
):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        draft = services.save_draft(user=user, item=item, answers={}, files={specs[0].pk: pdf("旧.pdf")})
    [old] = stored(draft)
    with django_capture_on_commit_callbacks(execute=True):
        services.save_draft(user=user, item=item, answers={}, files={specs[0].pk: pdf("新.pdf")}, draft=draft)
    [new] = stored(draft)
    assert new != old and not private_storage().exists(old) and private_storage().exists(new)
    assert DraftMaterial.objects.get().name == "新.pdf"


def test_a_file_that_fails_the_checks_keeps_nothing(item, specs):
    fake = SimpleUploadedFile("申请书.pdf", b"<html>not a pdf</html>")
    with pytest.raises(services.DraftRefused) as refused:
        services.save_draft(user=UserFactory(), item=item, answers={}, files={specs[0].pk: pdf(), specs[1].pk: fake})
    assert refused.value.errors[0]["field"] == f"materials.{specs[1].pk}"
    assert not ApplicationDraft.objects.exists() and not DraftMaterial.objects.exists()


def test_a_material_of_another_item_is_refused(item):
    other = MaterialSpec.objects.exclude(item=item).first() or publish(AgencyFactory()).materials.first()
    with pytest.raises(services.DraftRefused):
        services.save_draft(user=UserFactory(), item=item, answers={}, files={other.pk: pdf()})


def test_nobody_but_its_person_saves_into_or_discards_a_draft(item, specs):
    draft = services.save_draft(user=UserFactory(), item=item, answers={}, files={})
    stranger = UserFactory()
    with pytest.raises(services.DraftRefused):
        services.save_draft(user=stranger, item=item, answers={}, files={}, draft=draft)
    with pytest.raises(services.DraftRefused):
        services.discard_draft(user=stranger, draft=draft)
    assert ApplicationDraft.objects.filter(pk=draft.pk).exists()


def test_expired_drafts_go_with_their_files_and_others_stay(item, specs, django_capture_on_commit_callbacks):
    old = services.save_draft(user=UserFactory(), item=item, answers={}, files={specs[0].pk: pdf()})
    fresh = services.save_draft(user=UserFactory(), item=item, answers={}, files={specs[0].pk: pdf()})
    [old_file] = stored(old)
    ApplicationDraft.objects.filter(pk=old.pk).update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.delete_expired_drafts() == 1
    assert list(ApplicationDraft.objects.values_list("pk", flat=True)) == [fresh.pk]
    assert not private_storage().exists(old_file) and private_storage().exists(stored(fresh)[0])


def test_a_draft_too_long_to_keep_is_refused(item):
    with pytest.raises(services.DraftRefused) as refused:
        services.save_draft(user=UserFactory(), item=item, answers={"form.x": "长" * 70_000}, files={})
    assert refused.value.code == "draft_too_large"
