"""Every change to a case, one function per use case (DESIGN.md §4, STYLE.md).

Each runs in one transaction, takes the case's row lock first, checks the transition against the case's process
template, the actor's role in the case's agency and the separation of duties, recomputes the deadlines, and records
a hash-chained CaseEvent. A second member of staff acting on the same case at the same moment waits for the lock,
then finds the case moved on and gets a conflict.
"""

import datetime
import hashlib
import re
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zerovisit.accounts import services as accounts
from zerovisit.accounts.models import Applicant, ProxyAuthorisation, Role
from zerovisit.catalog.formfields import FormDataError, clean_form_data
from zerovisit.catalog.models import (
    ItemStatus,
    MaterialForm,
    MaterialSource,
    MaterialSpec,
    Necessity,
    ProcessKind,
    ProcessTemplate,
    ServiceItem,
    StageAction,
)
from zerovisit.core import crypto, identity
from zerovisit.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from zerovisit.core.files import check_upload
from zerovisit.core.storage import private_storage
from zerovisit.licenses import selectors as license_selectors
from zerovisit.licenses import services as licenses
from zerovisit.licenses.models import License
from zerovisit.notify.services import mark_told_of_work, notify
from zerovisit.notify.services import preference as notify_preference
from zerovisit.workcalendar.selectors import work_calendar

from . import events, selectors
from .messages import applicant_message
from .models import (
    ORIGINALS_CHECKER,
    Case,
    CaseMaterial,
    CaseStatus,
    Channel,
    CreditRecord,
    DeliveryMethod,
    PostVerification,
)
from .notices import TITLES
from .numbering import new_case_number

PHONE = re.compile(r"^1\d{10}$")
REGION = re.compile(r"^\d{12}$")
ACCEPTANCE_DAYS = 5  # Art. 32: accept, refuse or ask for every correction within 5 working days
EXTENSION_DAYS = 10  # Art. 42: the head of the office may extend the decision limit by 10 working days
SPECIAL_PROCEDURES = ("听证", "检验检测", "鉴定", "专家评审", "现场勘验", "招标", "拍卖", "检疫")


class InvalidTransition(Conflict):
    code = "invalid_transition"


class SeparationOfDuties(PermissionDenied):
    code = "separation_of_duties"


class MaterialsIncomplete(DomainError):
    code = "materials_incomplete"


@dataclass
class MaterialInput:
    """One material of an application: a file, a reference to data the platform holds, or a promise to follow
    (only for materials that may follow later, 容缺后补)."""

    spec: MaterialSpec
    file: UploadedFile | None = None
    reference: str = ""
    later: bool = False
    license: License | None = None
    by_post: bool = False  # a paper material the courier collects (网上申报、快递收送)


# -- history and messages ------------------------------------------------------------------------------------


def _record(case: Case, *, actor, role: str, action: str, before: str, opinion: str = "", **data) -> None:
    """Write the step into the case's history, queue its written notice and tell the applicant, in the same
    transaction."""
    event = events.record(case, actor=actor, role=role, action=action, before=before, opinion=opinion, **data)
    if action in TITLES:
        from .tasks import render_notice

        render_notice.enqueue(event.pk)  # a row of this transaction: the notice exists if and only if the step does
    if said := applicant_message(case, action, event.data, opinion):
        event_name, values = said
        notify(user_id=case.applicant.user_id or case.submitted_by_id, event=event_name, values=values,
               case_number=case.number, agency_id=case.agency_id, phone_encrypted=case.applicant.phone_encrypted,
               email_encrypted=case.applicant.email_encrypted)  # fmt: skip


# -- clocks --------------------------------------------------------------------------------------------------


def _day(moment: datetime.datetime) -> datetime.date:
    return timezone.localdate(moment)


def _set_acceptance_clock(case: Case) -> None:
    calendar = work_calendar()
    if case.process_template.kind == ProcessKind.INSTANT:
        due = calendar.instant_due(timezone.localtime(case.received_at), settings.OFFICE_CLOSES)
        case.acceptance_due = case.decision_due = due.date
    else:
        due = calendar.add(_day(case.received_at), ACCEPTANCE_DAYS)
        case.acceptance_due = due.date
    case.due_estimated = due.estimated


def _set_decision_clock(case: Case) -> None:
    """Decision due: the limit, the extension and the days paused so far, counted from acceptance; while a special
    procedure runs, its expected length too (recomputed when it ends)."""
    days = case.limit_days + case.extension_days + case.paused_days
    if case.status == CaseStatus.SUSPENDED:
        days += case.pause_expected_days
    due = work_calendar().add(_day(case.accepted_at), days)
    case.decision_due, case.due_estimated = due.date, due.estimated


# -- checks --------------------------------------------------------------------------------------------------


def _locked(number: str) -> Case:
    case = (
        Case.objects.select_for_update(of=("self",))
        .select_related("item", "process_template", "agency")
        .filter(number=number)
        .first()
    )
    if case is None:
        raise NotFound(_("No case has the number %(number)s.") % {"number": number})
    return case


def _stages(case: Case):
    return list(case.process_template.stages.prefetch_related("agencies"))


