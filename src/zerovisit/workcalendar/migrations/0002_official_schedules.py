"""Every installation starts with the official schedules 2004–2026 (from the chinesecalendar package)."""

from django.db import migrations


def seed(apps, schema_editor):
    from zerovisit.workcalendar.official import package_schedule

    CalendarYear = apps.get_model("workcalendar", "CalendarYear")
    SpecialDay = apps.get_model("workcalendar", "SpecialDay")
    CalendarVersion = apps.get_model("workcalendar", "CalendarVersion")
    schedule = package_schedule()
    known = set(CalendarYear.objects.values_list("year", flat=True))
    years = sorted(set(schedule) - known)
    CalendarYear.objects.bulk_create([CalendarYear(year=y, source="chinesecalendar") for y in years])
    SpecialDay.objects.bulk_create(
        [SpecialDay(date=day, is_workday=working, name=name) for y in years for day, working, name in schedule[y]]
    )
    CalendarVersion.objects.update_or_create(pk=1, defaults={"number": 1})


class Migration(migrations.Migration):
    dependencies = [("workcalendar", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
