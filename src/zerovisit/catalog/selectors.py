"""Read queries over the catalogue, shared by the portal pages, the API and exports."""

from dataclasses import dataclass, replace
from functools import cached_property

from django.core.cache import cache
from django.db.models import Count, Exists, OuterRef, Prefetch, Q

from zerovisit.org.models import Agency, Region
from zerovisit.org.selectors import place_chain

from . import search
from .models import ItemStatus, MaterialSpec, ServiceItem, Theme

FOCUS_FIELDS = {"high_frequency": "is_high_frequency", "investment": "is_investment", "convenience": "is_convenience"}


@dataclass
class ItemFilters:
    """Portal and API filters. Each is optional; region means the region and everything below it."""

    item_type: str | None = None
    agency: Agency | None = None
    region: Region | None = None
    level: int | None = None
    theme: Theme | None = None
    zero_visits: bool = False
    focus: str | None = None
    place: Region | None = None  # where the reader lives: one implementation of each base item (place_condition)

    def q(self, prefix: str = "") -> Q | None:
        conditions = {}
        if self.item_type:
            conditions["item_type_id"] = self.item_type
        if self.agency:
            conditions["agency"] = self.agency
        if self.region:
            # A handful of region ids, so the item indexes on (status, region) answer without a join.
            conditions["region__in"] = Region.objects.filter(code__startswith=self.region.prefix)
        if self.level:
            conditions["level"] = self.level
        if self.theme:
            conditions["themes"] = self.theme
        if self.zero_visits:
            conditions["visits_required"] = 0
        if self.focus in FOCUS_FIELDS:
            conditions[FOCUS_FIELDS[self.focus]] = True
        if not conditions and not self.place:
            return None
        # The status is implied for search (only published items have terms), but naming it lets the item indexes
        # on (status, …) answer the filter.
        conditions["status"] = ItemStatus.PUBLISHED
        condition = Q(**{prefix + k: v for k, v in conditions.items()})
        return condition & place_condition(self.place, prefix) if self.place else condition


def place_condition(place: Region, prefix: str = "") -> Q:
    """一级开发、多级使用: of the implementations of one base item (the seven districts' 个体工商户设立登记), the one
    that serves someone living in `place`: the nearest in the place or above it (铜山区's own before the city's).

    A base item that no agency of the place or above it implements is still shown once, by the implementation
    below the place that comes first (the lowest id), so that a reader who has chosen only the city finds every
    item and is asked for their district when they open it."""
    chain = [region.pk for region in place_chain(place.pk)]
    below = Region.objects.filter(code__startswith=place.prefix).exclude(pk=place.pk)
    same_item = ServiceItem.objects.filter(status=ItemStatus.PUBLISHED, base_code=OuterRef(prefix + "base_code"))
    serving = Q()
    for depth, region in enumerate(chain):
        nearer = chain[depth + 1 :]
        here = Q(**{prefix + "region": region})
        serving |= here & ~Exists(same_item.filter(region__in=nearer)) if nearer else here
    # One probe of the base item's few implementations answers both questions: none serves the place, and none
    # below it comes first.
    preferred = Q(region__in=chain) | Q(region__in=below, pk__lt=OuterRef(prefix + "pk"))
    standing_in = Q(**{prefix + "region__in": below}) & ~Exists(same_item.filter(preferred))
    return serving | standing_in


def serves_place(item: ServiceItem, place: Region) -> bool:
    """Whether the item's agency serves someone in `place` (it sits in the place or above it), as opposed to
    standing in for the implementations below it."""
    return any(region.pk == item.region_id for region in place_chain(place.pk))


def implementations(base_code: str) -> list[ServiceItem]:
    """Every published implementation of a base item, by region, for the guide's “other places”."""
    items = _list_queryset().filter(status=ItemStatus.PUBLISHED, base_code=base_code)
    return list(items.order_by("region__code", "impl_code"))


def implementations_for(base_codes, place: Region) -> dict[str, ServiceItem]:
    """Base code → the implementation shown to someone in `place` (place_condition), in one query."""
    items = _list_queryset().filter(place_condition(place), status=ItemStatus.PUBLISHED, base_code__in=base_codes)
    return {item.base_code: item for item in items.order_by("-pk")}  # of two in one region, the first by pk