def _current_stage(case: Case):
    stages = _stages(case)
    return stages[case.stage_order - 1] if case.stage_order <= len(stages) else None


def _check_transition(case: Case, statuses, stage_actions=None):
    """The case must be in one of `statuses` and, where given, at a stage of one of `stage_actions`."""
    stage = _current_stage(case)
    if case.status not in statuses or (stage_actions and (stage is None or stage.action not in stage_actions)):
        raise InvalidTransition(
            _("Case %(number)s is now “%(status)s”%(stage)s: this step is not possible (any more).")
            % {
                "number": case.number,
                "status": case.get_status_display(),
                "stage": f" · {stage.name}" if stage and case.is_open else "",
            }
        )
    return stage


def _next_stage(case: Case) -> None:
    """A claim holds for one stage: the staff of the next stage find the case unclaimed."""
    case.stage_order += 1
    case.claimed_by = None


def _check_staff(actor, case: Case, role: str, stage=None) -> None:
    """The actor holds `role` in the case's agency (or, at a parallel review, in one of its agencies)."""
    agencies = {a.pk for a in stage.agencies.all()} if stage and stage.action == StageAction.JOINT_REVIEW else set()
    in_agency = actor.agency_id in agencies if agencies else actor.agency_id == case.agency_id
    if not (actor.is_active and in_agency and actor.has_role(role)):
        raise PermissionDenied(_("Only a %(role)s of the case's agency may do this.") % {"role": Role(role).label})


def _acted(case: Case, actions) -> set[int]:
    return set(case.events.filter(action__in=actions, actor__isnull=False).values_list("actor_id", flat=True))


def _check_separation(actor, case: Case, action: str) -> None:
    """三分开: who accepted a case neither reviews nor decides it; who reviewed it does not decide it."""
    if actor.pk in _acted(case, ["accept"]):
        raise SeparationOfDuties(_("You accepted this case, so you may not review or decide it."))
    if action == "decide" and actor.pk in _acted(case, ["review"]):
        raise SeparationOfDuties(_("You reviewed this case, so you may not decide it."))


def _authority(actor, applicant: Applicant, impl_code: str) -> tuple[bool, ProxyAuthorisation | None]:
    """(may act, under which authorisation): the applicant's own account acts for them; a proxy agent needs a
    current authorisation for the item."""
    if applicant.user_id and applicant.user_id == actor.pk:
        return True, None
    today = timezone.localdate()
    for authorisation in ProxyAuthorisation.objects.filter(applicant=applicant, agent=actor):
        if authorisation.covers(impl_code, today):
            return True, authorisation
    return False, None


def _check_applicant_side(actor, case: Case) -> None:
    if actor.pk == case.submitted_by_id:
        return
    if not _authority(actor, case.applicant, case.item.impl_code)[0]:
        raise PermissionDenied(_("Only the applicant or their authorised agent may do this."))


# -- materials -----------------------------------------------------------------------------------------------


def _from_license_library(item: ServiceItem, applicant: Applicant, inputs: list[MaterialInput]) -> list[MaterialInput]:
    """Materials whose source is the licence library (调取电子证照库): one the applicant did not give is taken from
    their valid licence of a type accepted for it; one given as a licence identifier must be such a licence.
    Expired, revoked, cancelled or replaced licences, and other people's, are refused. Without a licence the
    applicant uploads a copy, as for any material."""
    library = {spec.pk: spec for spec in item.materials.all() if spec.source == MaterialSource.LICENSE_LIBRARY}
    if not library:
        return inputs
    held = license_selectors.for_materials(applicant, {spec.name for spec in library.values()})
    given = {material.spec.pk: material for material in inputs}
    result, problems = [m for m in inputs if m.spec.pk not in library], []
    for pk, spec in library.items():
        material = given.get(pk)
        if material is None or (not material.file and not material.reference and not material.later):
            if spec.name in held:
                result.append(MaterialInput(spec=spec, reference=held[spec.name].identifier, license=held[spec.name]))
            continue
        if material.reference:
            license = held.get(spec.name)
            if license is None or license.identifier != material.reference:
                problems.append({"field": f"materials.{pk}", "code": "license_not_usable", "message": _(
                    "“%(name)s”: %(reference)s is not a valid licence of the applicant for this material."
                ) % {"name": spec.name, "reference": material.reference}})  # fmt: skip
                continue
            material.license = license
        result.append(material)
    if problems:
        raise MaterialsIncomplete(problems[0]["message"], errors=problems)
    return result


def _check_materials(item: ServiceItem, inputs: list[MaterialInput]) -> None:
    """Every required material is given, each input belongs to the item, files are what they claim to be."""
    specs = {spec.pk: spec for spec in item.materials.all()}
    problems = []

    def problem(spec, code, message):
        problems.append({"field": f"materials.{spec.pk}", "code": code, "message": message % {"name": spec.name}})

    given = set()
    for material in inputs:
        spec = material.spec
        if spec.pk not in specs:
            problem(spec, "not_of_this_item", _("“%(name)s” is not a material of this item."))
            continue
        given.add(spec.pk)
        if material.later and spec.necessity != Necessity.DEFERRABLE:
            problem(spec, "cannot_follow_later", _("“%(name)s” cannot follow later."))
        if material.file is not None:
            try:
                check_upload(material.file, max_bytes=settings.MAX_MATERIAL_FILE_BYTES)
            except ValidationError as exc:
                problem(spec, exc.code, "%(name)s：" + exc.messages[0].replace("%", "%%"))
        elif not material.reference and not material.later and not material.by_post:
            problem(spec, "empty", _("“%(name)s” has neither a file nor a reference."))
    for spec in specs.values():
        if spec.necessity != Necessity.OPTIONAL and spec.pk not in given:
            problem(spec, "missing", _("“%(name)s” is missing."))
    if problems:
        raise MaterialsIncomplete(problems[0]["message"], errors=problems)


