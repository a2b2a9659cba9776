"""Applying: filing an application, answering a correction notice, withdrawing."""

import hashlib
import json
import re
from dataclasses import dataclass, field
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _

from zerovisit.accounts import services as accounts
from zerovisit.accounts.models import Applicant, AssuranceLevel, Role
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
)
from zerovisit.core import crypto, identity
from zerovisit.core.errors import Conflict, DomainError, PermissionDenied
from zerovisit.core.files import check_upload
from zerovisit.core.storage import private_storage
from zerovisit.licenses import selectors as license_selectors
from zerovisit.licenses.models import License

from .. import events, selectors
from ..models import (
    BundleCase,
    Case,
    CaseAction,
    CaseEvent,
    CaseMaterial,
    CaseStatus,
    Channel,
    DeliveryMethod,
    frozen_process,
)
from ..numbering import new_case_number
from .steps import MaterialsIncomplete, Step, authority, record, set_acceptance_clock

PHONE = re.compile(r"^1\d{10}$")
REGION = re.compile(r"^\d{12}$")


class IdempotencyKeyReused(DomainError):
    code = "idempotency_key_reused"
    status = 422


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
    _sha256: str = field(default="", repr=False)

    def sha256(self) -> str:
        """The file's SHA-256, read once."""
        if self.file is not None and not self._sha256:
            digest = hashlib.sha256()
            for chunk in self.file.chunks():
                digest.update(chunk)
            self.file.seek(0)
            self._sha256 = digest.hexdigest()
        return self._sha256


# -- materials -----------------------------------------------------------------------------------------------


def _from_license_library(item: ServiceItem, applicant: Applicant, inputs: list[MaterialInput],
                          held: dict | None = None) -> list[MaterialInput]:  # fmt: skip
    """Materials whose source is the licence library (调取电子证照库): one the applicant did not give is taken from
    their valid licence of a type accepted for it; one given as a licence identifier must be such a licence.
    Expired, revoked, cancelled or replaced licences, and other people's, are refused. Without a licence the
    applicant uploads a copy, as for any material."""
    library = {spec.pk: spec for spec in item.materials.all() if spec.source == MaterialSource.LICENSE_LIBRARY}
    if not library:
        return inputs
    if held is None:  # (a bundle's members read the applicant's licences once, for all of them)
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


# What a case records for a material filled in online (申请表): its answers are the case's form_data.
ONLINE_FORM_REFERENCE = "form_data"


def _from_online_form(item: ServiceItem, inputs: list[MaterialInput]) -> list[MaterialInput]:
    """A material filled in online (在线填报, the 申请表) is the application form itself: not asked for again as a
    file. One the applicant did give (a signed scan) is kept as given."""
    given = {material.spec.pk for material in inputs}
    online = [
        spec for spec in item.materials.all() if spec.source == MaterialSource.ONLINE_FORM and spec.pk not in given
    ]
    return inputs + [MaterialInput(spec=spec, reference=ONLINE_FORM_REFERENCE) for spec in online]


def _check_materials(item: ServiceItem, inputs: list[MaterialInput], deferred=frozenset()) -> None:
    """Every required material is given (but the `deferred` ones: a bundle's member takes them from the results it
    waits for), each input belongs to the item, files are what they claim to be."""
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
        if spec.necessity != Necessity.OPTIONAL and spec.pk not in given and spec.pk not in deferred:
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
    CaseMaterial.objects.bulk_create(_material_rows(case, inputs, stored))


def _material_rows(case: Case, inputs: list[MaterialInput], stored: list, shared: dict | None = None) -> list:
    """The case's material rows, its uploads stored (their names added to `stored`). A bundle's members share one
    stored copy of an upload (`shared`: upload → its stored name), which stays while a case refers to it
    (resubmit_correction)."""
    rows = []
    for material in inputs:
        row = CaseMaterial(case=case, spec=material.spec, reference=material.reference)
        if material.file is not None:
            row.source, row.sha256, row.size = CaseMaterial.Source.UPLOAD, material.sha256(), material.file.size
            if shared is not None and id(material.file) in shared:
                row.file.name = shared[id(material.file)]
            else:
                row.file.save(material.file.name, material.file, save=False)
                stored.append(row.file.name)
                if shared is not None:
                    shared[id(material.file)] = row.file.name
        elif material.license is not None:
            row.source, row.license = CaseMaterial.Source.LICENSE, material.license
        elif material.by_post:
            row.source = CaseMaterial.Source.POST
        else:
            row.source = CaseMaterial.Source.LATER if material.later else CaseMaterial.Source.HELD_DATA
        rows.append(row)
    return rows


