"""Applicants and proxy authorisations: the identities cases are filed for; and the API clients of other
systems."""

import datetime
import hashlib
import secrets
from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from zerovisit.core import audit, crypto, identity
from zerovisit.core.errors import DomainError

from . import audit as account_audit
from .models import ApiClient, Applicant, ApplicantKind

USE_RESOLUTION = datetime.timedelta(minutes=1)  # last_used_at is written at most once a minute per client


class InvalidIdentity(DomainError):
    code = "invalid_identity"


def _contact_changes(applicant: Applicant, phone: str, email: str) -> list[str]:
    """Set the contact details given that differ from the stored ones (where messages about the applicant's cases
    go); the changed fields."""

    def stored(value: str) -> str:
        return crypto.decrypt(value) if value else ""

    changed = []
    if phone and phone != stored(applicant.phone_encrypted):
        applicant.phone_encrypted, applicant.phone_masked = crypto.encrypt(phone), identity.mask_phone(phone)
        changed += ["phone_encrypted", "phone_masked"]
    if email and email != stored(applicant.email_encrypted):
        applicant.email_encrypted, applicant.email_masked = crypto.encrypt(email), identity.mask_email(email)
        changed += ["email_encrypted", "email_masked"]
    return changed


def _masked_contact(applicant: Applicant) -> dict:
    return {"phone": applicant.phone_masked, "email": applicant.email_masked}


def _checked_person(name: str, id_number: str) -> tuple[str, str]:
    id_number = id_number.strip().upper()
    if not identity.id_number_is_valid(id_number):
        raise InvalidIdentity(_("This is not a valid citizen ID number."), code="invalid_id_number")
    if not name.strip():
        raise InvalidIdentity(_("Enter the applicant's name."), code="name_required")
    return name.strip(), id_number


def _checked_organisation(name: str, credit_code: str, check_confirmed: bool) -> tuple[str, str]:
    code = credit_code.strip().upper()
    if not identity.credit_code_is_well_formed(code):
        raise InvalidIdentity(_("A unified social credit code has 18 characters."), code="invalid_credit_code")
    if not identity.credit_code_check_passes(code) and not check_confirmed:
        raise InvalidIdentity(
            _("The credit code's check character does not match; staff may confirm the code if it is genuine."),
            code="credit_code_check_failed",
        )
    if not name.strip():
        raise InvalidIdentity(_("Enter the applicant's name."), code="name_required")
    return name.strip(), code


def applicant_for(**identity_and_contact) -> Applicant:
    """The applicant an application names, found or created (see find_applicant), its audit entries written."""
    applicant, write_audit = find_applicant(**identity_and_contact)
    write_audit()
    return applicant