def _checked_form_data(item: ServiceItem, data: dict | None) -> dict:
    """The answers to the item's application form (申请表), checked field by field."""
    try:
        return clean_form_data(item.form_fields, data or {})
    except FormDataError as exc:
        raise DomainError(str(exc), code="invalid_form", errors=exc.errors) from exc


def _store_materials(case: Case, inputs: list[MaterialInput], stored: list) -> None:
    rows = []
    for material in inputs:
        row = CaseMaterial(case=case, spec=material.spec, reference=material.reference)
        if material.file is not None:
            digest = hashlib.sha256()
            for chunk in material.file.chunks():
                digest.update(chunk)
            material.file.seek(0)
            row.source, row.sha256, row.size = CaseMaterial.Source.UPLOAD, digest.hexdigest(), material.file.size
            row.file.save(material.file.name, material.file, save=False)
            stored.append(row.file.name)
        elif material.license is not None:
            row.source, row.license = CaseMaterial.Source.LICENSE, material.license
        elif material.by_post:
            row.source = CaseMaterial.Source.POST
        else:
            row.source = CaseMaterial.Source.LATER if material.later else CaseMaterial.Source.HELD_DATA
        rows.append(row)
    CaseMaterial.objects.bulk_create(rows)


def _delete_files(names: list[str]) -> None:
    """A failed transaction, or a material replaced by a correction, leaves no orphan file behind."""
    storage = private_storage()
    for name in names:
        storage.delete(name)


# -- applying ------------------------------------------------------------------------------------------------


def _check_application(actor, item, applicant, channel, *, commitment_signed, normal_procedure):
    """(process template, proxy authorisation, commitment signed) of an application that may be filed."""
    if item.status != ItemStatus.PUBLISHED:
        raise DomainError(_("This item is not open for applications."), code="item_not_published")
    if channel not in Channel.values:
        raise DomainError(_("Unknown channel."), code="invalid_channel")
    allowed, authorisation = _authority(actor, applicant, item.impl_code)
    at_window = channel == Channel.WINDOW and actor.agency_id == item.agency_id and actor.has_role(Role.ACCEPTOR)
    if not allowed and not at_window:
        raise PermissionDenied(
            _("You may apply only for yourself or for an applicant who authorised you."), code="not_authorised"
        )
    template = item.process_template
    if template.kind == ProcessKind.COMMITMENT:
        if normal_procedure:  # the applicant may always choose the normal procedure instead of a commitment
            template, commitment_signed = ProcessTemplate.objects.get(code="promised-1"), False
        elif not commitment_signed:
            raise DomainError(_("Sign the commitment, or choose the normal procedure."), code="commitment_required")
        elif applicant.credit_records.exists():
            raise DomainError(
                _("After a false commitment an applicant must use the normal procedure."), code="commitment_excluded"
            )
    return template, authorisation, commitment_signed


def _by_courier(item: ServiceItem, inputs: list[MaterialInput]) -> list[MaterialInput]:
    """网上申报、快递收送: the paper materials not uploaded are to be collected by the courier."""
    if not item.mail_materials:
        raise DomainError(_("This item does not take materials by post."), code="paper_pickup_not_supported")
    given = {material.spec.pk for material in inputs}
    paper = [spec for spec in item.materials.all() if spec.form == MaterialForm.PAPER and spec.pk not in given]
    if not paper:
        raise DomainError(_("This application has no paper materials to collect."), code="nothing_to_collect")
    return [*inputs, *(MaterialInput(spec=spec, by_post=True) for spec in paper)]


def _checked_delivery(item: ServiceItem, method: str, address: dict | None, paper_pickup: bool = False) -> dict:
    """How the result will reach the applicant: a method the item supports; and where the courier comes, for the
    result or to collect paper materials, a complete address (the phone kept encrypted, as everywhere)."""
    if method not in item.delivery_methods():
        raise DomainError(_("This item's result cannot be delivered that way."), code="delivery_not_supported")
    if method != DeliveryMethod.COURIER and not paper_pickup:
        return {}
    address = {k: str(v).strip() for k, v in (address or {}).items()}
    problems = []
    if not address.get("name"):
        problems.append(("name", _("Name the person who receives the result.")))
    if not PHONE.match(address.get("phone", "")):
        problems.append(("phone", _("Enter an 11-digit mobile number for the courier.")))
    if not REGION.match(address.get("region", "")):
        problems.append(("region", _("Choose the region (a 12-digit division code).")))
    if len(address.get("address", "")) < 5:
        problems.append(("address", _("Enter the street address.")))
    if problems:
        raise DomainError(problems[0][1], code="invalid_delivery_address", errors=[
            {"field": f"delivery.{field}", "code": "invalid", "message": message} for field, message in problems
        ])  # fmt: skip
    return {
        "name": address["name"][:100], "phone_encrypted": crypto.encrypt(address["phone"]),
        "phone_masked": identity.mask_phone(address["phone"]), "region": address["region"],
        "address": address["address"][:200],
    }  # fmt: skip


