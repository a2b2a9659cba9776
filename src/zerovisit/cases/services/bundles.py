"""一件事一次办: one application for a bundle of items of several agencies.

`submit_bundle` files the bundle's case and one member case per item in one transaction: the combined form's
answers feed each member's form (the bundle's field mapping), one upload of a material serves every member that
asks for it, and a member that waits for others' results is filed waiting. Each member agency then handles its own
case in its own workbench under the usual rules. After each member's conclusion `follow_bundle` (a task queued in
that step's transaction) starts the members whose prerequisites were approved, with their results taken from the
licence library, ends what a refusal ends, and concludes the bundle when no member is open. A correction asked
by any member is answered once (`answer_bundle_corrections`).
"""

import hashlib
import json
from dataclasses import dataclass, field

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _

from zerovisit.accounts import services as accounts
from zerovisit.accounts.models import ApplicantKind
from zerovisit.catalog.formfields import FormDataError, clean_form_data
from zerovisit.catalog.models import Bundle, MaterialSource, MaterialSpec, Necessity, RefusalPolicy, ServiceItem
from zerovisit.catalog.selectors import items_for_application
from zerovisit.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from zerovisit.licenses import selectors as license_selectors
from zerovisit.licenses.models import LicenseType
from zerovisit.notify.services import notify
from zerovisit.workcalendar.selectors import work_calendar

from .. import selectors
from ..models import BundleCase, BundleStatus, Case, CaseAction, CaseStatus, Channel, DeliveryMethod
from ..numbering import new_case_number
from .applying import (
    BundleMembership,
    IdempotencyKeyReused,
    MaterialInput,
    _checked_delivery,
    _delete_files,
    _from_license_library,
    _prepare,
    _store_materials,
    file_members,
    resubmit_correction,
)
from .steps import InvalidTransition, MaterialsIncomplete, Step, authority, day_of

NOT_APPROVED = (CaseStatus.REFUSED, CaseStatus.DENIED, CaseStatus.WITHDRAWN, CaseStatus.REVOKED)


# -- what a bundle asks for ----------------------------------------------------------------------------------


@dataclass
class CombinedMaterial:
    """One material of a bundle's application, however many members ask for it (materials are the same when they
    have the same name: one 身份证 or 营业执照 serves every member)."""

    name: str
    specs: list[MaterialSpec] = field(default_factory=list)
    members: list[str] = field(default_factory=list)  # the names of the items that ask for it
    required: bool = False
    may_follow: bool = True  # every member that requires it lets it follow later (容缺后补)
    from_library: bool = False  # a member takes it from the applicant's licences when they hold one


def member_items(bundle: Bundle) -> dict[int, ServiceItem]:
    """Position → the published version each member applies for (what an application needs, mostly cached)."""
    found, items = items_for_application(m.impl_code for m in bundle.members.all()), {}
    for member in bundle.members.all():
        item = found.get(member.impl_code)
        if item is None:
            raise DomainError(_("“%(item)s” of this bundle is not open for applications at present.")
                              % {"item": member.name}, code="item_not_published")  # fmt: skip
        items[member.position] = item
    return items


def given_by_results(bundle: Bundle, items: dict[int, ServiceItem]) -> dict[int, set[str]]:
    """Position → the names of the materials that the results of the members it waits for will give it: a licence
    type one of them issues is accepted for the material. (The licence types are read once: a few hundred.)"""
    types = list(LicenseType.objects.only("issuing_items", "material_names"))
    issued = {p: {n for t in types if item.impl_code in t.issuing_items for n in t.material_names}
              for p, item in items.items()}  # fmt: skip
    given = {}
    for member in bundle.members.all():
        names = set().union(*(issued.get(p, set()) for p in member.after))
        given[member.position] = {
            spec.name for spec in items[member.position].materials.all()
            if spec.source == MaterialSource.LICENSE_LIBRARY and spec.name in names
        }  # fmt: skip
    return given


