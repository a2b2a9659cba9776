"""/api/v1/shipments/: the shipments of one's own cases with their tracking, for the mobile app."""

import datetime

from rest_framework.test import APIClient

from zerovisit.accounts.tests.factories import UserFactory
from zerovisit.delivery import services

from .factories import approved_by_courier


def test_an_applicant_follows_the_courier_of_their_own_case(clock, courier_item, citizen, staff, settings):
    settings.SIMULATOR_STEP_SECONDS = 60
    case = approved_by_courier(courier_item, citizen, staff)
    services.ship_approved_results()
    clock.now += datetime.timedelta(minutes=2)
    services.track_in_flight()
    api = APIClient()
    api.force_authenticate(citizen.user)
    [shipment] = api.get("/api/v1/shipments/").json()["results"]
    assert shipment["case_number"] == case.number and shipment["status"] == "in_transit"
    assert shipment["recipient_phone_masked"] == "138****1234" and "recipient_phone_encrypted" not in shipment
    assert [e["status"] for e in shipment["events"]] == ["picked_up", "in_transit"]
    assert api.get("/api/v1/shipments/", {"case": case.number}).json()["count"] == 1
    assert api.get("/api/v1/shipments/", {"case": "nope"}).json()["count"] == 0


def test_nobody_else_sees_the_shipments(clock, courier_item, citizen, staff):
    approved_by_courier(courier_item, citizen, staff)
    services.ship_approved_results()
    api = APIClient()
    api.force_authenticate(UserFactory())
    assert api.get("/api/v1/shipments/").json()["count"] == 0
    assert APIClient().get("/api/v1/shipments/").status_code in (401, 403)


def test_the_list_costs_the_same_queries_for_any_number_of_shipments(
    clock,
    courier_item,
    citizen,
    staff,
    django_assert_max_num_queries,
):
    for _ in range(3):
        approved_by_courier(courier_item, citizen, staff)
    services.ship_approved_results()
    api = APIClient()
    api.force_authenticate(citizen.user)
    with django_assert_max_num_queries(6):
        assert api.get("/api/v1/shipments/").json()["count"] == 3
