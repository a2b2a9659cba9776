import pytest
from rest_framework.test import APIClient


@pytest.fixture
def api():
    return APIClient()


@pytest.mark.django_db
def test_adding_working_days(api):
    body = api.get("/api/v1/calendar/add/?start=2026-09-30&days=3").json()
    assert body == {"start": "2026-09-30", "days": 3, "due": "2026-10-10", "estimated": False}


@pytest.mark.django_db
def test_counting_working_days(api):
    body = api.get("/api/v1/calendar/count/?start=2026-09-21&end=2026-10-26").json()
    assert body["working_days"] == 20 and body["estimated"] is False


@pytest.mark.django_db
def test_a_year_lists_its_special_days(api):
    body = api.get("/api/v1/calendar/year/?year=2026").json()
    assert body["official"] is True
    assert {"date": "2026-10-10", "is_workday": True, "name": "国庆节调休上班"} in body["days"]


@pytest.mark.django_db
def test_bad_parameters_get_a_clear_error(api):
    bad = api.get("/api/v1/calendar/add/?start=2026-02-30&days=x")
    assert bad.status_code == 400 and {e["field"] for e in bad.json()["errors"]} == {"start", "days"}
    backwards = api.get("/api/v1/calendar/count/?start=2026-10-02&end=2026-10-01")
    assert backwards.status_code == 400 and backwards.json()["code"] == "end_before_start"
    far = api.get("/api/v1/calendar/add/?start=1900-01-01&days=1")
    assert far.status_code == 400 and far.json()["code"] == "out_of_range"
