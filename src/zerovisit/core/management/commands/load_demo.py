from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from zerovisit import demo_data
from zerovisit.catalog import services
from zerovisit.demo_data.bundles import load_bundles
from zerovisit.demo_data.history import load_history
from zerovisit.demo_data.transfers import load_transfers
from zerovisit.org import services as org_services
from zerovisit.supervision.services import apply_rollup_queue


class Command(BaseCommand):
    help = "Load the Xuzhou demo: regions, agencies, halls, demo accounts and the hand-written catalogue."

    def handle(self, **options):
        demo_data.load_organisation()
        seals = org_services.seal_approval_bureaus()
        self.stdout.write(f"Seals: {len(seals)} new (one per approval bureau).")
        accounts = demo_data.load_users()
        rows = demo_data.catalogue_rows()
        with tqdm(total=len(rows), desc="事项", unit="项", disable=options["verbosity"] == 0) as bar:
            report = services.catalogue_import(actor=None, rows=rows, progress=bar.update)
        if not report.ok:
            for line in report.lines():
                self.stderr.write(line)
            raise CommandError("The demo catalogue has problems; nothing of it was written.")
        self.stdout.write(f"Catalogue: {report.created} new, {report.updated} updated, {report.unchanged} unchanged.")
        self.stdout.write(f"Licences: {demo_data.load_licenses()} new in the library.")
        self.stdout.write(f"Service apps: {demo_data.load_apps()} in the directory.")
        self.stdout.write(f"OAuth app: {demo_data.load_oauth_app()} (authorization code with PKCE).")
        numbers = demo_data.load_cases()
        self.stdout.write(f"Demo cases: {', '.join(numbers)}")
        self.stdout.write(f"Power transfers: {load_transfers()} planned (邳州市, 徐州经济技术开发区).")
        self.stdout.write(f"Bundles (一件事): {load_bundles()} new (企业开办, 新生儿出生, 二手房转移登记).")
        self.stdout.write(f"History: {load_history()} cases of the past year added.")
        self.stdout.write(f"Supervision roll-ups: {apply_rollup_queue()} case changes counted.")
        self.stdout.write(f"Demo accounts (password {demo_data.DEMO_PASSWORD}):")
        for username, display_name in accounts:
            self.stdout.write(f"  {username:<12} {display_name}")
