"""Government-paid courier: results shipped after approval, concluded as delivered, failures told; the HTTP carrier
adapter against a local fake courier, with its failure modes."""

import datetime
import hmac

import pytest
from django.test import Client

from zerovisit.cases import services as cases
from zerovisit.cases.models import CaseStatus
from zerovisit.cases.services import bundles
from zerovisit.cases.tests.factories import apply, approve, founding_bundle, pdf, publish, staff_of
from zerovisit.core import crypto
from zerovisit.core.errors import DomainError
from zerovisit.core.tests.helpers import run_ready_tasks
from zerovisit.delivery import carriers, services
from zerovisit.delivery.models import Shipment, ShipmentStatus
from zerovisit.notify.models import Message

from .factories import ADDRESS, approved_by_courier
from .fake_courier import FakeCourier


def test_an_applicant_chooses_a_supported_delivery_and_gives_a_complete_address(clock, item, courier_item, citizen):
    with pytest.raises(DomainError) as caught:
        apply(item, citizen, delivery_method="courier", delivery_address=ADDRESS)  # this item mails nothing
    assert caught.value.code == "delivery_not_supported"
    with pytest.raises(DomainError) as caught:
        apply(
            courier_item, citizen, delivery_method="courier", delivery_address={**ADDRESS, "phone": "12", "region": ""}
        )
    assert {e["field"] for e in caught.value.errors} == {"delivery.phone", "delivery.region"}
    case = apply(courier_item, citizen, delivery_method="courier", delivery_address=ADDRESS)
    assert case.delivery_address["phone_masked"] == "138****1234"
    assert crypto.decrypt(case.delivery_address["phone_encrypted"]) == "13812341234"


def test_the_simulator_carries_an_approved_result_to_the_door_and_the_case_concludes_delivered(
    clock, courier_item, citizen, staff, settings
):
    settings.SIMULATOR_STEP_SECONDS = 60
    case = approved_by_courier(courier_item, citizen, staff)
    assert services.ship_approved_results() == 1
    shipment = Shipment.objects.get(case=case)
    assert shipment.waybill.startswith("SIM") and shipment.cost == 12 and shipment.payer == "government"
    assert shipment.recipient_phone_masked == "138****1234" and shipment.status == ShipmentStatus.CREATED
    assert services.ship_approved_results() == 0  # ordered once
    clock.now += datetime.timedelta(minutes=2)
    services.track_in_flight()
    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.IN_TRANSIT and case.shipments.count() == 1
    clock.now += datetime.timedelta(minutes=5)
    services.track_in_flight()
    shipment.refresh_from_db()
    case.refresh_from_db()
    assert shipment.status == ShipmentStatus.DELIVERED and case.delivered_at is not None
    assert case.status == CaseStatus.APPROVED and case.events.last().action == "delivered"
    told = Message.objects.filter(event="case.delivered", recipient=citizen.user, channel="in_app")
    assert told.count() == 1 and shipment.waybill in told.get().body
    assert [e.status for e in shipment.events.all()] == ["picked_up", "in_transit", "delivered"]


def test_a_failed_delivery_alerts_the_acceptors_and_the_applicant(clock, courier_item, citizen, staff):
    case = approved_by_courier(courier_item, citizen, staff, address={**ADDRESS, "address": "徐州市 fail 无此地址"})
    services.ship_approved_results()
    clock.now += datetime.timedelta(hours=1)
    services.track_in_flight()
    shipment = Shipment.objects.get(case=case)
    assert shipment.status == ShipmentStatus.FAILED
    assert Message.objects.filter(event="staff.delivery_failed", recipient=staff["acceptor"]).exists()
    assert Message.objects.filter(event="case.delivery_failed", recipient=citizen.user).exists()


@pytest.fixture
def courier(settings):
    fake = FakeCourier()
    settings.CARRIER_BACKEND = "zerovisit.delivery.carriers.HttpCarrier"
    settings.CARRIER_ENDPOINT, settings.CARRIER_SECRET, settings.CARRIER_TIMEOUT = fake.url, fake.secret, 1
    yield fake
    fake.close()


def event(waybill, n, status, minute):
    return {"event_id": f"{waybill}-{n}", "waybill": waybill, "status": status,
            "at": f"2026-12-01T10:{minute:02d}:00+08:00", "location": "徐州"}  # fmt: skip


