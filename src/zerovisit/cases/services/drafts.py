"""Drafts (暂存): an application saved before it is sent, with its files, so that neither a refused submission nor
a closed browser loses what a person has typed and uploaded."""

import datetime
import hashlib
import json
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zerovisit.catalog.models import ServiceItem
from zerovisit.core import crypto
from zerovisit.core.errors import DomainError
from zerovisit.core.files import check_upload

from ..models import ApplicationDraft, DraftMaterial
from .applying import MaterialInput, _delete_files

# What a draft keeps of a form: the answers, not the form's own plumbing.
NOT_KEPT = {"csrfmiddlewaretoken", "confirm", "draft", "save_draft"}
MAX_DATA_CHARACTERS = 64 * 1024


class DraftRefused(DomainError):
    code = "invalid_draft"


def _kept_answers(answers: dict[str, str]) -> dict[str, str]:
    kept = {key: value for key, value in answers.items() if key not in NOT_KEPT and not key.startswith("material_")}
    if len(json.dumps(kept, ensure_ascii=False)) > MAX_DATA_CHARACTERS:
        raise DraftRefused(_("The draft is too long to keep."), code="draft_too_large")
    return kept


@dataclass(frozen=True)
class DraftTarget:
    """What a draft is of: an item, or a bundle (一件事, under the code `bundle:<code>`), with the materials it
    asks for (a bundle's merged materials each by the first of its members' specs)."""

    impl_code: str
    name: str
    specs: tuple


def _target(item) -> DraftTarget:
    if isinstance(item, DraftTarget):
        return item
    return DraftTarget(item.impl_code, item.name, tuple(item.materials.all()))


def usable_uploads(item: ServiceItem | DraftTarget, files: dict) -> tuple[dict, list[dict]]:
    """(spec → upload for the files that pass an application material's checks, the problems of the others)."""
    specs = {spec.pk: spec for spec in _target(item).specs}
    usable, problems = {}, []
    for spec_id, upload in files.items():
        spec = specs.get(spec_id)
        if spec is None:
            problems.append({"field": f"materials.{spec_id}", "code": "not_of_this_item",
                             "message": _("This material is not one of the item's.")})  # fmt: skip
            continue
        try:
            check_upload(upload, max_bytes=settings.MAX_MATERIAL_FILE_BYTES)
        except ValidationError as exc:
            problems.append({"field": f"materials.{spec_id}", "code": exc.code,
                             "message": f"{spec.name}：{exc.messages[0]}"})  # fmt: skip
            continue
        usable[spec] = upload
    return usable, problems


def _sha256(upload) -> str:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def save_draft(*, user, item: ServiceItem | DraftTarget, answers: dict[str, str], files: dict,
               draft=None) -> ApplicationDraft:  # fmt: skip
    """Keep an application as far as it has come: its answers, and its files (material spec id → upload; a new
    file replaces the draft's earlier one of that material). A file that fails the materials' checks refuses the
    whole draft, with every problem (usable_uploads sorts them first). The draft lives DRAFT_DAYS from now."""
    if draft is not None and draft.user_id != user.pk:
        raise DraftRefused(_("This draft is not yours."), code="not_your_draft")
    kept, (checked, problems) = _kept_answers(answers), usable_uploads(item, files)
    if problems:
        raise DraftRefused(problems[0]["message"], code=problems[0]["code"], errors=problems)
    now = timezone.now()
    stored, replaced = [], []
    try:
        with transaction.atomic():
            draft = draft or ApplicationDraft(user=user)
            target = _target(item)
            draft.impl_code, draft.item_name = target.impl_code, target.name
            draft.data_encrypted = crypto.encrypt(json.dumps(kept, ensure_ascii=False))
            draft.saved_at, draft.expires_at = now, now + datetime.timedelta(days=settings.DRAFT_DAYS)
            draft.save()
            earlier = {m.spec_id: m for m in draft.materials.filter(spec__in=[spec.pk for spec in checked])}
            for spec, upload in checked.items():
                material = earlier.get(spec.pk) or DraftMaterial(draft=draft, spec=spec)
                if material.pk:
                    replaced.append(material.file.name)
                material.name, material.size, material.sha256 = upload.name[-255:], upload.size, _sha256(upload)
                material.file.save(upload.name, upload, save=False)
                stored.append(material.file.name)
                material.save()
            transaction.on_commit(lambda: _delete_files(replaced))
    except BaseException:
        _delete_files(stored)
        raise
    return draft


def discard_draft(*, user, draft: ApplicationDraft) -> None:
    """Delete a draft and its files (after sending it, or at its person's wish)."""
    if draft.user_id != user.pk:
        raise DraftRefused(_("This draft is not yours."), code="not_your_draft")
    _delete_drafts(ApplicationDraft.objects.filter(pk=draft.pk))


def _delete_drafts(drafts) -> int:
    """Delete drafts with their material rows, and their files once the deletion has committed; how many."""
    with transaction.atomic():
        names = list(DraftMaterial.objects.filter(draft__in=drafts).values_list("file", flat=True))
        deleted = drafts.delete()[1].get(ApplicationDraft._meta.label, 0)
        transaction.on_commit(lambda: _delete_files(names))
    return deleted


def delete_expired_drafts(*, now: datetime.datetime | None = None) -> int:
    """Drafts not saved again within DRAFT_DAYS go with their files (run by the periodic job)."""
    return _delete_drafts(ApplicationDraft.objects.filter(expires_at__lte=now or timezone.now()))


def draft_answers(draft: ApplicationDraft) -> dict[str, str]:
    return json.loads(crypto.decrypt(draft.data_encrypted))


def draft_material_inputs(draft: ApplicationDraft, specs, skip=()) -> list[MaterialInput]:
    """The draft's files as an application's materials, for the specs given and not in `skip` (those the
    person has just uploaded again)."""
    wanted = {spec.pk: spec for spec in specs if spec.pk not in skip}
    return [
        MaterialInput(spec=wanted[m.spec_id], file=File(m.file.open("rb"), name=m.name), _sha256=m.sha256)
        for m in draft.materials.all()
        if m.spec_id in wanted
    ]
