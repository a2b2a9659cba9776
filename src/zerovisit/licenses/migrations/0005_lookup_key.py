"""The lookup hash of licence holders' codes gets a key of its own (settings.LOOKUP_KEY, ZV_LOOKUP_KEY).

It was derived from the newest data key, so adding a data key changed every lookup hash and existing holders were
no longer found. Each licence's hash is recomputed from its decrypted holder code under the lookup key (and, going
back, under the newest data key). The log of the sharing API (LicenseAccess) keeps only hashes: each is mapped to
the new hash of the licence holder code it was made from (under any configured data key, in case one had been
added since); a hash of a code that no licence holds cannot be mapped and stays as it was. Set ZV_LOOKUP_KEY, the
same on every host, before migrating.
"""

from django.conf import settings
from django.db import migrations


def _rehash(apps, old_secrets: list[str], new_secret: str) -> None:
    from zerovisit.core import crypto, keys

    accesses = apps.get_model("licenses", "LicenseAccess")._default_manager
    logged = set(accesses.values_list("holder_code_hash", flat=True).distinct())
    old_hashers = [crypto.lookup_hasher(secret) for secret in old_secrets]
    mapping = {}

    def seen(code: str, new: str) -> None:
        if logged:
            for old_hash in (hasher(code) for hasher in old_hashers):
                if old_hash in logged and old_hash != new:
                    mapping[old_hash] = new

    keys.rehash_from_encrypted(apps.get_model("licenses", "License"), encrypted="holder_code_encrypted",
                               hashed="holder_code_hash", hasher=crypto.lookup_hasher(new_secret), seen=seen)  # fmt: skip
    for old_hash, new in mapping.items():
        accesses.filter(holder_code_hash=old_hash).update(holder_code_hash=new)


def forwards(apps, schema_editor):
    _rehash(apps, list(settings.DATA_KEYS), settings.LOOKUP_KEY)


def backwards(apps, schema_editor):
    _rehash(apps, [settings.LOOKUP_KEY], settings.DATA_KEYS[0])


class Migration(migrations.Migration):
    dependencies = [
        ("licenses", "0004_private_files"),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
