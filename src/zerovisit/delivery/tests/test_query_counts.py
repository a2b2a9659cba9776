"""The courier ledger (政务专递台账) costs a fixed number of queries, whatever the number of shipments: the page and its
XLSX download, each with 2 and with 10 shipments across agencies and months (a row that costs a query of its own
makes the 10-shipment run fail)."""

import datetime

import pytest
from django.utils import timezone

from zerovisit.accounts.models import Role
from zerovisit.accounts.tests.factories import UserFactory, editor
from zerovisit.cases.tests.factories import apply, publish
from zerovisit.delivery import services
from zerovisit.delivery.models import Direction, Shipment
from zerovisit.org.tests.factories import AgencyFactory

from .factories import approved_by_courier


@pytest.fixture
def shipments(clock, agency, citizen, staff):
    """`n` shipments of this year: one ordered for an approved case through the service, the others copies of it
    for other cases, agencies, months and directions."""

    def make(n):
        item = publish(agency, name="食品经营许可", mail_results=True, result_type="license", result_name="许可证")
        approved_by_courier(item, citizen, staff)
        assert services.ship_approved_results() == 1
        first = Shipment.objects.get()
        others = [AgencyFactory(), AgencyFactory()]
        copies = []
        for k in range(n - 1):
            copy = Shipment.objects.get(pk=first.pk)
            copy.pk, copy.case, copy.waybill = None, apply(item, citizen), f"COPY{k:04d}"
            copy.agency = others[k % 2] if k % 3 else agency
            copy.direction = Direction.INBOUND if k % 2 else Direction.OUTBOUND
            copies.append(copy)
        Shipment.objects.bulk_create(copies)
        for month, shipment in enumerate(Shipment.objects.order_by("pk"), start=1):
            at = timezone.make_aware(datetime.datetime(clock.now.year, (month - 1) % 10 + 1, 5, 10))
            Shipment.objects.filter(pk=shipment.pk).update(created_at=at)
        return clock.now.year

    return make


@pytest.mark.parametrize("n", [2, 10])
# (reader, queries of the page, of the XLSX download): a supervisor's roles come with the user, and an export is
# audited; the page, the first request after signing in, also refreshes the session.
@pytest.mark.parametrize(
    ("reader", "queries"), [("administrator", (7, 8)), ("supervisor", (7, 8))], ids=["administrator", "supervisor"]
)
def test_the_ledger_costs_the_same_queries_for_any_number_of_shipments(
    client, shipments, agency, n, reader, queries, django_assert_num_queries
):
    year = shipments(n)
    user = UserFactory(is_staff=True, is_superuser=True) if reader == "administrator" else \
        editor(agency, role=Role.SUPERVISOR)  # fmt: skip
    client.force_login(user)
    with django_assert_num_queries(queries[0]):
        page = client.get(f"/workbench/ledger/?year={year}")
    assert page.status_code == 200 and agency.name in page.content.decode()
    with django_assert_num_queries(queries[1]):
        book = client.get(f"/workbench/ledger/?year={year}&format=xlsx")
    assert book.status_code == 200
