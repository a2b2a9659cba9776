"""Every change to the catalogue: drafting, publishing and importing items.

Admin, API, pages and the CLI all call these functions; none of them saves an item itself. Each use case runs in
one transaction, checks the actor's right to edit the item's agency, and writes an audit entry.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zerovisit.accounts.models import Role
from zerovisit.core import audit
from zerovisit.core.errors import Conflict, DomainError, PermissionDenied
from zerovisit.org.models import Agency

from . import listfile, search
from .models import ItemStatus, MaterialSpec, ProcessTemplate, SearchTerm, ServiceItem, Theme
from .models.item import default_process_code

COPIED_EXCLUDE = {"id", "version", "status", "created_at", "updated_at", "published_at", "created_by"}


class ItemInvalid(DomainError):
    code = "item_invalid"


class ImportRejected(DomainError):
    code = "import_rejected"
    status = 422


# -- permissions ---------------------------------------------------------------------------------------------


def can_edit_agency(actor, agency: Agency) -> bool:
    """Catalogue editors change items of their own agency; regional catalogue administrators those of every
    agency in their agency's region and below. `actor=None` is the system itself (CLI, demo loader)."""
    if actor is None or actor.is_superuser:
        return True
    if not actor.is_active or actor.agency_id is None:
        return False
    if actor.has_role(Role.CATALOGUE_EDITOR) and agency.pk == actor.agency_id:
        return True
    return actor.has_role(Role.REGION_CATALOGUE_ADMIN) and agency.region.code.startswith(actor.agency.region.prefix)


def editable_agencies(actor):
    """The agencies whose items the actor may change, as a queryset (for admin lists and API filters)."""
    if actor is None or actor.is_superuser:
        return Agency.objects.all()
    if not actor.is_active or actor.agency_id is None:
        return Agency.objects.none()
    if actor.has_role(Role.REGION_CATALOGUE_ADMIN):
        return Agency.objects.filter(region__code__startswith=actor.agency.region.prefix)
    if actor.has_role(Role.CATALOGUE_EDITOR):
        return Agency.objects.filter(pk=actor.agency_id)
    return Agency.objects.none()


def _check_can_edit(actor, agency: Agency) -> None:
    if not can_edit_agency(actor, agency):
        raise PermissionDenied(
            _("You may change only the items of your own agency and region (%(agency)s is not one of them).")
            % {"agency": agency.name}
        )


# -- drafting and publishing ---------------------------------------------------------------------------------


def _validate(item: ServiceItem) -> None:
    try:
        item.full_clean(exclude=["region"])
    except ValidationError as exc:
        errors = [{"field": f, "code": "invalid", "message": str(m)} for f, ms in exc.message_dict.items() for m in ms]
        raise ItemInvalid(errors[0]["message"], errors=errors) from exc


def _write(item: ServiceItem, *, materials: list[MaterialSpec] | None, themes: Iterable[Theme] | None) -> None:
    item.region_id = item.agency.region_id
    item.save()
    if materials is not None:
        item.materials.all().delete()
        for order, material in enumerate(materials, start=1):
            material.pk, material.item, material.order = None, item, material.order or order
        MaterialSpec.objects.bulk_create(materials)
    if themes is not None:
        item.themes.set(themes)


