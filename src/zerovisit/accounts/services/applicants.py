"""Applicants and proxy authorisations: the identities cases are filed for."""

from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.db.models import F, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from zerovisit.core import audit, crypto, identity
from zerovisit.core.errors import DomainError
from zerovisit.core.logs import has_personal_data

from .. import audit as account_audit
from ..models import Applicant, ApplicantKind, AssuranceLevel, OrganisationAgent, Role, User

CHECK_OVERRIDE_REASON_LENGTH = 500


class InvalidIdentity(DomainError):
    code = "invalid_identity"


# The field of an application form that shows each refusal of the applicant's identity (the portal's wizard, the
# window's form).
IDENTITY_ERROR_FIELDS = {
    "invalid_id_number": "id_number", "invalid_credit_code": "credit_code",
    "invalid_credit_code_characters": "credit_code", "credit_code_check_failed": "check_override_reason",
    "check_override_reason_too_long": "check_override_reason", "personal_data_in_reason": "check_override_reason",
    "name_required": "applicant_name",
}  # fmt: skip


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


def _checked_organisation(name: str, credit_code: str) -> tuple[str, str, bool]:
    """(name, code, whether the check character fails): a code of the wrong length or with characters outside the
    GB 32100 alphabet is refused, each with its own code; a failed check character only warns (see
    _confirmed_check)."""
    code = credit_code.strip().upper()
    problem = identity.credit_code_problem(code)
    if problem == identity.CreditCodeProblem.LENGTH:
        raise InvalidIdentity(_("A unified social credit code has 18 characters."), code="invalid_credit_code")
    if problem == identity.CreditCodeProblem.CHARACTERS:
        raise InvalidIdentity(
            _("A unified social credit code uses only the digits 0-9 and the capital letters A-Y without I, O, S, V "
              "and Z."),
            code="invalid_credit_code_characters",
        )  # fmt: skip
    if not name.strip():
        raise InvalidIdentity(_("Enter the applicant's name."), code="name_required")
    return name.strip(), code, problem == identity.CreditCodeProblem.CHECK


def may_confirm_credit_codes(actor, account=None) -> bool:
    """Who may accept a credit code that fails its check character: staff of an agency who accept applications,
    applying at a window for someone else (never a person applying online for themselves)."""
    return account is None and getattr(actor, "agency_id", None) is not None and actor.has_role(Role.ACCEPTOR)


def _confirmed_check(existing: Applicant | None, reason: str, may_confirm: bool) -> str:
    """For a credit code whose check character fails: the reason to record for accepting it now, or "" when staff
    accepted it already (recorded on the applicant). Anyone else is refused."""
    if existing is not None and existing.credit_code_overridden_at is not None:
        return ""
    if not may_confirm:
        raise InvalidIdentity(
            _("The credit code's check character does not match. Check the code; if it is printed so on the "
              "business licence, a service window can confirm it."),
            code="credit_code_check_failed",
        )  # fmt: skip
    reason = reason.strip()
    if not reason:
        raise InvalidIdentity(
            _("The credit code's check character does not match. If the code is genuine (some early codes are), "
              "say why it is accepted, e.g. which certificate shows it."),
            code="credit_code_check_failed",
        )  # fmt: skip
    if len(reason) > CHECK_OVERRIDE_REASON_LENGTH:
        raise InvalidIdentity(_("Keep the reason under %(n)d characters.") % {"n": CHECK_OVERRIDE_REASON_LENGTH},
                              code="check_override_reason_too_long")  # fmt: skip
    if has_personal_data(reason):
        raise InvalidIdentity(_("Do not write ID numbers or phone numbers in the reason."),
                              code="personal_data_in_reason")  # fmt: skip
    return reason


def check_organisation(*, name: str, credit_code: str, check_override_reason: str = "") -> tuple[str, str]:
    """What register_organisation refuses, checked without writing anything (for a form): the name and the code
    as they would be stored."""
    name, code, check_failed = _checked_organisation(name, credit_code)
    if check_failed:
        _confirmed_check(None, check_override_reason, may_confirm=True)
    return name, code


