"""`patronage serve`: the web server and, beside it, a Celery worker with beat — everything `make run` needs."""

import json
import os
import subprocess
import sys
from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve the web application with a background worker and scheduler."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--threads", type=int, default=8)
        parser.add_argument(
            "--no-worker", action="store_true", help="serve only; jobs run on separate workers"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from waitress import serve

        from config.wsgi import application

        worker = None if options["no_worker"] else self._start_worker()
        self._announce(options["host"], options["port"], worker is not None)
        try:
            serve(
                application,
                host=options["host"],
                port=options["port"],
                threads=options["threads"],
                _quiet=True,
            )
        finally:
            if worker is not None:
                worker.terminate()
                worker.wait(timeout=20)

    def _start_worker(self) -> subprocess.Popen[bytes]:
        command = [sys.executable, "-m", "celery", "-A", "config", "worker", "--beat", "--loglevel=WARNING"]
        command += ["--concurrency=2", "--schedule", settings.CELERY_BEAT_SCHEDULE_FILENAME]
        return subprocess.Popen(command)

    def _announce(self, host: str, port: int, with_worker: bool) -> None:
        shown_host = "127.0.0.1" if host in {"0.0.0.0", "::"} else host
        base = f"http://{shown_host}:{port}"
        lines = [
            "",
            f"Patronage is running at {base}/",
            f"  staff console: {base}/console/",
            f"  member portal: {base}/portal/",
            f"  API docs:      {base}/api/v1/docs",
        ]
        logins_file = settings.VAR_DIR / "demo-logins.json"
        if logins_file.exists():
            logins = json.loads(logins_file.read_text())
            admin = next((s for s in logins.get("staff", []) if s.get("role") == "admin"), None)
            if admin:
                lines.append(f"  staff login:   {admin['username']} / {admin['password']}")
            if member := logins.get("member"):
                lines.append(f"  member login:  {member['email']} / {member['password']}")
            lines.append(f"  (every demo login: {logins_file})")
        lines.append(
            f"  background jobs: {'worker and scheduler running' if with_worker else 'not started here'}"
        )
        lines.append("Press Ctrl+C to stop.")
        self.stdout.write("\n".join(lines), self.style.SUCCESS)