def combined_materials(bundle: Bundle, items: dict[int, ServiceItem] | None = None,
                       given: dict[int, set[str]] | None = None) -> list[CombinedMaterial]:  # fmt: skip
    """The bundle's materials list, duplicates merged, in the members' order: without the members' online forms
    (the combined form is their answer) and without what the results of other members will give."""
    items = items if items is not None else member_items(bundle)
    given = given if given is not None else given_by_results(bundle, items)
    merged: dict[str, CombinedMaterial] = {}
    for position, item in items.items():
        for spec in item.materials.all():
            if spec.source == MaterialSource.ONLINE_FORM or spec.name in given[position]:
                continue
            material = merged.setdefault(spec.name, CombinedMaterial(name=spec.name))
            material.specs.append(spec)
            if item.name not in material.members:
                material.members.append(item.name)
            if spec.necessity != Necessity.OPTIONAL:
                material.required = True
                material.may_follow &= spec.necessity == Necessity.DEFERRABLE
            material.from_library |= spec.source == MaterialSource.LICENSE_LIBRARY
    for material in merged.values():
        material.may_follow &= material.required
    return list(merged.values())


def delivery_methods(items: dict[int, ServiceItem]) -> list[str]:
    """The ways every member's result can be delivered (catalog.bundles checks that there is one)."""
    common = set.intersection(*(set(item.delivery_methods()) for item in items.values()))
    return [method for method in DeliveryMethod.values if method in common]


# -- applying ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BundleSubmission:
    bundle_case: BundleCase
    created: bool  # False: a retry with the same idempotency key


def _member_answers(member, answers: dict) -> dict:
    return {own: answers[combined] for own, combined in member.field_map.items() if combined in answers}


def _checked_answers(bundle: Bundle, form_data) -> dict:
    try:
        return clean_form_data(bundle.form_fields, form_data or {})
    except FormDataError as exc:
        raise DomainError(str(exc), code="invalid_form", errors=exc.errors) from exc


def _checked_materials(combined: list[CombinedMaterial], files: dict, later) -> None:
    """Every file and promise names a material of the bundle; every required material is given, or promised when
    it may follow, or held in the licence library (the member then takes it from there, or says it is missing)."""
    known = {m.name: m for m in combined}
    problems = []
    for name in [*files, *later]:
        if name not in known:
            problems.append(
                {
                    "field": f"materials.{name}",
                    "code": "not_of_this_bundle",
                    "message": _("“%(name)s” is not a material of this bundle.") % {"name": name},
                }
            )
    for name in later:
        if name in known and not known[name].may_follow:
            problems.append(
                {
                    "field": f"materials.{name}",
                    "code": "cannot_follow_later",
                    "message": _("“%(name)s” cannot follow later.") % {"name": name},
                }
            )
    for material in combined:
        given = material.name in files or material.name in later
        if material.required and not material.from_library and not given:
            problems.append(
                {
                    "field": f"materials.{material.name}",
                    "code": "missing",
                    "message": _("“%(name)s” is missing.") % {"name": material.name},
                }
            )
    if problems:
        raise MaterialsIncomplete(problems[0]["message"], errors=problems)


def _digest(bundle, applicant, channel, files, later, **application) -> str:
    """What a bundle application asked for, as a digest: a retry with the same idempotency key must ask the same."""
    given = sorted([name, MaterialInput(spec=None, file=upload).sha256()] for name, upload in files.items())
    payload = [bundle.pk, applicant, channel, given, sorted(later), application]
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def _filed_already(actor, idempotency_key: str, digest: str) -> BundleCase | None:
    if not idempotency_key:
        return None
    found = BundleCase.objects.filter(submitted_by=actor, idempotency_key=idempotency_key).first()
    if found is not None and found.request_digest != digest:
        raise IdempotencyKeyReused(
            _("This Idempotency-Key was used for a different application (%(number)s); use a new key.")
            % {"number": found.number}
        )
    return found


def _said_of_the_bundle(exc: DomainError, item: ServiceItem, member=None) -> DomainError:
    """A member's refusal as the bundle's applicant reads it: named after the item, its fields those of the
    combined form and the materials by name."""
    combined = {own: f"form.{label}" for own, label in (member.field_map if member else {}).items()}
    names = {f"materials.{spec.pk}": f"materials.{spec.name}" for spec in item.materials.all()}
    for problem in exc.errors:
        where = problem.get("field", "")
        if where.startswith("form."):
            problem["field"] = combined.get(where[5:], where)
        problem["field"] = names.get(problem["field"], problem["field"])
    exc.message = f"{item.name}：{exc.message}"
    exc.args = (str(exc.message),)
    return exc


