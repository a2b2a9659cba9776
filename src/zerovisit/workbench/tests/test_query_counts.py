"""The workbench inbox page costs a fixed number of queries, whatever the number of cases in the queue: 2 and 10
cases give the same count (a row that costs a query of its own makes the 10-case run fail)."""

import pytest
from rest_framework.test import APIClient

from zerovisit.cases.tests import conftest as case_fixtures
from zerovisit.cases.tests.factories import apply

# The case fixtures, shared: the clock, the approval bureau with its seal, its staff, an item and a citizen.
clock, agency, staff = case_fixtures.clock, case_fixtures.agency, case_fixtures.staff
item, citizen = case_fixtures.item, case_fixtures.citizen


@pytest.fixture
def cases(clock, item, citizen, staff):
    """`n` submitted cases of the agency, every other one claimed by its acceptor (so the rows differ)."""

    def make(n):
        numbers = [apply(item, citizen).number for _ in range(n)]
        acceptor = APIClient()
        acceptor.force_login(staff["acceptor"])
        for number in numbers[::2]:
            assert acceptor.post(f"/api/v1/cases/{number}/claim/").status_code == 200
        return numbers

    return make


@pytest.mark.parametrize("n", [2, 10])
def test_the_inbox_page_costs_the_same_queries_for_any_number_of_cases(
    client, cases, staff, n, django_assert_num_queries
):
    numbers = cases(n)
    client.force_login(staff["acceptor"])
    with django_assert_num_queries(9):  # the first request after signing in also refreshes the session
        unclaimed = client.get("/workbench/?queue=unclaimed").content.decode()
    with django_assert_num_queries(6):  # one of them counts the questions waiting for an answer
        mine = client.get("/workbench/?queue=mine").content.decode()
    assert all(number in unclaimed for number in numbers[1::2])
    assert all(number in mine for number in numbers[::2])