def _filed_already(actor, idempotency_key: str) -> Case | None:
    if not idempotency_key:
        return None
    return Case.objects.filter(submitted_by=actor, idempotency_key=idempotency_key).first()


@dataclass(frozen=True)
class Submission:
    case: Case
    created: bool  # False: a retry with the same idempotency key, answered with the case the first call made


def submit_application(*, actor, item: ServiceItem, applicant: dict, channel: str, **application) -> Submission:
    """An application as someone sends it: whom it is for (`applicant`: kind, name, id_number or credit_code,
    phone, email, as accounts.services.applicant_for takes them) and the application itself (as submit_case takes
    it). A person applying online for themselves or their own organisation (not staff, not as a proxy) makes an
    applicant this application creates their own.

    Finding or creating the applicant and filing the case are one transaction: a refused application leaves no
    applicant, no changed contact details and no link to an account behind."""
    if getattr(actor, "pk", None) is None:
        raise PermissionDenied(_("Applications are made with a person's account, not with a system's token."),
                               code="person_required")  # fmt: skip
    for_themselves = not actor.agency_id and channel not in (Channel.PROXY, Channel.WINDOW)
    with transaction.atomic():
        found, write_audit = accounts.find_applicant(**applicant, account=actor if for_themselves else None,
                                                     actor=actor)  # fmt: skip
        submission = _submit(actor=actor, item=item, applicant=found, channel=channel, **application)
        write_audit()
        return submission


def submit_case(*, actor, item: ServiceItem, applicant: Applicant, **application) -> Case:
    """File an application for a known applicant (see _submit)."""
    return _submit(actor=actor, item=item, applicant=applicant, **application).case


def _submit(
    *,
    actor,
    item: ServiceItem,
    applicant: Applicant,
    channel: str,
    materials: list[MaterialInput],
    form_data: dict | None = None,
    idempotency_key: str = "",
    commitment_signed: bool = False,
    normal_procedure: bool = False,
    delivery_method: str = DeliveryMethod.HALL,
    delivery_address: dict | None = None,
    paper_pickup: bool = False,
) -> Submission:
    """File an application. A retry with the same idempotency key returns the case the first call made, marked as
    not created, even when both arrive at the same moment: the key's unique constraint decides which one files.

    The key is looked up only when the application cannot be filed as sent (a checked answer that no longer
    passes, or the key's unique constraint): a first attempt, by far the common case, costs no extra query."""
    try:
        template, authorisation, commitment_signed = _check_application(
            actor, item, applicant, channel, commitment_signed=commitment_signed, normal_procedure=normal_procedure
        )
        materials = _from_license_library(item, applicant, materials)
        materials = _by_courier(item, materials) if paper_pickup else materials
        _check_materials(item, materials)
        form_data = _checked_form_data(item, form_data)
        delivery_address = _checked_delivery(item, delivery_method, delivery_address, paper_pickup)
    except DomainError:
        if done := _filed_already(actor, idempotency_key):
            return Submission(done, created=False)
        raise

    now = timezone.now()
    stage_roles = [stage.role for stage in template.stages.all()]  # prefetched by the callers that load the item
    stored_files: list[str] = []
    for _attempt in range(5):
        case = Case(
            number=new_case_number(item.agency.region.code, now), item=item, process_template=template,
            agency=item.agency, applicant=applicant, submitted_by=actor, channel=channel,
            proxy_authorisation=authorisation, idempotency_key=idempotency_key, form_data=form_data,
            commitment_signed=commitment_signed, submitted_at=now, received_at=now, limit_days=item.promised_days,
            stage_roles=stage_roles, delivery_method=delivery_method, delivery_address=delivery_address,
            paper_pickup=paper_pickup,
        )  # fmt: skip
        _set_acceptance_clock(case)
        try:
            with transaction.atomic():
                case.save()
                _store_materials(case, materials, stored_files)
                _record(
                    case,
                    actor=actor,
                    role="applicant",
                    action="submit",
                    before="",
                    channel=channel,
                    commitment_signed=commitment_signed,
                )
            return Submission(case, created=True)
        except IntegrityError:
            _delete_files(stored_files)
            stored_files.clear()
            if same_request := _filed_already(actor, idempotency_key):
                return Submission(same_request, created=False)  # a retry, or the same request twice at once
            # otherwise the random part of the number collided: draw again
        except BaseException:
            _delete_files(stored_files)
            raise
    raise Conflict(_("Could not number the case; try again."))


