from django.core.management.base import BaseCommand

from zerovisit.workcalendar import services


class Command(BaseCommand):
    help = "Load the years the installed chinesecalendar package knows and the database lacks."

    def handle(self, **options):
        added = services.calendar_seed_from_package()
        self.stdout.write(f"{added} years added.")