def _delete_files(names: list[str]) -> None:
    """A failed transaction, or a material replaced by a correction, leaves no orphan file behind."""
    storage = private_storage()
    for name in names:
        storage.delete(name)


# -- applying ----------------------------------------------------------------------------------------------


def _check_application(actor, item, applicant, channel, *, commitment_signed, normal_procedure):
    """(process template, time limit, proxy authorisation, commitment signed) of an application that may be
    filed."""
    if item.status != ItemStatus.PUBLISHED:
        raise DomainError(_("This item is not open for applications."), code="item_not_published")
    if channel not in Channel.values:
        raise DomainError(_("Unknown channel."), code="invalid_channel")
    allowed, authorisation = authority(actor, applicant, item.impl_code)
    at_window = channel == Channel.WINDOW and actor.agency_id == item.agency_id and actor.has_role(Role.ACCEPTOR)
    if not allowed and not at_window:
        raise PermissionDenied(_("You may apply only for yourself or for an applicant who authorised you."),
                               code="not_authorised_for_applicant")  # fmt: skip
    if actor.agency_id is None and actor.assurance_level < item.assurance_level:
        raise PermissionDenied(
            _("This item needs an account verified to level %(needed)d (%(label)s); yours is at level %(level)d. "
              "Verify your identity further, then apply.")
            % {"needed": item.assurance_level, "label": AssuranceLevel(item.assurance_level).label,
               "level": actor.assurance_level},
            code="assurance_too_low",
        )  # fmt: skip
    template, limit_days = item.process_template, item.promised_days
    if template.kind == ProcessKind.COMMITMENT:
        if normal_procedure:  # the applicant may always choose the normal procedure instead of a commitment
            template = ProcessTemplate.objects.prefetch_related("stages__agencies").get(code="promised-1")
            limit_days, commitment_signed = item.normal_promised_days, False
        elif not commitment_signed:
            raise DomainError(_("Sign the commitment, or choose the normal procedure."), code="commitment_required")
        elif applicant.credit_records.exists():
            raise DomainError(
                _("After a false commitment an applicant must use the normal procedure."), code="commitment_excluded"
            )
    return template, limit_days, authorisation, commitment_signed


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


def _request_digest(item, applicant, channel, materials, **application) -> str:
    """What an application asked for (with whom it names as sent), as a digest: a retry with the same idempotency
    key must ask the same."""
    given = sorted(
        [m.spec.pk, m.sha256(), m.reference, m.later, m.by_post, m.license.pk if m.license else None] for m in materials
    )
    payload = [item.pk, applicant.pk, channel, given, application]
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def _filed_already(actor, idempotency_key: str, digest: str) -> Case | None:
    """The case a first call with this key made, if any; a different application under the same key is refused."""
    if not idempotency_key:
        return None
    case = Case.objects.filter(submitted_by=actor, idempotency_key=idempotency_key).first()
    if case is not None and case.request_digest and case.request_digest != digest:  # (none before digests)
        raise IdempotencyKeyReused(
            _("This Idempotency-Key was used for a different application (%(number)s); use a new key.")
            % {"number": case.number}
        )
    return case


@dataclass
class BundleMembership:
    """What filing a case as a member of a bundle's application adds (cases.services.bundles)."""

    bundle_case: BundleCase
    position: int
    waiting: bool = False
    deferred: frozenset = frozenset()  # materials the results it waits for will give
    held: dict | None = None  # the applicant's licences the library offers, by material name


@dataclass(frozen=True)
class Submission:
    case: Case
    created: bool  # False: a retry with the same idempotency key, answered with the case the first call made


def submit_application(*, actor, item: ServiceItem, applicant: dict, channel: str, **application) -> Submission:
    """An application as someone sends it: whom it is for (`applicant`: kind, name, id_number or credit_code,
    phone, email, as accounts.services.applicant_for takes them) and the application itself (as submit_case takes
    it). A person applying online for themselves (not staff, not as a proxy) names only the person their account is
    verified as, or an organisation whose account they hold (accounts.services.check_applying_as): what else the
    form says of the applicant does not change who that is.

    Finding or creating the applicant and filing the case are one transaction: a refused application leaves no
    applicant, no changed contact details and no link to an account behind."""
    if getattr(actor, "pk", None) is None:
        raise PermissionDenied(_("Applications are made with a person's account, not with a system's token."),
                               code="person_required")  # fmt: skip
    for_themselves = not actor.agency_id and channel not in (Channel.PROXY, Channel.WINDOW)
    if channel != Channel.WINDOW:  # a credit code's failed check is confirmed only by staff at a window
        applicant = {key: value for key, value in applicant.items() if key != "check_override_reason"}
    with transaction.atomic():
        if for_themselves:
            accounts.check_applying_as(actor, **applicant, impl_code=item.impl_code)
        found, write_audit = accounts.find_applicant(**applicant, account=actor if for_themselves else None,
                                                     actor=actor)  # fmt: skip
        submission = _submit(actor=actor, item=item, applicant=found, channel=channel, sent_applicant=applicant,
                             **application)  # fmt: skip
        write_audit()
        return submission


