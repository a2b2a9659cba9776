"""Reads over the organisation: the region tree as the portal walks it, the service points of a place, which
seal speaks for an agency, and the roots every signature is checked against."""

from functools import lru_cache

from django.core.cache import cache
from django.db.models import Max, Min, Prefetch

from zerovisit.core import signing

from .models import PREFIX_LENGTH, Agency, AgencyKind, HallService, Region, Seal, SealKind, ServiceHall

# The region tree changes by an administrator's hand, a few times a year; a rename reaches the pages within this.
REGION_CACHE_SECONDS = 300


def place_chain(region_id: int) -> list[Region]:
    """The region and every region above it, the widest first: the places whose agencies serve someone who lives
    there. Cached, since every portal page asks it for the reader's place."""
    key = f"org:place-chain:{region_id}"
    chain = cache.get(key)
    if chain is None:
        chain = []  # a region that has gone (a stale cookie) is remembered as none, not read on every page
        if region := Region.objects.filter(pk=region_id).first():
            prefixes = {region.code[:n].ljust(12, "0") for n in PREFIX_LENGTH.values() if n <= len(region.prefix)}
            chain = list(Region.objects.filter(code__in=prefixes).order_by("level"))
        cache.set(key, chain, REGION_CACHE_SECONDS)
    return chain


def home_region() -> Region | None:
    """The place the portal assumes until a reader chooses one: the smallest region that holds every agency (the
    city, for a city's platform)."""
    key = "org:home-region"
    region = cache.get(key)
    if region is None:
        span = Agency.objects.aggregate(lowest=Min("region__code"), highest=Max("region__code"))
        lowest, highest, region = span["lowest"], span["highest"], None
        if lowest:
            shared = next((i for i, (a, b) in enumerate(zip(lowest, highest, strict=True)) if a != b), len(lowest))
            length = max(n for n in PREFIX_LENGTH.values() if n <= shared)
            region = Region.objects.filter(code=lowest[:length].ljust(12, "0")).first()
        cache.set(key, region or False, REGION_CACHE_SECONDS)
    return region or None


def regions_to_choose(region: Region | None) -> list[Region]:
    """The regions one level down from `region` (from the top of the tree without one), for the place chooser."""
    if region is None:
        top = home_region()
        return [top] if top else list(Region.objects.filter(parent=None))
    return list(region.children.order_by("is_functional_zone", "code"))


def service_points(place: Region, limit: int = 50) -> list[ServiceHall]:
    """The halls and service points that serve someone in `place`, nearest first: those of the place and of the
    regions above it (the village's station, its town's centre, the county's hall), then those below it, town
    centres before village stations; each with the items it takes in (HallService)."""
    chain = [r.pk for r in place_chain(place.pk)]
    halls = ServiceHall.objects.select_related("region").prefetch_related(
        Prefetch("services", queryset=HallService.objects.order_by("mode", "base_code"))
    )
    above = halls.filter(region__in=chain).order_by("-region__level", "name")
    below = halls.filter(region__code__startswith=place.prefix).exclude(region=place)
    return [*above, *below.order_by("region__level", "region__code", "name")[:limit]]


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
