"""The case list across agencies: who reads which agencies' cases, the list's filters, and its exact count from the
tally (models.CaseTally), which must agree with the cases whatever happened to them."""

import datetime

import pytest
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from zerovisit.accounts.models import Role
from zerovisit.accounts.tests.factories import UserFactory, editor
from zerovisit.cases import services
from zerovisit.cases.api import SUMMARY_COLUMNS, CaseSummarySerializer, summary_row
from zerovisit.cases.models import Case, CaseStatus, CaseTally
from zerovisit.cases.services import tally
from zerovisit.org.models import Level
from zerovisit.org.tests.factories import AgencyFactory, RegionFactory

from .factories import apply, publish


def as_user(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def regions(db):
    city = RegionFactory(code="320300000000", name="徐州市", level=Level.CITY)
    county = RegionFactory(code="320382000000", name="邳州市", level=Level.COUNTY, parent=city)
    other_city = RegionFactory(code="320100000000", name="南京市", level=Level.CITY)
    return {"city": city, "county": county, "other_city": other_city}


@pytest.fixture
def spread(clock, regions, agency, item, citizen):
    """Cases of the city's bureau (3), of a county agency (2) and of another city's agency (1)."""
    county_agency = AgencyFactory(name="邳州市行政审批局", region=regions["county"])
    other_agency = AgencyFactory(name="南京市行政审批局", region=regions["other_city"])
    numbers = {"city": [apply(item, citizen).number for _ in range(3)]}
    county_item = publish(county_agency)
    numbers["county"] = [apply(county_item, citizen).number for _ in range(2)]
    numbers["other_city"] = [apply(publish(other_agency), citizen).number]
    return {"agencies": {"city": agency, "county": county_agency, "other_city": other_agency}, "numbers": numbers}


def listed(user, query="") -> dict:
    response = as_user(user).get(f"/api/v1/cases/?page_size=100{query}")
    assert response.status_code == 200, response.content
    return response.json()


def numbers_of(body) -> set[str]:
    return {row["number"] for row in body["results"]}


@pytest.mark.parametrize("role", [Role.REGION_SUPERVISOR, Role.AUDITOR])
def test_a_regional_reader_lists_every_agencys_cases_in_their_region_and_below_and_no_others(spread, role):
    numbers = spread["numbers"]
    city_reader = editor(spread["agencies"]["city"], role=role, username="city")
    body = listed(city_reader)
    assert numbers_of(body) == {*numbers["city"], *numbers["county"]} and body["count"] == 5
    county_reader = editor(spread["agencies"]["county"], role=role, username="county")
    body = listed(county_reader)
    assert numbers_of(body) == set(numbers["county"]) and body["count"] == 2
    assert as_user(county_reader).get(f"/api/v1/cases/{numbers['county'][0]}/").status_code == 200
    assert as_user(county_reader).get(f"/api/v1/cases/{numbers['city'][0]}/").status_code == 404


def test_an_administrator_lists_every_case(spread):
    body = listed(UserFactory(username="root", is_superuser=True))
    assert body["count"] == 6 and len(body["results"]) == 6


def test_a_regional_supervisor_reads_but_is_offered_no_step_and_may_take_none(spread):
    supervisor = editor(spread["agencies"]["city"], role=Role.REGION_SUPERVISOR, username="city")
    number = spread["numbers"]["county"][0]
    detail = as_user(supervisor).get(f"/api/v1/cases/{number}/").json()
    assert detail["steps"] == []
    response = as_user(supervisor).post(f"/api/v1/cases/{number}/accept/", {}, format="json")
    assert response.status_code in (403, 409), response.content
    assert Case.objects.get(number=number).status == CaseStatus.SUBMITTED


def test_each_filter_narrows_the_list_and_the_count_is_exact(spread, clock, staff, item, citizen):
    numbers, agencies = spread["numbers"], spread["agencies"]
    services.accept_case(actor=staff["acceptor"], number=numbers["city"][0])
    clock.set(2026, 11, 20)
    later = apply(item, citizen, channel="window", actor=staff["acceptor"]).number
    reader = editor(agencies["city"], role=Role.REGION_SUPERVISOR, username="city")
    county_item = Case.objects.get(number=numbers["county"][0]).item.impl_code
    expected = {
        "&status=accepted": {numbers["city"][0]},
        "&status=submitted&channel=web": {*numbers["city"][1:], *numbers["county"]},
        "&channel=window": {later},
        f"&agency={agencies['county'].pk}": set(numbers["county"]),
        "&region=320382000000": set(numbers["county"]),
        "&region=320300000000&status=submitted": {*numbers["city"][1:], *numbers["county"], later},
        f"&item={county_item}": set(numbers["county"]),
        "&submitted_from=2026-11-20": {later},
        "&submitted_to=2026-11-19": {*numbers["city"], *numbers["county"]},
        "&submitted_from=2026-11-02&submitted_to=2026-11-02&channel=window": set(),
        f"&agency={agencies['other_city'].pk}": set(),  # outside the reader's region: nothing, not the agency's
    }
    for query, wanted in expected.items():
        body = listed(reader, query)
        assert numbers_of(body) == wanted, query
        assert body["count"] == len(wanted), query


@pytest.mark.parametrize(
    "query, field",
    [("region=999999999999", "region"), ("agency=abc", "agency"), ("submitted_from=2026-13-01", "submitted_from"),
     ("status=lost", "status"), ("channel=", "channel")],
)  # fmt: skip
def test_a_filter_value_that_is_not_one_is_refused_with_the_field_named(spread, query, field):
    reader = editor(spread["agencies"]["city"], role=Role.REGION_SUPERVISOR, username="city")
    response = as_user(reader).get(f"/api/v1/cases/?{query}")
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "invalid_filter" and body["errors"][0]["field"] == field and body["message"]


def test_a_row_of_the_list_is_what_the_summary_serializer_describes(spread, staff):
    number = spread["numbers"]["city"][0]
    services.claim_case(actor=staff["acceptor"], number=number)
    for case in Case.objects.select_related("item", "applicant", "claimed_by"):
        row = Case.objects.filter(pk=case.pk).values(*SUMMARY_COLUMNS).get()
        assert summary_row(row) == CaseSummarySerializer(case).data, case.number
    assert listed(staff["acceptor"])["results"][-1]["claimed_by"] == str(staff["acceptor"])


def test_the_tally_follows_every_write_of_a_case_and_folding_keeps_its_sums(spread, staff):
    numbers = spread["numbers"]
    services.accept_case(actor=staff["acceptor"], number=numbers["city"][0])
    services.refuse_case(actor=staff["acceptor"], number=numbers["city"][1], reason="不属于本机关职权范围")
    Case.objects.filter(number=numbers["city"][2]).update(channel="kiosk")  # a write outside any service
    assert tally.tally_differences() == {}
    rows_before = CaseTally.objects.count()
    assert tally.fold_case_tally() == rows_before
    assert CaseTally.objects.count() < rows_before and not CaseTally.objects.filter(n=0).exists()
    assert tally.tally_differences() == {}
    city = spread["agencies"]["city"]
    assert {(r.status, r.channel): r.n for r in CaseTally.objects.filter(agency=city)} == {
        ("accepted", "web"): 1, ("refused", "web"): 1, ("submitted", "kiosk"): 1,
    }  # fmt: skip


def test_recount_cases_finds_a_tampered_tally_and_rebuilds_it(spread, capsys):
    call_command("recount_cases")
    assert "matches" in capsys.readouterr().out
    CaseTally.objects.create(agency=spread["agencies"]["city"], status="approved", channel="web", n=40)
    with pytest.raises(CommandError, match="1 count"):
        call_command("recount_cases")
    assert "approved web: tally 40, cases 0" in capsys.readouterr().out
    call_command("recount_cases", "--rebuild")
    call_command("recount_cases")
    reader = UserFactory(username="root", is_superuser=True)
    assert listed(reader)["count"] == 6


def test_a_day_filter_counts_whole_days_in_the_platforms_time_zone(clock, item, citizen, staff):
    clock.now = datetime.datetime(2026, 11, 2, 23, 30, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))
    late = apply(item, citizen).number  # 15:30 UTC, but the 2nd in 徐州
    body = listed(staff["acceptor"], "&submitted_from=2026-11-02&submitted_to=2026-11-02")
    assert numbers_of(body) == {late}
    assert listed(staff["acceptor"], "&submitted_from=2026-11-03")["count"] == 0