def submit_bundle(*, actor, bundle: Bundle, applicant: dict, channel: str, form_data: dict | None = None,
                  files: dict[str, UploadedFile] | None = None, later=(), delivery_method: str,
                  delivery_address: dict | None = None, idempotency_key: str = "") -> BundleSubmission:  # fmt: skip
    """Apply for a bundle: whom it is for (as submit_application takes it), the combined form's answers, the
    materials by name (`files`; `later` those that follow, 容缺后补) and how every result is to be delivered.

    The bundle's case, the applicant and every member case (with its materials, history and tasks) are one
    transaction: a refusal of any member leaves nothing, no file either. A retry with the same idempotency key
    returns what the first call filed."""
    if getattr(actor, "pk", None) is None:
        raise PermissionDenied(_("Applications are made with a person's account, not with a system's token."),
                               code="person_required")  # fmt: skip
    files, later = dict(files or {}), sorted(set(later))
    digest = _digest(bundle, applicant, channel, files, later, form_data=form_data, delivery_method=delivery_method,
                     delivery_address=delivery_address) if idempotency_key else ""  # fmt: skip
    # The key is looked up only when the application cannot be filed as sent (as applying._submit does): a check
    # that no longer passes, or the key's unique constraint, which decides between two at the same moment.
    try:
        if not bundle.published:
            raise DomainError(_("This bundle is not open for applications."), code="bundle_not_published")
        if channel not in Channel.values or channel == Channel.WINDOW:
            raise DomainError(_("Unknown channel."), code="invalid_channel")
        prefetch_related_objects([bundle], "members")  # read once, by every step below
        items = member_items(bundle)
        given = given_by_results(bundle, items)
        combined = combined_materials(bundle, items, given)
        answers = _checked_answers(bundle, form_data)
        _checked_materials(combined, files, later)
        first = items[min(items)]
        address = _checked_delivery(first, delivery_method, delivery_address)
        members = list(bundle.members.all())
        with transaction.atomic():
            return _file(actor, bundle, members, items, given, applicant, channel, answers, files, later,
                         delivery_method, delivery_address, address, idempotency_key, digest)  # fmt: skip
    except (DomainError, IntegrityError) as exc:
        if done := _filed_already(actor, idempotency_key, digest):
            return BundleSubmission(done, created=False)
        if isinstance(exc, IntegrityError):  # a random case number collided: the applicant may send it again
            raise Conflict(_("Could not number the application; try again.")) from None
        raise


