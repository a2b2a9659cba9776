from django.core.management.base import BaseCommand

from zerovisit.cases import lifecycle


class Command(BaseCommand):
    help = "Print docs/lifecycle.md: the case lifecycle table as people read it (`make docs` writes it)."

    def handle(self, *args, **options):
        self.stdout.write(lifecycle.markdown(), ending="")
