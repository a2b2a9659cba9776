"""The lookup hash of applicants' ID numbers gets a key of its own (settings.LOOKUP_KEY, ZV_LOOKUP_KEY).

It was derived from the newest data key, so adding a data key changed every lookup hash and existing applicants were
no longer found. Each stored hash is recomputed from the decrypted ID number under the lookup key (and, going
back, under the newest data key). Set ZV_LOOKUP_KEY, the same on every host, before migrating.
"""

from django.conf import settings
from django.db import migrations


def _rehash(apps, secret: str) -> None:
    from zerovisit.core import crypto, keys

    keys.rehash_from_encrypted(apps.get_model("accounts", "Applicant"), encrypted="id_number_encrypted",
                               hashed="id_number_hash", hasher=crypto.lookup_hasher(secret))  # fmt: skip


def forwards(apps, schema_editor):
    _rehash(apps, settings.LOOKUP_KEY)


def backwards(apps, schema_editor):
    _rehash(apps, settings.DATA_KEYS[0])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_credit_code_override"),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
