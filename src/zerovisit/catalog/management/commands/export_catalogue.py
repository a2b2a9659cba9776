from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from zerovisit.catalog import listfile, selectors
from zerovisit.core import audit
from zerovisit.org.models import Agency, Region


class Command(BaseCommand):
    help = "Export the current item versions as an implementation list (XLSX or CSV by the file's ending)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--agency", help="agency name or credit code")
        parser.add_argument("--region", help="region division code (includes the regions below it)")

    def handle(self, file: Path, agency: str | None, region: str | None, **options):
        suffix = file.suffix.lower()
        if suffix not in (".xlsx", ".csv"):
            raise CommandError("The file must end in .xlsx or .csv.")
        agency_obj = region_obj = None
        if agency:
            agency_obj = (
                Agency.objects.filter(credit_code=agency.upper()).first() or Agency.objects.filter(name=agency).first()
            )
            if agency_obj is None:
                raise CommandError(f"No agency {agency!r}.")
        if region:
            region_obj = Region.objects.filter(code=region).first()
            if region_obj is None:
                raise CommandError(f"No region {region!r}.")
        rows = [
            listfile.row_from_item(item, item.materials.all(), item.themes.all())
            for item in selectors.export_items(
                agencies=Agency.objects.filter(pk=agency_obj.pk) if agency_obj else None, region=region_obj
            )
        ]
        data = listfile.write_xlsx(rows) if suffix == ".xlsx" else listfile.write_csv(rows)
        file.write_bytes(data)
        audit.record_export(actor=None, what="catalog.serviceitem", rows=len(rows), format=suffix[1:], via="command",
                            file=str(file), agency=agency or "", region=region or "")  # fmt: skip
        self.stdout.write(f"{len(rows)} items written to {file}.")
