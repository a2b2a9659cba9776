"""一件事 (bundles): several items of several agencies applied for at once, authored as data and checked when saved.

`save_bundle` is the one way a bundle is written (admin, demo loader, CLI): it checks the whole (`bundle_errors`)
and writes nothing when anything is wrong. What an application for a bundle does is in cases.services.bundles.
"""

from django.db import transaction
from django.dispatch import receiver
from django.utils.translation import gettext as _

from zerovisit.accounts.models import Role
from zerovisit.core import audit
from zerovisit.core.errors import DomainError, PermissionDenied
from zerovisit.org.selectors import place_chain

from . import search
from .formfields import FieldType, schema_errors
from .models import Bundle, BundleMember, RefusalPolicy, ServiceItem
from .transfers import item_transferred

MAX_MEMBERS = 12


class BundleRefused(DomainError):
    code = "bundle_refused"


def may_edit(actor, region) -> bool:
    """The system itself, the system administrator, or a regional catalogue administrator of the bundle's region
    (a bundle joins items of several agencies, so one agency's editor does not author it)."""
    if actor is None or actor.is_superuser:
        return True
    if not actor.is_active or actor.agency_id is None or not actor.has_role(Role.REGION_CATALOGUE_ADMIN):
        return False
    return region.code.startswith(actor.agency.region.prefix)


def member_items(codes) -> dict[str, ServiceItem]:
    """Implementation code → published version, with what a bundle's checks and applications read, in a fixed
    number of queries."""
    return {
        item.impl_code: item
        for item in ServiceItem.objects.published().filter(impl_code__in=list(codes))
        .select_related("agency__region", "process_template").prefetch_related("materials")
    }  # fmt: skip


def _longest_chain(members: list[dict], limits: dict[int, int]) -> int:
    """The most working days the law allows along any chain of members that wait for each other."""
    by_position = {m["position"]: m for m in members}
    memo: dict[int, int] = {}

    def through(position: int) -> int:
        if position not in memo:
            before = [through(p) for p in by_position[position]["after"] if p in by_position]
            memo[position] = limits.get(position, 0) + max(before, default=0)
        return memo[position]

    return max((through(p) for p in by_position), default=0)


def _cycle(members: list[dict]) -> list[int]:
    """The positions of a cycle of `after`, if there is one (depth-first search)."""
    after = {m["position"]: [p for p in m["after"] if isinstance(p, int)] for m in members}
    state: dict[int, str] = {}
    path: list[int] = []

    def visit(position: int) -> list[int]:
        state[position] = "open"
        path.append(position)
        for nxt in after.get(position, ()):
            if state.get(nxt) == "open":
                return [*path[path.index(nxt) :], nxt]
            if nxt in after and nxt not in state and (found := visit(nxt)):
                return found
        state[position] = "done"
        path.pop()
        return []

    for position in after:
        if position not in state and (found := visit(position)):
            return found
    return []


def bundle_errors(*, name: str, promised_days, on_refusal: str, form_fields, members: list[dict]) -> list[dict]:
    """What is wrong with a bundle (field, code, message); empty when it may be saved. Each member is
    {position, impl_code, after: [positions], field_map: {member field: combined field}}."""
    errors = []

    def refuse(field, code, message):
        errors.append({"field": field, "code": code, "message": message})

    if not (name or "").strip():
        refuse("name", "name_required", _("Name the bundle."))
    if on_refusal not in RefusalPolicy.values:
        refuse("on_refusal", "invalid_on_refusal", _("Say what happens when a member is refused."))
    for problem in schema_errors(form_fields):
        refuse("form_fields", "invalid_form_fields", problem)
    combined = {f["label"]: f for f in form_fields if isinstance(f, dict)} if isinstance(form_fields, list) else {}
    if not 2 <= len(members) <= MAX_MEMBERS:
        refuse("members", "members_required", _("A bundle has 2 to %(n)s members.") % {"n": MAX_MEMBERS})
    positions = [m["position"] for m in members]
    if len(set(positions)) != len(positions):
        refuse("members", "duplicate_position", _("Two members have the same position."))
    codes = [m["impl_code"] for m in members]
    if len(set(codes)) != len(codes):
        refuse("members", "duplicate_member", _("An item is a member of the bundle once."))
    items = member_items(codes)
    limits = {}
    for member in members:
        field = f"members.{member['position']}"
        item = items.get(member["impl_code"])
        if item is None:
            refuse(field, "item_not_published", _("%(code)s is not a published item.") % {"code": member["impl_code"]})
            continue
        limits[member["position"]] = item.effective_legal_days or item.promised_days
        errors += _mapping_errors(field, item, member["field_map"], combined)
        for position in member["after"]:
            if position == member["position"] or position not in positions:
                refuse(field, "unknown_dependency", _("“%(name)s” waits for a member the bundle does not have.")
                       % {"name": item.name})  # fmt: skip
    if cycle := _cycle(members):
        names = {m["position"]: items[m["impl_code"]].name for m in members if m["impl_code"] in items}
        refuse("members", "dependency_cycle", _("The members wait for each other in a circle: %(cycle)s.")
               % {"cycle": " → ".join(names.get(p, str(p)) for p in cycle)})  # fmt: skip
    if not isinstance(promised_days, int) or promised_days < 1:
        refuse("promised_days", "invalid_promised_days", _("Give the promised limit in working days."))
    elif not errors and promised_days > (legal := _longest_chain(members, limits)):
        refuse(
            "promised_days",
            "promised_over_legal",
            _("The promised limit may not exceed what the law allows the members, %(days)s working days.")
            % {"days": legal},
        )
    if items and len(items) == len(members):
        common = set.intersection(*(set(item.delivery_methods()) for item in items.values()))
        if not common:
            refuse("members", "no_common_delivery", _("The members' results cannot all be delivered one way."))
    return errors