def resubmit_correction(*, actor, number: str, materials: list[MaterialInput], note: str = "") -> Case:
    """The applicant's answer to a correction notice. Acceptance counts again from the day the complete materials
    arrive (Art. 32). The files of the materials replaced are deleted once that is committed; the new files are
    deleted again if it is not."""
    stored: list[str] = []
    try:
        with transaction.atomic():
            case = _locked(number)
            _check_applicant_side(actor, case)
            _check_transition(case, {CaseStatus.CORRECTION})
            if not materials:
                raise MaterialsIncomplete(_("Add the corrected materials."), code="materials_required")
            replaced = case.materials.filter(spec__in=[m.spec for m in materials])
            replaced_files = list(replaced.exclude(file="").values_list("file", flat=True))
            replaced.delete()
            _check_materials_subset(case.item, materials)
            _store_materials(case, materials, stored)
            before, case.status, case.received_at = case.status, CaseStatus.SUBMITTED, timezone.now()
            _set_acceptance_clock(case)
            case.save()
            _record(case, actor=actor, role="applicant", action="resubmit", before=before, opinion=note)
            transaction.on_commit(partial(_delete_files, replaced_files))
    except BaseException:
        _delete_files(stored)
        raise
    return case


def _check_materials_subset(item: ServiceItem, inputs: list[MaterialInput]) -> None:
    """Corrections replace some materials; only those given are checked."""
    try:
        _check_materials(item, inputs)
    except MaterialsIncomplete as exc:
        wrong = [e for e in exc.errors if e["code"] != "missing"]
        if wrong:
            raise MaterialsIncomplete(wrong[0]["message"], errors=wrong) from exc


@transaction.atomic
def withdraw_case(*, actor, number: str, reason: str = "") -> Case:
    """The applicant withdraws before the decision."""
    case = _locked(number)
    _check_applicant_side(actor, case)
    _check_transition(case, {CaseStatus.SUBMITTED, CaseStatus.CORRECTION, CaseStatus.ACCEPTED, CaseStatus.SUSPENDED})
    before, case.status, case.concluded_at = case.status, CaseStatus.WITHDRAWN, timezone.now()
    case.save()
    _record(case, actor=actor, role="applicant", action="withdraw", before=before, opinion=reason)
    return case


# -- acceptance ----------------------------------------------------------------------------------------------

ACCEPTING = {StageAction.ACCEPT, StageAction.ACCEPT_DECIDE}


@transaction.atomic
def accept_case(*, actor, number: str, opinion: str = "") -> Case:
    """受理. The decision clock starts today."""
    case = _locked(number)
    stage = _check_transition(case, {CaseStatus.SUBMITTED}, {StageAction.ACCEPT})
    _check_staff(actor, case, stage.role)
    before = case.status
    case.status, case.accepted_at = CaseStatus.ACCEPTED, timezone.now()
    _next_stage(case)
    _set_decision_clock(case)
    case.save()
    _record(
        case,
        actor=actor,
        role=stage.role,
        action="accept",
        before=before,
        opinion=opinion,
        decision_due=case.decision_due,
    )
    return case


@transaction.atomic
def refuse_case(*, actor, number: str, reason: str, competent_office: str = "") -> Case:
    """不予受理, with the reason and, where the matter is outside the agency's powers, the competent office."""
    if not reason.strip():
        raise DomainError(_("Give the reason for refusing."), code="reason_required")
    case = _locked(number)
    stage = _check_transition(case, {CaseStatus.SUBMITTED}, ACCEPTING)
    _check_staff(actor, case, stage.role)
    before, case.status, case.concluded_at = case.status, CaseStatus.REFUSED, timezone.now()
    case.save()
    _record(
        case,
        actor=actor,
        role=stage.role,
        action="refuse",
        before=before,
        opinion=reason,
        competent_office=competent_office,
    )
    return case


@transaction.atomic
def request_correction(*, actor, number: str, corrections: list[str]) -> Case:
    """补正: everything to correct in one notice (一次性告知). The acceptance clock stops until the answer."""
    corrections = [c.strip() for c in corrections if c.strip()]
    if not corrections:
        raise DomainError(_("List what the applicant must correct."), code="corrections_required")
    case = _locked(number)
    stage = _check_transition(case, {CaseStatus.SUBMITTED}, ACCEPTING)
    _check_staff(actor, case, stage.role)
    before, case.status, case.acceptance_due = case.status, CaseStatus.CORRECTION, None
    case.save()
    _record(case, actor=actor, role=stage.role, action="request_correction", before=before, corrections=corrections)
    return case


def deem_overdue_acceptances(*, today: datetime.date | None = None) -> list[str]:
    """Art. 32: an application neither accepted, refused nor sent back for correction within 5 working days
    counts as accepted from the day its materials arrived. Run by the periodic job; returns the case numbers."""
    today = today or timezone.localdate()
    done = []
    for number in Case.objects.filter(status=CaseStatus.SUBMITTED, acceptance_due__lt=today).values_list(
        "number", flat=True
    ):
        try:
            with transaction.atomic():
                case = _locked(number)
                stage = _current_stage(case)
                if case.status != CaseStatus.SUBMITTED or not case.acceptance_due or case.acceptance_due >= today:
                    continue  # handled meanwhile
                if stage.action != StageAction.ACCEPT:
                    continue  # an instant item is decided, not deemed accepted
                before = case.status
                case.status, case.accepted_at, case.deemed_accepted = CaseStatus.ACCEPTED, case.received_at, True
                _next_stage(case)
                _set_decision_clock(case)
                case.save()
                _record(case, actor=None, role="system", action="deemed_accepted", before=before,
                        decision_due=case.decision_due)  # fmt: skip
                done.append(number)
        except events.HistoryBroken:
            continue  # its history was tampered with: left as found (verify_audit reports it), the others move on
    return done


