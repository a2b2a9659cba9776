import datetime

import pytest
from django.db import connection

from zerovisit.cases import services as cases
from zerovisit.cases.models import Case
from zerovisit.cases.tests.factories import apply, first_material

from ..models import MEASURES, CaseContribution, DailyRollup, MonthlyRollup, RollupQueue
from ..services import apply_rollup_queue, rebuild_rollups, rollup_differences
from .factories import decided

D = datetime.date
NOVEMBER = (D(2026, 11, 1), D(2026, 11, 30))


def daily(day) -> dict:
    """The measures of `day`, summed over its rows, without the zeros."""
    rows = DailyRollup.objects.filter(day=day).values(*MEASURES)
    totals = {name: sum(row[name] for row in rows) for name in MEASURES}
    return {name: n for name, n in totals.items() if n}


def test_a_case_counts_on_the_days_it_was_submitted_accepted_and_decided(clock, item, citizen, staff):
    # Submitted on Monday, accepted on Tuesday, decided on the next Monday: four working days of handling.
    decided(item, citizen, staff, clock, on=(2026, 11, 2), accepted_on=(2026, 11, 3), decided_on=(2026, 11, 9))
    apply_rollup_queue()
    assert daily(D(2026, 11, 2)) == {"submitted": 1}
    assert daily(D(2026, 11, 3)) == {"accepted": 1}
    assert daily(D(2026, 11, 9)) == {"decided": 1, "decided_on_time": 1, "handling_days": 4}
    month = MonthlyRollup.objects.get(month=D(2026, 11, 1))
    assert (month.submitted, month.accepted, month.decided, month.handling_days) == (1, 1, 1, 4)
    assert (month.agency_id, month.item_id, month.channel) == (item.agency_id, item.pk, "web")
    assert not RollupQueue.objects.exists()


def test_a_case_concluded_on_the_day_of_its_acceptance_counts_as_done_on_the_spot(clock, item, citizen, staff):
    decided(item, citizen, staff, clock, on=(2026, 11, 2), accepted_on=(2026, 11, 4))
    apply_rollup_queue()
    assert daily(D(2026, 11, 4)) == {"accepted": 1, "decided": 1, "decided_instant": 1, "decided_on_time": 1}


def test_fully_online_means_applied_online_with_no_visit_and_the_result_sent(clock, item, citizen, staff, agency):
    decided(item, citizen, staff, clock, on=(2026, 11, 2), delivery_method="e_license")
    decided(item, citizen, staff, clock, on=(2026, 11, 2), delivery_method="e_license", channel="window",
            actor=staff["acceptor"])  # fmt: skip
    decided(item, citizen, staff, clock, on=(2026, 11, 2), delivery_method="hall")
    apply_rollup_queue()
    assert daily(D(2026, 11, 2))["decided"] == 3
    assert daily(D(2026, 11, 2))["decided_online"] == 1


def test_a_decision_after_its_deadline_is_not_on_time(clock, item, citizen, staff):
    case = decided(item, citizen, staff, clock, on=(2026, 11, 2), decided_on=(2026, 12, 30))
    assert case.decision_due < D(2026, 12, 30)
    apply_rollup_queue()
    assert "decided_on_time" not in daily(D(2026, 12, 30))


def test_a_correction_counts_once_on_the_day_the_case_was_submitted(clock, item, citizen, staff):
    clock.set(2026, 11, 2)
    case = apply(item, citizen)
    apply_rollup_queue()
    clock.set(2026, 11, 3)
    cases.request_correction(actor=staff["acceptor"], number=case.number, corrections=["补签字"],
                             materials=first_material(case))  # fmt: skip
    apply_rollup_queue()
    assert daily(D(2026, 11, 2)) == {"submitted": 1, "corrected": 1}
    assert daily(D(2026, 11, 3)) == {}


def test_a_case_worked_through_again_with_nothing_changed_moves_nothing(clock, item, citizen, staff):
    case = decided(item, citizen, staff, clock, on=(2026, 11, 2))
    apply_rollup_queue()
    before = list(DailyRollup.objects.order_by("day").values())
    RollupQueue.objects.bulk_create([RollupQueue(case_id=case.pk), RollupQueue(case_id=case.pk)])
    assert apply_rollup_queue() == 2
    assert list(DailyRollup.objects.order_by("day").values()) == before


def test_a_change_made_outside_the_services_is_queued_by_the_database(clock, item, citizen, staff):
    case = decided(item, citizen, staff, clock, on=(2026, 11, 2))
    apply_rollup_queue()
    with connection.cursor() as cursor:  # as a data fix in SQL would: the decision moved to the next day
        cursor.execute("UPDATE cases_case SET decided_at = %s WHERE id = %s",
                       [case.decided_at + datetime.timedelta(days=1), case.pk])  # fmt: skip
    assert RollupQueue.objects.filter(case_id=case.pk).exists()
    apply_rollup_queue()
    assert daily(D(2026, 11, 2)) == {"submitted": 1, "accepted": 1}
    assert daily(D(2026, 11, 3))["decided"] == 1


