"""The assessment report of a period as XLSX: a summary sheet of the scope, then one sheet per level (city,
county, town, village) with a line per agency, in Chinese whatever the reader's language, as assessment offices
file it."""

import datetime
import io

from django.utils import translation

from zerovisit.org.models import Level

from . import selectors
from .indicators import INDICATORS


def workbook(scope: selectors.Scope, start: datetime.date, end: datetime.date) -> tuple[bytes, int]:
    """The file and how many agency lines it holds."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    with translation.override("zh-hans"):
        book = Workbook()
        summary = book.active
        summary.title = "汇总"
        summary.append(["范围", scope.name])
        summary.append(["统计期间", f"{start.isoformat()} 至 {end.isoformat()}"])
        summary.append([])
        summary.append(["指标", "数值", "单位", "口径"])
        totals = selectors.totals(scope, start, end)
        for indicator in INDICATORS.values():
            summary.append(
                [str(indicator.name), indicator.of(totals), str(indicator.unit_label), indicator.description]
            )
        for row in (1, 2, 4):
            summary.cell(row=row, column=1).font = Font(bold=True)

        by_level: dict[int, list] = {}
        for agency, agency_totals in selectors.per_agency(scope, start, end):
            by_level.setdefault(agency.region.level, []).append((agency, agency_totals))
        lines = 0
        for level in sorted(by_level):
            sheet = book.create_sheet(title=str(Level(level).label)[:31])
            sheet.append(
                ["地区", "部门", *(f"{indicator.name}（{indicator.unit_label}）" for indicator in INDICATORS.values())]
            )
            for agency, agency_totals in by_level[level]:
                sheet.append([agency.region.name, agency.name,
                              *(indicator.of(agency_totals) for indicator in INDICATORS.values())])  # fmt: skip
                lines += 1
            sheet.freeze_panes = "C2"
        out = io.BytesIO()
        book.save(out)
    return out.getvalue(), lines
