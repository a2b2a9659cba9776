"""Case numbers: region code, date, random part. Unique without a global sequence, so any number of hosts and
database partitions can number cases at once; the unique index catches the rare collision and the caller draws
again."""

import secrets

from django.utils import timezone

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U to misread


def new_case_number(region_code: str, when=None) -> str:
    """E.g. 320300-20261128-7QK2M9XD: the agency's county-level region code, the day, 40 random bits."""
    day = timezone.localdate(when) if when else timezone.localdate()
    random_part = "".join(secrets.choice(ALPHABET) for _ in range(8))
    return f"{region_code[:6]}-{day:%Y%m%d}-{random_part}"
