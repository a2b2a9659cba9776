"""Organisations online (法人): the legal representative claims the organisation's account, confirmed by the
market-entity register, and authorises agents (经办人) to apply for it, each for every item or the chosen ones,
until an end date.

Whom an organisation's case may be applied for by: its representative (the account that holds it, Applicant.user),
an agent whose authorisation covers the item today, or a proxy agent under a proxy authorisation (代办). The
market-entity register (or the e-business licence) is the authority on who represents an organisation: a claim it
confirms moves the organisation to the claimant's account, even from one an administrator linked at a window, and
the former holder is told.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from zerovisit.catalog.models import ServiceItem
from zerovisit.core import audit, crypto, ratelimit
from zerovisit.core.errors import DomainError, NotFound, PermissionDenied
from zerovisit.notify.services import notify

from ..models import Applicant, ApplicantKind, AssuranceLevel, OrganisationAgent, User
from ..registers import RegisterUnavailable, Verdict, entity_register
from .applicants import _checked_organisation, _checked_person
from .identity import RegisterDown, TooManyRequests, bound_person

MAX_AUTHORISATION = datetime.timedelta(days=3 * 365)  # an agent's authorisation is renewed at least every 3 years


class OrganisationRefused(DomainError):
    code = "organisation_refused"


def _representative(user) -> Applicant:
    person = bound_person(user)
    if person is None or user.assurance_level < AssuranceLevel.REAL_NAME:
        raise PermissionDenied(_("Verify your real name first: an organisation is claimed by its legal "
                                 "representative in person."), code="verify_first")  # fmt: skip
    return person


def claim_organisation(*, user: User, name: str, credit_code: str) -> Applicant:
    """The organisation's account, for the person the market-entity register names as its legal representative.
    The register is the authority: when it names a new representative, the organisation moves to their account
    and the former holder is told. Nothing changes when the register refuses or cannot be reached."""
    name, credit_code, _check_failed = _checked_organisation(name, credit_code)
    person = _representative(user)
    # Per account: the register is not an oracle for who represents which organisation.
    if not ratelimit.allow_for(f"claim:{user.pk}", settings.ORGANISATION_CLAIMS_PER_DAY, 86400):
        raise TooManyRequests(_("Too many claims today; try again tomorrow or at a service window."),
                              code="too_many_claims")  # fmt: skip
    register = entity_register()
    if register is None:
        raise RegisterDown(_("Organisations cannot be confirmed online here; a service window can do it."),
                           code="register_not_configured")  # fmt: skip
    try:
        verdict = register.verify_representative(credit_code, name, person.name, crypto.decrypt(
            person.id_number_encrypted))  # fmt: skip
    except RegisterUnavailable as exc:
        raise RegisterDown(_("The market-entity register cannot be reached just now; nothing was changed. Try "
                             "again in a few minutes.")) from exc  # fmt: skip
    if verdict != Verdict.MATCH:
        refusal = (
            OrganisationRefused(_("The market-entity register knows no organisation with this credit code."),
                                code="organisation_not_found")
            if verdict == Verdict.NOT_FOUND else
            PermissionDenied(_("The market-entity register does not name you as the legal representative of "
                               "%(name)s (or the name differs).") % {"name": name}, code="not_legal_representative")
        )  # fmt: skip
        audit.record(actor=user, action="organisation.claim", object_type="accounts.applicant", result="refused",
                     detail={"credit_code": credit_code, "reason": refusal.code})  # fmt: skip
        raise refusal
    return _take_organisation(user, name, credit_code, via="entity_register")


def claim_asserted_organisation(*, user: User, assertion) -> Applicant:
    """The organisation's account, for the person the e-business-licence platform signed in as its legal
    representative (accounts.identity_providers): the licence's holder vouches as the register does."""
    name, credit_code, _check_failed = _checked_organisation(assertion.organisation, assertion.credit_code)
    _representative(user)
    if not assertion.representative:
        raise PermissionDenied(_("The e-business licence signed you in, but not as the legal representative of "
                                 "%(name)s: the representative can authorise you as its agent.") % {"name": name},
                               code="not_legal_representative")  # fmt: skip
    return _take_organisation(user, name, credit_code, via=assertion.provider)


