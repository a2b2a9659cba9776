"""What supervisors read: the scope a supervisor may see, the roll-ups summed over a scope and period, broken
down by region, agency, item or month, and the cases behind them. Every figure comes from the roll-ups, a few
grouped queries whatever the number of cases."""

import datetime
from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from zerovisit.accounts.models import Role
from zerovisit.cases.models import Case
from zerovisit.cases.selectors import DUE_SOON_WORKING_DAYS, REGION_READERS, STAFF_ROLES
from zerovisit.catalog.models import ServiceItem
from zerovisit.core.errors import NotFound, PermissionDenied
from zerovisit.feedback.models import Question
from zerovisit.org.models import Agency, Region
from zerovisit.org.selectors import place_chain
from zerovisit.workcalendar.selectors import work_calendar

from . import periods
from .indicators import Totals
from .models import MEASURES, Alert, AlertKind, DailyRollup, MonthlyRollup


@dataclass(frozen=True)
class Scope:
    """What a figure covers: a region and below, one agency, or one item of an agency."""

    region: Region | None = None
    agency: Agency | None = None
    item: ServiceItem | None = None
    agency_ids: tuple[int, ...] | None = None  # None: every agency

    @property
    def name(self) -> str:
        if self.item:
            return f"{self.agency.name} · {self.item.name}"
        if self.agency:
            return self.agency.name
        return self.region.name if self.region else _("All regions")

    def rollup_filter(self) -> Q:
        if self.item:
            return Q(item_id=self.item.pk)
        return Q() if self.agency_ids is None else Q(agency_id__in=self.agency_ids)


def may_supervise(user) -> bool:
    return user.is_authenticated and (
        user.is_superuser
        or bool(user.agency_id and (user.has_role(Role.SUPERVISOR) or any(user.has_role(r) for r in REGION_READERS)))
    )


def reach(user) -> Scope:
    """The widest scope the user supervises: everything for an administrator; their region and below for a
    regional supervisor or auditor; their own agency for an agency's supervisor. PermissionDenied for anyone
    else."""
    if not may_supervise(user):
        raise PermissionDenied(_("Only supervisors see the supervision figures."))
    if user.is_superuser:
        return Scope()
    if any(user.has_role(role) for role in REGION_READERS):
        return region_scope(user.agency.region)
    return Scope(agency=user.agency, agency_ids=(user.agency_id,))


def region_scope(region: Region) -> Scope:
    ids = Agency.objects.filter(region__code__startswith=region.prefix).values_list("pk", flat=True)
    return Scope(region=region, agency_ids=tuple(ids))


def scope_for(user, *, region: str = "", agency: str = "", item: str = "") -> Scope:
    """The scope the user asked for (a region code, an agency id, an item id of that agency), checked against
    what they may supervise: NotFound for what does not exist, PermissionDenied for what lies outside."""
    widest = reach(user)
    try:
        if item:
            chosen = ServiceItem.objects.select_related("agency").get(pk=int(item))
            scope = Scope(agency=chosen.agency, item=chosen, agency_ids=(chosen.agency_id,))
        elif agency:
            chosen = Agency.objects.select_related("region").get(pk=int(agency))
            scope = Scope(agency=chosen, agency_ids=(chosen.pk,))
        elif region:
            scope = region_scope(Region.objects.get(code=region))
        else:
            return widest
    except (ValueError, ServiceItem.DoesNotExist, Agency.DoesNotExist, Region.DoesNotExist):
        raise NotFound(_("There is no such region, agency or item.")) from None
    if widest.agency_ids is not None and not set(scope.agency_ids) <= set(widest.agency_ids):
        raise PermissionDenied(_("This lies outside what you supervise."))
    return scope


# -- sums ---------------------------------------------------------------------------------------------------


