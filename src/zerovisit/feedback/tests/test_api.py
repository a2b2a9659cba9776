from rest_framework.test import APIClient

from zerovisit.accounts.tests.factories import UserFactory


def url(case):
    return f"/api/v1/cases/{case.number}/evaluation/"


def client_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_app_rates_a_concluded_case_and_reads_the_rating_back(concluded, citizen):
    client = client_for(citizen.user)
    assert client.get(url(concluded)).status_code == 404
    response = client.post(url(concluded), {"rating": 2, "items": ["speed"], "comment": "慢"}, format="json")
    assert response.status_code == 201
    assert response.json()["rectification"]["status"] == "open"
    assert client.get(url(concluded)).json()["rating"] == 2
    again = client.post(url(concluded), {"rating": 5}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "already_rated"


def test_a_rating_the_schema_does_not_allow_is_a_400_with_the_field(concluded, citizen):
    response = client_for(citizen.user).post(url(concluded), {"rating": 7, "items": ["x"]}, format="json")
    assert response.status_code == 400
    assert {error["field"] for error in response.json()["errors"]} >= {"rating"}


def test_an_outsider_finds_no_such_case(concluded):
    response = client_for(UserFactory()).post(url(concluded), {"rating": 5}, format="json")
    assert response.status_code == 404
