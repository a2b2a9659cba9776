"""Reads of the portal's own pages that span several apps (the catalogue and the cases filed against it)."""

import datetime

from django.core.cache import cache
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from zerovisit.cases.models import Case
from zerovisit.catalog.models import ItemStatus, ServiceItem
from zerovisit.catalog.selectors import implementations_for, place_condition
from zerovisit.core.text import named_id
from zerovisit.org.models import Region
from zerovisit.org.selectors import home_region, place_chain

from .models import AppLink, ServiceApp

PLACE_COOKIE = "zv_place"
FEATURED_APPS_CACHE_SECONDS = 300


def reader_place(request) -> Region | None:
    """Where the reader lives, as they chose it (accounts.services.choose_place): on their account when signed
    in, else in a cookie on this device; until they choose, the home region (the city)."""
    if not hasattr(request, "_reader_place"):
        user = getattr(request, "user", None)
        region_id = user.place_id if user is not None and user.is_authenticated else None
        region_id = region_id or named_id(request.COOKIES.get(PLACE_COOKIE, ""))
        chain = place_chain(region_id) if region_id else []
        request._reader_place = chain[-1] if chain else home_region()
    return request._reader_place


DEMAND_DAYS = 90
HIGH_FREQUENCY_CACHE_SECONDS = 300
HIGH_FREQUENCY_CACHE_KEY = "portal:high-frequency:{limit}:{place}"


def high_frequency_items(limit: int = 12, place: Region | None = None) -> list[ServiceItem]:
    """The home page's high-frequency items, from real demand: the base items with most cases filed in the last
    DEMAND_DAYS days first, then the items the catalogue flags as high-frequency (by name), one implementation per
    base item: the one that serves `place` (catalog.selectors.place_condition), or without a place the highest
    level, then the implementation code.

    One aggregate over the recent cases and at most two reads of items, whatever the catalogue's size; the list is
    cached per place for HIGH_FREQUENCY_CACHE_SECONDS, so the home page usually reads none of it."""
    key = HIGH_FREQUENCY_CACHE_KEY.format(limit=limit, place=place.pk if place else "")
    items = cache.get(key)
    if items is None:
        items = _high_frequency_items(limit, place)
        cache.set(key, items, HIGH_FREQUENCY_CACHE_SECONDS)
    return items


def _high_frequency_items(limit: int, place: Region | None) -> list[ServiceItem]:
    since = timezone.now() - datetime.timedelta(days=DEMAND_DAYS)
    demand = list(
        Case.objects.filter(submitted_at__gte=since)
        .values_list("item__base_code")
        .annotate(filed=Count("id"))
        .order_by("-filed", "item__base_code")[:limit]
    )
    published = ServiceItem.objects.select_related("agency", "region", "item_type").filter(status=ItemStatus.PUBLISHED)
    if place is not None:
        published = published.filter(place_condition(place))
    chosen: dict[str, ServiceItem] = {}
    if demand:
        for item in published.filter(base_code__in=[code for code, _ in demand]).order_by("level", "impl_code"):
            chosen.setdefault(item.base_code, item)
    ranked = [chosen[code] for code, _ in demand if code in chosen]
    if len(ranked) < limit:
        # District copies of one base item share the flag: read a few more than needed and keep one of each.
        flagged = published.filter(is_high_frequency=True).exclude(base_code__in=list(chosen)).order_by("name", "id")
        seen = set(chosen)
        for item in flagged[: 4 * limit]:
            if item.base_code not in seen and len(ranked) < limit:
                seen.add(item.base_code)
                ranked.append(item)
    return ranked


def service_apps(category: str = "", agency_id: int | None = None) -> list[ServiceApp]:
    """The directory of service apps, available or not (an unavailable one says why), by category."""
    apps = ServiceApp.objects.select_related("agency")
    if category:
        apps = apps.filter(category=category)
    if agency_id:
        apps = apps.filter(agency_id=agency_id)
    return list(apps)


def featured_apps() -> list[ServiceApp]:
    """The home page's service apps, cached like its high-frequency items."""
    apps = cache.get("portal:featured-apps")
    if apps is None:
        apps = list(ServiceApp.objects.filter(featured=True, available=True).order_by("display_order", "name")[:8])
        cache.set("portal:featured-apps", apps, FEATURED_APPS_CACHE_SECONDS)
    return apps


def app_target(app: ServiceApp, place: Region | None) -> str:
    """Where opening the app leads: its portal page, its outside address, or the guide of the implementation of
    its item that serves the reader's place (a search for the item where none does)."""
    if app.link == AppLink.PAGE:
        return app.path
    if app.link == AppLink.OUTSIDE:
        return app.url
    item = implementations_for([app.base_code], place).get(app.base_code) if place else None
    if item is None:
        return f"{reverse('portal:item_list')}?q={app.base_code}"
    return reverse("portal:item_guide", args=[item.impl_code])
