"""Reads over the licence library: verification, the holder's wallet, and licences that can stand in for a
material."""

from django.db.models import Prefetch, Q

from zerovisit.accounts.services import own_applicants
from zerovisit.core import crypto

from . import identifiers
from .models import License, LicenseEvent, LicenseStatus


def _with_details(queryset):
    return queryset.select_related("license_type", "issuer", "seal__agency")


def by_identifier(identifier: str) -> License | None:
    """One indexed lookup; an identifier whose check character is wrong is not looked up at all."""
    if not identifiers.is_valid(identifier):
        return None
    found = list(_with_details(License.objects.filter(identifier=identifier))[:1])  # unique: no ORDER BY needed
    return found[0] if found else None


NOT_A_CHANGE = ["issue", "import"]


def changes(license: License) -> list:
    """The status changes verification shows; a licence whose status never changed has none to look up, and a
    list of licences (the wallet) has them prefetched."""
    if license.status_changed_at is None:
        return []
    if hasattr(license, "status_changes"):
        return license.status_changes
    return list(license.events.exclude(action__in=NOT_A_CHANGE))


def newer_version(license: License) -> License | None:
    if license.status != LicenseStatus.SUPERSEDED:
        return None
    return License.objects.filter(supersedes=license).only("identifier").first()


def by_document(sha256: str) -> License | None:
    """The licence whose sealed PDF has exactly this digest."""
    return License.objects.filter(sha256=sha256).only("identifier").first() if sha256 else None


def by_number(number: str, holder_name: str) -> License | None:
    """By licence number and the holder's full name, as printed on paper: the newest version."""
    if not number.strip() or not holder_name.strip():
        return None
    found = License.objects.filter(number=number.strip(), holder_name=holder_name.strip()).order_by("-version")
    return _with_details(found).first()


def wallet(applicants) -> list[License]:
    """The licences of these applicants (an account's own), current versions first."""
    found = License.objects.filter(holder__in=applicants).exclude(status=LicenseStatus.SUPERSEDED)
    status_changes = Prefetch("events", LicenseEvent.objects.exclude(action__in=NOT_A_CHANGE), to_attr="status_changes")
    return list(_with_details(found).prefetch_related(status_changes).order_by("status", "-issue_date", "-id"))


def holders_file(account, license_id: int) -> License | None:
    """One licence of the wallet of `account` (its own applicants' current licences) that has its sealed PDF."""
    found = License.objects.filter(pk=license_id, holder__in=own_applicants(account))
    found = found.exclude(status=LicenseStatus.SUPERSEDED)
    return found.exclude(file="").first()


def for_materials(applicant, material_names) -> dict[str, License]:
    """Material name → the applicant's valid licence that the licence library offers for it, in one query: the
    applicant's valid licences, matched against the names their types are accepted for."""
    held = License.objects.filter(status=LicenseStatus.VALID).filter(
        Q(holder=applicant) | Q(holder_code_hash=_code_hash(applicant))
    )
    held = held.select_related("license_type").only(
        "identifier", "number", "issue_date", "valid_until", "license_type__name", "license_type__material_names"
    )
    found = {}
    for license in held.order_by("-issue_date", "-id"):
        for name in license.license_type.material_names:
            if name in material_names:
                found.setdefault(name, license)
    return found


def _code_hash(applicant) -> str:
    return applicant.id_number_hash or crypto.lookup_hash(applicant.credit_code)


def by_holder(holder_code: str, type_code: str = ""):
    """The sharing API's lookup: a holder's licences (every version), by the keyed hash of their code."""
    found = License.objects.filter(holder_code_hash=crypto.lookup_hash(holder_code.strip().upper()))
    if type_code:
        found = found.filter(license_type__code=type_code)
    return _with_details(found).order_by("license_type__code", "serial", "-version")