def test_a_claim_that_no_measure_reads_queues_nothing(clock, item, citizen, staff):
    clock.set(2026, 11, 2)
    case = apply(item, citizen)
    apply_rollup_queue()
    cases.claim_case(actor=staff["acceptor"], number=case.number)
    assert not RollupQueue.objects.exists()


def test_the_rollups_agree_with_a_recount_from_the_cases(clock, item, citizen, staff):
    decided(item, citizen, staff, clock, on=(2026, 10, 30), decided_on=(2026, 11, 2))
    decided(item, citizen, staff, clock, on=(2026, 11, 5), approve=False)
    clock.set(2026, 11, 6)
    apply(item, citizen)
    assert rollup_differences(*NOVEMBER) == []
    assert rollup_differences(D(2026, 10, 1), D(2026, 10, 31)) == []


def test_a_tampered_rollup_is_found_by_the_reconciliation_and_put_right_by_a_rebuild(clock, item, citizen, staff):
    decided(item, citizen, staff, clock, on=(2026, 11, 2))
    decided(item, citizen, staff, clock, on=(2026, 11, 3))
    apply_rollup_queue()
    row = DailyRollup.objects.get(day=D(2026, 11, 3))
    DailyRollup.objects.filter(pk=row.pk).update(decided=5)
    MonthlyRollup.objects.update(submitted=7)
    differences = rollup_differences(*NOVEMBER)
    assert [(table, key[0], have["decided"], want["decided"]) for table, key, have, want in differences
            if table == "dailyrollup"] == [("dailyrollup", D(2026, 11, 3), 5, 1)]  # fmt: skip
    assert [(have["submitted"], want["submitted"]) for table, _, have, want in differences
            if table == "monthlyrollup"] == [(7, 2)]  # fmt: skip

    rebuild_rollups(*NOVEMBER)
    assert rollup_differences(*NOVEMBER) == []
    assert daily(D(2026, 11, 3))["decided"] == 1


def test_a_rebuild_of_part_of_a_month_keeps_the_rest_of_it(clock, item, citizen, staff):
    decided(item, citizen, staff, clock, on=(2026, 11, 2))
    decided(item, citizen, staff, clock, on=(2026, 11, 20))
    apply_rollup_queue()
    rebuild_rollups(D(2026, 11, 15), D(2026, 11, 30))
    assert MonthlyRollup.objects.get().submitted == 2
    assert rollup_differences(*NOVEMBER) == []
    # And the contributions still say what the cases add, outside the rebuilt days too.
    case = Case.objects.earliest("submitted_at")
    assert CaseContribution.objects.get(case=case).rows[0][0] == "2026-11-02"


@pytest.mark.django_db(transaction=True)
def test_the_queue_is_worked_in_batches_until_it_is_empty(clock, item, citizen, staff):
    for day in (2, 3, 4):
        clock.set(2026, 11, day)
        apply(item, citizen)
    assert apply_rollup_queue(batch=2) == 3
    assert sum(row.submitted for row in DailyRollup.objects.all()) == 3


def test_the_reconcile_command_fails_on_a_difference_until_the_period_is_rebuilt(clock, item, citizen, staff):
    from io import StringIO

    from django.core.management import CommandError, call_command

    decided(item, citizen, staff, clock, on=(2026, 11, 2))
    period = ["--from", "2026-11-01", "--to", "2026-11-30"]
    out = StringIO()
    call_command("reconcile_rollups", *period, stdout=out)
    assert "match the cases" in out.getvalue()
    DailyRollup.objects.filter(day=D(2026, 11, 2)).update(submitted=3)
    with pytest.raises(CommandError, match="1 roll-up row"):
        call_command("reconcile_rollups", *period, stdout=StringIO())
    call_command("reconcile_rollups", *period, "--rebuild", stdout=StringIO())
    call_command("reconcile_rollups", *period, stdout=StringIO())
    with pytest.raises(CommandError, match="not a day"):
        call_command("reconcile_rollups", "--from", "2026-11-31", stdout=StringIO())
    with pytest.raises(CommandError, match="after"):
        call_command("reconcile_rollups", "--from", "2026-12-01", "--to", "2026-11-01", stdout=StringIO())


def test_a_case_decided_before_the_period_and_rated_in_it_is_recounted_and_rebuilt(clock, item, citizen, staff):
    from zerovisit.feedback.services import evaluate_case

    case = decided(item, citizen, staff, clock, on=(2026, 10, 30))
    clock.set(2026, 11, 2)
    evaluate_case(actor=citizen.user, number=case.number, rating=5)
    assert rollup_differences(*NOVEMBER) == []
    rebuild_rollups(*NOVEMBER)
    assert daily(D(2026, 11, 2)) == {"evaluated": 1, "satisfied": 1}
    assert rollup_differences(*NOVEMBER) == []
