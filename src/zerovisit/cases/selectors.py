"""Who sees which cases, and the staff inbox. Access and fetch happen together, so no view can forget the check."""

import copy
import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q, QuerySet, Sum, prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _

from zerovisit.accounts.models import Role
from zerovisit.accounts.services.organisations import running_authorisations
from zerovisit.catalog.models import ServiceItem
from zerovisit.core.errors import NotFound
from zerovisit.core.text import named_id
from zerovisit.licenses.models import License
from zerovisit.org.models import Agency
from zerovisit.workcalendar.selectors import work_calendar

from . import lifecycle
from .models import (
    ONLINE_CHANNELS,
    ApplicationDraft,
    BundleCase,
    Case,
    CaseAction,
    CaseEvent,
    CaseNotice,
    CaseStatus,
    CaseTally,
    Stage,
)

STAFF_ROLES = (Role.ACCEPTOR, Role.REVIEWER, Role.DECIDER, Role.SUPERVISOR)
# Roles that read (never act on) every case of every agency in their agency's region and below.
REGION_READERS = (Role.REGION_SUPERVISOR, Role.AUDITOR)
DUE_SOON_WORKING_DAYS = 2


def _staff_roles(user) -> list[str]:
    return [role for role in STAFF_ROLES if user.has_role(role)] if user.agency_id else []


def is_case_staff(user) -> bool:
    return user.is_authenticated and bool(_staff_roles(user))


def possible_steps(user, case) -> list[str]:
    """The steps to offer this user on this case now, from the lifecycle (see lifecycle.steps_for)."""
    return lifecycle.steps_for(user, case)


def correction_materials(case, *, first: bool = False) -> list[int] | None:
    """The materials the case's latest correction notice named, which its answer replaces; or those of its first
    notice (一次性告知: a later notice may name no others). None when there was no notice, or it predates notices
    naming their materials (then nothing is restricted)."""
    event = case.events.filter(action="request_correction").order_by("seq" if first else "-seq").first()
    return event.data.get("materials") if event else None


def correction_answer_due(case) -> datetime.date | None:
    """The day by which the case's latest correction notice is to be answered, or None if it set none."""
    event = case.events.filter(action="request_correction").order_by("-seq").first()
    due = event.data.get("answer_due") if event else None
    return datetime.date.fromisoformat(due) if due else None


# The office's own steps, which the applicant's view of a case leaves out (who took it up, what the reviewer
# thought), and the opinions that view keeps: the reasons the applicant is owed for a refusal, a correction, a
# decision, an extension or a special procedure (行政许可法 Arts. 32, 38 and 42).
OFFICE_ONLY_ACTIONS = frozenset({CaseAction.CLAIM, CaseAction.REVIEW})
OPINIONS_TOLD = frozenset({
    CaseAction.REFUSE, CaseAction.REQUEST_CORRECTION, CaseAction.DECIDE, CaseAction.EXTEND, CaseAction.SUSPEND,
    CaseAction.RESUME, CaseAction.WITHDRAW, CaseAction.ORDER_CORRECTION, CaseAction.REVOKE, CaseAction.DELIVERY_FAILED,
})  # fmt: skip


def reads_as_applicant(user) -> bool:
    """Someone outside the offices (an applicant, their agent or proxy) reads a case's history without the
    office's own steps."""
    return user.agency_id is None


def timeline_for(user, events) -> list:
    """A case's history as `user` may read it: all of it for staff; for the applicant's side, without the
    office's own steps, the opinions they are not owed, or the names of the staff who acted (the events are
    copies for reading, never saved)."""
    events = list(events)
    if not reads_as_applicant(user):
        return events
    shown = []
    for event in events:
        if event.action in OFFICE_ONLY_ACTIONS:
            continue
        event = copy.copy(event)
        event.opinion = event.opinion if event.action in OPINIONS_TOLD else ""
        if event.actor_id != user.pk:
            event.actor, event.actor_id = None, None
        shown.append(event)
    return shown


def stages_to_come(case) -> list:
    """The stages of the process as filed that an open case has still to pass, the current one first."""
    if not case.is_open:
        return []
    stages = case.process.get("stages", [])
    return [Stage(**stage) for stage in stages if stage["order"] >= case.stage_order]


