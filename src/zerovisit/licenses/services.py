"""Every change to licences: issuing (on approval or by hand), new versions, revocation, cancellation and expiry.

One function per change, each in one transaction, each writing a LicenseEvent. Issuing queues the task that
renders and seals the PDF in the same transaction, so a licence never exists without its document on the way.
"""

import datetime

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from zerovisit.accounts.models import Applicant, ApplicantKind
from zerovisit.core import crypto, identity
from zerovisit.core.errors import Conflict, DomainError

from . import identifiers
from .models import HOLDER_CODE_TYPES, HolderKind, License, LicenseEvent, LicenseStatus, LicenseType


class LicenseInvalid(DomainError):
    code = "license_invalid"


def valid_until(license_type: LicenseType, start: datetime.date) -> datetime.date | None:
    """The last day of validity: N years on, the day before (a licence from 2026-12-01 for 5 years ends on
    2031-11-30); none for a licence valid without limit."""
    if not license_type.validity_years:
        return None
    year = start.year + license_type.validity_years
    end = start.replace(year=year) if not (start.month == 2 and start.day == 29) else datetime.date(year, 3, 1)
    return end - datetime.timedelta(days=1)


def holder_fields(kind: str, name: str, code: str) -> dict:
    """The holder's name and code as stored: checked, encrypted, hashed for lookup and masked for display."""
    code = code.strip().upper()
    if kind == HolderKind.PERSON and not identity.id_number_is_valid(code):
        raise LicenseInvalid(_("The holder's citizen ID number is not valid."), code="invalid_holder_code")
    if kind == HolderKind.ORGANISATION and not identity.credit_code_is_well_formed(code):
        raise LicenseInvalid(_("The holder's credit code is not well formed."), code="invalid_holder_code")
    if not name.strip():
        raise LicenseInvalid(_("The holder's name is missing."), code="holder_name_required")
    masked = identity.mask_id_number(code) if kind == HolderKind.PERSON else code
    return {
        "holder_name": name.strip(),
        "holder_code_type": HOLDER_CODE_TYPES[kind],
        "holder_code_encrypted": crypto.encrypt(code),
        "holder_code_hash": crypto.lookup_hash(code),
        "holder_code_masked": masked,
    }


def _applicant_code(applicant: Applicant) -> tuple[str, str]:
    if applicant.kind == ApplicantKind.PERSON:
        return HolderKind.PERSON, crypto.decrypt(applicant.id_number_encrypted)
    return HolderKind.ORGANISATION, applicant.credit_code


def _event(license: License, *, action: str, before: str, actor=None, reason: str = "") -> None:
    LicenseEvent.objects.create(
        license=license,
        at=timezone.now(),
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        status_before=before,
        status_after=license.status,
        reason=reason,
    )


def _queue_document(license: License) -> None:
    from .tasks import render_license

    render_license.enqueue(license.pk)


def _number(license_type: LicenseType, serial: int, issuer=None) -> str:
    """The printed number; an issuer other than the type's own counts its own serials, so its numbers carry its
    organisation code (the 9th to 17th characters of its credit code, unique to it) to stay apart."""
    if issuer is None or issuer.pk == license_type.agency_id:
        return f"{license_type.number_prefix}{serial:08d}"
    return f"{license_type.number_prefix}{issuer.credit_code[8:17]}{serial:08d}"


@transaction.atomic
def issue_license(
    *,
    license_type: LicenseType,
    holder_kind: str,
    holder_name: str,
    holder_code: str,
    data: dict,
    holder: Applicant | None = None,
    case=None,
    actor=None,
    issue_date: datetime.date | None = None,
    number: str = "",
    issuer=None,
) -> License:
    """A new licence (version 1) with the next serial of its type and issuer. The issuer, whose seal signs it, is
    the agency that decided (a case's implementing agency, which since a power transfer may be an approval bureau
    for a department's licence type: 一枚公章管审批), else the type's own agency."""
    locked = LicenseType.objects.select_for_update().select_related("agency__region").get(pk=license_type.pk)
    issuer = issuer or locked.agency
    issued = License.objects.filter(license_type=locked, issuer=issuer)
    serial = (issued.aggregate(last=Max("serial"))["last"] or 0) + 1
    issue_date = issue_date or timezone.localdate()
    license = License.objects.create(
        identifier=identifiers.make(locked.code, issuer.credit_code, serial, 1),
        license_type=locked,
        number=number or _number(locked, serial, issuer),
        serial=serial,
        version=1,
        holder=holder,
        issuer=issuer,
        jurisdiction=issuer.region.code,
        issue_date=issue_date,
        valid_from=issue_date,
        valid_until=valid_until(locked, issue_date),
        data=data,
        case=case,
        **holder_fields(holder_kind, holder_name, holder_code),
    )
    _event(license, action="issue", before="", actor=actor)
    _queue_document(license)
    return license