def implementation_for(base_code: str, place: Region) -> ServiceItem | None:
    """The implementation of a base item that serves someone in `place`, or None if none does (only places below
    it implement the item)."""
    item = implementations_for([base_code], place).get(base_code)
    return item if item and serves_place(item, place) else None


# What a list shows of an item (the API's ItemSummarySerializer, the portal's item card): an item has sixty
# columns, some long texts and JSON, and reading and decoding them all made a page of 20 cost more than the search.
LIST_FIELDS = (
    "impl_code", "version", "status", "name", "base_code", "item_type__code", "item_type__name", "agency__name",
    "region__code", "region__name", "level", "case_kind", "legal_days", "promised_days", "visits_required",
    "online_level", "assurance_level", "is_high_frequency", "is_investment", "is_convenience",
)  # fmt: skip


def _list_queryset():
    return ServiceItem.objects.select_related("agency", "region", "item_type").only(*LIST_FIELDS)


class SearchResults:
    """A lazily counted, sliceable result list that Django's Paginator and DRF's pagination accept.

    The first HEAD ranked rows are read in one query; when the matches fit in it, or the rows carry the count
    (`total`), that query also gives the count, so a search costs one query instead of a count and a page.
    """

    HEAD = 500

    def __init__(self, rows):
        self.rows = rows

    @cached_property
    def _head_rows(self) -> list[dict]:
        return list(self.rows[: self.HEAD + 1])

    @cached_property
    def _head(self) -> list[int]:
        return [row["item_id"] for row in self._head_rows]

    @cached_property
    def total(self) -> int:
        if self._head_rows and "total" in self._head_rows[0]:
            return self._head_rows[0]["total"]
        return len(self._head) if len(self._head) <= self.HEAD else self.rows.count()

    def count(self) -> int:
        return self.total

    def __len__(self) -> int:
        return self.total

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        if index.stop is not None and index.stop <= self.HEAD:
            ids = self._head[index]
        else:
            ids = [row["item_id"] for row in self.rows[index]]
        items = _list_queryset().in_bulk(ids)
        return [items[i] for i in ids if i in items]


def search_items(query: str = "", filters: ItemFilters | None = None):
    """Published items matching the query and filters, best first (see catalog.search for the ranking).

    Without a query, all published items with high-frequency ones first. Returns a queryset or SearchResults,
    both paginated the same way.
    """
    filters = filters or ItemFilters()
    tokens = search.query_tokens(query)
    if not tokens:
        items = _list_queryset().filter(status=ItemStatus.PUBLISHED)
        if (condition := filters.q()) is not None:
            items = items.filter(condition)
        return items.order_by("-is_high_frequency", "name", "id")

    # A term's weight already tells whether its item is high-frequency, so that filter needs no join.
    high_frequency_only = filters.focus == "high_frequency"
    item_filter = replace(filters, focus=None).q("item__") if high_frequency_only else filters.q("item__")
    exact = search.normalize(query)
    results = SearchResults(search.ranked_matches(tokens, exact, item_filter, high_frequency_only))
    if results.total == 0 and (split := search.split_cjk(tokens)) != tokens:
        results = SearchResults(search.ranked_matches(split, exact, item_filter, high_frequency_only))
    return results


def published_item(impl_code: str) -> ServiceItem | None:
    """The published version of an item with everything its guide page shows, in a fixed number of queries."""
    return (
        ServiceItem.objects.filter(impl_code=impl_code, status=ItemStatus.PUBLISHED)
        .select_related("agency", "region", "item_type", "transferred_from", "hall", "window", "process_template")
        .prefetch_related(
            Prefetch("materials", queryset=MaterialSpec.objects.order_by("order", "id")),
            "themes",
            "process_template__stages__agencies",
        )
        .first()
    )


APPLICATION_CACHE_SECONDS = 60