def draft_for(user, pk) -> ApplicationDraft | None:
    """The user's own draft with this id; None without an id; NotFound for anyone else's or one that has gone
    (sent, discarded or expired)."""
    if not pk:
        return None
    draft_id = named_id(str(pk))
    draft = ApplicationDraft.objects.filter(user=user, pk=draft_id).first() if draft_id else None
    if draft is None:
        raise NotFound(_("This draft no longer exists: it was sent, discarded or has expired."))
    return draft


def draft_files(draft) -> dict:
    """spec id → the file a draft keeps of that material."""
    return {m.spec_id: m for m in draft.materials.all()} if draft else {}


def drafts_of(user):
    return ApplicationDraft.objects.filter(user=user).order_by("-saved_at").prefetch_related("materials")


def region_reach(user) -> str | None:
    """The division-code prefix of the region whose cases the user reads across agencies ('' for every region:
    an administrator), or None for a user who reads no agency's cases but their own."""
    if user.is_superuser:
        return ""
    if user.agency_id and any(user.has_role(role) for role in REGION_READERS):
        return user.agency.region.prefix
    return None


def _within(prefix: str) -> Q:
    """Cases of the agencies in the region of this prefix and below. The agencies are read first: given their ids,
    the database knows how many cases they have and walks the newest first; given a subquery, it guessed one agency
    and sorted every matching case (80 ms at 100,000 cases)."""
    if not prefix:
        return Q()
    return Q(agency_id__in=list(Agency.objects.filter(region__code__startswith=prefix).values_list("pk", flat=True)))


def visible_cases(user):
    """Applicants and their agents see their own cases; staff those of their agency and the parallel reviews their
    agency takes part in; regional supervisors, auditors and administrators those of every agency in their reach.
    Nobody else sees anything."""
    if not user.is_authenticated or user.pk is None:  # anonymous, or a system's token: no cases of its own
        return Case.objects.none()
    reach = region_reach(user)
    if reach == "":
        return Case.objects.all()
    # The applicant records and authorisations are read first so that an applicant's list is a union of index
    # ranges: inside an OR, a subquery or a join would make the database read every case.
    mine = Q(submitted_by=user)
    applicants = list(user.applicants.values_list("pk", flat=True))
    if applicants:
        mine |= Q(applicant_id__in=applicants)
    if user.authorisations.exists():
        mine |= Q(proxy_authorisation__agent=user)
    if user.agency_id is None:  # staff are nobody's agents
        mine |= _as_agent(user)
    if _staff_roles(user):
        mine |= _of_agency(user)
    if reach is not None:
        mine |= _within(reach)
    return Case.objects.filter(mine)


def _of_agency(user) -> Q:
    """The cases of the user's agency and those whose parallel review (as filed) it takes part in. The second
    condition is added only for an agency that has any, so that the usual list stays one index range."""
    joint = _joint_reviews(user)
    return Q(agency_id=user.agency_id) | joint if joint else Q(agency_id=user.agency_id)


def _joint_reviews(user) -> Q | None:
    """The cases whose parallel review the user's agency takes part in, or None for an agency that has none."""
    joint = Case.joint_agencies.through.objects.filter(agency_id=user.agency_id)
    return Q(pk__in=joint.values("case_id")) if joint.exists() else None


@dataclass(frozen=True)
class CaseFilters:
    """What a case list may be narrowed to. `region` is a division-code prefix (the region and all below it);
    `submitted_from` and `submitted_to` are days, both included."""

    status: str = ""
    channel: str = ""
    item: str = ""  # implementation code
    agency: int | None = None
    region: str | None = None
    submitted_from: datetime.date | None = None
    submitted_to: datetime.date | None = None

    def tallied(self) -> bool:
        """Whether the tally can count a list with these filters (it knows no items or days)."""
        return not (self.item or self.submitted_from or self.submitted_to)


@dataclass(frozen=True)
class CaseList:
    """A case list (newest first) and the disjoint parts whose sizes add up to its exact count: tally rows (see
    models.CaseTally), summed, or cases, counted."""

    cases: QuerySet
    parts: tuple[QuerySet, ...]

    def count(self) -> int:
        return sum(_size(part) for part in self.parts)


def _size(part: QuerySet) -> int:
    if part.model is CaseTally:
        return part.aggregate(n=Sum("n"))["n"] or 0
    return part.count()


