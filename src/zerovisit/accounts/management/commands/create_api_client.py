"""Make an API client for another system and print its bearer token (shown this once).

zerovisit create_api_client "徐州市市场监管局数据共享" --agency 徐州市市场监督管理局 --scope licenses:read
"""

from django.core.management.base import BaseCommand, CommandError

from zerovisit.accounts.services import create_api_client
from zerovisit.org.models import Agency

SCOPES = {"licenses:read"}


class Command(BaseCommand):
    help = "Create an API client and print its token once."

    def add_arguments(self, parser):
        parser.add_argument("name")
        parser.add_argument("--agency", required=True, help="name or credit code")
        parser.add_argument("--scope", action="append", required=True, choices=sorted(SCOPES))

    def handle(self, *args, name, agency, scope, **options):
        found = Agency.objects.filter(name=agency).first() or Agency.objects.filter(credit_code=agency).first()
        if found is None:
            raise CommandError(f"No agency is called or has the code “{agency}”.")
        _client, token = create_api_client(name=name, agency=found, scopes=scope)
        self.stdout.write(token)
