import datetime
import io

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from zerovisit.accounts.models import Role
from zerovisit.accounts.tests.factories import editor
from zerovisit.cases.tests.factories import apply, publish
from zerovisit.core.models import AuditEntry
from zerovisit.org.tests.factories import bureau, xuzhou_places

from ..services import apply_rollup_queue
from .factories import decided

URL = reverse("supervision:dashboard")
NOVEMBER = {"start": "2026-11-01", "end": "2026-11-30"}


@pytest.fixture
def places(db):
    return xuzhou_places()


@pytest.fixture
def city_supervisor(places, agency):
    agency.region = places["city"]
    agency.save(update_fields=["region"])
    return editor(agency, role=Role.REGION_SUPERVISOR, username="shi_jiandu")


@pytest.fixture
def county_case(places, citizen, clock):
    """A case of 新沂市's bureau, past its deadline and still waiting for acceptance (a red light)."""
    xinyi = bureau(places["xinyi"], 7)
    item = publish(xinyi, name="新沂食品经营许可", base_code="010003000201")
    clock.set(2026, 11, 2)
    case = apply(item, citizen)
    clock.set(2026, 11, 20)
    apply_rollup_queue()
    return case


def test_a_city_supervisor_sees_the_citys_figures_and_its_counties(client, clock, city_supervisor, item, citizen,
                                                                  staff, county_case):  # fmt: skip
    decided(item, citizen, staff, clock, on=(2026, 11, 2), delivery_method="e_license")
    apply_rollup_queue()
    clock.set(2026, 11, 20)
    client.force_login(city_supervisor)
    figures = {indicator.code: value for indicator, value in client.get(URL, NOVEMBER).context["figures"]}
    assert figures["submitted_count"] == 2 and figures["decided_count"] == 1
    assert figures["online_full_process_rate"] == 100.0
    rows = {row.name: row for row, _ in client.get(URL, NOVEMBER).context["rows"]}
    assert rows["新沂市"].region == "320381000000" and rows["新沂市"].totals.submitted == 1
    assert rows[item.agency.name].agency_id == item.agency_id
    assert client.get(URL, NOVEMBER).context["lights"].red == 1


def test_the_drill_down_ends_at_an_items_cases_with_the_red_one_first(client, clock, city_supervisor, county_case):
    client.force_login(city_supervisor)
    county = client.get(URL, {"region": "320381000000", **NOVEMBER})
    [(agency_row, _)] = county.context["rows"]
    agency = client.get(URL, {"agency": agency_row.agency_id, **NOVEMBER})
    [(item_row, _)] = agency.context["rows"]
    item = client.get(URL, {"item": item_row.item_id, **NOVEMBER})
    assert [case.number for case in item.context["red"]] == [county_case.number]
    assert county_case.number in item.content.decode()
    assert [name for name, _ in item.context["trail"]] == ["徐州市", "新沂市", agency_row.name, item_row.name]


def test_an_agency_supervisor_sees_only_their_own_agency(client, clock, agency, county_case):
    supervisor = editor(agency, role=Role.SUPERVISOR, username="jiandu")
    client.force_login(supervisor)
    assert client.get(URL).context["scope"].agency == agency
    assert client.get(URL, {"agency": county_case.agency_id}).status_code == 403
    assert client.get(URL, {"region": "320381000000"}).status_code == 403
    assert client.get(URL, {"item": county_case.item_id}).status_code == 403


def test_nobody_else_sees_the_dashboard(client, staff, citizen):
    assert client.get(URL).status_code == 302  # to the login page
    for user in (citizen.user, staff["acceptor"]):
        client.force_login(user)
        assert client.get(URL).status_code == 403
        assert client.get(reverse("supervision:report")).status_code == 403


def test_what_does_not_exist_is_not_found(client, city_supervisor):
    client.force_login(city_supervisor)
    for query in ({"region": "999"}, {"agency": "abc"}, {"item": "0"}, {"agency": "99999"}):
        assert client.get(URL, query).status_code == 404


def test_a_period_that_makes_no_sense_is_said_and_the_default_shown(client, clock, city_supervisor):
    client.force_login(city_supervisor)
    response = client.get(URL, {"start": "2026-11-30", "end": "2026-11-01"})
    assert response.status_code == 200
    assert response.context["form"].errors["__all__"]
    assert 'value="2026-11-30"' in response.content.decode()  # what was typed is kept
    assert response.context["start"] == datetime.date(2025, 12, 1)  # clock: 2026-11-02
    assert client.get(URL, {"start": "2026-02-30"}).context["form"].errors["start"]
    assert client.get(URL, {"start": "2020-01-01", "end": "2026-01-01"}).context["form"].errors["__all__"]


def test_the_dashboard_costs_the_same_queries_however_many_agencies_and_items(client, clock, city_supervisor, item,
                                                                              citizen, staff, places):  # fmt: skip
    decided(item, citizen, staff, clock, on=(2026, 11, 2))
    apply_rollup_queue()
    client.force_login(city_supervisor)
    client.get(URL, NOVEMBER)
    with CaptureQueriesContext(connection) as few:
        assert client.get(URL, NOVEMBER).status_code == 200
    for n, region in enumerate(("tongshan", "gulou", "xinyi")):
        more = publish(bureau(places[region], 20 + n), name=f"事项{n}", base_code=f"01000300030{n}")
        decided(more, citizen, {**staff, "acceptor": editor(more.agency, role=Role.ACCEPTOR, username=f"a{n}"),
                                "reviewer": editor(more.agency, role=Role.REVIEWER, username=f"r{n}"),
                                "decider": editor(more.agency, role=Role.DECIDER, username=f"d{n}")},
                clock, on=(2026, 11, 3))  # fmt: skip
    apply_rollup_queue()
    client.force_login(city_supervisor)  # the clock moved on past the idle timeout
    client.get(URL, NOVEMBER)
    with CaptureQueriesContext(connection) as many:
        assert client.get(URL, NOVEMBER).status_code == 200
    assert len(many) == len(few)


def test_the_report_has_a_summary_and_a_sheet_per_level_and_is_audited(client, clock, city_supervisor, item, citizen,
                                                                       staff, county_case):  # fmt: skip
    from openpyxl import load_workbook

    decided(item, citizen, staff, clock, on=(2026, 11, 2))
    apply_rollup_queue()
    client.force_login(city_supervisor)
    response = client.get(reverse("supervision:report"), NOVEMBER)
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["汇总", "市级", "县级"]
    summary = {row[0]: row[1] for row in book["汇总"].iter_rows(values_only=True) if row and row[0]}
    assert summary["统计期间"] == "2026-11-01 至 2026-11-30"
    county = list(book["县级"].iter_rows(values_only=True))
    assert county[1][:2] == ("新沂市", county_case.agency.name)
    entry = AuditEntry.objects.filter(action="data.export", object_type="supervision.report").get()
    assert entry.actor_id == city_supervisor.pk and entry.detail["rows"] == 2


def test_the_published_figures_are_public(client, clock, item, citizen, staff):
    cache.clear()
    clock.set(2026, 11, 2)
    decided(item, citizen, staff, clock, on=(2026, 11, 2))
    apply_rollup_queue()
    response = client.get(reverse("supervision:public_figures"))
    assert response.status_code == 200
    figures = {indicator.code: value for indicator, value in response.context["figures"]}
    assert figures["submitted_count"] == 1 and figures["on_time_rate"] == 100.0
    assert [name for name, _ in response.context["agencies"]] == [item.agency.name]