def sums(scope: Scope, start: datetime.date, end: datetime.date, *by: str) -> dict:
    """{group: Counter of measures} over [start, end]: whole months from the monthly roll-ups, the days at the
    ends from the daily ones (at most three queries). `by` names the fields grouped by ("month", "agency_id",
    "item_id"); a group is keyed by its value, by a tuple of values for several fields, by None for none."""
    split = periods.split(start, end)
    parts = []
    if split.months:
        parts.append(MonthlyRollup.objects.filter(scope.rollup_filter(), month__gte=split.months[0],
                                                  month__lte=split.months[-1]))  # fmt: skip
    for first, last in split.day_ranges:
        daily = DailyRollup.objects.filter(scope.rollup_filter(), day__range=(first, last))
        parts.append(daily.annotate(month=TruncMonth("day")) if "month" in by else daily)
    aggregates = {name: Sum(name) for name in MEASURES}
    result: dict = {}
    for part in parts:
        rows = part.values(*by).annotate(**aggregates).order_by() if by else [part.aggregate(**aggregates)]
        for row in rows:
            values = tuple(row.pop(field) for field in by)
            key = values[0] if len(by) == 1 else (values or None)
            result.setdefault(key, Counter()).update({name: n or 0 for name, n in row.items()})
    return result


def totals(scope: Scope, start: datetime.date, end: datetime.date) -> Totals:
    """The measures of the scope over the period, with its catalogue and its questions."""
    summed = Totals(dict(sums(scope, start, end).get(None, Counter())))
    return with_questions(scope, start, end, with_catalogue(scope, summed))


@dataclass(frozen=True)
class Overview:
    """What the dashboard shows of a scope and period, from one read of the roll-ups grouped by month and by the
    next level down."""

    totals: Totals
    trend: list[tuple[datetime.date, Totals]]
    rows: list["Row"]


def overview(scope: Scope, start: datetime.date, end: datetime.date) -> Overview:
    part = "item_id" if scope.agency else "agency_id"
    by_month, by_part = {}, {}
    for (month, key), counts in sums(scope, start, end, "month", part).items():
        by_month.setdefault(month, Counter()).update(counts)
        by_part.setdefault(key, Counter()).update(counts)
    trend = [(month, Totals(dict(by_month.get(month, Counter())))) for month in periods.months(start, end)]
    summed = Counter()
    for counts in by_month.values():
        summed.update(counts)
    totals = with_questions(scope, start, end, with_catalogue(scope, Totals(dict(summed))))
    return Overview(totals, trend, breakdown(scope, start, end, parts=by_part))


def _catalogue_facts() -> dict:
    """What Totals keeps of a catalogue, as aggregates of its published items."""
    limited = Q(legal_days__gt=0)
    return {
        "items": Count("id"), "zero_visit_items": Count("id", filter=Q(visits_required=0)),
        "promised_days": Sum("promised_days", filter=limited), "legal_days": Sum("legal_days", filter=limited),
    }  # fmt: skip


def with_catalogue(scope: Scope, totals: Totals) -> Totals:
    items = ServiceItem.objects.published()
    if scope.item:
        items = items.filter(pk=scope.item.pk)
    elif scope.agency_ids is not None:
        items = items.filter(agency_id__in=scope.agency_ids)
    for name, value in items.aggregate(**_catalogue_facts()).items():
        setattr(totals, name, value or 0)
    return totals


def with_questions(scope: Scope, start: datetime.date, end: datetime.date, totals: Totals) -> Totals:
    """The questions asked in the period that count for the answer rate: answered, or past their service level
    (one still within it counts for nothing yet). Counted from the questions themselves, one indexed aggregate:
    a city's year of them is a small table beside its cases."""
    now = timezone.now()
    asked = Question.objects.filter(scope.rollup_filter(), asked_at__gte=periods.start_of(start),
                                    asked_at__lt=periods.start_of(end + datetime.timedelta(days=1)))  # fmt: skip
    counts = asked.aggregate(
        questions=Count("id", filter=Q(answered_at__isnull=False) | Q(due_at__lt=now)),
        questions_answered_in_time=Count("id", filter=Q(answered_at__lte=F("due_at"))),
    )
    totals.questions, totals.questions_answered_in_time = counts["questions"], counts["questions_answered_in_time"]
    return totals


