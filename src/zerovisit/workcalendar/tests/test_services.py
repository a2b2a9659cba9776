"""The stored calendar: seeded 2004–2026, next year's schedule imported all-or-nothing, every process told."""

import datetime

import pytest

from zerovisit.core.models import AuditEntry
from zerovisit.workcalendar import services
from zerovisit.workcalendar.models import CalendarYear, SpecialDay
from zerovisit.workcalendar.selectors import work_calendar

D = datetime.date
SCHEDULE_2027 = """date,kind,name
2027-01-01,休,元旦
2027-10-01,休,国庆节
2027-10-04,休,国庆节
2027-10-05,休,国庆节
2027-10-06,休,国庆节
2027-10-07,休,国庆节
2027-10-09,班,国庆节调休上班
"""


@pytest.mark.django_db
def test_every_installation_starts_with_the_official_schedules():
    assert set(CalendarYear.objects.values_list("year", flat=True)) == set(range(2004, 2027))
    assert SpecialDay.objects.get(date=D(2026, 10, 10)).is_workday
    assert work_calendar().add(D(2026, 9, 30), 1).date == D(2026, 10, 8)


@pytest.mark.django_db
def test_importing_next_years_schedule_replaces_the_estimate():
    assert work_calendar().add(D(2027, 9, 30), 1).estimated
    report = services.calendar_import_year(actor=None, text=SCHEDULE_2027, notice="国办发明电〔2026〕x号")
    assert report.ok and report.year == 2027 and report.days == 7
    due = work_calendar().add(D(2027, 9, 30), 1)
    assert due.date == D(2027, 10, 8) and not due.estimated
    assert work_calendar().is_workday(D(2027, 10, 9))
    assert AuditEntry.objects.filter(action="workcalendar.import_year", object_id="2027").exists()


@pytest.mark.django_db
def test_a_bad_schedule_loads_nothing_and_names_every_bad_line():
    text = SCHEDULE_2027 + "2027-13-01,休,x\n2027-05-01,放,劳动节\n2027-10-01,休,国庆节\n2028-01-01,休,元旦\n"
    report = services.calendar_import_year(actor=None, text=text)
    lines = [line for line, _ in report.problems]
    assert 9 in lines and 10 in lines and 11 in lines and 0 in lines
    assert not CalendarYear.objects.filter(year=2027).exists()
    assert not SpecialDay.objects.filter(date__year=2027).exists()


@pytest.mark.django_db
def test_a_loaded_year_is_replaced_only_on_request():
    services.calendar_import_year(actor=None, text=SCHEDULE_2027)
    again = services.calendar_import_year(actor=None, text=SCHEDULE_2027.replace("2027-10-09,班", "2027-10-10,班"))
    assert not again.ok and SpecialDay.objects.filter(date=D(2027, 10, 9)).exists()
    replaced = services.calendar_import_year(
        actor=None, text=SCHEDULE_2027.replace("2027-10-09,班", "2027-10-10,班"), replace=True
    )
    assert replaced.ok and SpecialDay.objects.filter(date=D(2027, 10, 10)).exists()
    assert not SpecialDay.objects.filter(date=D(2027, 10, 9)).exists()


@pytest.mark.django_db
def test_seeding_again_adds_nothing():
    assert services.calendar_seed_from_package() == 0


@pytest.mark.django_db
def test_an_administrators_edit_reaches_the_calendar(admin_client):
    assert work_calendar().is_workday(D(2026, 11, 4))
    response = admin_client.post(
        "/admin/workcalendar/specialday/add/", {"date": "2026-11-04", "is_workday": "", "name": "临时调整"}
    )
    assert response.status_code == 302
    assert not work_calendar().is_workday(D(2026, 11, 4))
