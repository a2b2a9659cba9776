"""Reads over the organisation: which seal speaks for an agency, and the roots every signature is checked
against."""

from functools import lru_cache

from zerovisit.core import signing

from .models import Agency, AgencyKind, Seal, SealKind


def seal_for(agency: Agency) -> Seal | None:
    """一枚公章管审批: an agency that signs itself uses its own seal; otherwise the approval bureau of its region
    signs, or the nearest one above it."""
    own = Seal.objects.select_related("agency__region", "issued_by").filter(
        kind=SealKind.AGENCY, active=True, agency=agency
    )
    if seal := own.first():
        return seal
    region, regions = agency.region, []
    while region is not None:
        regions.append(region.pk)
        region = region.parent
    bureaus = (
        Seal.objects.select_related("agency__region", "issued_by")
        .filter(kind=SealKind.AGENCY, active=True, agency__kind=AgencyKind.APPROVAL_BUREAU, agency__region__in=regions)
        .order_by("-agency__region__level")
    )
    return bureaus.first()


def trust_roots() -> list[bytes]:
    """Every root the platform has had: a document signed under a retired root still verifies."""
    return [pem.encode() for pem in Seal.objects.filter(kind=SealKind.ROOT).values_list("certificate_pem", flat=True)]


@lru_cache(maxsize=256)
def seal_image(name: str, purpose: str):
    """Drawing a seal takes a few milliseconds; each agency's is drawn once per process."""
    return signing.seal_image(name, purpose)