def test_a_system_walks_the_whole_list_by_cursor_and_cases_filed_meanwhile_move_nothing(spread, clock, item, citizen):
    reader = as_user(UserFactory(username="root", is_superuser=True))
    seen, url = [], "/api/v1/cases/?cursor=start&page_size=2"
    while url:
        body = reader.get(url).json()
        assert "count" not in body
        seen += [row["number"] for row in body["results"]]
        if len(seen) == 2:
            clock.set(2026, 11, 30)
            apply(item, citizen)  # newest: before the walk's position, so not in it and shifting nothing
        url = body["next"]
    assert len(seen) == 6 and len(set(seen)) == 6
    assert seen == [row["number"] for row in listed(UserFactory(username="root2", is_superuser=True))["results"]][1:]


@pytest.mark.parametrize("cursor", ["bm90IGEgY3Vyc29y", "%FF", "MjAyNi0xMS0wMnwx", ""])
def test_a_cursor_the_list_did_not_give_is_refused(spread, cursor):
    response = as_user(UserFactory(username="root", is_superuser=True)).get(f"/api/v1/cases/?cursor={cursor}")
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "invalid_cursor"


@pytest.mark.parametrize(
    "query, count",
    [("submitted_from=0001-01-01", 3), ("submitted_to=9999-12-31", 3), ("agency=1.5", None), ("agency=0", None),
     (f"agency={2**63}", None)],
)  # fmt: skip
def test_the_ends_of_the_calendar_bound_nothing_and_an_id_is_a_whole_number(clock, item, citizen, staff, query, count):
    for _ in range(3):
        apply(item, citizen)
    response = as_user(staff["acceptor"]).get(f"/api/v1/cases/?{query}")
    if count is None:
        assert response.status_code == 400 and response.json()["code"] == "invalid_filter", response.content
    else:
        assert response.status_code == 200 and response.json()["count"] == count