def test_the_http_carrier_is_retried_after_5xx_and_timeouts_and_orders_once(
    clock, courier_item, citizen, staff, courier
):
    case = approved_by_courier(courier_item, citizen, staff)
    courier.fail_with = 503
    assert services.ship_approved_results() == 0
    shipment = Shipment.objects.get(case=case)
    assert shipment.waybill == "" and shipment.carrier == "http"
    courier.fail_with, courier.stall_seconds = None, 2  # slower than the 1 s timeout
    assert services.ship_approved_results() == 0
    courier.stall_seconds = 0
    assert services.ship_approved_results() == 1
    shipment.refresh_from_db()
    assert shipment.waybill == "SF0000000001" and shipment.cost == 15
    assert len(courier.orders) == 1  # the timed-out request was the same order, by its reference


def test_tracking_and_callbacks_apply_each_report_once_and_only_forward(clock, courier_item, citizen, staff, courier):
    case = approved_by_courier(courier_item, citizen, staff)
    services.ship_approved_results()
    waybill = Shipment.objects.get(case=case).waybill
    courier.tracking[waybill] = [event(waybill, 1, "picked_up", 0)]
    services.track_in_flight()
    api = Client()
    body, headers = courier.callback([event(waybill, 3, "delivered", 30)])
    for _ in range(2):  # the carrier repeats itself
        answer = api.post("/api/v1/delivery/callback/http/", body, content_type="application/json",
                          headers=headers)  # fmt: skip
        assert answer.status_code == 200
    late, late_headers = courier.callback([event(waybill, 2, "in_transit", 10)])  # arrives after "delivered"
    api.post("/api/v1/delivery/callback/http/", late, content_type="application/json", headers=late_headers)
    shipment = Shipment.objects.get(case=case)
    case.refresh_from_db()
    assert shipment.status == ShipmentStatus.DELIVERED and case.delivered_at is not None
    assert [e.status for e in shipment.events.all()] == ["picked_up", "in_transit", "delivered"]
    assert case.events.filter(action="delivered").count() == 1


def test_a_callback_with_a_bad_or_old_signature_changes_nothing(clock, courier_item, citizen, staff, courier):
    case = approved_by_courier(courier_item, citizen, staff)
    services.ship_approved_results()
    waybill = Shipment.objects.get(case=case).waybill
    api = Client()
    forged, forged_headers = courier.callback([event(waybill, 1, "delivered", 0)], secret="guessed")
    refused = api.post("/api/v1/delivery/callback/http/", forged, content_type="application/json",
                       headers=forged_headers)  # fmt: skip
    assert refused.status_code == 401 and refused.json()["code"] == "bad_signature"
    old, old_headers = courier.callback([event(waybill, 1, "delivered", 0)], timestamp=1_000_000_000)
    assert api.post("/api/v1/delivery/callback/http/", old, content_type="application/json",
                    headers=old_headers).status_code == 401  # fmt: skip
    assert Shipment.objects.get(case=case).status == ShipmentStatus.CREATED


def test_without_a_configured_secret_no_callback_is_trusted_and_nothing_is_sent(
    settings, clock, courier_item, citizen, staff, courier
):
    case = approved_by_courier(courier_item, citizen, staff)
    services.ship_approved_results()
    waybill = Shipment.objects.get(case=case).waybill
    settings.CARRIER_SECRET = ""
    signed_with_nothing = carriers.HttpCarrier(secret="")
    body, headers = courier.callback([event(waybill, 1, "delivered", 0)], secret="-")
    headers["X-Signature"] = hmac.new(b"", headers["X-Timestamp"].encode() + b"." + body, "sha256").hexdigest()
    refused = Client().post("/api/v1/delivery/callback/http/", body, content_type="application/json", headers=headers)
    assert refused.status_code == 401 and refused.json()["code"] == "bad_signature"
    settings.CARRIER_SECRET = courier.secret
    headers["X-Signature"] = "签名"  # not even ASCII
    garbled = Client().post("/api/v1/delivery/callback/http/", body, content_type="application/json", headers=headers)
    assert garbled.status_code == 401 and garbled.json()["code"] == "bad_signature"
    assert Shipment.objects.get(case=case).status == ShipmentStatus.CREATED
    requests_before = len(courier.requests)
    with pytest.raises(carriers.CarrierError, match="no shared secret"):
        signed_with_nothing.track(Shipment(waybill=waybill))
    assert len(courier.requests) == requests_before


def test_the_carrier_s_unreadable_answers_are_errors_not_crashes(courier):
    http = carriers.HttpCarrier()
    courier.fail_with = 500
    with pytest.raises(carriers.CarrierError):
        http.track(Shipment(waybill="SF1"))
    with pytest.raises(carriers.CarrierError):
        carriers.HttpCarrier(endpoint="http://127.0.0.1:9", secret="x", timeout=1).track(Shipment(waybill="SF1"))


