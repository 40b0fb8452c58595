"""`patronage serve`: the web server and, beside it, a Celery worker with beat — everything `make run` needs."""

import json
import os
import subprocess
import sys
from argparse import ArgumentParser
from pathlib import Path
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
        command = [sys.executable, "-m", "celery", "-A", "config", "worker", "--beat", "--loglevel=INFO"]
        command += ["--concurrency=2", "--schedule", settings.CELERY_BEAT_SCHEDULE_FILENAME]
        # The worker's own log would bury the address printed below; it goes to a file instead.
        log = open(self._worker_log(), "ab")  # noqa: SIM115  (owned by the child process for its lifetime)
        return subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)

    def _worker_log(self) -> Path:
        folder = settings.VAR_DIR / "log"
        folder.mkdir(parents=True, exist_ok=True)
        return folder / "worker.log"

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
        jobs = (
            f"worker and scheduler running (log: {self._worker_log()})" if with_worker else "not started here"
        )
        lines.append(f"  background jobs: {jobs}")
        lines.append("Press Ctrl+C to stop.")
        self.stdout.write("\n".join(lines), self.style.SUCCESS)
