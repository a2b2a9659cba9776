"""Power transfers (划转、下放、委托): planned with their items and legal document, carried out on their date by the
job (twice changes nothing), the old implementation superseded while its cases stay with the department, new cases
decided and sealed by the receiving agency (一枚公章管审批); overlapping or wrong batches refused, nothing written;
counts per batch and agency; the batch as XLSX."""

import datetime
import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from zerovisit.accounts.models import Role
from zerovisit.accounts.tests.factories import UserFactory, editor
from zerovisit.cases.tests.factories import apply, publish
from zerovisit.catalog import transfers
from zerovisit.catalog.models import ItemStatus, PowerTransfer, SearchTerm, ServiceItem, TransferredItem
from zerovisit.catalog.tasks import carry_out_due_transfers
from zerovisit.core.models import AuditEntry
from zerovisit.core.tests.helpers import run_ready_tasks
from zerovisit.licenses.models import License
from zerovisit.licenses.tests.conftest import SHOP_FIELDS
from zerovisit.licenses.tests.factories import LicenseTypeFactory
from zerovisit.licenses.tests.test_issuing import approve
from zerovisit.org.tests.factories import AgencyFactory

from ..transfers import TransferRefused

DAY = datetime.date(2026, 11, 2)


@pytest.fixture
def department(agency):
    return AgencyFactory(name="徐州市市场监督管理局", region=agency.region)


@pytest.fixture
def powers(department):
    return [publish(department, name=name) for name in ("食品经营许可", "特种设备使用登记", "广告发布登记")]


def plan(department, bureau, items, on=DAY, **fields):
    return transfers.plan_transfer(
        actor=None, kind=fields.pop("kind", "consolidation"), document="关于相对集中行政许可权改革的实施方案",
        document_number=fields.pop("document_number", "徐政发〔2026〕18号"), effective_on=on,
        from_agency=department, to_agency=bureau, impl_codes=[i.impl_code for i in items], **fields,
    )  # fmt: skip


def test_on_its_date_each_item_moves_to_the_bureau_and_old_cases_stay_with_the_department(
    clock, agency, department, powers, citizen
):
    clock.set(2026, 10, 30)
    before = apply(powers[0], citizen)
    transfer = plan(department, agency, powers)
    assert carry_out_due_transfers.call() == 0, "not before its date"

    clock.set(2026, 11, 2)
    assert carry_out_due_transfers.call() == 1

    moved = ServiceItem.objects.published().filter(transferred_from=department)
    assert {i.name for i in moved} == {"食品经营许可", "特种设备使用登记", "广告发布登记"}
    assert all(i.agency == agency and i.impl_code.startswith(agency.credit_code) for i in moved)
    assert not ServiceItem.objects.published().filter(agency=department).exists()
    old = ServiceItem.objects.get(pk=powers[0].pk)
    assert old.status == ItemStatus.SUPERSEDED and not SearchTerm.objects.filter(item=old).exists()
    new = moved.get(name="食品经营许可")
    assert [m.name for m in new.materials.order_by("order")] == ["申请书", "场所证明"]
    assert SearchTerm.objects.filter(item=new).exists()
    assert sorted(TransferredItem.objects.values_list("to_code", flat=True)) == sorted(i.impl_code for i in moved)
    before.refresh_from_db()
    assert before.agency == department and before.item == old, "filed before: the department's"
    after = apply(new, citizen)
    assert after.agency == agency
    entry = AuditEntry.objects.get(action="catalog.transfer.carry_out")
    assert entry.object_id == str(transfer.pk) and len(entry.detail["items"]) == 3

    assert transfers.carry_out(transfer.pk) is False and carry_out_due_transfers.call() == 0, "twice: nothing"
    assert ServiceItem.objects.filter(transferred_from=department).count() == 3


def test_a_transfer_whose_date_has_passed_runs_at_the_next_job(clock, agency, department, powers):
    clock.set(2026, 12, 1)
    plan(department, agency, powers[:1], on=datetime.date(2026, 11, 1))
    assert transfers.carry_out_due_transfers() == 1
    assert ServiceItem.objects.published().get(transferred_from=department).agency == agency