def submit_case(*, actor, item: ServiceItem, applicant: Applicant, **application) -> Case:
    """File an application for a known applicant (see _submit)."""
    return _submit(actor=actor, item=item, applicant=applicant, **application).case


@dataclass
class Prepared:
    """An application that passed every check: its case (not saved, without its random number) and materials."""

    case: Case
    materials: list[MaterialInput]
    joint: set


def _prepare(
    *,
    actor,
    item: ServiceItem,
    applicant: Applicant,
    channel: str,
    materials: list[MaterialInput],
    form_data: dict | None = None,
    idempotency_key: str = "",
    digest: str = "",
    commitment_signed: bool = False,
    normal_procedure: bool = False,
    delivery_method: str = DeliveryMethod.HALL,
    delivery_address: dict | None = None,
    paper_pickup: bool = False,
    member: BundleMembership | None = None,
) -> Prepared:
    """Check an application and make its case, or refuse it (DomainError). A member of a bundle's application
    (`member`) that waits for other members' results is made waiting: no clock runs until it starts."""
    template, limit_days, authorisation, commitment_signed = _check_application(
        actor, item, applicant, channel, commitment_signed=commitment_signed, normal_procedure=normal_procedure
    )
    held = member.held if member else None
    materials = _from_online_form(item, _from_license_library(item, applicant, materials, held))
    materials = _by_courier(item, materials) if paper_pickup else materials
    _check_materials(item, materials, deferred=member.deferred if member else frozenset())
    form_data = _checked_form_data(item, form_data)
    delivery_address = _checked_delivery(item, delivery_method, delivery_address, paper_pickup)
    now = timezone.now()
    prefetch_related_objects([template], "stages__agencies")  # done already by the callers that load the item
    process = frozen_process(template)
    case = Case(
        item=item, process_template=template, agency=item.agency, applicant=applicant, submitted_by=actor,
        channel=channel, proxy_authorisation=authorisation, idempotency_key=idempotency_key, request_digest=digest,
        form_data=form_data, commitment_signed=commitment_signed, submitted_at=now, received_at=now,
        limit_days=limit_days, process=process, delivery_method=delivery_method, delivery_address=delivery_address,
        paper_pickup=paper_pickup,
    )  # fmt: skip
    if member:
        case.bundle_case, case.bundle_position = member.bundle_case, member.position
    if member and member.waiting:
        case.status = CaseStatus.WAITING
    else:
        set_acceptance_clock(case)
    return Prepared(case, materials, {agency for stage in process["stages"] for agency in stage["agencies"]})


def _submit(*, actor, item: ServiceItem, applicant: Applicant, channel: str, idempotency_key: str = "",
            sent_applicant: dict | None = None, **application) -> Submission:  # fmt: skip
    """File an application. A retry with the same idempotency key returns the case the first call made, marked as
    not created, even when both arrive at the same moment: the key's unique constraint decides which one files.

    The key is looked up only when the application cannot be filed as sent (a checked answer that no longer
    passes, or the key's unique constraint): a first attempt, by far the common case, costs no extra query."""
    materials = application.pop("materials")
    digest = _request_digest(
        item, applicant, channel, materials, **{k: application.get(k, default) for k, default in DIGESTED.items()},
        sent_applicant=sent_applicant,
    ) if idempotency_key else ""  # fmt: skip
    try:
        prepared = _prepare(actor=actor, item=item, applicant=applicant, channel=channel, materials=materials,
                            idempotency_key=idempotency_key, digest=digest, **application)  # fmt: skip
    except DomainError:
        if done := _filed_already(actor, idempotency_key, digest):
            return Submission(done, created=False)
        raise
    case = prepared.case
    stored_files: list[str] = []
    for _attempt in range(5):
        case.pk, case.number = None, new_case_number(item.agency.region.code, case.submitted_at)
        try:
            with transaction.atomic():
                case.save()
                if prepared.joint:
                    case.joint_agencies.set(prepared.joint)
                _store_materials(case, prepared.materials, stored_files)
                record(case, actor=actor, role="applicant", action=CaseAction.SUBMIT, before="", channel=channel,
                       commitment_signed=case.commitment_signed)  # fmt: skip
            return Submission(case, created=True)
        except IntegrityError:
            _delete_files(stored_files)
            stored_files.clear()
            if same_request := _filed_already(actor, idempotency_key, digest):
                return Submission(same_request, created=False)  # a retry, or the same request twice at once
            # otherwise the random part of the number collided: draw again
        except BaseException:
            _delete_files(stored_files)
            raise
    raise Conflict(_("Could not number the case; try again."))