def _take_organisation(user: User, name: str, credit_code: str, via: str) -> Applicant:
    with transaction.atomic():
        organisation = (
            Applicant.objects.select_for_update()
            .filter(kind=ApplicantKind.ORGANISATION, credit_code=credit_code)
            .first()
        )
        if organisation is None:
            organisation = Applicant.objects.create(kind=ApplicantKind.ORGANISATION, name=name,
                                                    credit_code=credit_code)  # fmt: skip
        before = organisation.user.username if organisation.user_id else ""
        former = organisation.user_id if organisation.user_id not in (None, user.pk) else None
        organisation.name, organisation.user = name, user
        organisation.representative_confirmed_at = timezone.now()
        organisation.save(update_fields=["name", "user", "representative_confirmed_at"])
        audit.record(actor=user, action="organisation.claim", obj=organisation, detail={
            "credit_code": credit_code, "via": via, "before": {"account": before}, "after": {"account": user.username},
        })  # fmt: skip
        if former is not None:
            notify(user_id=former, event="account.organisation_moved", values={"organisation": name})
    return organisation


def represented(user) -> list[Applicant]:
    """The organisations whose account `user` holds."""
    return list(Applicant.objects.filter(kind=ApplicantKind.ORGANISATION, user=user).order_by("name"))


def held_organisation(user, organisation_id: int) -> Applicant:
    """An organisation whose account `user` holds, or NotFound."""
    organisation = Applicant.objects.filter(pk=organisation_id, kind=ApplicantKind.ORGANISATION, user=user).first()
    if organisation is None:
        raise NotFound(_("You hold no such organisation."))
    return organisation


def _checked_items(item_codes) -> list[str]:
    codes = sorted({code.strip() for code in item_codes if code and code.strip()})
    known = set(ServiceItem.objects.filter(impl_code__in=codes).values_list("impl_code", flat=True))
    if unknown := [code for code in codes if code not in known]:
        raise OrganisationRefused(_("No item has the implementation code %(codes)s.") % {"codes": "、".join(unknown)},
                                  code="unknown_item")  # fmt: skip
    return codes


def _checked_until(valid_until: datetime.date) -> datetime.date:
    today = timezone.localdate()
    if not today <= valid_until <= today + MAX_AUTHORISATION:
        raise OrganisationRefused(_("An authorisation ends between today and three years from now."),
                                  code="invalid_valid_until")  # fmt: skip
    return valid_until


def authorise_agent(*, actor: User, organisation_id: int, name: str, id_number: str, item_codes=(),
                    valid_until: datetime.date) -> OrganisationAgent:  # fmt: skip
    """The representative lets the person with this name and ID number apply for the organisation. The agent has
    an account verified as that person already (they register and verify first); an agent authorised before gets
    the new scope and end date in place of the old."""
    organisation = held_organisation(actor, organisation_id)
    name, id_number = _checked_person(name, id_number)
    codes, until = _checked_items(item_codes), _checked_until(valid_until)
    person = Applicant.objects.filter(kind=ApplicantKind.PERSON, id_number_hash=crypto.lookup_hash(id_number),
                                      name=name).exclude(user=None).select_related("user").first()  # fmt: skip
    if person is None or person.user.assurance_level < AssuranceLevel.REAL_NAME:
        raise OrganisationRefused(_("%(name)s has no verified account yet: they register with their mobile number "
                                    "and verify their real name first.") % {"name": name},
                                  code="agent_not_registered")  # fmt: skip
    if person.user_id == actor.pk:
        raise OrganisationRefused(_("As its legal representative you apply for the organisation already."),
                                  code="agent_is_representative")  # fmt: skip
    with transaction.atomic():
        running = OrganisationAgent.objects.select_for_update().filter(organisation=organisation, agent=person.user,
                                                                       revoked_at=None).first()  # fmt: skip
        if running is not None:
            running.revoked_at, running.revoked_by = timezone.now(), actor
            running.save(update_fields=["revoked_at", "revoked_by"])
        authorisation = OrganisationAgent.objects.create(
            organisation=organisation, agent=person.user, item_codes=codes, valid_until=until, granted_by=actor
        )
        audit.record(actor=actor, action="organisation.agent_grant", obj=authorisation, detail={
            "organisation": organisation.credit_code, "agent": person.id_number_masked, "items": codes or "all",
            "valid_until": until.isoformat(), "replaces": running.pk if running else None,
        })  # fmt: skip
        notify(user_id=person.user_id, event="account.agent_granted",
               values={"organisation": organisation.name, "until": until.isoformat()})  # fmt: skip
    return authorisation


