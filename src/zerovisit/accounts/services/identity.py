"""Who holds an account: signing in (and registering) with an SMS code, a password reset by SMS code, and the
account bound to one person verified against the population register (实名认证, level 2) and then as a real person
by a face check (实人认证, level 3).

SMS codes are six digits, valid for settings.SMS_CODE_MINUTES, used once and dead after settings.SMS_CODE_ATTEMPTS
wrong tries; a new code replaces the number's earlier ones. A number gets one code a minute and
settings.SMS_CODES_PER_NUMBER_HOUR an hour, a client settings.SMS_CODES_PER_CLIENT_HOUR an hour. Only a keyed hash
of a code is kept (core.crypto.lookup_hash): whoever reads the database cannot sign in with it.
"""

import datetime
import re
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _

from zerovisit.core import audit, crypto, identity, ratelimit
from zerovisit.core.errors import DomainError, PermissionDenied
from zerovisit.notify.services import notify

from ..identity_providers import Assertion
from ..models import Applicant, ApplicantKind, AssuranceLevel, CodePurpose, ExternalIdentity, OneTimeCode, User
from ..registers import RegisterUnavailable, Verdict, identity_register
from .applicants import _checked_organisation, _checked_person

MOBILE = re.compile(r"^1[3-9]\d{9}$")
FACE_IMAGE_MAX_BYTES = 5 * 1024 * 1024
FACE_IMAGE_SIGNATURES = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")  # JPEG, PNG
CODE_INTERVAL = datetime.timedelta(minutes=1)  # between two codes to one number
VERIFICATIONS_PER_DAY = 10  # per account: the register is not an oracle for guessing who holds an ID number


class InvalidPhone(DomainError):
    code = "invalid_phone"


class TooManyRequests(DomainError):
    code = "too_many_codes"
    status = 429


class CodeRefused(DomainError):
    code = "invalid_code"


class VerificationRefused(DomainError):
    code = "verification_refused"


class AlreadyBound(VerificationRefused):
    """The account is verified as somebody else, or the person is verified with another account."""

    code = "person_bound_elsewhere"
    status = 409


class RegisterDown(DomainError):
    code = "register_unavailable"
    status = 503


def normalised_phone(phone: str) -> str:
    """A mainland mobile number as eleven digits (spaces, dashes and a +86 prefix dropped), or InvalidPhone."""
    digits = re.sub(r"[\s-]", "", phone or "").removeprefix("+86")
    if not MOBILE.match(digits):
        raise InvalidPhone(_("Enter an 11-digit mainland mobile number."))
    return digits


def phone_fields(phone: str) -> dict:
    """An account's mobile number as User keeps it: encrypted, its keyed hash (the sign-in lookup) and its mask."""
    return {
        "phone_hash": crypto.lookup_hash(phone),
        "phone_encrypted": crypto.encrypt(phone),
        "phone_masked": identity.mask_phone(phone),
    }


def _code_hash(phone_hash: str, code: str) -> str:
    return crypto.lookup_hash(f"sms-code:{phone_hash}:{code}")


# -- codes ------------------------------------------------------------------------------------------------------


def send_code(*, phone: str, purpose: str, client: str, language: str = "zh-hans") -> str:
    """Send a new SMS code to `phone` for `purpose` (CodePurpose), asked for by `client` (its address); the number,
    masked, to say where it went. A reset code goes only to a number that has an account; the answer is the same
    either way, so that nobody learns from it whose number is registered."""
    from ..tasks import send_code as send_code_task

    phone = normalised_phone(phone)
    phone_hash = crypto.lookup_hash(phone)
    if not ratelimit.allow_for(f"code-client:{client}", settings.SMS_CODES_PER_CLIENT_HOUR, 3600):
        raise TooManyRequests(_("Too many codes were asked for from here; try again in an hour."))
    now = timezone.now()
    if OneTimeCode.objects.filter(phone_hash=phone_hash, created_at__gt=now - CODE_INTERVAL).exists():
        raise TooManyRequests(_("A code was sent to this number less than a minute ago; wait before asking again."))
    if not ratelimit.allow_for(f"code-hour:{phone_hash}", settings.SMS_CODES_PER_NUMBER_HOUR, 3600):
        raise TooManyRequests(_("Too many codes were sent to this number; try again in an hour."))
    masked = identity.mask_phone(phone)
    if purpose == CodePurpose.RESET and not User.objects.filter(phone_hash=phone_hash, is_active=True).exists():
        return masked
    code = f"{secrets.randbelow(10**6):06d}"
    with transaction.atomic():
        # Only the newest code counts (_use_code); an older one still waiting to be sent is not sent at all.
        live = OneTimeCode.objects.filter(phone_hash=phone_hash, purpose=purpose, used_at=None, expires_at__gt=now)
        live.update(expires_at=now)
        sent = OneTimeCode.objects.create(
            phone_hash=phone_hash,
            phone_encrypted=crypto.encrypt(phone),
            purpose=purpose,
            language=language,
            code_hash=_code_hash(phone_hash, code),
            code_encrypted=crypto.encrypt(code),
            expires_at=now + datetime.timedelta(minutes=settings.SMS_CODE_MINUTES),
        )
        send_code_task.enqueue(sent.pk)
    return masked