def case_list(user, filters: CaseFilters = CaseFilters()) -> CaseList:
    """The list a user works through: regional readers every agency's cases in their reach, staff their agency's
    (and the parallel reviews it takes part in), others their own. Unlike visible_cases() it does not mix these, so
    a staff list is one range of the (agency, -submitted_at) index and a reader's one of (-submitted_at), newest
    first. Its count reads a few tally rows per agency, at any number of cases; what the tally cannot count (a filter
    by item or days, an applicant's own cases) counts its own index range, and a parallel review's cases of other
    agencies are counted through the review's rows and added."""
    reach = region_reach(user)
    joint = None
    if reach is not None:
        scope = _within(reach)
    elif _staff_roles(user):
        scope = Q(agency_id=user.agency_id)
        joint = _joint_reviews(user)
    else:
        scope = None
    if scope is None:
        cases = visible_cases(user)
        parts = [cases]
    else:
        cases = Case.objects.filter(scope | joint if joint else scope)
        parts = [CaseTally.objects.filter(scope) if filters.tallied() else Case.objects.filter(scope)]
        if joint:
            parts.append(Case.objects.filter(joint).exclude(scope))
    tallied = [
        Q(status=filters.status) if filters.status else None,
        Q(channel=filters.channel) if filters.channel else None,
        Q(agency_id=filters.agency) if filters.agency is not None else None,
        _within(filters.region) if filters.region else None,
    ]
    # Days as ranges of the indexed column (a comparison of its date would read every case).
    start = _start_of(filters.submitted_from) if filters.submitted_from else None
    end = _start_of(filters.submitted_to, days_later=1) if filters.submitted_to else None
    untallied = [
        Q(item__impl_code=filters.item) if filters.item else None,
        Q(submitted_at__gte=start) if start else None,
        Q(submitted_at__lt=end) if end else None,
    ]
    for condition in filter(None, tallied + untallied):  # the second kind never meets a tally part (.tallied())
        cases = cases.filter(condition)
        parts = [part.filter(condition) for part in parts]
    return CaseList(cases.order_by("-submitted_at", "-id"), tuple(parts))


def _start_of(day: datetime.date, days_later: int = 0) -> datetime.datetime | None:
    """Midnight of the day (in the platform's time zone), or None at the ends of the calendar, which bound nothing."""
    try:
        midnight = datetime.datetime.combine(day + datetime.timedelta(days=days_later), datetime.time())
        return midnight.replace(tzinfo=timezone.get_current_timezone()).astimezone(datetime.UTC)
    except OverflowError:
        return None


def case_for_actor(user, number: str, *, item_fields: tuple[str, ...] = ()) -> Case:
    """The case of this number if the user may see it (as visible_cases() decides), else NotFound. It is read by
    its number and then checked, which costs no query for the usual reader, where the same condition in SQL costs
    three. `item_fields` restricts what is read of its item (the item has some sixty columns)."""
    cases = Case.objects.select_related("item", "agency__region", "applicant", "claimed_by", "proxy_authorisation")
    if item_fields:
        cases = cases.defer(*(f"item__{field.name}" for field in ServiceItem._meta.concrete_fields
                              if field.name not in (*item_fields, "id")))  # fmt: skip
    case = cases.filter(number=number).first()
    if case is None or not _may_see(user, case):
        raise NotFound(_("No case has the number %(number)s.") % {"number": number})
    return case


def _as_agent(user) -> Q:
    """The cases of the organisations whose agent the user is today, of the items their authorisation covers."""
    authorisations = running_authorisations(user)
    codes = {code for authorisation in authorisations for code in authorisation.item_codes}
    item_ids: dict[str, list[int]] = {}
    for pk, code in ServiceItem.objects.filter(impl_code__in=codes).values_list("pk", "impl_code"):
        item_ids.setdefault(code, []).append(pk)
    found = Q(pk__in=[])
    for authorisation in authorisations:
        of_items = Q()
        if authorisation.item_codes:
            of_items = Q(item_id__in=[pk for code in authorisation.item_codes for pk in item_ids.get(code, [])])
        found |= Q(applicant_id=authorisation.organisation_id) & of_items
    return found


