"""Working-day arithmetic on the official 2026 schedule (DESIGN.md §4 and §6) and the Monday–Friday fallback."""

import datetime

import pytest

from zerovisit.workcalendar.calendar import OutOfRange, WorkCalendar
from zerovisit.workcalendar.official import package_schedule

D = datetime.date


@pytest.fixture(scope="module")
def cal():
    schedule = package_schedule()
    special = {day: working for days in schedule.values() for day, working, _ in days}
    return WorkCalendar(set(schedule), special)


def test_the_start_day_is_not_counted(cal):
    assert cal.add(D(2026, 11, 2), 1).date == D(2026, 11, 3)  # Monday + 1 = Tuesday
    assert cal.add(D(2026, 11, 6), 1).date == D(2026, 11, 9)  # Friday + 1 = Monday


def test_national_day_2026_moves_deadlines_and_the_working_saturday_counts(cal):
    # 09-25…09-27 Mid-Autumn off, 10-01…10-07 National Day off, 09-20 (Sun) and 10-10 (Sat) working.
    assert cal.add(D(2026, 9, 30), 1).date == D(2026, 10, 8)
    assert cal.add(D(2026, 9, 30), 2).date == D(2026, 10, 9)
    assert cal.add(D(2026, 9, 30), 3).date == D(2026, 10, 10)  # the 调休 Saturday is a working day
    assert cal.add(D(2026, 9, 30), 4).date == D(2026, 10, 12)
    assert cal.is_workday(D(2026, 9, 20)) and not cal.is_workday(D(2026, 9, 25))


def test_twenty_working_days_across_the_holiday(cal):
    # From Monday 2026-09-21: 22,23,24,28,29,30 (6), 10-08,09,10 (9), 12–16 (14), 19–23 (19), 26 (20).
    assert cal.add(D(2026, 9, 21), 20).date == D(2026, 10, 26)
    assert cal.count(D(2026, 9, 21), D(2026, 10, 26)).days == 20


def test_spring_festival_2026(cal):
    assert not cal.is_workday(D(2026, 2, 16))
    assert cal.is_workday(D(2026, 2, 14)) and cal.is_workday(D(2026, 2, 28))  # working Saturdays
    assert cal.add(D(2026, 2, 13), 1).date == D(2026, 2, 14)
    assert cal.add(D(2026, 2, 14), 1).date == D(2026, 2, 24)


def test_a_deadline_never_ends_on_a_rest_day(cal):
    start = D(2026, 1, 1)
    for n in range(1, 260):
        assert cal.is_workday(cal.add(start, n).date)


def test_counting_is_the_inverse_of_adding(cal):
    for start in (D(2025, 12, 24), D(2026, 4, 30), D(2026, 9, 18)):
        for n in (1, 5, 20, 45):
            assert cal.count(start, cal.add(start, n).date).days == n


def test_zero_days_means_the_next_working_day_from_the_start(cal):
    assert cal.add(D(2026, 11, 4), 0).date == D(2026, 11, 4)
    assert cal.add(D(2026, 10, 3), 0).date == D(2026, 10, 8)


def test_years_without_an_official_schedule_count_monday_to_friday_and_say_so(cal):
    due = cal.add(D(2026, 12, 28), 5)
    assert due.date == D(2027, 1, 4) and due.estimated  # 2027 has no official data: New Year's Day counts
    assert not cal.add(D(2026, 12, 1), 5).estimated
    assert cal.count(D(2026, 12, 30), D(2027, 1, 5)).estimated


def test_instant_items_received_after_closing_or_on_a_rest_day_are_due_the_next_working_day(cal):
    closing = datetime.time(17, 30)
    assert cal.instant_due(datetime.datetime(2026, 11, 4, 9, 0), closing).date == D(2026, 11, 4)
    assert cal.instant_due(datetime.datetime(2026, 11, 4, 17, 45), closing).date == D(2026, 11, 5)
    assert cal.instant_due(datetime.datetime(2026, 10, 1, 10, 0), closing).date == D(2026, 10, 8)
    assert cal.instant_due(datetime.datetime(2026, 10, 10, 10, 0), closing).date == D(2026, 10, 10)


def test_dates_far_outside_the_calendar_are_refused(cal):
    with pytest.raises(OutOfRange):
        cal.add(D(1950, 1, 1), 1)
    with pytest.raises(ValueError):
        cal.add(D(2026, 1, 1), -1)


def test_office_hours_count_only_working_days_between_opening_and_closing(cal):
    tz = datetime.timezone(datetime.timedelta(hours=8))
    opens, closes = datetime.time(9), datetime.time(17, 30)

    def at(*args):
        return datetime.datetime(*args, tzinfo=tz)

    assert cal.working_hours(at(2026, 11, 4, 10), at(2026, 11, 4, 12), opens, closes) == 2
    assert cal.working_hours(at(2026, 11, 4, 20), at(2026, 11, 5, 10), opens, closes) == 1  # overnight
    assert cal.working_hours(at(2026, 9, 30, 17), at(2026, 10, 8, 10), opens, closes) == 1.5  # over the holiday
    assert cal.working_hours(at(2026, 11, 7, 10), at(2026, 11, 8, 12), opens, closes) == 0  # a weekend


def test_the_moment_some_office_hours_after_a_start_is_the_inverse_of_counting_them(cal):
    tz = datetime.timezone(datetime.timedelta(hours=8))
    opens, closes = datetime.time(9), datetime.time(17, 30)

    def at(*args):
        return datetime.datetime(*args, tzinfo=tz)

    assert cal.after_working_hours(at(2026, 11, 4, 10), 2, opens, closes) == at(2026, 11, 4, 12)
    assert cal.after_working_hours(at(2026, 11, 4, 16), 8, opens, closes) == at(2026, 11, 5, 15, 30)
    assert cal.after_working_hours(at(2026, 11, 4, 20), 1, opens, closes) == at(2026, 11, 5, 10)  # asked at night
    assert cal.after_working_hours(at(2026, 9, 30, 17), 1.5, opens, closes) == at(2026, 10, 8, 10)  # over 国庆
    assert cal.after_working_hours(at(2026, 11, 6, 17, 30), 8.5, opens, closes) == at(2026, 11, 9, 17, 30)
    for start, hours in [(at(2026, 11, 4, 10), 2), (at(2026, 9, 30, 12), 20), (at(2026, 11, 7, 3), 0.25)]:
        assert cal.working_hours(start, cal.after_working_hours(start, hours, opens, closes), opens, closes) == hours
