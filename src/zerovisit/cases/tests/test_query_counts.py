"""The case lists and the case detail cost a fixed number of queries, whatever the number of cases, the page size,
materials or events: the case list API as staff (session or token), as a regional supervisor, as an applicant and
as another system's token, the staff inbox API, and the detail. Each runs at two sizes and expects the same number
(a row that costs a query of its own makes the larger run fail).

What a request costs, for the record: a signed-in request reads its session (none with a shared cache) and its user
with their roles (one query); staff also ask whether their agency takes part in a parallel review, regional readers
which agencies their region has. A list is then its count (from the tally for staff and supervisors) and its page;
a detail the case, its materials and its events."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from zerovisit.accounts.models import Role
from zerovisit.accounts.tests.factories import editor, legacy_api_client
from zerovisit.cases import services

from .factories import apply

SIZES = [2, 10]


def signed_in(user) -> APIClient:
    """A client with a real session, as a browser or app has: the session and user lookups are counted too."""
    client = APIClient()
    client.force_login(user)
    return client


@pytest.fixture
def cases(clock, item, citizen, staff):
    """`n` submitted cases of the agency, every other one claimed by its acceptor (so the rows differ)."""

    def make(n):
        numbers = [apply(item, citizen).number for _ in range(n)]
        acceptor = signed_in(staff["acceptor"])
        for number in numbers[::2]:
            assert acceptor.post(f"/api/v1/cases/{number}/claim/").status_code == 200
        return numbers

    return make


@pytest.mark.parametrize("n", SIZES)
def test_the_case_list_costs_staff_the_same_queries_for_any_number_of_cases(cases, staff, n, django_assert_num_queries):
    cases(n)
    client = signed_in(staff["acceptor"])
    client.get("/api/v1/cases/")  # the first request after signing in also refreshes the session
    with django_assert_num_queries(5):
        body = client.get("/api/v1/cases/").json()
    assert body["count"] == n and len(body["results"]) == n


@pytest.mark.parametrize("page_size", [2, 10])
def test_the_case_list_costs_the_same_queries_for_any_page_size(cases, staff, agency, page_size,
                                                                 django_assert_num_queries):  # fmt: skip
    cases(10)
    token = Token.objects.create(user=staff["acceptor"])
    client = APIClient(HTTP_AUTHORIZATION=f"Token {token.key}")
    with django_assert_num_queries(4):  # the token with its user and roles, parallel reviews, the tally, the page
        body = client.get(f"/api/v1/cases/?page_size={page_size}").json()
    assert body["count"] == 10 and len(body["results"]) == page_size
    supervisor = signed_in(editor(agency, role=Role.REGION_SUPERVISOR, username="city"))
    supervisor.get("/api/v1/cases/")
    with django_assert_num_queries(5):  # the session, the user with their roles, the region's agencies, the tally,
        body = supervisor.get(f"/api/v1/cases/?page_size={page_size}&status=submitted").json()  # the page
    assert body["count"] == 10 and len(body["results"]) == page_size


@pytest.mark.parametrize("handled", [False, True])
def test_the_case_detail_costs_the_same_queries_for_any_number_of_events(cases, staff, handled,
                                                                          django_assert_num_queries):  # fmt: skip
    number = cases(2)[1]  # not claimed
    acceptor = staff["acceptor"]
    if handled:
        services.claim_case(actor=acceptor, number=number)
        services.accept_case(actor=acceptor, number=number)
    client = signed_in(acceptor)
    client.get("/api/v1/cases/")
    # The session and user; the case with its item, agency, applicant and claimer; its materials; its events.
    with django_assert_num_queries(5):
        body = client.get(f"/api/v1/cases/{number}/").json()
    assert len(body["events"]) == (3 if handled else 1) and len(body["materials"]) == 2


@pytest.mark.parametrize("n", SIZES)
def test_the_case_list_costs_an_applicant_the_same_queries_for_any_number_of_cases(
    cases, citizen, n, django_assert_num_queries
):
    cases(n)
    client = signed_in(citizen.user)
    client.get("/api/v1/cases/")
    # With the applicant records, the proxy and the organisations' agent authorisations, and a count of the cases.
    with django_assert_num_queries(7):
        body = client.get("/api/v1/cases/").json()
    assert body["count"] == n and len(body["results"]) == n


@pytest.mark.parametrize("n", SIZES)
def test_the_case_list_of_a_systems_token_is_empty_at_a_fixed_cost(cases, agency, n, django_assert_num_queries):
    """Another system (an API client of the agency, with a token from before OAuth; an OAuth token does not reach
    the case list at all) files no applications, so it lists none of the agency's."""
    cases(n)
    legacy_api_client(agency, "zv_t")
    client = APIClient(HTTP_AUTHORIZATION="Bearer zv_t")
    with django_assert_num_queries(2):
        response = client.get("/api/v1/cases/")
    assert response.status_code == 200, response.content
    assert response.json()["count"] == 0


@pytest.mark.parametrize("n", SIZES)
def test_the_inbox_api_costs_the_same_queries_for_any_number_of_cases(cases, staff, n, django_assert_num_queries):
    cases(n)
    client = signed_in(staff["acceptor"])
    with django_assert_num_queries(7):  # the first request after signing in also refreshes the session
        unclaimed = client.get("/api/v1/inbox/?queue=unclaimed").json()
    with django_assert_num_queries(4):
        mine = client.get("/api/v1/inbox/?queue=mine").json()
    assert unclaimed["count"] == n // 2 and mine["count"] == n - n // 2