def _file(actor, bundle, members, items, given, applicant, channel, answers, files, later, delivery_method,
          delivery_address, address, idempotency_key, digest) -> BundleSubmission:  # fmt: skip
    for_themselves = channel != Channel.PROXY and not actor.agency_id
    if for_themselves:
        # A person is who their account is, whatever the item; an organisation's agent is authorised item by item.
        as_person = applicant.get("kind") == ApplicantKind.PERSON
        for item in list(items.values())[:1] if as_person else items.values():
            accounts.check_applying_as(actor, **applicant, impl_code=item.impl_code)
    applicant = {key: value for key, value in applicant.items() if key != "check_override_reason"}
    found, write_audit = accounts.find_applicant(**applicant, account=actor if for_themselves else None, actor=actor)
    library = {s.name for item in items.values() for s in item.materials.all()
               if s.source == MaterialSource.LICENSE_LIBRARY}  # fmt: skip
    held = license_selectors.for_materials(found, library) if library else {}
    now = timezone.now()
    due = work_calendar().add(day_of(now), bundle.promised_days)
    bundle_case = BundleCase(
        number=new_case_number(bundle.region.code, now), bundle=bundle, name=bundle.name, applicant=found,
        submitted_by=actor, channel=channel, idempotency_key=idempotency_key, request_digest=digest,
        form_data=answers, delivery_method=delivery_method, delivery_address=address,
        plan=[{"position": m.position, "impl_code": items[m.position].impl_code, "name": items[m.position].name,
               "after": m.after} for m in members],
        on_refusal=bundle.on_refusal, promised_days=bundle.promised_days, submitted_at=now, due=due.date,
        due_estimated=due.estimated,
    )  # fmt: skip
    bundle_case.save()
    stored: list[str] = []
    digests = {name: MaterialInput(spec=None, file=upload).sha256() for name, upload in files.items()}
    prepared = []
    for member in members:
        item = items[member.position]
        inputs = [MaterialInput(spec=spec, file=files[spec.name], _sha256=digests[spec.name])
                  for spec in item.materials.all()
                  if spec.name in files and spec.name not in given[member.position]]  # fmt: skip
        inputs += [MaterialInput(spec=spec, later=True) for spec in item.materials.all()
                   if spec.name in later and spec.necessity == Necessity.DEFERRABLE]  # fmt: skip
        deferred = frozenset(s.pk for s in item.materials.all() if s.name in given[member.position])
        membership = BundleMembership(bundle_case, member.position, waiting=bool(member.after), deferred=deferred,
                                      held=held)  # fmt: skip
        try:
            prepared.append(_prepare(actor=actor, item=item, applicant=found, channel=channel, materials=inputs,
                                     form_data=_member_answers(member, answers), delivery_method=delivery_method,
                                     delivery_address=delivery_address, member=membership))  # fmt: skip
        except DomainError as exc:
            raise _said_of_the_bundle(exc, item, member) from None
    try:
        file_members(actor, prepared, stored, shared={})
        write_audit()
        _tell(bundle_case, "bundle.submit")
    except BaseException:
        _delete_files(stored)
        raise
    return BundleSubmission(bundle_case, created=True)


def _tell(bundle_case: BundleCase, event: str) -> None:
    applicant = bundle_case.applicant
    notify(user_id=applicant.user_id or bundle_case.submitted_by_id, event=event,
           values={"n": bundle_case.number, "bundle": bundle_case.name, "due": bundle_case.due},
           case_number=bundle_case.number, phone_encrypted=applicant.phone_encrypted,
           email_encrypted=applicant.email_encrypted)  # fmt: skip


# -- following the members -----------------------------------------------------------------------------------


def _locked(number: str) -> BundleCase:
    bundle_case = BundleCase.objects.select_for_update().select_related("applicant").filter(number=number).first()
    if bundle_case is None:
        raise NotFound(_("No application has the number %(number)s.") % {"number": number})
    return bundle_case


DONE = (CaseStatus.APPROVED, CaseStatus.FILED)  # a result a waiting member may start from


def follow_bundle(bundle_case_id: int) -> list[str]:
    """After a member concluded: start each waiting member whose prerequisites were all approved (or filed),
    taking their results from the licence library as its materials; end the waiting members whose prerequisite
    was not approved, and every open member when the bundle stops at a refusal; conclude the bundle when no member
    is open. Returns the numbers of the members it started or ended. Running it again changes nothing."""
    with transaction.atomic():
        bundle_case = BundleCase.objects.select_for_update().select_related("applicant").get(pk=bundle_case_id)
        if not bundle_case.is_open:
            return []
        members = {m.bundle_position: m for m in bundle_case.members.select_related("item")}
        plan = {p["position"]: p for p in bundle_case.plan}
        stopping = bundle_case.on_refusal == RefusalPolicy.STOP and any(
            m.status in NOT_APPROVED for m in members.values()
        )
        changed = []
        for position in _in_order(plan):
            case, before = members[position], [members[p] for p in plan[position]["after"]]
            failed = next((c for c in before if c.status in NOT_APPROVED), None)
            if stopping and case.is_open:
                case = stop_member(case, _("Another item of the bundle was not approved."))
            elif case.status == CaseStatus.WAITING and failed is not None:
                reason = _("“%(item)s”, whose result it needs, was not approved.") % {"item": failed.item.name}
                case = stop_member(case, reason)
            elif case.status == CaseStatus.WAITING and all(c.status in DONE for c in before):
                case = start_member(case)
            else:
                continue
            members[position] = case
            changed.append(case.number)
        if not any(m.is_open for m in members.values()):
            _conclude(bundle_case, members.values(), stopped=stopping)
        return changed