def _record_override(applicant: Applicant, actor, reason: str) -> list[str]:
    applicant.credit_code_override_reason, applicant.credit_code_overridden_at = reason, timezone.now()
    applicant.credit_code_overridden_by = actor if getattr(actor, "pk", None) else None
    return ["credit_code_override_reason", "credit_code_overridden_at", "credit_code_overridden_by"]


def applicant_for(**identity_and_contact) -> Applicant:
    """The applicant an application names, found or created (see find_applicant), its audit entries written."""
    applicant, write_audit = find_applicant(**identity_and_contact)
    write_audit()
    return applicant


def find_applicant(*, kind: str, name: str, id_number: str = "", credit_code: str = "", phone: str = "",
                   email: str = "", account=None, actor=None,
                   check_override_reason: str = "") -> tuple[Applicant, Callable[[], None]]:  # fmt: skip
    """The applicant an application names: found by identity (an ID number, checked against GB 11643 and kept
    only encrypted, or a unified social credit code), or created; and a function that writes the audit entries of
    what this did, for the caller to call last in its transaction (the audit log's head is locked from an entry
    to the commit: written first, it would hold up every other new applicant's application until this commits).

    `account` is who applies for themselves (None for staff at a window or a proxy agent: `actor`, recorded in the
    audit log). A new applicant becomes that account's own. An existing applicant is never linked to
    another account here, and its contact details change only when `account` already is its own: whoever knows
    someone's ID number can neither take over their cases nor redirect their messages. Call this inside the
    transaction of the application, so that a refused application leaves nothing behind.

    A credit code whose check character fails is accepted once staff at a window confirm it
    (`check_override_reason`, honoured only when may_confirm_credit_codes(actor, account)); the confirmation is
    recorded on the applicant and audited, and later applications for it, online ones too, go through."""
    return _find_applicant(kind=kind, name=name, id_number=id_number, credit_code=credit_code, phone=phone,
                           email=email, account=account, actor=actor, check_override_reason=check_override_reason,
                           may_confirm=may_confirm_credit_codes(actor, account), via="window")  # fmt: skip


def register_organisation(*, actor, name: str, credit_code: str, check_override_reason: str = "") -> Applicant:
    """An organisation registered by an administrator in the admin (who may confirm a credit code that fails its
    check character, with the reason), so that it can then apply online: audited like an applicant an application
    creates."""
    with transaction.atomic():
        applicant, write_audit = _find_applicant(kind=ApplicantKind.ORGANISATION, name=name, credit_code=credit_code,
                                                 actor=actor, check_override_reason=check_override_reason,
                                                 may_confirm=True, via="admin")  # fmt: skip
        write_audit()
    return applicant


def _find_applicant(*, kind: str, name: str, id_number: str = "", credit_code: str = "", phone: str = "",
                    email: str = "", account=None, actor=None, check_override_reason: str = "",
                    may_confirm: bool, via: str) -> tuple[Applicant, Callable[[], None]]:  # fmt: skip
    check_failed = False
    if kind == ApplicantKind.PERSON:
        name, id_number = _checked_person(name, id_number)
        lookup = crypto.lookup_hash(id_number)
        found = {"kind": ApplicantKind.PERSON, "id_number_hash": lookup}
        new = Applicant(kind=ApplicantKind.PERSON, name=name, id_number_encrypted=crypto.encrypt(id_number),
                        id_number_hash=lookup, id_number_masked=identity.mask_id_number(id_number))  # fmt: skip
    elif kind == ApplicantKind.ORGANISATION:
        name, code, check_failed = _checked_organisation(name, credit_code)
        found = {"kind": ApplicantKind.ORGANISATION, "credit_code": code}
        new = Applicant(kind=ApplicantKind.ORGANISATION, name=name, credit_code=code)
    else:
        raise InvalidIdentity(_("Say whether the applicant is a person or an organisation."), code="invalid_kind")
    existing = Applicant.objects.filter(**found).first()
    override = _confirmed_check(existing, check_override_reason, may_confirm) if check_failed else ""
    entries = []
    if existing is None:
        new.user = account
        _contact_changes(new, phone, email)
        if override:
            _record_override(new, actor, override)
        applicant, created = _save_new(new, **found)
        if created:
            detail = {"kind": kind, "name": name, "identity": applicant.id_number_masked or applicant.credit_code,
                      "account": getattr(account, "username", ""), **_masked_contact(applicant)}  # fmt: skip
            entries.append(lambda: audit.record(actor=actor or account, action="applicant.create", obj=applicant,
                                                detail=detail))  # fmt: skip
            if override:
                entries.append(lambda: account_audit.record_credit_code_override(actor=actor, applicant=applicant,
                                                                                 reason=override, via=via))  # fmt: skip
            return applicant, _all(entries)
        existing = applicant
    if override and existing.credit_code_overridden_at is None:
        existing.save(update_fields=_record_override(existing, actor, override))
        entries.append(lambda: account_audit.record_credit_code_override(actor=actor, applicant=existing,
                                                                         reason=override, via=via))  # fmt: skip
    if getattr(account, "pk", None) is not None and existing.user_id == account.pk:
        before = _masked_contact(existing)
        if changed := _contact_changes(existing, phone, email):
            existing.save(update_fields=changed)
            after = _masked_contact(existing)
            entries.append(lambda: account_audit.record_contact_changed(
                actor=account, applicant=existing, changed_fields=changed, before_masked=before, after_masked=after
            ))  # fmt: skip
    return existing, _all(entries)