def item_for_application(impl_code: str) -> ServiceItem | None:
    """The published version of an item with what an application needs (agency and region, process and stages,
    materials), for the apply page and `POST /api/v1/cases/`.

    A published version never changes, so after one light query for which version is current the rest comes
    from the cache: loading it costs a submission more than writing the case does (docs/benchmarks.md). The one
    thing shared with other items, the process template, may be edited; an edit reaches new applications within
    APPLICATION_CACHE_SECONDS."""
    pk = ServiceItem.objects.filter(impl_code=impl_code, status=ItemStatus.PUBLISHED).values_list("pk", flat=True)
    pk = pk.first()
    return None if pk is None else _version_for_application(pk)


def items_for_application(impl_codes) -> dict[str, ServiceItem]:
    """item_for_application for several items (a bundle's members) with one query for their current versions."""
    current = ServiceItem.objects.filter(impl_code__in=list(impl_codes), status=ItemStatus.PUBLISHED)
    return {code: _version_for_application(pk) for code, pk in current.values_list("impl_code", "pk")}


def _version_for_application(pk: int) -> ServiceItem:
    key = f"catalog:item-for-application:{pk}"
    item = cache.get(key)
    if item is None:
        item = (
            ServiceItem.objects.select_related("agency__region", "item_type", "process_template")
            .prefetch_related(
                Prefetch("materials", queryset=MaterialSpec.objects.order_by("order", "id")),
                "process_template__stages__agencies",
            )
            .get(pk=pk)
        )
        cache.set(key, item, APPLICATION_CACHE_SECONDS)
    return item


def item_version(item_id: int) -> ServiceItem | None:
    return (
        ServiceItem.objects.filter(pk=item_id)
        .select_related("agency", "region", "item_type", "transferred_from", "hall", "window", "process_template")
        .prefetch_related("materials", "themes", "process_template__stages__agencies")
        .first()
    )


# The home page's figures change only when items are published; counting 100,000 items, and again per agency, on
# every visit took most of the home page's time (docs/benchmarks.md), and figures minutes old are as good.
CATALOGUE_FIGURES_CACHE_SECONDS = 300


def catalogue_summary() -> dict:
    """Figures for the home page: published items and the share that needs no visit."""
    return cache.get_or_set("catalog:summary", _catalogue_summary, CATALOGUE_FIGURES_CACHE_SECONDS)


def _catalogue_summary() -> dict:
    figures = ServiceItem.objects.filter(status=ItemStatus.PUBLISHED).aggregate(
        total=Count("id"), zero_visits=Count("id", filter=Q(visits_required=0))
    )
    total = figures["total"]
    figures["zero_visit_share"] = round(100 * figures["zero_visits"] / total, 1) if total else 0.0
    return figures


def agencies_with_items() -> list[Agency]:
    """Agencies with their count of published items, for the departments list and the home page."""
    return cache.get_or_set("catalog:agencies-with-items", _agencies_with_items, CATALOGUE_FIGURES_CACHE_SECONDS)


def _agencies_with_items() -> list[Agency]:
    return list(
        Agency.objects.select_related("region")
        .annotate(item_count=Count("items", filter=Q(items__status=ItemStatus.PUBLISHED)))
        .filter(item_count__gt=0)
    )


def themes_by_audience() -> dict[str, list[Theme]]:
    grouped: dict[str, list[Theme]] = {}
    for theme in Theme.objects.all():
        grouped.setdefault(f"{theme.audience}_{theme.kind}", []).append(theme)
    return grouped


def export_items(*, agencies=None, region: Region | None = None):
    """Current versions (the draft where one exists, else the published one) for export, with what a row needs."""
    items = ServiceItem.objects.exclude(status=ItemStatus.SUPERSEDED)
    if agencies is not None:
        items = items.filter(agency__in=agencies)
    if region:
        items = items.filter(region__code__startswith=region.prefix)
    items = (
        items.select_related("agency", "item_type", "transferred_from", "hall", "window", "process_template")
        .prefetch_related("materials", "themes")
        .order_by("impl_code", "-version")
    )
    seen = set()
    for item in items.iterator(chunk_size=1000):
        if item.impl_code not in seen:
            seen.add(item.impl_code)
            yield item