@dataclass(frozen=True)
class Row:
    """One line of a breakdown: what it is, where it leads, and its totals."""

    name: str
    totals: Totals
    region: str = ""  # the region code to drill into
    agency_id: int | None = None
    item_id: int | None = None


def breakdown(scope: Scope, start: datetime.date, end: datetime.date, parts: dict | None = None) -> list[Row]:
    """The next level down: for a region, its regions one level below and the agencies of the region itself; for
    an agency, its items; for an item, nothing (its cases are listed instead). Busiest first. `parts`: the sums
    by agency (or by item, for an agency) when the caller has them already."""
    if scope.item:
        return []
    if scope.agency:
        by_item = parts if parts is not None else sums(scope, start, end, "item_id")
        names = dict(ServiceItem.objects.filter(pk__in=by_item).values_list("pk", "name"))
        rows = [Row(names.get(pk, str(pk)), Totals(dict(c)), agency_id=scope.agency.pk, item_id=pk)
                for pk, c in by_item.items()]  # fmt: skip
        return _busiest_first(rows)
    by_agency = parts if parts is not None else sums(scope, start, end, "agency_id")
    agencies = Agency.objects.select_related("region")
    if scope.agency_ids is not None:
        agencies = agencies.filter(pk__in=scope.agency_ids)
    here = scope.region.pk if scope.region else None
    children = list(scope.region.children.all()) if scope.region else list(Region.objects.filter(parent=None))
    rows, grouped = [], {}
    for agency in agencies:
        counts = by_agency.get(agency.pk, Counter())
        child = None
        if agency.region_id != here:
            child = next((c for c in children if agency.region.code.startswith(c.prefix)), None)
        if child is None:
            rows.append(Row(agency.name, Totals(dict(counts)), agency_id=agency.pk))
        else:
            grouped.setdefault(child, Counter()).update(counts)
    rows += [Row(child.name, Totals(dict(counts)), region=child.code) for child, counts in grouped.items()]
    return _busiest_first(rows)


def _busiest_first(rows: list[Row]) -> list[Row]:
    return sorted(rows, key=lambda row: (-row.totals.submitted, -row.totals.decided, row.name))


# -- the cases behind the figures --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Lights:
    """电子监察 now: cases waiting for the office past their deadline (red) and due within 2 working days
    (yellow)."""

    red: int
    yellow: int


def _open_with_deadline(scope: Scope):
    """Cases waiting for the office, with a deadline. A suspended case counts too: its deadline includes the
    special procedure's expected length, so it is past due only when the procedure overran what the applicant
    was told. The acting roles are named one by one, not "any", so that each (agency, role) is one range of the
    inbox index (agency, acting_role, due), read from the index alone."""
    cases = Case.objects.filter(acting_role__in=STAFF_ROLES)
    if scope.item:
        return cases.filter(item_id=scope.item.pk)
    return cases if scope.agency_ids is None else cases.filter(agency_id__in=scope.agency_ids)


def lights(scope: Scope, today: datetime.date | None = None) -> Lights:
    """Two counts in one read of the inbox index (agency, acting role, deadline)."""
    today = today or timezone.localdate()
    soon = work_calendar().add(today, DUE_SOON_WORKING_DAYS).date
    # Counting `due`, not `id`, keeps it to the index: the id is not in it.
    counts = (
        _open_with_deadline(scope)
        .filter(due__lte=soon)
        .aggregate(red=Count("due", filter=Q(due__lt=today)), yellow=Count("due", filter=Q(due__gte=today)))
    )
    return Lights(**counts)