def _in_order(plan: dict) -> list[int]:
    """The positions, each after those it waits for (the bundle has no cycle: catalog.bundles checked it)."""
    done: list[int] = []
    while len(done) < len(plan):
        done += [p for p in sorted(plan) if p not in done and all(a in done for a in plan[p]["after"])]
    return done


def stop_member(case: Case, reason: str) -> Case:
    return Step.begin(case.number, CaseAction.BUNDLE_STOPPED).done(opinion=reason)


def start_member(case: Case) -> Case:
    """The member starts as if filed now: its clocks run from now, and what it waited for comes from the licence
    library (the results were issued to the same applicant)."""
    step = Step.begin(case.number, CaseAction.START)
    held = {m.spec_id for m in step.case.materials.all()}
    taken = [m for m in _from_license_library(step.case.item, step.case.applicant, []) if m.spec.pk not in held]
    _store_materials(step.case, taken, [])
    return step.done(licenses=[m.reference for m in taken])


def _conclude(bundle_case: BundleCase, members, *, stopped: bool) -> None:
    if all(m.status == CaseStatus.WITHDRAWN and not stopped for m in members):
        bundle_case.status = BundleStatus.WITHDRAWN
    else:
        bundle_case.status = BundleStatus.STOPPED if stopped else BundleStatus.CONCLUDED
    bundle_case.concluded_at = timezone.now()
    bundle_case.save(update_fields=["status", "concluded_at"])
    _tell(bundle_case, f"bundle.{bundle_case.status}")


# -- the applicant's answers ---------------------------------------------------------------------------------


def _check_applicant(actor, bundle_case: BundleCase) -> None:
    """Who filed the application, the applicant's own account or their authorised agent (each member's step
    checks the same against its item)."""
    impl_code = bundle_case.plan[0]["impl_code"]
    if actor.pk != bundle_case.submitted_by_id and not authority(actor, bundle_case.applicant, impl_code)[0]:
        raise PermissionDenied(_("Only the applicant or their authorised agent may do this."))


def answer_bundle_corrections(*, actor, number: str, files: dict[str, UploadedFile], note: str = "") -> list[Case]:
    """One answer to every correction the members asked for: each member waiting for a correction gets the
    materials its notice named, from the files given by name. One transaction: a member whose answer is
    incomplete refuses the whole, and no file is left behind."""
    stored: list[str] = []
    try:
        with transaction.atomic():
            bundle_case = _locked(number)
            _check_applicant(actor, bundle_case)
            waiting = list(bundle_case.members.filter(status=CaseStatus.CORRECTION).select_related("item"))
            if not waiting:
                raise InvalidTransition(_("No item of this application is waiting for a correction."),
                                        code="no_correction_asked")  # fmt: skip
            answered = []
            for case in waiting:
                asked = selectors.correction_materials(case)
                inputs = [MaterialInput(spec=spec, file=files[spec.name]) for spec in case.item.materials.all()
                          if spec.name in files and (asked is None or spec.pk in asked)]  # fmt: skip
                try:
                    answered.append(resubmit_correction(actor=actor, number=case.number, materials=inputs,
                                                        note=note, stored_files=stored))  # fmt: skip
                except DomainError as exc:
                    raise _said_of_the_bundle(exc, case.item) from None
            return answered
    except BaseException:
        _delete_files(stored)
        raise


@transaction.atomic
def withdraw_bundle(*, actor, number: str, reason: str = "") -> BundleCase:
    """The applicant withdraws the whole application: every member not yet concluded is withdrawn, and the
    application is concluded (withdrawn, when nothing of it was decided)."""
    bundle_case = _locked(number)
    _check_applicant(actor, bundle_case)
    if not bundle_case.is_open:
        raise InvalidTransition(_("This application is concluded already."), code="bundle_concluded")
    members = list(bundle_case.members.all())
    for n, case in enumerate(members):
        if case.is_open:
            members[n] = Step.begin(case.number, CaseAction.WITHDRAW, actor).done(opinion=reason)
    _conclude(bundle_case, members, stopped=False)
    return bundle_case