def _may_see(user, case: Case) -> bool:
    """visible_cases() for one case in hand (a test holds the two to the same answers)."""
    if not user.is_authenticated or user.pk is None:
        return False
    reach = region_reach(user)
    if reach is not None and case.agency.region.code.startswith(reach):
        return True
    if user.pk in (case.submitted_by_id, case.applicant.user_id):
        return True
    if case.proxy_authorisation is not None and case.proxy_authorisation.agent_id == user.pk:
        return True
    if user.agency_id is None and any(a.organisation_id == case.applicant_id and a.covers(case.item.impl_code,
                                      timezone.localdate()) for a in running_authorisations(user)):  # fmt: skip
        return True
    if not _staff_roles(user):
        return False
    return case.agency_id == user.agency_id or case.joint_agencies.filter(pk=user.agency_id).exists()


QUEUES = ("unclaimed", "mine", "due_soon", "overdue", "suspended")


def inbox(user, queue: str, today: datetime.date | None = None):
    """A staff member's work: cases of their agency at a stage their roles may act on.

    unclaimed · claimed by nobody; mine · claimed by them; due_soon · due within 2 working days; overdue · past
    due; suspended · waiting for a special procedure. Ordered by the current deadline.
    """
    roles = _staff_roles(user)
    if not roles:
        return Case.objects.none()
    today = today or timezone.localdate()
    cases = Case.objects.filter(agency_id=user.agency_id, acting_role__in=roles).select_related(
        "item", "applicant", "claimed_by"
    )
    if queue == "unclaimed":
        cases = cases.filter(claimed_by__isnull=True).exclude(status=CaseStatus.SUSPENDED)
    elif queue == "mine":
        cases = cases.filter(claimed_by=user)
    elif queue == "due_soon":
        soon = work_calendar().add(today, DUE_SOON_WORKING_DAYS).date
        cases = cases.filter(due__gte=today, due__lte=soon).exclude(status=CaseStatus.SUSPENDED)
    elif queue == "overdue":
        cases = cases.filter(due__lt=today).exclude(status=CaseStatus.SUSPENDED)
    elif queue == "suspended":
        cases = cases.filter(status=CaseStatus.SUSPENDED)
    else:
        raise ValueError(queue)
    return cases.order_by("due", "submitted_at", "id")


def office_hours_waited(since: datetime.datetime, now: datetime.datetime) -> float:
    """Office hours (ZV_OFFICE_HOURS on working days) from `since` to `now`: how long an online application has
    waited for someone on duty."""
    return work_calendar().working_hours(
        timezone.localtime(since), timezone.localtime(now), settings.OFFICE_OPENS, settings.OFFICE_CLOSES
    )


def online_duty(user, now: datetime.datetime | None = None, limit: int = 200) -> list:
    """网上职守: online applications of the user's agency that nobody has claimed yet, oldest first, each with the
    office hours it has waited (`waited_hours`) and whether that is past ZV_ONLINE_DUTY_HOURS (`overdue`)."""
    if not _staff_roles(user):
        return []
    now = timezone.localtime(now or timezone.now())
    cases = (
        Case.objects.filter(
            agency_id=user.agency_id,
            status=CaseStatus.SUBMITTED,
            claimed_by__isnull=True,
            channel__in=ONLINE_CHANNELS,
        )
        .select_related("item", "applicant")
        .order_by("submitted_at", "id")[:limit]
    )
    waiting = []
    for case in cases:
        case.waited_hours = office_hours_waited(case.submitted_at, now)
        case.overdue = case.waited_hours > settings.ONLINE_DUTY_HOURS
        waiting.append(case)
    return waiting


# -- bundles (一件事) ------------------------------------------------------------------------------------------


def bundle_cases_of(user):
    """The applications for bundles a person filed, or that are for an applicant whose account they are, newest
    first."""
    if not user.is_authenticated or user.pk is None:
        return BundleCase.objects.none()
    mine = Q(submitted_by=user)
    applicants = list(user.applicants.values_list("pk", flat=True))
    if applicants:
        mine |= Q(applicant_id__in=applicants)
    return BundleCase.objects.filter(mine).order_by("-submitted_at", "-pk")


def bundle_case_for_actor(user, number: str) -> BundleCase:
    """An application for a bundle, for whoever may see one of its member cases (the applicant's side, the member
    agencies' staff, supervisors over them); 404 for anyone else, as for one that does not exist."""
    found = BundleCase.objects.select_related("applicant", "bundle").filter(number=number).first()
    own = found is not None and user.pk is not None and user.pk in (found.submitted_by_id, found.applicant.user_id)
    if found is None or not (own or visible_cases(user).filter(bundle_case=found).exists()):
        raise NotFound(_("No application has the number %(number)s.") % {"number": number})
    return found