def _mapping_errors(field: str, item: ServiceItem, field_map, combined: dict) -> list[dict]:
    """A member's field mapping names its item's fields and the combined form's, of the same type; every required
    field of the item is fed."""
    if not isinstance(field_map, dict):
        return [{"field": field, "code": "invalid_field_map", "message": _("The field mapping is not an object.")}]
    own = {f["label"]: f for f in item.form_fields}
    errors = []
    for target, source in field_map.items():
        if target not in own:
            errors.append({"field": field, "code": "unknown_member_field", "message": _(
                "“%(item)s” has no form field “%(label)s”.") % {"item": item.name, "label": target}})  # fmt: skip
        elif source not in combined:
            errors.append(
                {
                    "field": field,
                    "code": "missing_field",
                    "message": _("The combined form has no field “%(label)s” for “%(item)s”.")
                    % {"label": source, "item": item.name},
                }
            )
        elif own[target]["type"] != combined[source]["type"] or not _choices_fit(combined[source], own[target]):
            errors.append({"field": field, "code": "field_type_mismatch", "message": _(
                "“%(source)s” cannot feed “%(item)s”'s “%(label)s”: they take different answers.")
                % {"source": source, "item": item.name, "label": target}})  # fmt: skip
    for label, spec in own.items():
        if spec.get("required") and label not in field_map:
            errors.append({"field": field, "code": "unmapped_required_field", "message": _(
                "No field of the combined form feeds “%(item)s”'s required “%(label)s”.")
                % {"item": item.name, "label": label}})  # fmt: skip
    return errors


def _choices_fit(source: dict, target: dict) -> bool:
    return source["type"] != FieldType.CHOICE or set(map(str, source["choices"])) <= set(map(str, target["choices"]))


def members_of(members) -> list[dict]:
    """Members as save_bundle and bundle_errors take them, from what a form or a caller gives."""
    return [
        {"position": int(m["position"]), "impl_code": str(m["impl_code"]).strip(),
         "after": list(m.get("after") or []), "field_map": m.get("field_map") or {}}
        for m in members
    ]  # fmt: skip


def save_bundle(*, actor, code: str, name: str, region, audience: str, promised_days: int, members,
                form_fields=(), on_refusal: str = RefusalPolicy.CONTINUE, description: str = "",
                published: bool = True) -> Bundle:  # fmt: skip
    """Create or replace the bundle `code`, with its members, in one transaction; refused with every problem and
    nothing written when it does not hold together."""
    if not may_edit(actor, region):
        raise PermissionDenied(_("Only a regional catalogue administrator of the region authors its bundles."))
    members, form_fields = members_of(members), list(form_fields)
    errors = bundle_errors(name=name, promised_days=promised_days, on_refusal=on_refusal, form_fields=form_fields,
                           members=members)  # fmt: skip
    if errors:
        raise BundleRefused(errors[0]["message"], errors=errors)
    items = member_items(m["impl_code"] for m in members)
    with transaction.atomic():
        bundle, created = Bundle.objects.select_for_update().update_or_create(code=code, defaults={
            "name": name.strip(), "description": description, "region": region, "audience": audience,
            "form_fields": form_fields, "promised_days": promised_days, "on_refusal": on_refusal,
            "published": published, "updated_by": actor if getattr(actor, "pk", None) else None,
        })  # fmt: skip
        bundle.members.all().delete()
        BundleMember.objects.bulk_create([
            BundleMember(bundle=bundle, name=items[m["impl_code"]].name, **m) for m in members
        ])  # fmt: skip
        audit.record(
            actor=actor,
            action="catalog.bundle.create" if created else "catalog.bundle.change",
            obj=bundle,
            detail={"code": code, "published": published, "members": [m["impl_code"] for m in members]},
        )
    return bundle


def published_bundles(region=None):
    """The bundles offered (in a region and the regions above it), with their members, in two queries."""
    found = Bundle.objects.filter(published=True).select_related("region").prefetch_related("members")
    if region is not None:
        found = found.filter(region__in=place_chain(region.pk))
    return found


def bundles_matching(query: str, region=None, limit: int = 5) -> list[Bundle]:
    """The published bundles whose name, or one of whose items' names, has a word of the query (开办企业 finds
    企业开办): a handful of rows, matched here alike on both databases."""
    words = {w for token in search.query_tokens(query) for w in search.search_words(token) if len(w) >= 2}
    if not words:
        return []
    found = []
    for bundle in published_bundles(region).order_by("pk"):
        names = [bundle.name, *(m.name for m in bundle.members.all())]
        if any(word in name for word in words for name in names):
            found.append(bundle)
    return found[:limit]


def published_bundle(code: str) -> Bundle | None:
    return published_bundles().filter(code=code).first()


@receiver(item_transferred, dispatch_uid="bundles-follow-transfers")
def follow_transfer(sender, old, new, **kwargs):
    """A bundle applies for an item's implementation under the agency it was transferred to."""
    BundleMember.objects.filter(impl_code=old.impl_code).update(impl_code=new.impl_code)