def deliver_code(code_id: int) -> None:
    """Send a code by SMS unless it was sent, used or has expired; then forget the code itself (its hash stays)."""
    from zerovisit.notify.backends import sms_backend
    from zerovisit.notify.templates import render

    unsent = OneTimeCode.objects.filter(pk=code_id, used_at=None, expires_at__gt=timezone.now()).exclude(
        code_encrypted=""
    )
    code = unsent.first()
    if code is None:
        return
    title, body = render(
        f"account.code_{code.purpose}",
        {"code": crypto.decrypt(code.code_encrypted), "minutes": settings.SMS_CODE_MINUTES},
        code.language,
    )
    sms_backend().send(crypto.decrypt(code.phone_encrypted), f"【{title}】{body}", key=f"zv-code-{code.pk}")
    OneTimeCode.objects.filter(pk=code.pk).update(code_encrypted="", sent_at=timezone.now())


def _use_code(phone: str, purpose: str, code: str) -> None:
    """Spend the number's current code for `purpose`, or CodeRefused. A wrong try is counted even though the
    caller's transaction, if any, is rolled back by the refusal: it is written in a transaction of its own."""
    phone_hash = crypto.lookup_hash(phone)
    code = (code or "").strip()
    with transaction.atomic():
        latest = (
            OneTimeCode.objects.select_for_update()
            .filter(phone_hash=phone_hash, purpose=purpose)
            .order_by("-created_at", "-pk")
            .first()
        )
        if latest is None or latest.used_at is not None or latest.expires_at <= timezone.now():
            refusal = CodeRefused(
                _("This code has expired or was used already; ask for a new one."), code="code_expired"
            )
        elif latest.attempts >= settings.SMS_CODE_ATTEMPTS:
            refusal = CodeRefused(_("Too many wrong codes; ask for a new one."), code="too_many_attempts")
        elif not constant_time_compare(latest.code_hash, _code_hash(phone_hash, code)):
            latest.attempts += 1
            latest.save(update_fields=["attempts"])
            left = settings.SMS_CODE_ATTEMPTS - latest.attempts
            refusal = CodeRefused(_("The code is not right (%(n)d tries left).") % {"n": left}, code="invalid_code")
        else:
            latest.used_at = timezone.now()
            latest.save(update_fields=["used_at"])
            refusal = None
    if refusal is not None:
        raise refusal


# -- accounts ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SignIn:
    user: User
    created: bool  # a new account: the number had none (registration)


def sign_in_with_code(*, phone: str, code: str) -> SignIn:
    """The account of a mobile number whose SMS code is right, made now (level 1) if the number has none. The
    caller signs the person in (django.contrib.auth.login), which the audit records."""
    phone = normalised_phone(phone)
    _use_code(phone, CodePurpose.SIGN_IN, code)
    phone_hash = crypto.lookup_hash(phone)
    with transaction.atomic():
        user = User.objects.select_for_update().filter(phone_hash=phone_hash).first()
        if user is not None:
            if not user.is_active:
                raise CodeRefused(_("This account is closed."), code="account_inactive")
            if user.assurance_level < AssuranceLevel.PHONE:
                user.assurance_level = AssuranceLevel.PHONE
                user.save(update_fields=["assurance_level"])
            return SignIn(user, created=False)
        try:
            with transaction.atomic():
                user = User(
                    username=f"m{secrets.token_hex(6)}",
                    display_name=identity.mask_phone(phone),
                    assurance_level=AssuranceLevel.PHONE,
                    **phone_fields(phone),
                )
                user.set_unusable_password()
                user.save()
        except IntegrityError:  # the same number registered at the same moment
            return SignIn(User.objects.get(phone_hash=phone_hash), created=False)
        audit.record(
            actor=user,
            action="account.create",
            obj=user,
            detail={
                "via": "sms",
                "username": user.username,
                "phone": user.phone_masked,
                "before": {},
                "after": {"assurance_level": user.assurance_level},
            },
        )
    return SignIn(user, created=True)


