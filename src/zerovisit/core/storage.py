"""Private storage: the files of cases and licences, kept apart from the public media.

The public `/media/` serves only the catalogue's blank forms and samples. Materials, notices and licences live in
`STORAGES["private"]` (a folder of their own, or an object store with signed URLs), under random names that say
nothing of the uploaded file and cannot be guessed; only views that check who asks serve them (core.serving).
"""

import re
import uuid
from functools import partial
from pathlib import PurePosixPath

from django.conf import settings
from django.core.files.storage import FileSystemStorage, default_storage, storages
from django.core.signals import setting_changed
from django.db import models, transaction
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.functional import LazyObject, empty

SUFFIX = re.compile(r"^\.[a-z0-9]{1,8}$")


class PrivateFileSystemStorage(FileSystemStorage):
    """Files under PRIVATE_ROOT, with no URL: nothing can link to them past the views that check who asks."""

    @property
    def base_location(self):
        return self._value_or_setting(self._location, settings.PRIVATE_ROOT)

    def _clear_cached_properties(self, setting, **kwargs):
        super()._clear_cached_properties(setting, **kwargs)
        if setting == "PRIVATE_ROOT":
            self.__dict__.pop("location", None)

    def url(self, name):
        raise ValueError("A private file has no public URL; it is served by a view that checks who asks.")


class _PrivateStorage(LazyObject):
    """storages["private"], looked up again whenever STORAGES changes (as Django does for default_storage)."""

    def _setup(self):
        self._wrapped = storages["private"]


_private = _PrivateStorage()


def _forget_private_storage(*, setting, **kwargs):
    if setting == "STORAGES":
        _private._wrapped = empty


setting_changed.connect(_forget_private_storage)


def private_storage():
    """The storage of case and licence files; FileFields name this function, so migrations do not pin a backend."""
    return _private


def random_name(prefix: str, filename: str) -> str:
    """`<prefix>/<year>/<month>/<2 hex>/<random hex><suffix>`: only the (lower-cased) extension of the given name
    is kept. A month's uploads are spread over 256 folders by the name's first two digits: a city files millions a
    month, and creating a file in a folder of 180,000 took four times as long as in a small one (0.43 ms against
    0.10, ext4)."""
    suffix = PurePosixPath(filename).suffix.lower()
    random = uuid.uuid4().hex
    return f"{prefix}/{timezone.localtime():%Y/%m}/{random[:2]}/{random}{suffix if SUFFIX.match(suffix) else ''}"


@deconstructible
class RandomName:
    """An `upload_to` giving random names under a prefix (see random_name)."""

    def __init__(self, prefix: str):
        self.prefix = prefix

    def __call__(self, instance, filename: str) -> str:
        return random_name(self.prefix, filename)

    def __eq__(self, other):
        return isinstance(other, RandomName) and other.prefix == self.prefix

    def __hash__(self):
        return hash(self.prefix)


def private_file_fields():
    """(model, field) of every FileField kept in private storage."""
    from django.apps import apps

    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.FileField) and field.storage is _private:
                yield model, field


def move_public_files(model, field_name: str, prefix: str) -> int:
    """Move the files a column names from the public (default) storage to private storage under random names; for
    the data migrations that made these files private. A file already gone is left for `sweep_files` to report.
    The public copy is deleted only once the new names are committed, so a failed migration loses nothing."""
    public, private, moved = default_storage, private_storage(), 0
    rows = model._default_manager.exclude(**{field_name: ""}).values_list("pk", field_name)
    for pk, name in list(rows):
        if not public.exists(name):
            continue
        with public.open(name, "rb") as content:
            new_name = private.save(random_name(prefix, name), content)
        model._default_manager.filter(pk=pk).update(**{field_name: new_name})
        transaction.on_commit(partial(public.delete, name))
        moved += 1
    return moved
