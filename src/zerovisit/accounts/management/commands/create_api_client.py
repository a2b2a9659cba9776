"""Make an API client for another system and print its OAuth client id and secret (the secret shown this once).

zerovisit create_api_client "徐州市市场监管局数据共享" --agency 徐州市市场监督管理局 --scope licenses:read
zerovisit create_api_client "徐州市市场监管局数据共享" --new-secret   # a new secret; the old one stops working
"""

from django.core.management.base import BaseCommand, CommandError

from zerovisit.accounts.models import ApiClient
from zerovisit.accounts.services import create_api_client, issue_client_credentials
from zerovisit.accounts.services.api_clients import CLIENT_SCOPES
from zerovisit.core.errors import DomainError
from zerovisit.org.models import Agency


class Command(BaseCommand):
    help = "Create an API client (or give one a new secret) and print its client id and secret once."

    def add_arguments(self, parser):
        parser.add_argument("name")
        parser.add_argument("--agency", help="name or credit code")
        parser.add_argument("--scope", action="append", choices=sorted(CLIENT_SCOPES))
        parser.add_argument("--new-secret", action="store_true",
                            help="a new secret for the client (its first, for a client with a zv_ token)")  # fmt: skip

    def handle(self, *args, name, agency, scope, new_secret, **options):
        if new_secret:
            client = ApiClient.objects.select_related("application").filter(name=name).first()
            if client is None:
                raise CommandError(f"No API client is called “{name}”.")
            secret = issue_client_credentials(client=client)
        else:
            if not agency or not scope:
                raise CommandError("Give --agency and at least one --scope.")
            found = Agency.objects.filter(name=agency).first() or Agency.objects.filter(credit_code=agency).first()
            if found is None:
                raise CommandError(f"No agency is called or has the code “{agency}”.")
            if ApiClient.objects.filter(name=name).exists():
                raise CommandError(f"An API client is already called “{name}” (--new-secret gives it a new secret).")
            try:
                client, secret = create_api_client(name=name, agency=found, scopes=scope)
            except DomainError as exc:
                raise CommandError(str(exc)) from exc
        self.stdout.write(f"client_id={client.application.client_id}\nclient_secret={secret}")