def reset_password(*, phone: str, code: str, password: str) -> User:
    """A new password for the account of `phone`, proved by the SMS code sent to it."""
    phone = normalised_phone(phone)
    user = User.objects.filter(phone_hash=crypto.lookup_hash(phone), is_active=True).first()
    if user is not None:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise DomainError(" ".join(exc.messages), code="weak_password") from exc
    _use_code(phone, CodePurpose.RESET, code)  # no code is sent to a number without an account
    if user is None:  # closed after its code was sent
        raise CodeRefused(_("This account is closed."), code="account_inactive")
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        audit.record(
            actor=user, action="account.password_reset", obj=user, detail={"via": "sms", "phone": user.phone_masked}
        )
    return user


def change_password(*, user: User, password: str, current_password: str = "") -> User:
    """A new password chosen while signed in: the current one is asked for where the account has one (an account
    registered by SMS code has none until now). The caller keeps the session signed in
    (update_session_auth_hash); every other session of the account keeps going until it ends."""
    had_password = user.has_usable_password()
    if had_password and not user.check_password(current_password or ""):
        raise DomainError(_("The current password is not right."), code="wrong_password")
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise DomainError(" ".join(exc.messages), code="weak_password") from exc
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        audit.record(actor=user, action="account.password_change", obj=user, detail={"had_password": had_password})
    return user


def bound_person(user) -> Applicant | None:
    """The natural person an account is bound to (its verified identity), if any."""
    if getattr(user, "pk", None) is None:
        return None
    return Applicant.objects.filter(kind=ApplicantKind.PERSON, user=user).first()


def _checked_verification(user) -> None:
    if user.agency_id is not None:
        raise VerificationRefused(_("Staff accounts are not verified as applicants."), code="staff_account")
    if not ratelimit.allow_for(f"verify:{user.pk}", VERIFICATIONS_PER_DAY, 86400):
        raise TooManyRequests(
            _("Too many verifications today; try again tomorrow or at a service window."), code="too_many_verifications"
        )


def _register():
    register = identity_register()
    if register is None:
        raise RegisterDown(
            _("Identity verification is not available online here; a service window can verify you."),
            code="register_not_configured",
        )
    return register


def _verdict_refusal(verdict: Verdict) -> VerificationRefused | None:
    if verdict == Verdict.MISMATCH:
        return VerificationRefused(
            _("The name does not match this ID number in the population register."), code="identity_mismatch"
        )
    if verdict == Verdict.NOT_FOUND:
        return VerificationRefused(
            _("The population register does not know this ID number."), code="identity_not_found"
        )
    return None


def verify_real_name(*, user, name: str, id_number: str) -> Applicant:
    """实名认证: bind the account to the person whose name and ID number the population register confirms, and raise
    it to level 2. A person already bound to another account is not taken from it: the claim is refused and that
    account's holder is told. Nothing changes when the register refuses or cannot be reached."""
    name, id_number = _checked_person(name, id_number)
    bound = bound_person(user)
    if bound is not None and bound.id_number_hash != crypto.lookup_hash(id_number):
        raise AlreadyBound(
            _("This account is already verified as %(name)s; an account belongs to one person.") % {"name": bound.name},
            code="already_verified",
        )
    _checked_verification(user)
    try:
        verdict = _register().verify_person(name, id_number)
    except RegisterUnavailable as exc:
        raise RegisterDown(
            _("The population register cannot be reached just now; nothing was changed. Try again in a few minutes.")
        ) from exc
    if refusal := _verdict_refusal(verdict):
        audit.record(
            actor=user,
            action="account.verify",
            obj=user,
            result="refused",
            detail={
                "level": AssuranceLevel.REAL_NAME,
                "reason": refusal.code,
                "identity": identity.mask_id_number(id_number),
            },
        )
        raise refusal
    lookup = crypto.lookup_hash(id_number)
    with transaction.atomic():
        person = Applicant.objects.select_for_update().filter(kind=ApplicantKind.PERSON, id_number_hash=lookup).first()
        if person is not None and person.user_id not in (None, user.pk):
            owner = person.user_id
            notify(
                user_id=owner,
                event="account.claim_refused",
                values={"identity": person.id_number_masked},
                phone_encrypted=person.user.phone_encrypted,
            )
            audit.record(
                actor=user,
                action="account.verify",
                obj=user,
                result="refused",
                detail={
                    "level": AssuranceLevel.REAL_NAME,
                    "reason": "person_bound_elsewhere",
                    "identity": person.id_number_masked,
                },
            )
        else:
            owner = None
            person = _bind(user, person, name, id_number, lookup)
    if owner is not None:
        raise AlreadyBound(
            _(
                "This person is already verified with another account. Its holder has been told; if that account is "
                "not yours, a service window can help."
            ),
            code="person_bound_elsewhere",
        )
    return person


