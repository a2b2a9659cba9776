"""Maintenance of the personal-data keys (core.crypto; docs/security.md, "Personal data keys"): every stored value
encrypted with an older data key re-encrypted with the newest (`zerovisit rotate_data_keys`), and stored lookup
hashes recomputed under another lookup key (the migrations that gave the lookup hash a key of its own).

Tables are read a batch at a time in primary-key order (memory for one batch whatever their size), and each batch
is written in its own transaction.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.apps import apps
from django.db import transaction

from . import crypto

BATCH_SIZE = 500

# Every column holding values encrypted by core.crypto: model label → fields. A test checks that every model field
# named *_encrypted is listed here or in LEFT_OUT, so that a new one cannot be forgotten.
ENCRYPTED_COLUMNS = {
    "accounts.Applicant": ("id_number_encrypted", "phone_encrypted", "email_encrypted"),
    "accounts.User": ("phone_encrypted",),  # the mobile number an account signs in with
    "accounts.OneTimeCode": ("phone_encrypted", "code_encrypted"),  # the code only until it is sent
    "licenses.License": ("holder_code_encrypted",),
    "delivery.Shipment": ("sender_phone_encrypted", "recipient_phone_encrypted"),
    "org.Seal": ("key_encrypted", "sm2_key_encrypted"),
    "notify.Message": ("address",),  # the phone or e-mail address of an SMS or e-mail (empty in-app)
    "cases.ApplicationDraft": ("data_encrypted",),
    "feedback.Rectification": ("caller_phone_encrypted",),  # a 12345 work order's caller
}
# Encrypted values that rotate_data_keys leaves as they are, and why: the keys they use must stay in ZV_DATA_KEYS.
LEFT_OUT = {
    ("cases.Case", "delivery_address"): (
        "the courier's phone (phone_encrypted in the JSON) is covered by the case's history anchor, which keeps a "
        "digest of the address under the audit key: re-encrypting it needs the anchor re-signed"
    ),
}


def batches(queryset, fields, size: int = BATCH_SIZE) -> Iterator[list[tuple]]:
    """(pk, *fields) of the rows of `queryset`, in primary-key order, `size` rows at a time."""
    last = None
    ordered = queryset.order_by("pk")
    while True:
        page = ordered if last is None else ordered.filter(pk__gt=last)
        rows = list(page.values_list("pk", *fields)[:size])
        if not rows:
            return
        yield rows
        last = rows[-1][0]


@dataclass
class Counts:
    """Of one column: values re-encrypted, already under the newest key, still under an older key (only counted
    with check_only, or when the row changed while it was read: run again), and the rows whose value no key
    decrypts."""

    rotated: int = 0
    current: int = 0
    stale: int = 0
    unreadable: list = field(default_factory=list)


def rotate_model(label: str, fields, *, batch_size: int = BATCH_SIZE, check_only: bool = False) -> dict[str, Counts]:
    """Re-encrypt with the newest data key every value of `fields` in the table of `label` that is not under it.

    Idempotent: a value under the newest key is left alone. A row is written only if it still holds what was read
    (compare and set), so a value written by the application meanwhile (with the newest key) is never overwritten
    with an old one; such a value is counted as stale and the next run takes it."""
    model = apps.get_model(label)
    counts = {name: Counts() for name in fields}
    for rows in batches(model._default_manager.all(), fields, batch_size):
        with transaction.atomic():
            for pk, *tokens in rows:
                read, rotated = {}, {}
                for name, token in zip(fields, tokens, strict=True):
                    if not token:
                        continue
                    if crypto.is_current(token):
                        counts[name].current += 1
                        continue
                    try:
                        rotated[name] = crypto.rotate(token)
                    except ValueError:
                        counts[name].unreadable.append(pk)
                        continue
                    read[name] = token
                if not rotated:
                    continue
                written = not check_only and model._default_manager.filter(pk=pk, **read).update(**rotated)
                for name in rotated:
                    if written:
                        counts[name].rotated += 1
                    else:
                        counts[name].stale += 1
    return counts


def stale_case_addresses(*, batch_size: int = BATCH_SIZE) -> Counts:
    """The courier phones in cases' delivery addresses (LEFT_OUT): how many are under the newest key and how many
    under an older one, which must stay configured."""
    counts = Counts()
    cases = apps.get_model("cases.Case")._default_manager.exclude(delivery_address={})
    for rows in batches(cases, ["delivery_address"], batch_size):
        for pk, address in rows:
            token = (address or {}).get("phone_encrypted")
            if not token:
                continue
            if crypto.is_current(token):
                counts.current += 1
            else:
                try:
                    crypto.decrypt(token)
                except ValueError:
                    counts.unreadable.append(pk)
                else:
                    counts.stale += 1
    return counts


def rehash_from_encrypted(model, *, encrypted: str, hashed: str, hasher: Callable[[str], str],
                          seen: Callable[[str, str], None] | None = None,
                          batch_size: int = BATCH_SIZE) -> int:  # fmt: skip
    """Set `hashed` of every row of `model` (a migration's historical model too) to `hasher` of its decrypted
    `encrypted` value; `seen(value, new hash)` is told each value. The number of rows changed. A value no
    configured data key decrypts stops it: ZV_DATA_KEYS must hold every key in use."""
    manager = model._default_manager
    changed = 0
    for rows in batches(manager.exclude(**{encrypted: ""}), [encrypted, hashed], batch_size):
        updates = []
        for pk, token, stored in rows:
            try:
                value = crypto.decrypt(token)
            except ValueError as exc:
                raise RuntimeError(
                    f"{model._meta.label} {pk}: {encrypted} cannot be decrypted; is every key in ZV_DATA_KEYS?"
                ) from exc
            new = hasher(value)
            if seen is not None:
                seen(value, new)
            if new != stored:
                updates.append(model(pk=pk, **{hashed: new}))
        with transaction.atomic():
            manager.bulk_update(updates, [hashed])
        changed += len(updates)
    return changed