# What a retry with the same idempotency key must ask alike (with the applicant as sent), and its defaults.
DIGESTED = {"form_data": None, "commitment_signed": False, "normal_procedure": False,
            "delivery_method": DeliveryMethod.HALL, "delivery_address": None, "paper_pickup": False}  # fmt: skip


def file_members(actor, prepared: list[Prepared], stored_files: list[str], shared: dict) -> list[Case]:
    """A bundle's member cases, filed together inside the bundle's transaction: the cases, their materials (each
    upload stored once), their parallel reviews and their first events, a few statements for all of them. Should a
    random number collide, the IntegrityError refuses the whole application, which may be sent again."""
    cases = [p.case for p in prepared]
    for case in cases:
        case.number = new_case_number(case.item.agency.region.code, case.submitted_at)
        case.derive_inbox_fields()  # (what save() does, which bulk_create does not call)
    Case.objects.bulk_create(cases)
    Case.joint_agencies.through.objects.bulk_create([
        Case.joint_agencies.through(case_id=p.case.pk, agency_id=agency) for p in prepared for agency in p.joint
    ])  # fmt: skip
    CaseMaterial.objects.bulk_create(
        [row for p in prepared for row in _material_rows(p.case, p.materials, stored_files, shared)]
    )
    events.import_history([
        (case, [CaseEvent(at=case.submitted_at, actor=actor, actor_role="applicant", action=CaseAction.SUBMIT,
                          status_before="", status_after=case.status,
                          data={"channel": case.channel, "commitment_signed": case.commitment_signed})])
        for case in cases
    ])  # fmt: skip
    return cases


def resubmit_correction(*, actor, number: str, materials: list[MaterialInput], note: str = "",
                        stored_files: list[str] | None = None) -> Case:  # fmt: skip
    """The applicant's answer to a correction notice. Acceptance counts again from the day the complete materials
    arrive (Art. 32). The files of the materials replaced are deleted once that is committed; the new files are
    deleted again if it is not (those of a bundle's other answers, in `stored_files`, by the bundle)."""
    stored: list[str] = [] if stored_files is None else stored_files
    already = len(stored)
    try:
        with transaction.atomic():
            step = Step.begin(number, CaseAction.RESUBMIT, actor)
            if not materials:
                raise MaterialsIncomplete(_("Add the corrected materials."), code="materials_required")
            case = step.case
            _check_asked_for(case, materials)
            replaced = case.materials.filter(spec__in=[m.spec for m in materials])
            replaced_files = list(replaced.exclude(file="").values_list("file", flat=True))
            replaced.delete()
            # A file a bundle's other members share stays while any of them refers to it.
            shared = set(CaseMaterial.objects.filter(file__in=replaced_files).values_list("file", flat=True))
            replaced_files = [name for name in replaced_files if name not in shared]
            _check_materials_subset(case.item, materials)
            _store_materials(case, materials, stored)
            step.done(opinion=note)
            transaction.on_commit(partial(_delete_files, replaced_files))
    except BaseException:
        _delete_files(stored[already:])
        del stored[already:]
        raise
    return case


def _check_asked_for(case: Case, inputs: list[MaterialInput]) -> None:
    """An answer brings a corrected copy of every material the latest correction notice named, and no other: the
    office checked the others and accepted them as they are."""
    asked = selectors.correction_materials(case)
    if asked is None:
        return
    given = {m.spec.pk for m in inputs}
    problems = [
        {"field": f"materials.{m.spec.pk}", "code": "not_in_correction_notice",
         "message": _("“%(name)s” was not asked for in the correction notice.") % {"name": m.spec.name}}
        for m in inputs if m.spec.pk not in asked
    ]  # fmt: skip
    problems += [
        {"field": f"materials.{spec.pk}", "code": "missing",
         "message": _("“%(name)s” is missing.") % {"name": spec.name}}
        for spec in case.item.materials.all() if spec.pk in asked and spec.pk not in given
    ]  # fmt: skip
    if problems:
        raise MaterialsIncomplete(problems[0]["message"], code=problems[0]["code"], errors=problems)


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
    return Step.begin(number, CaseAction.WITHDRAW, actor).done(opinion=reason)