def test_the_bureau_decides_and_seals_the_department_s_licence_type_after_the_transfer(
    clock, agency, department, company, staff
):
    item = publish(department, name="食品经营许可", form_fields=SHOP_FIELDS)
    license_type = LicenseTypeFactory(agency=department, issuing_items=[item.impl_code])
    plan(department, agency, [item])
    transfers.carry_out_due_transfers(DAY)
    new = ServiceItem.objects.published().get(transferred_from=department)
    license_type.refresh_from_db()
    assert license_type.issuing_items == [item.impl_code, new.impl_code]

    case = approve(new, company, staff)
    run_ready_tasks()

    license = License.objects.get(case=case)
    assert license.issuer == agency and license.seal.agency == agency, "one seal: the bureau's"
    assert license.number == f"{license_type.number_prefix}{agency.credit_code[8:17]}00000001"


def test_the_guide_says_since_when_and_an_old_link_finds_the_new_implementation(clock, agency, department, powers):
    plan(department, agency, powers[:1], document_number="徐政发〔2026〕18号")
    transfers.carry_out_due_transfers(DAY)
    new = ServiceItem.objects.published().get(transferred_from=department)

    old_link = Client().get(f"/items/{powers[0].impl_code}/")
    assert old_link.status_code == 302 and old_link["Location"] == f"/items/{new.impl_code}/"
    guide = Client().get(f"/items/{new.impl_code}/").content.decode()
    assert "2026-11-02" in guide and "徐政发〔2026〕18号" in guide and department.name in guide
    assert Client().get("/items/11320300000000000X3000000000000/").status_code == 404


@pytest.mark.parametrize("wrong, code", [
    ({"kind": "gift"}, "invalid_kind"),
    ({"document_number": " "}, "document_number_required"),
    ({"to_agency": "department"}, "same_agency"),
    ({"items": "foreign"}, "not_from_agency"),
    ({"items": "none"}, "items_required"),
])  # fmt: skip
def test_a_wrong_batch_is_refused_with_its_reason_and_nothing_is_written(agency, department, powers, wrong, code):
    foreign = publish(AgencyFactory(region=agency.region))
    items = {"foreign": [powers[0], foreign], "none": []}.get(wrong.get("items"), powers)
    to = department if wrong.get("to_agency") == "department" else agency
    fields = {k: v for k, v in wrong.items() if k in ("kind", "document_number")}
    with pytest.raises(TransferRefused) as refused:
        plan(department, to, items, **fields)
    assert code in [e["code"] for e in refused.value.errors]
    assert not PowerTransfer.objects.exists() and not TransferredItem.objects.exists()


def test_a_transfer_overlapping_another_for_the_same_item_is_refused(clock, agency, department, powers):
    zone = AgencyFactory(name="徐州经济技术开发区行政审批局", region=agency.region)
    plan(department, agency, powers[:1])
    with pytest.raises(TransferRefused) as pending:
        plan(department, zone, powers[:2], on=DAY + datetime.timedelta(days=30), kind="delegation")
    assert pending.value.errors[0]["code"] == "transfer_overlaps" and powers[0].impl_code in str(pending.value)
    assert PowerTransfer.objects.count() == 1


def test_an_item_the_receiving_agency_implements_already_is_refused(agency, department, powers):
    publish(agency, base_code=powers[0].base_code, level=powers[0].level)
    with pytest.raises(TransferRefused) as refused:
        plan(department, agency, powers)
    assert refused.value.errors[0]["code"] == "already_implemented"


def test_only_a_regional_catalogue_administrator_over_both_agencies_plans(agency, department, powers):
    from zerovisit.core.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        transfers.plan_transfer(actor=editor(department), kind="consolidation", document="方案", document_number="1号",
                                effective_on=DAY, from_agency=department, to_agency=agency,
                                impl_codes=[powers[0].impl_code])  # fmt: skip
    regional = editor(agency, role=Role.REGION_CATALOGUE_ADMIN)
    transfers.plan_transfer(actor=regional, kind="consolidation", document="方案", document_number="1号",
                            effective_on=DAY, from_agency=department, to_agency=agency,
                            impl_codes=[powers[0].impl_code])  # fmt: skip
    assert AuditEntry.objects.get(action="catalog.transfer.plan").actor == regional


def test_counts_per_batch_and_per_agency_are_queries(clock, agency, department, powers):
    plan(department, agency, powers[:2], document_number="A号")
    plan(department, agency, powers[2:], document_number="B号", on=DAY + datetime.timedelta(days=1))
    transfers.carry_out_due_transfers(DAY + datetime.timedelta(days=1))
    counted = {t.document_number: t.item_count for t in transfers.transfers_with_counts()}
    assert counted == {"A号": 2, "B号": 1}
    assert transfers.powers_held() == [{"agency": agency.name, "powers": 3}]
    assert transfers.powers_held(region=department.region) == [{"agency": agency.name, "powers": 3}]