@dataclass(frozen=True)
class MemberProgress:
    case: Case
    waits_for: tuple[str, ...]  # the items whose results it needs

    @property
    def deadline(self) -> datetime.date | None:
        return self.case.due or self.case.decision_due


@dataclass(frozen=True)
class BundleCorrection:
    """One material a correction asked for, however many members asked: answered once."""

    name: str
    reasons: tuple[str, ...]
    members: tuple[str, ...]


@dataclass(frozen=True)
class BundleProgress:
    members: list[MemberProgress]
    corrections: list[BundleCorrection]
    answer_due: datetime.date | None  # the earliest of the corrections' answer dates
    licenses: list
    notices: list


# What a bundle's page shows of its members (a member case's guide text and answers are on its own page).
MEMBER_COLUMNS = ("number", "status", "stage_order", "process", "due", "decision_due", "due_estimated",
                  "bundle_position", "bundle_case", "item__name", "item__impl_code", "agency__name")  # fmt: skip


def _progress_of(bundle_case: BundleCase, members: list[Case]) -> list[MemberProgress]:
    names = {m.bundle_position: m.item.name for m in members}
    after = {p["position"]: p["after"] for p in bundle_case.plan}
    return [MemberProgress(m, tuple(names[p] for p in after.get(m.bundle_position, ()) if p in names))
            for m in members]  # fmt: skip


def fellow_members(case: Case) -> tuple[BundleCase | None, list[MemberProgress]]:
    """The bundle application a case was filed with, and its members (the case itself included) in the bundle's
    order: staff handling one member see where the others stand and what it waits for (印章刻制 after 营业执照).
    (None, []) for a case filed on its own. Two queries."""
    if case.bundle_case_id is None:
        return None, []
    bundle_case = BundleCase.objects.only("number", "name", "plan", "due").get(pk=case.bundle_case_id)
    members = bundle_case.members.select_related("item", "agency").only(*MEMBER_COLUMNS).order_by("bundle_position")
    return bundle_case, _progress_of(bundle_case, list(members))


def bundle_progress(bundle_case: BundleCase) -> BundleProgress:
    """What the applicant sees of an application for a bundle: each member's progress, the corrections asked (one
    per material), and every licence and notice issued so far. A fixed number of queries, whatever the members."""
    members = list(
        bundle_case.members.select_related("item", "agency").only(*MEMBER_COLUMNS).order_by("bundle_position")
    )
    waiting = [m for m in members if m.status == CaseStatus.CORRECTION]
    prefetch_related_objects(waiting, "item__materials")
    latest = {}
    asked = CaseEvent.objects.filter(case__in=waiting, action=CaseAction.REQUEST_CORRECTION).order_by("case", "seq")
    for event in asked:
        latest[event.case_id] = event  # the last notice of each case is the one its answer replies to
    merged: dict[str, dict] = {}
    due = None
    for case in waiting:
        event = latest.get(case.pk)
        if event is None:
            continue
        specs = {spec.pk: spec.name for spec in case.item.materials.all()}
        for spec_id in event.data.get("materials") or []:
            entry = merged.setdefault(specs.get(spec_id, str(spec_id)), {"reasons": [], "members": []})
            entry["members"].append(case.item.name)
            entry["reasons"] += [r for r in event.data.get("corrections", []) if r not in entry["reasons"]]
        if answer_due := event.data.get("answer_due"):
            day = datetime.date.fromisoformat(answer_due)
            due = day if due is None else min(due, day)
    return BundleProgress(
        members=_progress_of(bundle_case, members),
        corrections=[BundleCorrection(name, tuple(e["reasons"]), tuple(e["members"])) for name, e in merged.items()],
        answer_due=due,
        licenses=list(
            License.objects.filter(case__bundle_case=bundle_case)
            .select_related("license_type", "case")
            .only("number", "identifier", "file", "license_type__name", "case__number")
        ),
        notices=list(
            CaseNotice.objects.filter(case__bundle_case=bundle_case)
            .select_related("case__item")
            .only("kind", "code", "file", "created_at", "case__number", "case__item__name")
        ),
    )