def follow_transfer(*, old_code: str, new_code: str) -> int:
    """After a power transfer, an agent authorised for the item may apply for its new implementation too: the
    representative authorised the matter, not the department that implemented it. The old code stays, for the
    cases filed before. Each authorisation widened is audited; how many there were."""
    today = timezone.localdate()
    # The codes are a JSON list: its text containing the code finds the candidates alike on both databases.
    running = (
        OrganisationAgent.objects.select_for_update(of=("self",))
        .select_related("organisation")
        .filter(revoked_at=None, valid_until__gte=today, item_codes__icontains=old_code)
    )
    widened = 0
    for authorisation in running.order_by("pk"):
        if old_code not in authorisation.item_codes or new_code in authorisation.item_codes:
            continue
        authorisation.item_codes = sorted([*authorisation.item_codes, new_code])
        authorisation.save(update_fields=["item_codes"])
        audit.record(actor=None, action="organisation.agent_follow_transfer", obj=authorisation, detail={
            "organisation": authorisation.organisation.credit_code, "from": old_code, "to": new_code,
        })  # fmt: skip
        widened += 1
    return widened


def revoke_agent(*, actor: User, organisation_id: int, authorisation_id: int) -> OrganisationAgent:
    """The representative ends an agent's authorisation now."""
    organisation = held_organisation(actor, organisation_id)
    with transaction.atomic():
        authorisation = (
            OrganisationAgent.objects.select_for_update()
            .filter(pk=authorisation_id, organisation=organisation, revoked_at=None)
            .first()
        )
        if authorisation is None:
            raise NotFound(_("This authorisation does not exist or has ended already."))
        authorisation.revoked_at, authorisation.revoked_by = timezone.now(), actor
        authorisation.save(update_fields=["revoked_at", "revoked_by"])
        audit.record(actor=actor, action="organisation.agent_revoke", obj=authorisation,
                     detail={"organisation": organisation.credit_code})  # fmt: skip
    return authorisation


def agents_of(organisation: Applicant) -> list[OrganisationAgent]:
    """The organisation's agents, running ones first (found for its holder through held_organisation)."""
    persons = Prefetch("agent__applicants", Applicant.objects.filter(kind=ApplicantKind.PERSON), to_attr="persons")
    found = organisation.agents.select_related("agent").prefetch_related(persons)
    return sorted(found, key=lambda a: (a.revoked_at is not None, -a.pk))


def running_authorisations(user, day=None) -> list[OrganisationAgent]:
    """The authorisations `user` holds as an agent that run today."""
    day = day or timezone.localdate()
    found = OrganisationAgent.objects.filter(agent=user, revoked_at=None, valid_until__gte=day)
    return list(found.select_related("organisation").order_by("organisation__name"))


def agent_may_apply(account, organisation: Applicant, impl_code: str) -> bool:
    """Whether `account` applies for the item as an agent of `organisation` today: False when it never was one;
    refused with `agent_authorisation_ended` when its authorisation ended, `not_authorised_for_applicant` when it
    covers other items."""
    today = timezone.localdate()
    authorisations = list(OrganisationAgent.objects.filter(organisation=organisation, agent=account))
    if any(a.covers(impl_code, today) for a in authorisations):
        return True
    if not authorisations:
        return False
    if not any(a.is_running(today) for a in authorisations):
        raise PermissionDenied(_("Your authorisation as an agent of %(name)s has ended; its legal representative "
                                 "may renew it.") % {"name": organisation.name},
                               code="agent_authorisation_ended")  # fmt: skip
    raise PermissionDenied(_("Your authorisation as an agent of %(name)s does not cover this item.")
                           % {"name": organisation.name}, code="not_authorised_for_applicant")  # fmt: skip