def _bind(user, person: Applicant | None, name: str, id_number: str, lookup: str,
          level: int = AssuranceLevel.REAL_NAME, via: str = "register") -> Applicant:  # fmt: skip
    """Make `person` (or a new applicant) the account's verified identity at `level` at least, under the name the
    register (or an identity provider) confirmed. Called inside the transaction that holds the person's row."""
    if person is None:
        person = Applicant(
            kind=ApplicantKind.PERSON,
            id_number_encrypted=crypto.encrypt(id_number),
            id_number_hash=lookup,
            id_number_masked=identity.mask_id_number(id_number),
        )
    person.name, person.user = name, user
    if not person.phone_encrypted and user.phone_encrypted:
        person.phone_encrypted, person.phone_masked = user.phone_encrypted, user.phone_masked
    person.save()
    before = user.assurance_level
    user.assurance_level, user.verified_at = max(before, level), timezone.now()
    user.save(update_fields=["assurance_level", "verified_at"])
    audit.record(
        actor=user,
        action="account.verify",
        obj=user,
        detail={
            "level": level,
            "via": via,
            "identity": person.id_number_masked,
            "before": {"assurance_level": before},
            "after": {"assurance_level": user.assurance_level},
        },
    )
    return person


def verify_real_person(*, user, image: bytes) -> User:
    """实人认证: the register's face check of the account's verified person against a photo taken now (kept
    nowhere), raising the account to level 3."""
    person = bound_person(user)
    if person is None:
        raise VerificationRefused(_("Verify your real name first."), code="verification_required")
    if len(image) > FACE_IMAGE_MAX_BYTES or not image.startswith(FACE_IMAGE_SIGNATURES):
        raise VerificationRefused(_("Take a photo (JPEG or PNG, at most 5 MB) of your face."), code="invalid_image")
    _checked_verification(user)
    try:
        verdict = _register().verify_face(person.name, crypto.decrypt(person.id_number_encrypted), image)
    except RegisterUnavailable as exc:
        raise RegisterDown(
            _("The face check cannot be reached just now; nothing was changed. Try again in a few minutes.")
        ) from exc
    if verdict != Verdict.MATCH:
        audit.record(
            actor=user,
            action="account.verify",
            obj=user,
            result="refused",
            detail={"level": AssuranceLevel.REAL_PERSON, "reason": "face_mismatch"},
        )
        raise VerificationRefused(
            _("The photo does not match the register's; try again in good light, facing the camera."),
            code="face_mismatch",
        )
    with transaction.atomic():
        before = user.assurance_level
        user.assurance_level, user.verified_at = AssuranceLevel.REAL_PERSON, timezone.now()
        user.save(update_fields=["assurance_level", "verified_at"])
        audit.record(
            actor=user,
            action="account.verify",
            obj=user,
            detail={
                "level": AssuranceLevel.REAL_PERSON,
                "before": {"assurance_level": before},
                "after": {"assurance_level": user.assurance_level},
            },
        )
    return user


# -- identity providers -----------------------------------------------------------------------------------------


def sign_in_with_assertion(assertion: Assertion) -> SignIn:
    """The account of the person an identity provider vouches for (accounts.identity_providers), bound to them at
    the level the provider counts as: the account that signed in through this provider before, else the account
    the person is verified with, else a new one. The provider is the authority on who the person is, as the
    register is for verify_real_name; an account bound to someone else is not taken over. The caller signs the
    person in."""
    try:
        return _sign_in_with_assertion(assertion)
    except IntegrityError:  # the same person's first sign-in at the same moment made them: now they are found
        return _sign_in_with_assertion(assertion)