def test_the_ledger_counts_shipments_and_postage_per_agency_and_month_and_exports_xlsx(
    clock, client, courier_item, citizen, staff, agency
):
    import io

    from openpyxl import load_workbook

    from zerovisit.accounts.models import Role
    from zerovisit.accounts.tests.factories import editor

    approved_by_courier(courier_item, citizen, staff)
    services.ship_approved_results()
    supervisor = editor(agency, role=Role.SUPERVISOR)
    client.force_login(staff["acceptor"])
    assert client.get("/workbench/ledger/").status_code == 403  # finance is for supervisors
    client.force_login(supervisor)
    page = client.get(f"/workbench/ledger/?year={clock.now.year}").content.decode()
    assert agency.name in page and "12.00" in page
    book = load_workbook(io.BytesIO(client.get(f"/workbench/ledger/?year={clock.now.year}&format=xlsx").content))
    rows = list(book.active.values)
    assert rows[0][0] == "部门" and rows[1][0] == agency.name and rows[1][2] == 1 and rows[1][5] == 12.0
    assert rows[-1][0] == "合计" and rows[-1][6] == 12.0


def test_the_apply_page_asks_for_the_courier_s_address_and_files_it(clock, client, courier_item, citizen):
    from zerovisit.cases.tests.factories import pdf
    from zerovisit.catalog.models import MaterialSpec
    from zerovisit.org.tests.factories import RegionFactory

    RegionFactory(code="320303000000", name="云龙区", level=3)
    client.force_login(citizen.user)
    page = client.get(f"/items/{courier_item.impl_code}/apply/").content.decode()
    assert 'value="courier"' in page and "data-courier" in page
    specs = list(MaterialSpec.objects.filter(item=courier_item).order_by("order"))
    data = {"applicant_kind": "person", "applicant_name": "张三", "id_number": "32030219900307123X",
            "idempotency_key": "k-courier", f"material_{specs[0].pk}": pdf(), f"later_{specs[1].pk}": "on",
            "confirm": "on", "delivery_method": "courier", "delivery_name": "张三", "delivery_phone": "13812341234",
            "delivery_region": "320303000000", "delivery_address": ""}  # fmt: skip
    refused = client.post(f"/items/{courier_item.impl_code}/apply/", data)
    assert refused.status_code == 200 and "请填写街道地址" in refused.content.decode()
    again = {**data, f"material_{specs[0].pk}": pdf(), "delivery_address": "和平路88号3单元"}
    accepted = client.post(f"/items/{courier_item.impl_code}/apply/", again)
    assert accepted.status_code == 302
    case = citizen.cases.get()
    assert case.delivery_method == "courier" and case.delivery_address["region"] == "320303000000"


def test_the_case_pages_show_the_shipment_and_its_tracking(clock, client, courier_item, citizen, staff):
    case = approved_by_courier(courier_item, citizen, staff)
    services.ship_approved_results()
    clock.now += datetime.timedelta(minutes=10)
    services.track_in_flight()
    waybill = Shipment.objects.get(case=case).waybill
    client.force_login(citizen.user)
    page = client.get(f"/my/cases/{case.number}/").content.decode()
    assert waybill in page and "已签收" in page and "政府买单" in page and "138****1234" in page
    client.force_login(staff["acceptor"])
    assert waybill in client.get(f"/workbench/cases/{case.number}/").content.decode()


def test_for_a_case_approved_on_copies_the_courier_collects_the_originals_before_the_result_goes_out(
    clock, agency, citizen, staff
):
    item = publish(agency, mail_results=True, verify_originals=True, base_code="010001000400")
    case = approved_by_courier(item, citizen, staff)
    services.ship_approved_results()
    inbound = Shipment.objects.get(case=case)
    assert inbound.direction == "inbound" and inbound.sender_address == ADDRESS["address"]
    assert inbound.recipient_name == agency.name and "原件" in inbound.contents
    clock.now += datetime.timedelta(minutes=10)
    services.track_in_flight()  # collected, carried, delivered to the window
    assert Message.objects.filter(event="staff.originals_arrived", recipient=staff["acceptor"]).exists()
    assert case.events.filter(action="originals_arrived").exists()
    assert services.ship_approved_results() == 0 and case.shipments.count() == 1  # the result waits for the check
    cases.check_originals(actor=staff["acceptor"], number=case.number, matched=True)
    services.ship_approved_results()
    outbound = case.shipments.get(direction="outbound")
    assert outbound.recipient_address == ADDRESS["address"]


