import os
import signal
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Migrate, load the demo data, then run the web server, a background worker and the scheduler."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=int(os.environ.get("ZV_PORT", "8000")))
        parser.add_argument("--no-serve", action="store_true", help="prepare the database and stop")

    def handle(self, port: int, no_serve: bool, **options):
        call_command("migrate", verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        call_command("load_demo")
        if no_serve:
            return
        settings_env = {**os.environ, "DJANGO_SETTINGS_MODULE": "zerovisit.settings"}
        worker = subprocess.Popen([sys.executable, "-m", "zerovisit", "db_worker"], env=settings_env)
        scheduler = subprocess.Popen([sys.executable, "-m", "zerovisit", "scheduler"], env=settings_env)
        web = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "zerovisit.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "2",
                "--threads",
                "4",
                "--access-logfile",
                "-",
            ],
            env=settings_env,
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"\nzerovisit is running: http://127.0.0.1:{port}/  (admin: http://127.0.0.1:{port}/{settings.ADMIN_PATH}"
                f", API: http://127.0.0.1:{port}/api/v1/docs/)\nPress Ctrl+C to stop."
            )
        )
        try:
            web.wait()
        except KeyboardInterrupt:
            pass
        finally:
            for process in (web, worker, scheduler):
                process.send_signal(signal.SIGTERM)
            for process in (web, worker, scheduler):
                process.wait(timeout=20)
