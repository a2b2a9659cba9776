"""The case lists cost a fixed number of queries, whatever the number of cases: the case list API as staff, as an
applicant and as another system's token, and the staff inbox API. Each runs with 2 and with 10 cases and expects
the same number (a row that costs a query of its own makes the 10-case run fail)."""

import pytest
from rest_framework.test import APIClient

from zerovisit.accounts.services import create_api_client

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
    with django_assert_num_queries(9):
        body = client.get("/api/v1/cases/").json()
    assert body["count"] == n and len(body["results"]) == n


@pytest.mark.parametrize("n", SIZES)
def test_the_case_list_costs_an_applicant_the_same_queries_for_any_number_of_cases(
    cases, citizen, n, django_assert_num_queries
):
    cases(n)
    client = signed_in(citizen.user)
    with django_assert_num_queries(9):
        body = client.get("/api/v1/cases/").json()
    assert body["count"] == n and len(body["results"]) == n


@pytest.mark.parametrize("n", SIZES)
def test_the_case_list_of_a_systems_token_is_empty_at_a_fixed_cost(cases, agency, n, django_assert_num_queries):
    """Another system (an API client of the agency) files no applications, so it lists none of the agency's."""
    cases(n)
    _client, token = create_api_client(name="数据共享", agency=agency, scopes=["licenses:read"])
    client = APIClient(HTTP_AUTHORIZATION=f"Bearer {token}")
    with django_assert_num_queries(2):
        response = client.get("/api/v1/cases/")
    assert response.status_code == 200, response.content
    assert response.json()["count"] == 0


@pytest.mark.parametrize("n", SIZES)
def test_the_inbox_api_costs_the_same_queries_for_any_number_of_cases(cases, staff, n, django_assert_num_queries):
    cases(n)
    client = signed_in(staff["acceptor"])
    with django_assert_num_queries(8):  # the first request after signing in also refreshes the session
        unclaimed = client.get("/api/v1/inbox/?queue=unclaimed").json()
    with django_assert_num_queries(5):
        mine = client.get("/api/v1/inbox/?queue=mine").json()
    assert unclaimed["count"] == n // 2 and mine["count"] == n - n // 2
