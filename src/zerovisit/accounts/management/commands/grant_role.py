"""Give an account a staff role, or take it away, from the server's command line: how the first security
administrator is made after `createsuperuser` (三员分立: the superuser, the system administrator, cannot).

zerovisit grant_role anquan security_admin
zerovisit grant_role anquan security_admin --revoke
"""

from django.core.management.base import BaseCommand, CommandError

from zerovisit.accounts.models import Role, User
from zerovisit.accounts.services.separation import set_role
from zerovisit.core.errors import DomainError


class Command(BaseCommand):
    help = "Give an account a staff role (or take it away with --revoke); audited."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("role", choices=Role.values)
        parser.add_argument("--revoke", action="store_true")

    def handle(self, *args, username, role, revoke, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No account is called “{username}”.")
        try:
            changed = set_role(actor=None, user=user, role=role, held=not revoke, via="grant_role")
        except DomainError as error:
            raise CommandError(f"{error.code}: {error.message}") from None
        state = "no longer holds" if revoke else "holds"
        self.stdout.write(f"{username} {state} {role}{'' if changed else ' (unchanged)'}.")