@transaction.atomic
def new_version(*, license: License, data: dict, actor=None, case=None, reason: str = "") -> License:
    """变更 / 延续: the licence again with changed data and a new validity; the old version is kept, replaced."""
    old = License.objects.select_for_update().select_related("license_type", "issuer").get(pk=license.pk)
    if old.status != LicenseStatus.VALID:
        raise Conflict(_("Only a valid licence gets a new version."), code="license_not_valid")
    today = timezone.localdate()
    new = License.objects.create(
        identifier=identifiers.make(old.license_type.code, old.issuer.credit_code, old.serial, old.version + 1),
        license_type=old.license_type,
        number=old.number,
        serial=old.serial,
        version=old.version + 1,
        holder=old.holder,
        issuer=old.issuer,
        jurisdiction=old.jurisdiction,
        issue_date=today,
        valid_from=today,
        valid_until=valid_until(old.license_type, today),
        data={**old.data, **data},
        case=case,
        supersedes=old,
        holder_name=old.holder_name,
        holder_code_type=old.holder_code_type,
        holder_code_encrypted=old.holder_code_encrypted,
        holder_code_hash=old.holder_code_hash,
        holder_code_masked=old.holder_code_masked,
    )
    _set_status(
        old,
        LicenseStatus.SUPERSEDED,
        action="supersede",
        actor=actor,
        reason=reason or _("Replaced by version %(v)s.") % {"v": new.version},
    )
    _event(new, action="issue", before="", actor=actor, reason=reason)
    _queue_document(new)
    return new


def _set_status(license: License, status: str, *, action: str, actor, reason: str) -> License:
    before = license.status
    license.status, license.status_reason, license.status_changed_at = status, reason[:500], timezone.now()
    license.save(update_fields=["status", "status_reason", "status_changed_at"])
    _event(license, action=action, before=before, actor=actor, reason=reason)
    return license


def _change_status(license: License, status: str, *, action: str, actor, reason: str) -> License:
    if not reason.strip():
        raise DomainError(_("Give the reason."), code="reason_required")
    locked = License.objects.select_for_update().get(pk=license.pk)
    if locked.status != LicenseStatus.VALID:
        raise Conflict(
            _("The licence is “%(status)s” already.") % {"status": locked.get_status_display()},
            code="license_not_valid",
        )
    return _set_status(locked, status, action=action, actor=actor, reason=reason)


@transaction.atomic
def revoke_license(*, license: License, reason: str, actor=None) -> License:
    """撤销: an administrative act takes the licence back (e.g. a false commitment, or originals that differ)."""
    return _change_status(license, LicenseStatus.REVOKED, action="revoke", actor=actor, reason=reason)


@transaction.atomic
def cancel_license(*, license: License, reason: str, actor=None) -> License:
    """注销: the licence ends without fault (the holder gave it up, the business closed)."""
    return _change_status(license, LicenseStatus.CANCELLED, action="cancel", actor=actor, reason=reason)


def expire_licenses(today: datetime.date | None = None) -> int:
    """The periodic job: licences past their last day become expired, each with its event."""
    today = today or timezone.localdate()
    count = 0
    due = License.objects.filter(status=LicenseStatus.VALID, valid_until__lt=today).values_list("pk", flat=True)
    for pk in list(due[:10000]):
        with transaction.atomic():
            license = License.objects.select_for_update().get(pk=pk)
            if license.status == LicenseStatus.VALID:
                _set_status(
                    license,
                    LicenseStatus.EXPIRED,
                    action="expire",
                    actor=None,
                    reason=_("Its validity ended on %(day)s.") % {"day": license.valid_until},
                )
                count += 1
    return count


# -- with cases ----------------------------------------------------------------------------------------------


def types_issued_by(impl_code: str) -> list[LicenseType]:
    """Licence types a catalogue item's approval issues (a few hundred types: read and matched here, which works
    alike on both databases)."""
    return [t for t in LicenseType.objects.select_related("agency") if impl_code in t.issuing_items]


def issue_for_case(case, *, actor=None) -> list[License]:
    """On approval, in the decision's transaction: the item's licence for the applicant, from the case's data
    without retyping. A holder who has a valid licence of the type gets its next version (变更, 延续)."""
    issued = []
    for license_type in types_issued_by(case.item.impl_code):
        data = {label: str(case.form_data[label]) for label in license_type.printed_fields if label in case.form_data}
        kind, code = _applicant_code(case.applicant)
        current = License.objects.filter(
            license_type=license_type, holder_code_hash=crypto.lookup_hash(code), status=LicenseStatus.VALID
        ).first()
        if current is not None:
            issued.append(
                new_version(
                    license=current, data=data, actor=actor, case=case, reason=_("Case %(n)s") % {"n": case.number}
                )
            )
        else:
            issued.append(
                issue_license(
                    license_type=license_type,
                    holder_kind=kind,
                    holder_name=case.applicant.name,
                    holder_code=code,
                    holder=case.applicant,
                    data=data,
                    case=case,
                    actor=actor,
                    issuer=case.agency,
                )
            )
    return issued


def revoke_for_case(case, *, reason: str, actor=None) -> list[License]:
    """When a case's approval is revoked, so are the licences it issued."""
    licenses = License.objects.filter(case=case, status=LicenseStatus.VALID)
    return [revoke_license(license=license, reason=reason, actor=actor) for license in licenses]
