"""Every change to the working-day calendar: seeding, importing a year's schedule, editing a day."""

import csv
import datetime
import io
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from zerovisit.core import audit

from . import official, selectors, signals
from .models import CalendarVersion, CalendarYear, SpecialDay

REST, WORK = "休", "班"


def _bump_version() -> None:
    CalendarVersion.objects.get_or_create(pk=1)
    CalendarVersion.objects.filter(pk=1).update(number=F("number") + 1)
    # This process rebuilds at its next use; the others notice the new number within CHECK_SECONDS. (A rebuild
    # before a rollback is harmless: the stored number rolls back too, so the next check rebuilds again.)
    selectors.forget()
    signals.calendar_changed.send(sender=CalendarVersion)  # in the change's transaction: its jobs commit with it


@transaction.atomic
def calendar_seed_from_package(*, actor=None) -> int:
    """Load every year the chinesecalendar package knows and the database does not have yet (years loaded from
    another source are left alone). Returns the number of years added."""
    schedule = official.package_schedule()
    years = sorted(set(schedule) - set(CalendarYear.objects.values_list("year", flat=True)))
    CalendarYear.objects.bulk_create([CalendarYear(year=y, source=CalendarYear.Source.CHINESECALENDAR) for y in years])
    SpecialDay.objects.bulk_create(
        [SpecialDay(date=day, is_workday=working, name=name) for y in years for day, working, name in schedule[y]]
    )
    if years:
        _bump_version()
        audit.record(actor=actor, action="workcalendar.seed", detail={"years": years})
    return len(years)


@dataclass
class ScheduleReport:
    year: int | None = None
    days: int = 0
    problems: list[tuple[int, str]] = field(default_factory=list)  # (line, problem)

    @property
    def ok(self) -> bool:
        return not self.problems


def calendar_import_year(*, actor, text: str, notice: str = "", replace: bool = False) -> ScheduleReport:
    """Load one year's official schedule from CSV lines `date,休|班,name` (every holiday day and every
    working weekend; other days follow Monday–Friday). Validates every line first; writes all or nothing."""
    report = ScheduleReport()
    parsed = []
    for number, fields in enumerate(csv.reader(io.StringIO(text.lstrip("\ufeff"))), start=1):
        if not fields or not "".join(fields).strip() or fields[0].strip().lower() in ("date", "日期"):
            continue
        if len(fields) != 3:
            report.problems.append((number, _("Expected three fields: date, 休 or 班, name.")))
            continue
        raw_date, kind, name = (f.strip() for f in fields)
        try:
            day = datetime.date.fromisoformat(raw_date)
        except ValueError:
            report.problems.append((number, _("“%(value)s” is not a date like 2027-10-01.") % {"value": raw_date}))
            continue
        if kind not in (REST, WORK):
            report.problems.append((number, _("The second field is 休 (day off) or 班 (working day).")))
            continue
        if not name:
            report.problems.append((number, _("Name the holiday.")))
            continue
        parsed.append((number, SpecialDay(date=day, is_workday=kind == WORK, name=name)))
    years = {d.date.year for _, d in parsed}
    if len(years) > 1:
        report.problems.append(
            (
                0,
                _("A schedule covers one year; this one has %(years)s.")
                % {"years": ", ".join(map(str, sorted(years)))},
            )
        )
    seen = {}
    for number, day in parsed:
        if day.date in seen:
            report.problems.append(
                (number, _("%(date)s repeats line %(line)s.") % {"date": day.date, "line": seen[day.date]})
            )
        seen[day.date] = number
    if not parsed and not report.problems:
        report.problems.append((0, _("The file lists no days.")))
    if report.problems:
        return report
    report.year, report.days = years.pop(), len(parsed)
    with transaction.atomic():
        existing = CalendarYear.objects.select_for_update().filter(year=report.year).first()
        if existing and not replace:
            report.problems.append(
                (0, _("%(year)s is loaded already; import with replace to change it.") % {"year": report.year})
            )
            return report
        SpecialDay.objects.filter(date__year=report.year).delete()
        SpecialDay.objects.bulk_create([d for _, d in parsed])
        CalendarYear.objects.update_or_create(
            year=report.year, defaults={"source": CalendarYear.Source.IMPORT, "notice": notice}
        )
        _bump_version()
        audit.record(
            actor=actor,
            action="workcalendar.import_year",
            object_type="workcalendar.calendaryear",
            object_id=str(report.year),
            detail={"days": report.days, "replace": bool(existing)},
        )
    return report


@transaction.atomic
def calendar_changed(*, actor, action: str, obj) -> None:
    """Record an administrator's edit of a year or a day (made through the admin's forms) and let every process
    rebuild its calendar."""
    _bump_version()
    audit.record(actor=actor, action=action, obj=obj)
