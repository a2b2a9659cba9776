"""Applicants and proxy authorisations: the identities cases are filed for; and the API clients of other
systems."""

import datetime
import hashlib
import secrets

from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from zerovisit.core import audit, crypto, identity
from zerovisit.core.errors import DomainError

from .models import ApiClient, Applicant, ApplicantKind

USE_RESOLUTION = datetime.timedelta(minutes=1)  # last_used_at is written at most once a minute per client


class InvalidIdentity(DomainError):
    code = "invalid_identity"


def _set_contact(applicant: Applicant, phone: str, email: str) -> list[str]:
    """Where messages about the applicant's cases go; the changed fields."""
    changed = []
    if phone:
        applicant.phone_encrypted, applicant.phone_masked = crypto.encrypt(phone), identity.mask_phone(phone)
        changed += ["phone_encrypted", "phone_masked"]
    if email:
        applicant.email_encrypted, applicant.email_masked = crypto.encrypt(email), identity.mask_email(email)
        changed += ["email_encrypted", "email_masked"]
    return changed


def applicant_for_person(*, name: str, id_number: str, phone: str = "", email: str = "") -> Applicant:
    """The natural person with this ID number, created on first use. The number is checked (GB 11643) and stored
    only encrypted."""
    id_number = id_number.strip().upper()
    if not identity.id_number_is_valid(id_number):
        raise InvalidIdentity(_("This is not a valid citizen ID number."), code="invalid_id_number")
    if not name.strip():
        raise InvalidIdentity(_("Enter the applicant's name."), code="name_required")
    lookup = crypto.lookup_hash(id_number)
    existing = Applicant.objects.filter(kind=ApplicantKind.PERSON, id_number_hash=lookup).first()
    if existing:
        return existing
    applicant = Applicant(
        kind=ApplicantKind.PERSON,
        name=name.strip(),
        id_number_encrypted=crypto.encrypt(id_number),
        id_number_hash=lookup,
        id_number_masked=identity.mask_id_number(id_number),
    )
    _set_contact(applicant, phone, email)
    return _save_new(applicant, kind=ApplicantKind.PERSON, id_number_hash=lookup)


def applicant_for_organisation(
    *, name: str, credit_code: str, check_confirmed: bool = False, phone: str = "", email: str = ""
) -> Applicant:
    """The legal entity with this credit code. A code that fails its check character is refused unless staff
    confirm it (some early codes are legal yet fail, DESIGN.md §4)."""
    code = credit_code.strip().upper()
    if not identity.credit_code_is_well_formed(code):
        raise InvalidIdentity(_("A unified social credit code has 18 characters."), code="invalid_credit_code")
    if not identity.credit_code_check_passes(code) and not check_confirmed:
        raise InvalidIdentity(
            _("The credit code's check character does not match; staff may confirm the code if it is genuine."),
            code="credit_code_check_failed",
        )
    existing = Applicant.objects.filter(kind=ApplicantKind.ORGANISATION, credit_code=code).first()
    if existing:
        return existing
    applicant = Applicant(kind=ApplicantKind.ORGANISATION, name=name.strip(), credit_code=code)
    _set_contact(applicant, phone, email)
    return _save_new(applicant, kind=ApplicantKind.ORGANISATION, credit_code=code)


def applicant_for(*, kind: str, name: str, id_number: str = "", credit_code: str = "", phone: str = "",
                  email: str = "", account=None) -> Applicant:  # fmt: skip
    """The applicant an application names, found or created by kind. `account`, when given, becomes the account
    that acts for an applicant nobody acts for yet (a citizen's first application links them to their login).
    The contact details given replace the stored ones only when that account is the applicant's own: an agent
    or a stranger who knows an ID number cannot redirect someone's messages."""
    contact = {"phone": phone, "email": email}
    if kind == ApplicantKind.PERSON:
        applicant = applicant_for_person(name=name, id_number=id_number, **contact)
    else:
        applicant = applicant_for_organisation(name=name, credit_code=credit_code, **contact)
    if account is not None and applicant.user_id is None:
        Applicant.objects.filter(pk=applicant.pk, user__isnull=True).update(user=account)
        applicant.refresh_from_db(fields=["user"])
    if account is not None and applicant.user_id == account.pk and (changed := _set_contact(applicant, **contact)):
        applicant.save(update_fields=changed)
    return applicant


def own_applicants(account) -> list[Applicant]:
    """The applicants an account acts for itself, the one it applied for most recently first: what an application
    form offers to fill in."""
    used = Applicant.objects.filter(user=account).annotate(last_applied=Max("cases__submitted_at"))
    return list(used.order_by(F("last_applied").desc(nulls_last=True), "-created_at"))


def _save_new(applicant: Applicant, **identity_fields) -> Applicant:
    try:
        with transaction.atomic():
            applicant.save()
    except IntegrityError:  # created at the same moment by another request
        return Applicant.objects.get(**identity_fields)
    return applicant


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
