"""Reads of the portal's own pages that span several apps (the catalogue and the cases filed against it)."""

import datetime

from django.core.cache import cache
from django.db.models import Count
from django.utils import timezone

from zerovisit.cases.models import Case
from zerovisit.catalog.models import ItemStatus, ServiceItem

DEMAND_DAYS = 90
HIGH_FREQUENCY_CACHE_SECONDS = 300
HIGH_FREQUENCY_CACHE_KEY = "portal:high-frequency:{limit}"


def high_frequency_items(limit: int = 12) -> list[ServiceItem]:
    """The home page's high-frequency items, from real demand: the base items with most cases filed in the last
    DEMAND_DAYS days first, then the items the catalogue flags as high-frequency (by name), one implementation per
    base item (the highest level, then the implementation code, until the portal knows the reader's place).

    One aggregate over the recent cases and at most two reads of items, whatever the catalogue's size; the list is
    cached for HIGH_FREQUENCY_CACHE_SECONDS, so the home page usually reads none of it."""
    key = HIGH_FREQUENCY_CACHE_KEY.format(limit=limit)
    items = cache.get(key)
    if items is None:
        items = _high_frequency_items(limit)
        cache.set(key, items, HIGH_FREQUENCY_CACHE_SECONDS)
    return items


def _high_frequency_items(limit: int) -> list[ServiceItem]:
    since = timezone.now() - datetime.timedelta(days=DEMAND_DAYS)
    demand = list(
        Case.objects.filter(submitted_at__gte=since)
        .values_list("item__base_code")
        .annotate(filed=Count("id"))
        .order_by("-filed", "item__base_code")[:limit]
    )
    published = ServiceItem.objects.select_related("agency", "region", "item_type").filter(status=ItemStatus.PUBLISHED)
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
