"""Two-factor sign-in of staff and administrators (等保 level 3, DESIGN.md §4): after the password or the SMS code,
a code from an authenticator app (TOTP, RFC 6238, through django-otp) or one of the backup codes.

An account needs it when it may do more than a citizen can: it belongs to an agency, or it is staff (the admin) or
superuser. It enrols at its first sign-in, by scanning the key and typing the app's code. Until a session has
passed the second factor it reaches nothing but these pages (accounts.middleware.SecondFactorMiddleware).

Backup codes are kept only as a keyed hash (core.crypto.lookup_hash): each works once. TOTP codes work once too
(django-otp refuses a code of a time step already used), and wrong tries slow the next one down exponentially
(django-otp's throttling, per device). Every enrolment, pass, failure, renewal and reset is in the audit log.
"""

import math
import secrets
from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from zerovisit.core import audit, crypto
from zerovisit.core.errors import DomainError, PermissionDenied

from ..models import User
from .separation import may_change_rights

BACKUP_CODES = 10
BACKUP_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read off paper and typed again
BACKUP_LENGTH = 8  # 31⁸ ≈ 2⁴⁰; a wrong try slows the next one down, so guessing one is hopeless
DEVICE_NAME = "authenticator"


class SecondFactorRefused(DomainError):
    code = "invalid_second_factor"


def needs_second_factor(user) -> bool:
    """An account that may do more than a citizen: agency staff, the admin's users, superusers. Reads only fields
    of the user row, so the check costs no query on any request."""
    return bool(
        getattr(user, "is_authenticated", False)
        and (user.is_staff or user.is_superuser or getattr(user, "agency_id", None) is not None)
    )


def passed(session) -> bool:
    """Whether this session passed the second factor (django_otp.login marks it)."""
    return DEVICE_ID_SESSION_KEY in session


def authenticator(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def is_enrolled(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def backup_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def pending_authenticator(user) -> TOTPDevice:
    """The key being enrolled: made at the first visit of the enrolment page and kept until it is confirmed, so a
    reload shows the same key the app may have scanned already."""
    if is_enrolled(user):
        raise PermissionDenied(_("An authenticator app is enrolled already."), code="already_enrolled")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def _backup_hash(code: str) -> str:
    # StaticToken.token holds 16 characters: 64 bits of the keyed hash.
    return crypto.lookup_hash("backup " + code.replace("-", ""))[:16]


def _new_backup_codes(user) -> list[str]:
    device, _created = StaticDevice.objects.get_or_create(user=user, name="backup", defaults={"confirmed": True})
    device.token_set.all().delete()
    codes = ["".join(secrets.choice(BACKUP_ALPHABET) for _ in range(BACKUP_LENGTH)) for _ in range(BACKUP_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=_backup_hash(code)) for code in codes)
    return [f"{code[:4]}-{code[4:]}" for code in codes]


def _failed(user, *, step: str, reason: str) -> None:
    audit.record(actor=user, action="account.second_factor", obj=user, result="failed",
                 detail={"step": step, "reason": reason})  # fmt: skip


def _verify(device, token: str, *, user, step: str) -> bool:
    allowed, _info = device.verify_is_allowed()
    if not allowed:
        _failed(user, step=step, reason="throttled")
        raise SecondFactorRefused(
            _("After a wrong code the next try waits: type the app's newest code in %(seconds)d seconds.")
            % {"seconds": _seconds_to_wait(device)},
            code="too_many_attempts",
        )
    return device.verify_token(token)


def _seconds_to_wait(device) -> int:
    # django-otp's rule (ThrottlingMixin.verify_is_allowed): the factor × 2^(failures − 1) seconds after the last.
    wait = device.get_throttle_factor() * 2 ** (device.throttling_failure_count - 1)
    waited = (timezone.now() - device.throttling_failure_timestamp).total_seconds()
    return max(1, math.ceil(wait - waited))


def confirm_enrolment(*, user: User, token: str) -> tuple[TOTPDevice, list[str]]:
    """The app shows the right code for the pending key: the key is enrolled and the account gets its backup
    codes, shown this once. The caller marks the session as passed (django_otp.login)."""
    device = pending_authenticator(user)
    if not _verify(device, "".join((token or "").split()), user=user, step="enrol"):
        _failed(user, step="enrol", reason="wrong_code")
        raise SecondFactorRefused(_("The code is not right. Type the six digits the app shows now."))
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _new_backup_codes(user)
        audit.record(actor=user, action="account.second_factor_enrol", obj=user,
                     detail={"device": "totp", "backup_codes": len(codes)})  # fmt: skip
    return device, codes


def verify_second_factor(*, user: User, token: str):
    """The device whose code `token` is: the authenticator's six digits or an unused backup code (spent now)."""
    token = "".join((token or "").split()).lower()
    device = authenticator(user)
    if device is None:
        raise SecondFactorRefused(_("Enrol an authenticator app first."), code="second_factor_not_enrolled")
    if token.isdigit():
        verified = _verify(device, token, user=user, step="sign_in")
    else:
        device = StaticDevice.objects.filter(user=user, confirmed=True).first()
        verified = device is not None and _verify(device, _backup_hash(token), user=user, step="sign_in")
    if not verified:
        _failed(user, step="sign_in", reason="wrong_code")
        raise SecondFactorRefused(_("The code is not right. Type the six digits the app shows now, or a backup "
                                    "code."))  # fmt: skip
    audit.record(actor=user, action="account.second_factor", obj=user, detail={
        "device": "totp" if isinstance(device, TOTPDevice) else "backup_code",
        **({"backup_codes_left": device.token_set.count()} if isinstance(device, StaticDevice) else {}),
    })  # fmt: skip
    return device


def renew_backup_codes(*, user: User) -> list[str]:
    """Ten new backup codes in place of the old ones (lost, or nearly spent)."""
    if not is_enrolled(user):
        raise SecondFactorRefused(_("Enrol an authenticator app first."), code="second_factor_not_enrolled")
    with transaction.atomic():
        codes = _new_backup_codes(user)
        audit.record(actor=user, action="account.backup_codes_renew", obj=user, detail={"backup_codes": len(codes)})
    return codes


def reset_second_factor(*, actor: User, user: User, via: str) -> None:
    """The person lost their phone: their authenticator and backup codes are removed and every session of theirs
    ends; at the next sign-in they enrol again. For the security administrator, never for oneself (whoever holds
    one factor of an account must not be able to replace the other), and not for the system administrator, who
    sets passwords (accounts.services.separation)."""
    if actor.pk == user.pk:
        raise PermissionDenied(_("Another security administrator resets your two-factor sign-in."),
                               code="own_second_factor")  # fmt: skip
    if not may_change_rights(actor, user):
        raise PermissionDenied(_("Only a security administrator may reset two-factor sign-in."))
    with transaction.atomic():
        removed = TOTPDevice.objects.filter(user=user).delete()[0] + StaticDevice.objects.filter(user=user).delete()[0]
        ended = end_sessions(user)
        audit.record(actor=actor, action="account.second_factor_reset", obj=user, detail={
            "via": via, "username": user.username, "removed": removed, "sessions_ended": ended,
        })  # fmt: skip


def end_sessions(user: User) -> int:
    """Sign the user out everywhere. Sessions are kept in the database, keyed by an opaque id: the user's are found
    by decoding the live ones, and each is ended through the session engine, which forgets its cached copy too."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get(SESSION_KEY) == str(user.pk):
            store(session_key=session.session_key).delete()
            ended += 1
    return ended
