"""Every POST of the case API refuses an outsider and changes nothing: anonymous callers, another applicant and the
staff of another agency. The actions are read from the URL conf, so a new action is covered the day it is added.

On a case (`/api/v1/cases/{number}/<action>/`) an outsider gets 404, as for a case that does not exist, before the
request body is even looked at. Applying (`POST /api/v1/cases/`) in the name of an applicant who gave the caller no
authorisation is refused as such. Either way the case, its history and the applicant stay as they were."""

import re

import pytest
from django.urls import URLResolver, get_resolver, reverse
from rest_framework.test import APIClient

from zerovisit.accounts.models import Applicant, Role
from zerovisit.accounts.services import applicant_for
from zerovisit.accounts.tests.factories import UserFactory
from zerovisit.cases.models import Case, CaseEvent
from zerovisit.org.tests.factories import AgencyFactory

from .factories import apply
from .test_api import application

CASE_ROLES = [Role.ACCEPTOR, Role.REVIEWER, Role.DECIDER, Role.SUPERVISOR]
OUTSIDERS = ["anonymous", "another_applicant", "other_agency_staff"]


def _patterns(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _patterns(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern), pattern


def case_post_routes() -> list[tuple[str, list[str]]]:
    """(URL name, its URL arguments) of every POST endpoint under /api/v1/cases/, as the URL conf declares them."""
    routes = {}
    for route, pattern in _patterns(get_resolver().url_patterns):
        actions = getattr(pattern.callback, "actions", None) or {}
        if (
            re.match(r"^api/v1/\^?cases/", route)
            and "post" in actions
            and "format" not in pattern.pattern.regex.groupindex
        ):
            routes[pattern.name] = sorted(pattern.pattern.regex.groupindex)
    return sorted(routes.items())


ROUTES = case_post_routes()
CASE_ACTIONS = [name for name, arguments in ROUTES if arguments == ["number"]]


def test_the_case_api_s_post_routes_are_found_and_each_is_covered():
    """The list below grows with the API; a POST route with other URL arguments needs its own outsider test."""
    assert {"case-list", "case-accept", "case-decide", "case-resubmit", "case-withdraw"} <= dict(ROUTES).keys()
    assert all(arguments in ([], ["number"]) for _name, arguments in ROUTES), ROUTES


def caller(outsider: str) -> APIClient:
    client = APIClient()
    if outsider == "another_applicant":
        stranger = applicant_for(kind="person", name="李四", id_number="11010519491231002X", account=UserFactory())
        client.force_login(stranger.user)
    elif outsider == "other_agency_staff":
        client.force_login(UserFactory(agency=AgencyFactory(name="邳州市行政审批局"), is_staff=True, roles=CASE_ROLES))
    return client


def snapshot(case: Case) -> tuple:
    return (
        Case.objects.filter(pk=case.pk).values().get(),
        list(CaseEvent.objects.filter(case=case).values_list("seq", "action")),
        Case.objects.count(),
        CaseEvent.objects.count(),
    )


@pytest.mark.parametrize("outsider", OUTSIDERS)
@pytest.mark.parametrize("action", CASE_ACTIONS)
def test_an_outsider_cannot_act_on_a_case(clock, item, citizen, staff, action, outsider):
    case = apply(item, citizen)
    before = snapshot(case)
    response = caller(outsider).post(reverse(action, kwargs={"number": case.number}), {}, format="json")
    if outsider == "anonymous":
        # DRF answers 403 rather than 401 while session authentication comes first (settings.REST_FRAMEWORK).
        assert response.status_code in (401, 403) and response.json()["code"] == "not_authenticated"
    else:
        assert response.status_code == 404 and response.json()["code"] == "not_found", response.json()
    assert snapshot(case) == before


@pytest.mark.parametrize("outsider", OUTSIDERS)
def test_an_outsider_cannot_apply_in_someone_else_s_name(clock, item, citizen, outsider):
    case = apply(item, citizen)
    before, applicant = snapshot(case), Applicant.objects.filter(pk=citizen.pk).values().get()
    naming_the_citizen = application(item, applicant_name="张三", id_number="32030219900307123X")
    response = caller(outsider).post(reverse("case-list"), naming_the_citizen, format="multipart")
    if outsider == "anonymous":
        assert response.status_code in (401, 403) and response.json()["code"] == "not_authenticated"
    else:
        refused = response.json()
        assert response.status_code == 403 and refused["code"] == "not_authorised_for_applicant", refused
    assert snapshot(case) == before
    assert Applicant.objects.filter(pk=citizen.pk).values().get() == applicant