def cases_behind(scope: Scope, start: datetime.date, end: datetime.date, today: datetime.date | None = None):
    """An item's cases for the drill-down: the red ones (open past their deadline), then the rest submitted in the
    period, newest first; and the last day that counts as due soon (yellow)."""
    today = today or timezone.localdate()
    soon = work_calendar().add(today, DUE_SOON_WORKING_DAYS).date
    low, high = periods.start_of(start), periods.start_of(end + datetime.timedelta(days=1))
    red = list(_open_with_deadline(scope).filter(due__lt=today).select_related("item").order_by("due")[:200])
    recent = (
        Case.objects.filter(item_id=scope.item.pk, submitted_at__gte=low, submitted_at__lt=high)
        .exclude(pk__in=[case.pk for case in red]).select_related("item").order_by("-submitted_at")
    )  # fmt: skip
    return red, recent, soon


def per_agency(scope: Scope, start: datetime.date, end: datetime.date) -> list[tuple[Agency, Totals]]:
    """Every agency of the scope that has published items or cases, with its totals and its catalogue: three
    grouped queries."""
    by_agency = sums(scope, start, end, "agency_id")
    items = ServiceItem.objects.published()
    if scope.agency_ids is not None:
        items = items.filter(agency_id__in=scope.agency_ids)
    catalogue = {
        row.pop("agency_id"): row for row in items.values("agency_id").annotate(**_catalogue_facts()).order_by()
    }
    agencies = Agency.objects.filter(pk__in=by_agency.keys() | catalogue.keys()).select_related("region")
    result = []
    for agency in agencies.order_by("region__code", "display_order", "name"):
        facts = {name: value or 0 for name, value in catalogue.get(agency.pk, {}).items()}
        result.append((agency, Totals(dict(by_agency.get(agency.pk, Counter())), **facts)))
    return result


def published_figures(today: datetime.date) -> dict:
    """This year's figures of the whole platform and of each agency, for the public page; kept five minutes."""
    from django.core.cache import cache

    key = f"supervision:published:{today.isoformat()}"
    figures = cache.get(key)
    if figures is None:
        start, scope = today.replace(month=1, day=1), Scope()
        figures = {
            "start": start,
            "totals": totals(scope, start, today),
            "agencies": [(agency.name, t) for agency, t in per_agency(scope, start, today)],
        }
        cache.set(key, figures, 300)
    return figures


def trail(user, scope: Scope) -> list[tuple[str, str]]:
    """The way down from what the user supervises to this scope, as (name, query) pairs, the scope itself last."""
    widest = reach(user)
    steps = []
    if widest.agency is None:  # a region (or everything) is the top
        region = scope.agency.region if scope.agency else scope.region
        chain = place_chain(region.pk) if region else []
        if widest.region is None:
            steps.append((_("All regions"), ""))
        else:  # from the supervisor's own region down
            chain = [r for r in chain if r.level >= widest.region.level]
        steps += [(r.name, f"region={r.code}") for r in chain]
    if scope.agency:
        steps.append((scope.agency.name, f"agency={scope.agency.pk}"))
    if scope.item:
        steps.append((scope.item.name, f"item={scope.item.pk}"))
    return steps


# -- alerts --------------------------------------------------------------------------------------------------


def visible_alerts(user):
    """The alerts of the agencies the user supervises (see reach)."""
    scope = reach(user)
    alerts = Alert.objects.select_related("case__item", "question__item", "agency", "acknowledged_by")
    return alerts if scope.agency_ids is None else alerts.filter(agency_id__in=scope.agency_ids)


def open_alerts(scope: Scope) -> dict[str, int]:
    """How many alerts of each kind are open (neither ended nor acknowledged) in the scope: one grouped count."""
    alerts = Alert.objects.filter(ended_at__isnull=True, acknowledged_at__isnull=True)
    if scope.item:
        alerts = alerts.filter(Q(case__item_id=scope.item.pk) | Q(question__item_id=scope.item.pk))
    elif scope.agency_ids is not None:
        alerts = alerts.filter(agency_id__in=scope.agency_ids)
    counts = dict(alerts.values_list("kind").annotate(n=Count("id")).order_by())
    return {kind: counts.get(kind, 0) for kind in AlertKind.values}
