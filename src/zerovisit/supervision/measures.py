"""Which case counts in which measure, and on which day: the one definition the roll-ups, their reconciliation and
their rebuild all use.

A case counts on the day it was submitted (submitted; corrected, if a correction was ever asked; reused_materials,
the materials it took from the licence library or the platform's data instead of asking for them), on the day it
was accepted (accepted, deemed_accepted), on the day it was decided, approved, denied or filed (decided and the
rest), and on the day it was rated (evaluated; satisfied, rated 基本满意 or better; bad_rated, a real-name bad rating;
rectified, its rectification closed), unless the rating was set aside on appeal. Days are local days
(Asia/Shanghai)."""

import datetime
from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, Sum
from django.utils import timezone

from zerovisit.cases.models import ONLINE_CHANNELS, Case, CaseAction, CaseEvent, CaseMaterial, DeliveryMethod
from zerovisit.delivery.models import Payer, Shipment
from zerovisit.feedback.models import BAD_RATINGS, Evaluation, Rating, RectificationStatus
from zerovisit.workcalendar.calendar import OutOfRange
from zerovisit.workcalendar.selectors import work_calendar

DELIVERED_WITHOUT_VISIT = frozenset({DeliveryMethod.E_LICENSE, DeliveryMethod.COURIER})
REUSED_SOURCES = (CaseMaterial.Source.LICENSE, CaseMaterial.Source.HELD_DATA)
CASE_FIELDS = (
    "pk", "agency_id", "item_id", "channel", "submitted_at", "accepted_at", "deemed_accepted", "decided_at",
    "decision_due", "paused_days", "delivery_method", "item__visits_required",
)  # fmt: skip

Key = tuple[datetime.date, int, int, str]  # (day, agency, item, channel)


@dataclass(frozen=True)
class Facts:
    """What the measures read of a case beyond its own row, gathered for many cases at once."""

    corrected: frozenset[int]
    reused: dict[int, int]
    postage_fen: dict[int, int]
    evaluations: dict[int, dict]


def facts_for(case_ids) -> Facts:
    """Four grouped queries, whatever the number of cases."""
    corrected = CaseEvent.objects.filter(case_id__in=case_ids, action=CaseAction.REQUEST_CORRECTION)
    reused = (
        CaseMaterial.objects.filter(case_id__in=case_ids, source__in=REUSED_SOURCES)
        .values("case_id").annotate(n=Count("id")).order_by()
    )  # fmt: skip
    postage = (
        Shipment.objects.filter(case_id__in=case_ids, payer=Payer.GOVERNMENT)
        .values("case_id").annotate(cost=Sum("cost")).order_by()
    )  # fmt: skip
    evaluations = Evaluation.objects.filter(case_id__in=case_ids, second_of__isnull=True, set_aside=False).values(
        "case_id", "rating", "anonymous", "created_at", "rectification__status"
    )
    return Facts(
        evaluations={row["case_id"]: row for row in evaluations},
        corrected=frozenset(corrected.values_list("case_id", flat=True)),
        reused={row["case_id"]: row["n"] for row in reused},
        postage_fen={row["case_id"]: round(row["cost"] * 100) for row in postage if row["cost"]},
    )


def counting_in(low: datetime.datetime, high: datetime.datetime) -> set[int]:
    """The cases that count on some day in [low, high): submitted, accepted, decided or (first) rated then, as
    contribution() dates them. A recount or rebuild of a period reads exactly these."""
    ids = set()
    for field in ("submitted_at", "accepted_at", "decided_at"):
        ids.update(Case.objects.filter(**{f"{field}__gte": low, f"{field}__lt": high}).values_list("pk", flat=True))
    rated = Evaluation.objects.filter(second_of__isnull=True, created_at__gte=low, created_at__lt=high)
    ids.update(rated.values_list("case_id", flat=True))
    return ids


def cases_for(case_ids) -> list[dict]:
    return list(Case.objects.filter(pk__in=case_ids).values(*CASE_FIELDS))


def contribution(case: dict, facts: Facts) -> dict[Key, Counter]:
    """The measures one case adds, by key. `case` holds CASE_FIELDS."""
    rows: dict[Key, Counter] = {}

    def add(moment, **measures):
        key = (timezone.localdate(moment), case["agency_id"], case["item_id"], case["channel"])
        rows.setdefault(key, Counter()).update({name: n for name, n in measures.items() if n})

    pk = case["pk"]
    add(case["submitted_at"], submitted=1, corrected=int(pk in facts.corrected),
        reused_materials=facts.reused.get(pk, 0))  # fmt: skip
    if case["accepted_at"]:
        add(case["accepted_at"], accepted=1, deemed_accepted=int(case["deemed_accepted"]))
    if case["decided_at"]:
        decided_day = timezone.localdate(case["decided_at"])
        accepted_day = timezone.localdate(case["accepted_at"]) if case["accepted_at"] else None
        online = (
            case["channel"] in ONLINE_CHANNELS
            and case["delivery_method"] in DELIVERED_WITHOUT_VISIT
            and case["item__visits_required"] == 0
        )
        add(
            case["decided_at"],
            decided=1,
            decided_online=int(online),
            decided_instant=int(accepted_day == decided_day),
            decided_on_time=int(case["decision_due"] is None or decided_day <= case["decision_due"]),
            handling_days=handling_days(accepted_day, decided_day, case["paused_days"]),
            by_courier=int(case["delivery_method"] == DeliveryMethod.COURIER),
            postage_fen=facts.postage_fen.get(pk, 0),
        )
    evaluation = facts.evaluations.get(pk)
    if evaluation:
        bad = evaluation["rating"] in BAD_RATINGS and not evaluation["anonymous"]
        add(
            evaluation["created_at"],
            evaluated=1,
            satisfied=int(evaluation["rating"] >= Rating.BASICALLY_SATISFIED),
            bad_rated=int(bad),
            rectified=int(bad and evaluation["rectification__status"] == RectificationStatus.CLOSED),
        )
    return {key: measures for key, measures in rows.items() if measures}


def handling_days(accepted: datetime.date | None, decided: datetime.date, paused_days: int) -> int:
    """Working days from acceptance to decision, less the days a special procedure paused the clock."""
    if accepted is None:
        return 0
    try:
        used = work_calendar().count(accepted, decided).days
    except OutOfRange:  # a date decades away is a data error, not a reason to stop counting the rest
        used = 0
    return max(used - paused_days, 0)


def as_rows(contribution: dict[Key, Counter]) -> list:
    """A contribution as CaseContribution.rows keeps it."""
    return [[day.isoformat(), agency, item, channel, dict(measures)]
            for (day, agency, item, channel), measures in sorted(contribution.items())]  # fmt: skip


def from_rows(rows: list) -> dict[Key, Counter]:
    return {(datetime.date.fromisoformat(day), agency, item, channel): Counter(measures)
            for day, agency, item, channel, measures in rows}  # fmt: skip