def _all(entries: list[Callable[[], object]]) -> Callable[[], None]:
    def write() -> None:
        for entry in entries:
            entry()

    return write


def link_applicant(*, actor, applicant: Applicant, account) -> Applicant:
    """Make `account` the applicant's own (it then applies for them, sees their cases and licences and keeps their
    contact details). A deliberate act of an administrator after checking who the account is (for a person: their
    ID card, so the account counts as real-name verified, level 2), never a side effect of an application;
    recorded in the audit log with the account it replaced. An account is one person: one already verified as
    somebody else is refused."""
    with transaction.atomic():
        locked = Applicant.objects.select_for_update().get(pk=applicant.pk)
        if locked.user_id == getattr(account, "pk", None):
            return locked
        if locked.kind == ApplicantKind.PERSON and account is not None:
            other = Applicant.objects.filter(kind=ApplicantKind.PERSON, user=account).first()
            if other is not None:
                raise InvalidIdentity(_("This account is already verified as %(name)s; an account belongs to one "
                                        "person.") % {"name": other}, code="already_verified")  # fmt: skip
        before = locked.user.username if locked.user_id else ""
        locked.user = account
        locked.save(update_fields=["user"])
        if locked.kind == ApplicantKind.PERSON and account is not None:
            User.objects.filter(pk=account.pk, assurance_level__lt=AssuranceLevel.REAL_NAME).update(
                assurance_level=AssuranceLevel.REAL_NAME, verified_at=timezone.now()
            )
        account_audit.record_applicant_linked(actor=actor, applicant=locked, before_account=before)
    return locked


def own_applicants(account) -> list[Applicant]:
    """The applicants an account acts for itself — its person, the organisations it holds and those whose agent it
    is today (OrganisationAgent) — the one it applied for most recently first: what an application form offers to
    fill in, and whose licences its wallet shows."""
    today = timezone.localdate()
    agent_for = OrganisationAgent.objects.filter(agent=account, revoked_at=None, valid_until__gte=today)
    agent_for = agent_for.values("organisation")
    used = Applicant.objects.filter(Q(user=account) | Q(pk__in=agent_for)).annotate(
        last_applied=Max("cases__submitted_at")
    )
    return list(used.order_by(F("last_applied").desc(nulls_last=True), "-created_at"))


def _save_new(applicant: Applicant, **identity_fields) -> tuple[Applicant, bool]:
    try:
        with transaction.atomic():
            applicant.save()
    except IntegrityError:  # created at the same moment by another request
        return Applicant.objects.get(**identity_fields), False
    return applicant, True


def choose_place(*, user, region) -> None:
    """Remember where a signed-in person lives (the portal's place choice), for every device they use. Not audited:
    it decides which office's guide they are shown, never what they may do."""
    if user.place_id != region.pk:
        user.place = region
        user.save(update_fields=["place"])