# -- handling ------------------------------------------------------------------------------------------------


@transaction.atomic
def review_case(*, actor, number: str, opinion: str) -> Case:
    """审查: one sign-off level. At a parallel review each agency signs off; the case moves on after the last."""
    if not opinion.strip():
        raise DomainError(_("Write the review opinion."), code="opinion_required")
    case = _locked(number)
    stage = _check_transition(case, {CaseStatus.ACCEPTED}, {StageAction.REVIEW, StageAction.JOINT_REVIEW})
    _check_staff(actor, case, stage.role, stage)
    _check_separation(actor, case, "review")
    moves_on = True
    if stage.action == StageAction.JOINT_REVIEW:
        signed = set(
            case.events.filter(action="review", data__stage=case.stage_order).values_list("data__agency", flat=True)
        )
        if actor.agency_id in signed:
            raise InvalidTransition(_("Your agency has signed off this review already."), code="already_reviewed")
        moves_on = signed | {actor.agency_id} >= {a.pk for a in stage.agencies.all()}
    before = case.status
    if moves_on:
        _next_stage(case)
        case.save()
    _record(
        case,
        actor=actor,
        role=stage.role,
        action="review",
        before=before,
        opinion=opinion,
        stage=case.stage_order - 1 if moves_on else case.stage_order,
        agency=actor.agency_id,
    )
    return case


@transaction.atomic
def decide_case(*, actor, number: str, approve: bool, reasons: str) -> Case:
    """准予 / 不予许可, with reasons. An instant item is accepted and decided in this one step."""
    if not reasons.strip():
        raise DomainError(_("Give the reasons for the decision."), code="reasons_required")
    case = _locked(number)
    stage = _check_transition(
        case, {CaseStatus.SUBMITTED, CaseStatus.ACCEPTED}, {StageAction.DECIDE, StageAction.ACCEPT_DECIDE}
    )
    if (case.status == CaseStatus.SUBMITTED) != (stage.action == StageAction.ACCEPT_DECIDE):
        raise InvalidTransition(_("Accept the case first."), code="not_accepted")
    _check_staff(actor, case, stage.role)
    if stage.action == StageAction.DECIDE:
        _check_separation(actor, case, "decide")
    now, before = timezone.now(), case.status
    if stage.action == StageAction.ACCEPT_DECIDE:
        case.accepted_at = now
    case.status = CaseStatus.APPROVED if approve else CaseStatus.DENIED
    case.originals_pending = approve and case.item.verify_originals
    case.decided_at = case.concluded_at = now
    _next_stage(case)
    case.save()
    _record(case, actor=actor, role=stage.role, action="decide", before=before, opinion=reasons, approved=approve)
    if approve:
        licenses.issue_for_case(case, actor=actor)  # the result, without retyping, in the decision's transaction
    if approve and case.commitment_signed:
        due = work_calendar().add(_day(now), case.item.verification_days or 0).date
        PostVerification.objects.create(case=case, method=case.item.verification_method, due=due)
    return case


@transaction.atomic
def file_case(*, actor, number: str, opinion: str = "") -> Case:
    """备案: the filing receipt after the completeness check; nothing is approved."""
    case = _locked(number)
    stage = _check_transition(case, {CaseStatus.ACCEPTED}, {StageAction.FILE})
    _check_staff(actor, case, stage.role)
    before, case.status = case.status, CaseStatus.FILED
    case.decided_at = case.concluded_at = timezone.now()
    _next_stage(case)
    case.save()
    _record(case, actor=actor, role=stage.role, action="file", before=before, opinion=opinion)
    return case


@transaction.atomic
def extend_case(*, actor, number: str, reason: str, days: int = EXTENSION_DAYS) -> Case:
    """延期: a decider approves a longer decision limit; the applicant is told the reason (Art. 42)."""
    if not reason.strip():
        raise DomainError(_("Give the reason for the extension."), code="reason_required")
    if not 1 <= days <= EXTENSION_DAYS:
        raise DomainError(
            _("An extension is 1 to %(max)s working days.") % {"max": EXTENSION_DAYS}, code="invalid_days"
        )
    case = _locked(number)
    _check_transition(case, {CaseStatus.ACCEPTED, CaseStatus.SUSPENDED})
    _check_staff(actor, case, Role.DECIDER)
    if case.extension_days:
        raise InvalidTransition(_("The decision limit has been extended once already."), code="already_extended")
    before, case.extension_days = case.status, days
    _set_decision_clock(case)
    case.save()
    _record(
        case,
        actor=actor,
        role=Role.DECIDER,
        action="extend",
        before=before,
        opinion=reason,
        days=days,
        decision_due=case.decision_due,
    )
    return case