def test_the_admin_plans_a_batch_shows_every_problem_at_its_field_and_exports_it(
    clock, agency, department, powers, settings
):
    browser = Client()
    browser.force_login(UserFactory(is_staff=True, is_superuser=True))
    path = f"/{settings.ADMIN_PATH}catalog/powertransfer/"
    form = {"kind": "consolidation", "document": "实施方案", "document_number": "徐政发〔2026〕18号",
            "effective_on": "2026-11-02", "from_agency": department.pk, "to_agency": agency.pk,
            "impl_codes": f"{powers[0].impl_code}\n{powers[1].impl_code}\nNOT-A-CODE",
            "items-TOTAL_FORMS": "0", "items-INITIAL_FORMS": "0"}  # fmt: skip
    refused = browser.post(f"{path}add/", form)
    assert refused.status_code == 200 and "NOT-A-CODE" in refused.content.decode()
    assert not PowerTransfer.objects.exists()

    done = browser.post(f"{path}add/", {**form, "impl_codes": f"{powers[0].impl_code}\n{powers[1].impl_code}"})
    assert done.status_code == 302, done.content.decode()[:2000]
    transfer = PowerTransfer.objects.get()
    assert transfer.items.count() == 2 and transfer.created_by is not None
    transfers.carry_out_due_transfers(DAY)

    exported = browser.post(path, {"action": "export_xlsx", "_selected_action": [transfer.pk]})
    rows = list(load_workbook(io.BytesIO(exported.content)).active.values)
    assert rows[0][:3] == ("序号", "事项名称", "原实施编码") and len(rows) == 3
    assert {r[2] for r in rows[1:]} == {powers[0].impl_code, powers[1].impl_code}
    assert all(r[4].startswith(agency.credit_code) for r in rows[1:])
    assert AuditEntry.objects.filter(action="data.export", object_type="catalog.powertransfer").exists()
    assert Client().get(path).status_code == 302, "not for anyone"


def test_the_api_lists_batches_with_their_counts_and_the_powers_each_agency_holds(clock, agency, department, powers):
    from rest_framework.test import APIClient

    plan(department, agency, powers)
    transfers.carry_out_due_transfers(DAY)
    api = APIClient()
    listed = api.get("/api/v1/power-transfers/", {"to_agency": agency.pk}).json()
    assert listed["count"] == 1 and listed["results"][0]["item_count"] == 3
    assert {i["from_code"] for i in listed["results"][0]["items"]} == {p.impl_code for p in powers}
    assert api.get("/api/v1/power-transfers/", {"to_agency": department.pk}).json()["count"] == 0
    assert api.get("/api/v1/power-transfers/", {"to_agency": "x"}).json()["code"] == "invalid_agency"
    held = api.get("/api/v1/power-transfers/powers-held/", {"region": agency.region.code})
    assert held.json() == [{"agency": agency.name, "powers": 3}]
    assert api.get("/api/v1/power-transfers/powers-held/", {"region": "999999999999"}).status_code == 404


def test_what_changed_since_planning_is_respected_when_the_batch_is_carried_out(clock, agency, department, powers):
    from zerovisit.catalog import services

    transfer = plan(department, agency, powers[:2], document_number="徐政发[2026]3号")
    draft = services.item_new_draft(actor=None, item=powers[0])  # the department was editing it
    publish(agency, base_code=powers[1].base_code, level=powers[1].level)  # the bureau has its own meanwhile

    assert transfers.carry_out_due_transfers(DAY) == 1

    assert not ServiceItem.objects.filter(pk=draft.pk).exists(), "the draft would bring it back to the department"
    detail = AuditEntry.objects.get(action="catalog.transfer.carry_out").detail
    assert detail["implemented_already"] == [powers[1].impl_code] and len(detail["items"]) == 1
    assert ServiceItem.objects.get(pk=powers[1].pk).status == ItemStatus.PUBLISHED, "not moved: still the dept's"
    rows = list(load_workbook(io.BytesIO(transfers.workbook(transfer))).active.values)
    assert len(rows) == 3 and rows[1][1] in {powers[0].name, powers[1].name}