@pytest.fixture
def paper_item(agency):
    """An item that takes a paper material by post (支持材料邮寄)."""
    from zerovisit.catalog import services as catalog_services
    from zerovisit.catalog.models import ProcessTemplate
    from zerovisit.catalog.tests.factories import MaterialSpecFactory, ServiceItemFactory

    item = ServiceItemFactory.build(
        agency=agency, name="道路运输经营许可", base_code="010001000500", mail_materials=True,
        process_template=ProcessTemplate.objects.get(code="promised-1"),
    )  # fmt: skip
    paper = MaterialSpecFactory.build(item=None, name="车辆技术等级评定表", necessity="required", order=1, form="paper")
    catalog_services.item_save_draft(actor=None, item=item, materials=[paper])
    return catalog_services.item_publish(actor=None, item=item)


def test_paper_materials_are_collected_by_the_courier_and_the_window_is_told_when_they_arrive(
    clock, paper_item, citizen, staff
):
    item = paper_item
    with pytest.raises(DomainError) as caught:
        apply(item, citizen, materials=[], paper_pickup=True)  # without an address the courier cannot come
    assert caught.value.code == "invalid_delivery_address"
    case = apply(item, citizen, materials=[], paper_pickup=True, delivery_address=ADDRESS)
    assert case.materials.get().source == "post" and case.delivery_method == "hall"
    services.ship_approved_results()
    inbound = Shipment.objects.get(case=case)
    assert inbound.purpose == "materials" and inbound.direction == "inbound" and "纸质" in inbound.contents
    clock.now += datetime.timedelta(minutes=10)
    services.track_in_flight()
    assert case.events.filter(action="materials_arrived").exists()
    assert Message.objects.filter(event="staff.materials_arrived", recipient=staff["acceptor"]).exists()


def test_a_pickup_for_an_application_withdrawn_before_the_courier_came_is_cancelled(
    clock, paper_item, citizen, staff, courier
):
    item = paper_item
    case = apply(item, citizen, materials=[], paper_pickup=True, delivery_address=ADDRESS)
    services.ship_approved_results()
    shipment = Shipment.objects.get(case=case)
    assert shipment.waybill
    cases.withdraw_case(actor=citizen.user, number=case.number, reason="不办了")
    services.ship_approved_results()
    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.CANCELLED and f"POST /orders/{shipment.waybill}/cancel" in courier.requests
    assert services.ship_approved_results() == 0  # not ordered again


def test_a_case_with_a_tampered_history_holds_up_only_its_own_shipment(clock, courier_item, citizen, staff, courier):
    from zerovisit.cases.models import CaseEvent

    tampered, intact = (approved_by_courier(courier_item, citizen, staff) for _ in range(2))
    services.ship_approved_results()
    CaseEvent.objects.filter(case=tampered, seq=4).delete()  # the history cut behind the platform's back
    for case in (tampered, intact):
        waybill = Shipment.objects.get(case=case).waybill
        courier.tracking[waybill] = [event(waybill, 1, "picked_up", 0), event(waybill, 2, "delivered", 30)]
    assert services.track_in_flight() == 1
    assert Shipment.objects.get(case=intact).status == ShipmentStatus.DELIVERED
    assert Shipment.objects.get(case=tampered).status == ShipmentStatus.CREATED


def test_a_bundle_s_results_travel_together_once_every_member_is_concluded(
    clock, agency, police, social, citizen, staff, settings
):
    settings.SIMULATOR_STEP_SECONDS = 60
    bundle, _items = founding_bundle(agency, police, social, by_courier=True)
    bundle_case = bundles.submit_bundle(
        actor=citizen.user, bundle=bundle, channel="web", form_data={"企业名称": "徐州云龙小馆餐饮有限公司"},
        applicant={"kind": "person", "name": "张三", "id_number": "32030219900307123X"},
        files={"申请书": pdf()}, later=["场所证明"], delivery_method="courier", delivery_address=ADDRESS,
    ).bundle_case  # fmt: skip
    members = {c.item.name: c for c in bundle_case.members.select_related("item")}
    approve(members["营业执照"], staff)
    approve(members["社保登记"], staff_of(social))
    run_ready_tasks()
    assert services.ship_approved_results() == 0  # the 印章 is still in handling: nothing travels alone
    approve(members["印章刻制备案"], staff_of(police))
    run_ready_tasks()
    assert services.ship_approved_results() == 1 and services.ship_approved_results() == 0
    shipment = Shipment.objects.get()
    assert shipment.bundle_case == bundle_case and shipment.contents == "许可证、印章备案回执、社保登记证"
    clock.now += datetime.timedelta(minutes=7)
    services.track_in_flight()
    delivered = bundle_case.members.values_list("delivered_at", flat=True)
    assert len(delivered) == 3 and None not in delivered
