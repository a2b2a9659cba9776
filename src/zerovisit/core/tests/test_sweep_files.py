"""zerovisit sweep_files: private files no row names, and rows whose file is missing."""

import io
import os
import time

from django.core.files.base import ContentFile
from django.core.management import call_command

from zerovisit.cases.tests.conftest import agency, citizen, item
from zerovisit.cases.tests.factories import apply
from zerovisit.core.storage import private_storage

__all__ = ["agency", "citizen", "item"]  # fixtures used below


def sweep(*args) -> str:
    out = io.StringIO()
    call_command("sweep_files", *args, stdout=out)
    return out.getvalue()


def test_orphans_and_missing_files_are_listed_and_only_old_orphans_deleted_on_request(item, citizen, settings):
    storage = private_storage()
    case = apply(item, citizen)
    kept = case.materials.exclude(file="").get().file.name
    old = storage.save("cases/2026/10/0123456789abcdef0123456789abcdef.pdf", ContentFile(b"%PDF-left behind"))
    two_days_ago = time.time() - 48 * 3600
    os.utime(settings.PRIVATE_ROOT / old, (two_days_ago, two_days_ago))
    young = storage.save("notices/2026/12/fedcba9876543210fedcba9876543210.pdf", ContentFile(b"%PDF-being written"))
    lost = apply(item, citizen).materials.exclude(file="").get()
    storage.delete(lost.file.name)

    listed = sweep()
    assert f"orphan  {old}\n" in listed and f"orphan  {young}  (younger than 24 h: kept)" in listed
    assert f"missing  cases.CaseMaterial #{lost.pk}  {lost.file.name}" in listed and kept not in listed
    assert "2 orphan file(s), 0 deleted; 1 row(s) whose file is missing." in listed
    assert storage.exists(old) and storage.exists(young)  # listing deletes nothing

    swept = sweep("--delete")
    assert f"orphan deleted  {old}" in swept and "2 orphan file(s), 1 deleted" in swept
    assert not storage.exists(old) and storage.exists(young) and storage.exists(kept)

    assert "1 orphan file(s), 1 deleted" in sweep("--delete", "--older-than-hours", "0")
    assert not storage.exists(young) and storage.exists(kept)


def test_an_empty_private_storage_is_nothing_to_sweep(db):
    assert "0 orphan file(s), 0 deleted; 0 row(s) whose file is missing." in sweep()
