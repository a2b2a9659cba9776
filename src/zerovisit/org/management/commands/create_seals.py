"""Create the platform root and the agencies' seals (电子印章).

zerovisit create_seals                      # a seal for every approval bureau that has none
zerovisit create_seals --agency 徐州市公安局  # also for an agency that signs itself
zerovisit create_seals --agency 徐州市行政审批局 --rotate   # a new key; what the old one signed stays valid
zerovisit create_seals --rotate-root        # a new root; the old one stays a trust anchor
"""

from django.core.management.base import BaseCommand, CommandError

from zerovisit.org import services
from zerovisit.org.models import Agency, Seal, SealKind


class Command(BaseCommand):
    help = "Create the platform root and the seals of the approval bureaus (and of --agency)."

    def add_arguments(self, parser):
        parser.add_argument("--agency", action="append", default=[], help="name or credit code; repeatable")
        parser.add_argument("--rotate", action="store_true", help="replace the named agencies' seals")
        parser.add_argument("--rotate-root", action="store_true")

    def handle(self, *args, agency, rotate, rotate_root, **options):
        if rotate_root or services.active_root() is None:
            root = services.create_root()
            self.stdout.write(f"root {root.fingerprint[:16]}")
        named = []
        for value in agency:
            found = Agency.objects.filter(name=value).first() or Agency.objects.filter(credit_code=value).first()
            if found is None:
                raise CommandError(f"No agency is called or has the code “{value}”.")
            named.append(found)
        made = services.seal_approval_bureaus()
        for target in named:
            if rotate or not Seal.objects.filter(kind=SealKind.AGENCY, active=True, agency=target).exists():
                made.append(services.issue_seal(agency=target))
        for seal in made:
            self.stdout.write(f"seal {seal.agency.name} {seal.fingerprint[:16]}")