@transaction.atomic
def suspend_case(*, actor, number: str, procedure: str, expected_days: int, reason: str = "") -> Case:
    """特别程序 (hearing, testing, appraisal, expert review, site inspection …): the clock stops (Art. 45) and the
    applicant is told how long it is expected to take."""
    if procedure not in SPECIAL_PROCEDURES:
        raise DomainError(_("Unknown special procedure."), code="invalid_procedure")
    if not 1 <= expected_days <= 250:
        raise DomainError(_("Give the expected length in working days."), code="invalid_days")
    case = _locked(number)
    stage = _check_transition(case, {CaseStatus.ACCEPTED})
    _check_staff(actor, case, stage.role, stage)
    before, case.status = case.status, CaseStatus.SUSPENDED
    case.paused_since, case.pause_expected_days = timezone.localdate(), expected_days
    _set_decision_clock(case)
    case.save()
    _record(
        case,
        actor=actor,
        role=stage.role,
        action="suspend",
        before=before,
        opinion=reason,
        procedure=procedure,
        expected_days=expected_days,
    )
    return case


@transaction.atomic
def resume_case(*, actor, number: str, opinion: str = "") -> Case:
    """The special procedure is over: the days it took are added to the limit."""
    case = _locked(number)
    stage = _check_transition(case, {CaseStatus.SUSPENDED})
    _check_staff(actor, case, stage.role, stage)
    paused = work_calendar().count(case.paused_since, timezone.localdate()).days
    before, case.status = case.status, CaseStatus.ACCEPTED
    case.paused_days += paused
    case.paused_since, case.pause_expected_days = None, 0
    _set_decision_clock(case)
    case.save()
    _record(
        case,
        actor=actor,
        role=stage.role,
        action="resume",
        before=before,
        opinion=opinion,
        paused_days=paused,
        decision_due=case.decision_due,
    )
    return case


@transaction.atomic
def claim_case(*, actor, number: str) -> Case:
    """Take an open case into one's own queue."""
    case = _locked(number)
    stage = _check_transition(case, {CaseStatus.SUBMITTED, CaseStatus.ACCEPTED, CaseStatus.SUSPENDED})
    _check_staff(actor, case, stage.role, stage)
    if case.claimed_by_id and case.claimed_by_id != actor.pk:
        raise Conflict(_("%(name)s has claimed this case already.") % {"name": case.claimed_by}, code="claimed")
    case.claimed_by = actor
    case.save(update_fields=["claimed_by", "updated_at"])
    _record(case, actor=actor, role=stage.role, action="claim", before=case.status)
    return case


# -- the result's delivery ----------------------------------------------------------------------------------


@transaction.atomic
def record_delivery(*, number: str, delivered: bool, waybill: str, note: str = "") -> Case:
    """The courier reports the result delivered (the case is concluded as delivered) or the delivery failed (the
    applicant and the agency's acceptors are told, so someone arranges another way)."""
    case = _locked(number)
    if case.delivered_at is not None:
        return case  # the carrier repeated itself
    if delivered:
        case.delivered_at = timezone.now()
        case.save(update_fields=["delivered_at", "updated_at"])
    _record(case, actor=None, role="courier", action="delivered" if delivered else "delivery_failed",
            before=case.status, opinion=note, waybill=waybill)  # fmt: skip
    if not delivered:
        _tell_acceptors(case, "staff.delivery_failed", waybill=waybill, note=note)
    return case


@transaction.atomic
def record_arrival(*, number: str, waybill: str, originals: bool) -> Case:
    """What the courier collected from the applicant reached the window: the paper materials (to accept the
    application with) or, for 先审后验, the originals (to check against the copies). The acceptors are told."""
    case = _locked(number)
    action = "originals_arrived" if originals else "materials_arrived"
    if case.events.filter(action=action).exists():
        return case
    _record(case, actor=None, role="courier", action=action, before=case.status, waybill=waybill)
    _tell_acceptors(case, f"staff.{action}", waybill=waybill)
    return case


def _tell_acceptors(case: Case, event: str, **values) -> None:
    """An in-app message to the acceptors of the case's agency, who handle what comes and goes at the window."""
    staff = get_user_model().objects.filter(is_active=True, agency_id=case.agency_id, roles__role=Role.ACCEPTOR)
    for user_id in staff.values_list("pk", flat=True):
        notify(user_id=user_id, event=event, case_number=case.number, agency_id=case.agency_id,
               values={"n": case.number, "item": case.item.name, **values})  # fmt: skip


@transaction.atomic
def hand_over_result(*, actor, number: str, note: str = "") -> Case:
    """窗口领取 / 自助取证: the window hands the result over (or the cabinet reports it collected); the case is
    concluded as delivered. Originals still to be checked (先审后验) are checked first."""
    case = _locked(number)
    pickup = (DeliveryMethod.HALL, DeliveryMethod.CABINET)
    if case.status != CaseStatus.APPROVED or case.delivery_method not in pickup or case.delivered_at:
        raise InvalidTransition(_("This case has no result waiting to be handed over."), code="nothing_to_hand_over")
    if case.originals_pending:
        raise InvalidTransition(_("Check the originals first (先审后验)."), code="originals_pending")
    _check_staff(actor, case, Role.ACCEPTOR)
    case.delivered_at = timezone.now()
    case.save(update_fields=["delivered_at", "updated_at"])
    _record(case, actor=actor, role=Role.ACCEPTOR, action="handed_over", before=case.status, opinion=note)
    return case