def test_reading_one_case_by_number_agrees_with_the_list_of_what_each_user_may_see(spread, staff, citizen):
    from zerovisit.cases import selectors
    from zerovisit.core.errors import NotFound

    agencies = spread["agencies"]
    users = [
        citizen.user, staff["acceptor"], UserFactory(username="outsider"),
        UserFactory(username="root", is_superuser=True),
        editor(agencies["city"], role=Role.REGION_SUPERVISOR, username="city"),
        editor(agencies["county"], role=Role.AUDITOR, username="county"),
        editor(agencies["county"], role=Role.ACCEPTOR, username="county-acceptor"),
        editor(agencies["other_city"], role=Role.CATALOGUE_EDITOR, username="editor"),
    ]  # fmt: skip
    at_window = apply(Case.objects.get(number=spread["numbers"]["city"][0]).item, citizen, actor=staff["acceptor"],
                      channel="window")  # fmt: skip
    assert at_window.submitted_by == staff["acceptor"]  # staff see a case they filed by their agency, not as filer
    for user in users:
        visible = set(selectors.visible_cases(user).values_list("number", flat=True))
        for case in Case.objects.all():
            try:
                selectors.case_for_actor(user, case.number)
                readable = True
            except NotFound:
                readable = False
            assert readable == (case.number in visible), (user.username, case.number)


def test_an_agency_in_a_parallel_review_lists_its_own_cases_and_the_reviews_with_an_exact_count(clock, citizen):
    from zerovisit.catalog.models import ProcessKind, ProcessStage, ProcessTemplate

    lead, fire = AgencyFactory(name="徐州市住房和城乡建设局"), AgencyFactory(name="徐州市消防救援支队")
    template = ProcessTemplate.objects.create(code="joint-list", name="并联", kind=ProcessKind.JOINT)
    ProcessStage.objects.create(template=template, order=1, action="accept", name="受理", role="acceptor", share=10)
    review = ProcessStage.objects.create(template=template, order=2, action="joint_review", name="联合审查",
                                         role="reviewer", share=60)  # fmt: skip
    review.agencies.set([lead, fire])
    ProcessStage.objects.create(template=template, order=3, action="decide", name="决定", role="decider", share=30)
    reviews = {apply(publish(lead, template="joint-list"), citizen).number for _ in range(2)}
    own = {apply(publish(fire), citizen).number for _ in range(3)}
    clock.set(2026, 11, 20)
    later = apply(publish(fire), citizen).number
    reviewer = editor(fire, role=Role.REVIEWER, username="fire")
    for query, wanted in {"": {*reviews, *own, later}, "&status=submitted": {*reviews, *own, later},
                          "&submitted_from=2026-11-20": {later}, "&status=accepted": set()}.items():  # fmt: skip
        body = listed(reviewer, query)
        assert numbers_of(body) == wanted and body["count"] == len(wanted), query
