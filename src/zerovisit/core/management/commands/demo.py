import os
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from zerovisit.core.supervisor import Supervisor


def processes(port: int) -> dict[str, list[str]]:
    """What the demo runs, each restarted by the supervisor if it exits (a worker or scheduler outlives a lost
    database by itself; anything else that ends it, the supervisor catches)."""
    zerovisit = [sys.executable, "-m", "zerovisit"]
    web = (
        f"-m gunicorn zerovisit.wsgi --bind 127.0.0.1:{port} --workers 2 --threads 4 --access-logfile -"
        " --logger-class zerovisit.core.gunicorn.Logger"
    ).split()  # its logs mask personal data too
    return {
        "web": [sys.executable, *web],
        "worker": [*zerovisit, "worker"],
        "scheduler": [*zerovisit, "scheduler"],
    }


class Command(BaseCommand):
    help = "Migrate, load the demo data, then run the web server, a background worker and the scheduler."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=int(os.environ.get("ZV_PORT", "8000")))
        parser.add_argument("--no-serve", action="store_true", help="prepare the database and stop")

    def handle(self, port: int, no_serve: bool, **options):
        # The demo is served over plain http on this machine, and verifies people against a simulated register
        # that knows the demo's people; both are refused by `check --deploy`.
        os.environ.setdefault("ZV_SECURE_COOKIES", "false")
        os.environ.setdefault("ZV_IDENTITY_REGISTER", "zerovisit.accounts.registers.SimulatedRegister")
        os.environ.setdefault("ZV_ENTITY_REGISTER", "zerovisit.accounts.registers.SimulatedEntityRegister")
        call_command("migrate", verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        call_command("load_demo")
        if no_serve:
            return
        supervisor = Supervisor(processes(port), env={**os.environ, "DJANGO_SETTINGS_MODULE": "zerovisit.settings"})
        with supervisor.signals_handled():  # Ctrl+C, SIGTERM or a closed terminal stop every process cleanly
            supervisor.start()
            self.stdout.write(
                self.style.SUCCESS(
                    f"\nzerovisit is running: http://127.0.0.1:{port}/  (admin: http://127.0.0.1:{port}/"
                    f"{settings.ADMIN_PATH}, API: http://127.0.0.1:{port}/api/v1/docs/)\nPress Ctrl+C to stop."
                )
            )
            supervisor.run()