# -- 先审后验 ----------------------------------------------------------------------------------------------


@transaction.atomic
def check_originals(*, actor, number: str, matched: bool, note: str = "") -> Case:
    """先审后验: the originals are compared with the copies the approval was made on, when the result is handed
    over. Originals that do not match mean the approval rested on false copies: it is revoked (Art. 69)."""
    case = _locked(number)
    if case.status != CaseStatus.APPROVED or not case.originals_pending:
        raise InvalidTransition(_("This case has no originals waiting to be checked."), code="no_originals_pending")
    if not matched and not note.strip():
        raise DomainError(_("Say how the originals differ from the copies."), code="note_required")
    _check_staff(actor, case, ORIGINALS_CHECKER)
    before, case.originals_pending = case.status, False
    if not matched:
        case.status, case.concluded_at = CaseStatus.REVOKED, timezone.now()
    case.save()
    _record(case, actor=actor, role=ORIGINALS_CHECKER, action="check_originals", before=before, opinion=note,
            matched=matched)  # fmt: skip
    if not matched:
        licenses.revoke_for_case(case, reason=_("The originals differ from the copies: %(note)s") % {"note": note},
                                 actor=actor)  # fmt: skip
    return case


# -- after a commitment (告知承诺) ----------------------------------------------------------------------------


def _locked_verification(number: str) -> tuple[Case, PostVerification]:
    case = _locked(number)
    verification = PostVerification.objects.select_for_update().filter(case=case).first()
    if verification is None:
        raise InvalidTransition(_("This case has no commitment to verify."), code="no_verification")
    return case, verification


@transaction.atomic
def verify_commitment(*, actor, number: str, passed: bool, note: str, correction_days: int = 20) -> Case:
    """事后核查: the commitment holds, or the applicant is ordered to correct by a deadline."""
    if not note.strip():
        raise DomainError(_("Record what the verification found."), code="note_required")
    case, verification = _locked_verification(number)
    if verification.status != PostVerification.Status.PENDING:
        raise InvalidTransition(_("This commitment has been verified already."), code="already_verified")
    _check_staff(actor, case, Role.REVIEWER)
    verification.note = note
    if passed:
        verification.status = PostVerification.Status.PASSED
        verification.save()
        _record(case, actor=actor, role=Role.REVIEWER, action="verify", before=case.status, opinion=note)
        return case
    verification.status = PostVerification.Status.CORRECTION_ORDERED
    verification.correction_due = work_calendar().add(timezone.localdate(), correction_days).date
    verification.save()
    _record(
        case,
        actor=actor,
        role=Role.REVIEWER,
        action="order_correction",
        before=case.status,
        opinion=note,
        correction_due=verification.correction_due,
    )
    return case


@transaction.atomic
def conclude_correction(*, actor, number: str, corrected: bool, note: str) -> Case:
    """After the deadline to correct: the approval stands, or a decider revokes it and a credit record is kept."""
    if not note.strip():
        raise DomainError(_("Record what the verification found."), code="note_required")
    case, verification = _locked_verification(number)
    if verification.status != PostVerification.Status.CORRECTION_ORDERED:
        raise InvalidTransition(_("No correction was ordered for this commitment."), code="no_correction_ordered")
    role = Role.REVIEWER if corrected else Role.DECIDER
    _check_staff(actor, case, role)
    verification.note, before = note, case.status
    if corrected:
        verification.status = PostVerification.Status.CORRECTED
        verification.save()
        _record(case, actor=actor, role=role, action="correction_verified", before=before, opinion=note)
        return case
    verification.status = PostVerification.Status.REVOKED
    verification.save()
    case.status = CaseStatus.REVOKED
    case.save()
    CreditRecord.objects.create(applicant=case.applicant, case=case, kind="false_commitment", note=note)
    _record(case, actor=actor, role=role, action="revoke", before=before, opinion=note)
    licenses.revoke_for_case(case, reason=_("False commitment: %(note)s") % {"note": note}, actor=actor)
    return case


# -- staff ----------------------------------------------------------------------------------------------------


def tell_staff_of_new_work(now: datetime.datetime | None = None) -> int:
    """The periodic digest: each member of staff whose unclaimed queue received cases since they were last told
    gets one in-app message with the count (not one per case). Returns how many were told."""
    now = now or timezone.now()
    told = 0
    staff = get_user_model().objects.filter(is_active=True, agency__isnull=False, roles__role__in=selectors.STAFF_ROLES)
    for user in staff.distinct().select_related("agency"):
        wants = notify_preference(user.pk)
        since = wants.work_notified_at or now - datetime.timedelta(minutes=10)
        count = selectors.inbox(user, "unclaimed").filter(updated_at__gt=since, updated_at__lte=now).count()
        with transaction.atomic():
            if count:
                notify(user_id=user.pk, event="staff.new_work", agency_id=user.agency_id, values={
                    "count": count, "agency": user.agency.name, "since": timezone.localtime(since).strftime("%H:%M"),
                })  # fmt: skip
                told += 1
            mark_told_of_work(user.pk, now)
    return told