def find_applicant(*, kind: str, name: str, id_number: str = "", credit_code: str = "", phone: str = "",
                   email: str = "", account=None, actor=None,
                   check_confirmed: bool = False) -> tuple[Applicant, Callable[[], None]]:  # fmt: skip
    """The applicant an application names: found by identity (an ID number, checked against GB 11643 and kept
    only encrypted, or a unified social credit code), or created; and a function that writes the audit entries of
    what this did, for the caller to call last in its transaction (the audit log's head is locked from an entry
    to the commit: written first, it would hold up every other new applicant's application until this commits).

    `account` is who applies for themselves (None for staff at a window or a proxy agent: `actor`, recorded in the
    audit log). A new applicant becomes that account's own. An existing applicant is never linked to
    another account here, and its contact details change only when `account` already is its own: whoever knows
    someone's ID number can neither take over their cases nor redirect their messages. Call this inside the
    transaction of the application, so that a refused application leaves nothing behind."""
    if kind == ApplicantKind.PERSON:
        name, id_number = _checked_person(name, id_number)
        lookup = crypto.lookup_hash(id_number)
        found = {"kind": ApplicantKind.PERSON, "id_number_hash": lookup}
        new = Applicant(kind=ApplicantKind.PERSON, name=name, id_number_encrypted=crypto.encrypt(id_number),
                        id_number_hash=lookup, id_number_masked=identity.mask_id_number(id_number))  # fmt: skip
    elif kind == ApplicantKind.ORGANISATION:
        name, code = _checked_organisation(name, credit_code, check_confirmed)
        found = {"kind": ApplicantKind.ORGANISATION, "credit_code": code}
        new = Applicant(kind=ApplicantKind.ORGANISATION, name=name, credit_code=code)
    else:
        raise InvalidIdentity(_("Say whether the applicant is a person or an organisation."), code="invalid_kind")
    existing = Applicant.objects.filter(**found).first()
    if existing is None:
        new.user = account
        _contact_changes(new, phone, email)
        applicant, created = _save_new(new, **found)
        if created:
            detail = {"kind": kind, "name": name, "identity": applicant.id_number_masked or applicant.credit_code,
                      "account": getattr(account, "username", ""), **_masked_contact(applicant)}  # fmt: skip
            return applicant, lambda: audit.record(actor=actor or account, action="applicant.create", obj=applicant,
                                                   detail=detail)  # fmt: skip
        existing = applicant
    if getattr(account, "pk", None) is not None and existing.user_id == account.pk:
        before = _masked_contact(existing)
        if changed := _contact_changes(existing, phone, email):
            existing.save(update_fields=changed)
            after = _masked_contact(existing)
            return existing, lambda: account_audit.record_contact_changed(
                actor=account, applicant=existing, changed_fields=changed, before_masked=before, after_masked=after
            )
    return existing, _nothing_to_record


def _nothing_to_record() -> None:
    pass


def link_applicant(*, actor, applicant: Applicant, account) -> Applicant:
    """Make `account` the applicant's own (it then applies for them, sees their cases and licences and keeps their
    contact details). A deliberate act of an administrator after checking who the account is, never a side
    effect of an application; recorded in the audit log with the account it replaced."""
    with transaction.atomic():
        locked = Applicant.objects.select_for_update().get(pk=applicant.pk)
        if locked.user_id == getattr(account, "pk", None):
            return locked
        before = locked.user.username if locked.user_id else ""
        locked.user = account
        locked.save(update_fields=["user"])
        account_audit.record_applicant_linked(actor=actor, applicant=locked, before_account=before)
    return locked


def own_applicants(account) -> list[Applicant]:
    """The applicants an account acts for itself, the one it applied for most recently first: what an application
    form offers to fill in."""
    used = Applicant.objects.filter(user=account).annotate(last_applied=Max("cases__submitted_at"))
    return list(used.order_by(F("last_applied").desc(nulls_last=True), "-created_at"))


def _save_new(applicant: Applicant, **identity_fields) -> tuple[Applicant, bool]:
    try:
        with transaction.atomic():
            applicant.save()
    except IntegrityError:  # created at the same moment by another request
        return Applicant.objects.get(**identity_fields), False
    return applicant, True


def _token_hash(token: str) -> str:
    # Tokens are 256 random bits: a plain SHA-256 is enough, and fast enough to run on every request.
    return hashlib.sha256(token.encode()).hexdigest()


def create_api_client(*, name: str, agency, scopes: list[str], actor=None) -> tuple[ApiClient, str]:
    """A new API client and its token, which is returned here once and stored only as a hash."""
    token = "zv_" + secrets.token_urlsafe(32)
    client = ApiClient.objects.create(name=name, agency=agency, scopes=scopes, token_prefix=token[:10],
                                      token_hash=_token_hash(token))  # fmt: skip
    audit.record(actor=actor, action="api_client.create", obj=client, detail={"scopes": scopes})
    return client, token


def api_client_for_token(token: str) -> ApiClient | None:
    client = ApiClient.objects.select_related("agency").filter(token_hash=_token_hash(token), active=True).first()
    if client is not None and (client.last_used_at is None or timezone.now() - client.last_used_at > USE_RESOLUTION):
        ApiClient.objects.filter(pk=client.pk).update(last_used_at=timezone.now())
    return client
