"""The official schedules the chinesecalendar package carries (2004–2026 in version 1.11), as plain data."""

import datetime

HOLIDAY_NAMES = {
    "New Year's Day": "元旦", "Spring Festival": "春节", "Tomb-sweeping Day": "清明节", "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节", "National Day": "国庆节", "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}  # fmt: skip


def package_schedule() -> dict[int, list[tuple[datetime.date, bool, str]]]:
    """year → [(date, is working day, name)] for the days that differ from Monday–Friday."""
    import chinese_calendar

    years: dict[int, list[tuple[datetime.date, bool, str]]] = {}
    for day, name in chinese_calendar.holidays.items():
        if day.weekday() < 5:  # a weekend inside a holiday is a rest day anyway
            years.setdefault(day.year, []).append((day, False, HOLIDAY_NAMES.get(name, name)))
    for day, name in chinese_calendar.workdays.items():
        years.setdefault(day.year, []).append((day, True, f"{HOLIDAY_NAMES.get(name, name)}调休上班"))
    return {year: sorted(days) for year, days in years.items()}