def item_save_draft(
    *, actor, item: ServiceItem, materials: list[MaterialSpec] | None = None, themes: Iterable[Theme] | None = None
) -> ServiceItem:
    """Create or change a draft version. A published or superseded version is never changed: call
    item_new_draft() first. Materials and themes are replaced when given, kept when None."""
    if item.pk:
        stored = ServiceItem.objects.select_related("agency__region").get(pk=item.pk)
        if stored.status != ItemStatus.DRAFT:
            raise Conflict(
                _("Only a draft can be changed; create a new version of the published item."), code="item_not_draft"
            )
        _check_can_edit(actor, stored.agency)
    else:
        item.status, item.created_by = ItemStatus.DRAFT, actor if getattr(actor, "pk", None) else None
    _check_can_edit(actor, item.agency)
    if not item.pk:
        item.impl_code = item.impl_code or item.expected_impl_code()
        latest = ServiceItem.objects.filter(impl_code=item.impl_code).order_by("-version").first()
        if latest and latest.status == ItemStatus.DRAFT:
            raise Conflict(
                _("Item %(code)s already has a draft; change that one.") % {"code": item.impl_code}, code="draft_exists"
            )
        item.version = latest.version + 1 if latest else 1
    if not item.process_template_id and item.case_kind:
        item.process_template = ProcessTemplate.objects.filter(
            code=default_process_code(item.case_kind, item.reform_mode)
        ).first()
    _validate(item)
    try:
        with transaction.atomic():
            _write(item, materials=materials, themes=themes)
            audit.record(
                actor=actor,
                action="catalog.item.save_draft",
                obj=item,
                detail={"impl_code": item.impl_code, "version": item.version},
            )
    except IntegrityError as exc:
        raise Conflict(_("Someone else saved this item at the same time; reload and try again.")) from exc
    return item


def copy_of(item: ServiceItem) -> tuple[ServiceItem, list[MaterialSpec]]:
    """An unsaved copy of a version and of its materials (files included): the start of a new version, or of the
    same item implemented by another agency."""
    copy = ServiceItem(**{f.attname: getattr(item, f.attname) for f in ServiceItem._meta.concrete_fields
                          if f.name not in COPIED_EXCLUDE})  # fmt: skip
    materials = [MaterialSpec(**{f.attname: getattr(m, f.attname) for f in MaterialSpec._meta.concrete_fields
                                 if f.name not in ("id", "item")}) for m in item.materials.all()]  # fmt: skip
    return copy, materials


def item_new_draft(*, actor, item: ServiceItem) -> ServiceItem:
    """A draft copy of a published version, with its materials (files included) and themes."""
    _check_can_edit(actor, item.agency)
    if item.status != ItemStatus.PUBLISHED:
        raise Conflict(_("A new version is made from the published version."), code="item_not_published")
    draft, materials = copy_of(item)
    return item_save_draft(actor=actor, item=draft, materials=materials, themes=list(item.themes.all()))


@transaction.atomic
def item_discard_draft(*, actor, item: ServiceItem) -> None:
    """Delete a draft that will not be published. Published versions are never deleted: cases refer to them."""
    _check_can_edit(actor, item.agency)
    if item.status != ItemStatus.DRAFT:
        raise Conflict(_("Only a draft can be discarded."), code="item_not_draft")
    audit.record(
        actor=actor,
        action="catalog.item.discard_draft",
        obj=item,
        detail={"impl_code": item.impl_code, "version": item.version},
    )
    item.delete()


def supersede(version: ServiceItem) -> None:
    """A published version gives way (to a newer one, or to another agency's): cases keep it, search drops it."""
    version.status = ItemStatus.SUPERSEDED
    version.save(update_fields=["status", "updated_at"])
    SearchTerm.objects.filter(item=version).delete()


@transaction.atomic
def item_publish(*, actor, item: ServiceItem) -> ServiceItem:
    """Publish a draft: the published version of the same item becomes superseded, and search follows."""
    _check_can_edit(actor, item.agency)
    versions = {v.pk: v for v in ServiceItem.objects.select_for_update().filter(impl_code=item.impl_code)}
    current = versions.get(item.pk)
    if current is None or current.status != ItemStatus.DRAFT:
        raise Conflict(_("Only a draft can be published."), code="item_not_draft")
    for version in versions.values():
        if version.status == ItemStatus.PUBLISHED:
            supersede(version)
    item.status, item.published_at = ItemStatus.PUBLISHED, timezone.now()
    item.save(update_fields=["status", "published_at", "updated_at"])
    search.index_items([ServiceItem.objects.select_related("agency", "item_type").get(pk=item.pk)])
    audit.record(
        actor=actor,
        action="catalog.item.publish",
        obj=item,
        detail={"impl_code": item.impl_code, "version": item.version},
    )
    return item