def _sign_in_with_assertion(assertion: Assertion) -> SignIn:
    name, id_number = _checked_person(assertion.name, assertion.id_number)
    lookup = crypto.lookup_hash(id_number)
    now = timezone.now()
    with transaction.atomic():
        link = (ExternalIdentity.objects.select_for_update().select_related("user")
                .filter(issuer=assertion.issuer, subject=assertion.subject).first())  # fmt: skip
        person = Applicant.objects.select_for_update().filter(kind=ApplicantKind.PERSON, id_number_hash=lookup).first()
        user = link.user if link else person.user if person is not None and person.user_id else None
        created = user is None
        if created:
            user = User(username=f"p{secrets.token_hex(6)}", display_name=name)
            user.set_unusable_password()
            user.save()
            audit.record(actor=user, action="account.create", obj=user, detail={
                "via": assertion.provider, "username": user.username, "before": {}, "after": {"assurance_level": 0},
            })  # fmt: skip
        refusal = _assertion_refusal(user, person, lookup)
        if refusal is None:
            if person is None or person.user_id is None or user.assurance_level < assertion.level:
                _bind(user, person, name, id_number, lookup, level=assertion.level, via=assertion.provider)
            ExternalIdentity.objects.update_or_create(issuer=assertion.issuer, subject=assertion.subject, defaults={
                "user": user, "provider": assertion.provider, "last_used_at": now,
            })  # fmt: skip
            if assertion.phone and not user.phone_hash:
                _take_phone(user, assertion.phone, via=assertion.provider)
    if refusal is not None:
        audit.record(actor=None, action="account.sign_in", object_type="accounts.user", object_id=str(user.pk),
                     result="refused", detail={"via": assertion.provider, "reason": refusal.code})  # fmt: skip
        raise refusal
    return SignIn(user, created=created)


def _assertion_refusal(user, person: Applicant | None, lookup: str) -> DomainError | None:
    if not user.is_active:
        return CodeRefused(_("This account is closed."), code="account_inactive")
    if user.agency_id is not None or user.is_staff or user.is_superuser:
        return VerificationRefused(_("Staff sign in with their password and second factor."), code="staff_account")
    bound = bound_person(user)
    if (bound is not None and bound.id_number_hash != lookup) or (person is not None and person.user_id not in (
            None, user.pk)):  # fmt: skip
        return AlreadyBound(_("This person and the identity platform's account are held by different accounts "
                              "here; a service window can help."), code="person_bound_elsewhere")  # fmt: skip
    return None


def _take_phone(user, phone: str, via: str) -> None:
    """The mobile number the provider confirmed becomes the account's when no other account has it (then it
    signs in by SMS code too); a number that is not a mainland mobile, or is taken, is left out."""
    try:
        fields = phone_fields(normalised_phone(phone))
    except InvalidPhone:
        return
    for field, value in fields.items():
        setattr(user, field, value)
    try:
        with transaction.atomic():
            user.save(update_fields=[*fields])
    except IntegrityError:  # the number is another account's
        user.phone_hash, user.phone_encrypted, user.phone_masked = None, "", ""
        return
    audit.record(actor=user, action="account.change", obj=user, detail={
        "via": via, "before": {"phone": ""}, "after": {"phone": user.phone_masked},
    })  # fmt: skip


# -- whom an account applies as ---------------------------------------------------------------------------------


def check_applying_as(
    account,
    *,
    kind: str = "",
    name: str = "",
    id_number: str = "",
    credit_code: str = "",
    impl_code: str = "",
    **details,
) -> None:
    """Whom a person applying online for themselves may name as the applicant: the person their account is verified
    as (whatever name the form gives), an organisation whose account they hold, or one that authorised them as its
    agent for the item (`impl_code`). Anyone else only under a proxy authorisation (the proxy channel): everything
    else is PermissionDenied, `not_authorised_for_applicant` (`agent_authorisation_ended` for an agent whose
    authorisation ended). How well the account is verified is checked with the item (its assurance level)."""
    from .organisations import agent_may_apply  # it builds on this module

    if kind == ApplicantKind.PERSON:
        _name, given = _checked_person(name, id_number)  # a mistyped number is said as such, first
        person = bound_person(account)
        if person is None:
            raise PermissionDenied(
                _("Your account is not yet verified as a person: verify your real name, then apply as yourself."),
                code="not_authorised_for_applicant",
            )
        if crypto.lookup_hash(given) == person.id_number_hash:
            return
        refused_for = identity.mask_id_number(given)
    elif kind == ApplicantKind.ORGANISATION:
        _name, refused_for, _check_failed = _checked_organisation(name, credit_code)
        organisation = Applicant.objects.filter(kind=ApplicantKind.ORGANISATION, credit_code=refused_for).first()
        if organisation is not None and (
            organisation.user_id == account.pk or agent_may_apply(account, organisation, impl_code)
        ):
            return
    else:
        return  # find_applicant refuses an unknown kind
    raise PermissionDenied(
        _(
            "You may apply only as yourself, for an organisation whose account you hold or whose agent you are, or "
            "under a proxy authorisation of the applicant (%(applicant)s is none of these)."
        )
        % {"applicant": refused_for},
        code="not_authorised_for_applicant",
    )