# -- import --------------------------------------------------------------------------------------------------


@dataclass
class ImportReport:
    """What an import found and did. `problems` are (row, column, message), rows numbered as in the file."""

    total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: list[tuple[int, str, str]] = field(default_factory=list)
    written: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems

    def lines(self) -> list[str]:
        return [
            _("Row %(row)s [%(column)s] %(message)s") % {"row": r, "column": c, "message": m}
            for r, c, m in self.problems
        ]


def catalogue_import(
    *,
    actor,
    rows: list[tuple[int, dict]],
    publish: bool = True,
    dry_run: bool = False,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Import implementation-list rows: validate every row, then write all of them or none.

    A row equal to the item's current version changes nothing; a changed row becomes a new version (published
    unless `publish` is False). The report names every bad row, column and problem.
    """
    report = ImportReport(total=len(rows))
    lookups = listfile.Lookups.load()
    parsed_rows = []
    seen: dict[str, int] = {}
    for number, row in rows:
        parsed = listfile.parse_row(row, lookups)
        item = parsed.item
        if item.agency_id and not can_edit_agency(actor, item.agency):
            parsed.errors.append(
                ("实施主体", _("You may not maintain the items of “%(agency)s”.") % {"agency": item.agency.name})
            )
        if item.impl_code:
            if item.impl_code in seen:
                parsed.errors.append(
                    (
                        "实施编码",
                        _("Repeats row %(row)s (%(code)s).") % {"row": seen[item.impl_code], "code": item.impl_code},
                    )
                )
            seen[item.impl_code] = number
        report.problems.extend((number, column, message) for column, message in parsed.errors)
        parsed_rows.append(parsed)
        if progress:
            progress(1)
    if report.problems:
        return report

    current = _current_versions([p.item.impl_code for p in parsed_rows])
    changes = []
    for parsed in parsed_rows:
        existing = current.get(parsed.item.impl_code)
        incoming = listfile.row_from_item(parsed.item, parsed.materials, parsed.themes)
        same = (
            existing and listfile.row_from_item(existing, existing.materials.all(), existing.themes.all()) == incoming
        )
        # An unchanged row still publishes a waiting draft when the import publishes.
        if same and not (publish and existing.status == ItemStatus.DRAFT):
            report.unchanged += 1
            continue
        changes.append((parsed, existing))
        if existing:
            report.updated += 1
        else:
            report.created += 1
    if dry_run or not changes:
        return report

    with transaction.atomic():
        for parsed, existing in changes:
            item = parsed.item
            if existing and existing.status == ItemStatus.DRAFT:
                item.pk, item.version, item.status = existing.pk, existing.version, ItemStatus.DRAFT
                item.created_by_id, item.created_at = existing.created_by_id, existing.created_at
                _validate(item)
                _write(item, materials=parsed.materials, themes=parsed.themes)
            else:
                item_save_draft(actor=actor, item=item, materials=parsed.materials, themes=parsed.themes)
            if publish:
                item_publish(actor=actor, item=item)
        audit.record(
            actor=actor,
            action="catalog.import",
            object_type="catalog.serviceitem",
            detail={"rows": report.total, "created": report.created, "updated": report.updated},
        )
    report.written = True
    return report


def _current_versions(impl_codes: list[str]) -> dict[str, ServiceItem]:
    """The newest non-superseded version of each code, loaded with everything row_from_item() reads."""
    found: dict[str, ServiceItem] = {}
    for start in range(0, len(impl_codes), 500):
        chunk = impl_codes[start : start + 500]
        versions = (
            ServiceItem.objects.filter(impl_code__in=chunk)
            .exclude(status=ItemStatus.SUPERSEDED)
            .select_related("agency", "item_type", "transferred_from", "hall", "window", "process_template")
            .prefetch_related("materials", "themes")
            .order_by("impl_code", "version")
        )
        for version in versions:
            found[version.impl_code] = version  # the later (draft) version wins
    return found
