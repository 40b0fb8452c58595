"""`patronage serve`: the web server and, beside it, a Celery worker with beat — everything `make run` needs."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import traceback
from argparse import ArgumentParser
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from types import FrameType
from typing import Any, NoReturn
from wsgiref.types import WSGIApplication

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, connections

from patronage.core.roles import Role

_STOP_SIGNALS = {signal.SIGINT, signal.SIGTERM}
_STOP_GRACE_SECONDS = 20.0
_LISTEN_BACKLOG = 1024

_SignalHandler = Callable[[int, FrameType | None], Any] | int | signal.Handlers | None


class Command(BaseCommand):
    help = "Serve the web application with a background worker and scheduler."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--threads", type=int, default=8)
        parser.add_argument(
            "--processes",
            default=os.environ.get("WEB_PROCESSES", "auto"),
            help="web processes; 'auto' is 1 on SQLite, else one per CPU",
        )
        parser.add_argument(
            "--no-worker", action="store_true", help="serve only; jobs run on separate workers"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # Refused before anything starts, so a typo leaves no worker behind.
        processes = web_processes(options["processes"])

        from waitress import serve

        from config.wsgi import application

        host, port, threads = options["host"], options["port"], options["threads"]
        worker = None if options["no_worker"] else self._start_worker()
        self._announce(host, port, worker is not None, processes, threads)
        try:
            if processes == 1:
                # SIGTERM (a service manager's stop) ends the server as Ctrl+C does, so the worker
                # beside it is stopped below instead of being left running.
                signal.signal(signal.SIGTERM, _raise_system_exit)
                serve(application, host=host, port=port, threads=threads, _quiet=True)
            else:
                serve_prefork(application, host, port, processes, threads)
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

    def _announce(self, host: str, port: int, with_worker: bool, processes: int, threads: int) -> None:
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
            # Files written before roles became groups (decision 0012) name the role "admin".
            admin = next((s for s in logins.get("staff", []) if s.get("role") in (Role.ADMIN, "admin")), None)
            if admin:
                lines.append(f"  staff login:   {admin['username']} / {admin['password']}")
            if member := logins.get("member"):
                lines.append(f"  member login:  {member['email']} / {member['password']}")
            lines.append(f"  (every demo login: {logins_file})")
        lines.append(f"  web: {_plural(processes, 'process', 'processes')} x {_plural(threads, 'thread')}")
        jobs = (
            f"worker and scheduler running (log: {self._worker_log()})" if with_worker else "not started here"
        )
        lines.append(f"  background jobs: {jobs}")
        lines.append("Press Ctrl+C to stop.")
        self.stdout.write("\n".join(lines), self.style.SUCCESS)


def web_processes(value: str) -> int:
    """The number of web processes `--processes VALUE` asks for."""
    if value == "auto":
        # Several writer processes on one SQLite file only queue for its single write lock.
        return 1 if connection.vendor == "sqlite" else (os.cpu_count() or 1)
    try:
        processes = int(value)
    except ValueError:
        processes = 0
    if processes < 1:
        raise CommandError(f"--processes must be 'auto' or a whole number of at least 1, not {value!r}")
    return processes


def serve_prefork(application: WSGIApplication, host: str, port: int, processes: int, threads: int) -> None:
    """Serves from several forked processes sharing one listening socket; each has its own GIL.

    Returns when SIGINT or SIGTERM stops it; raises CommandError when a web process dies on its own.
    """
    sock = _listen(host, port)
    # A child that inherited an open database connection would share its socket with its siblings.
    connections.close_all()
    # A child's exit must not print the parent's buffered output a second time.
    sys.stdout.flush()
    sys.stderr.flush()
    children: set[int] = set()
    try:
        with _signals(_raise_stop):
            with sock:  # the parent only hands it on: each child holds its own copy
                for _ in range(processes):
                    _fork_web_process(application, sock, threads, children)
            pid, code = _wait_for_first_exit(children)
    except _StopServing:
        return
    finally:
        # A second Ctrl+C must not interrupt the (bounded) shutdown and orphan the children.
        with _signals(signal.SIG_IGN):
            _stop(children)
    raise CommandError(f"web process {pid} exited unexpectedly ({_describe(code)}); stopped the others")


def _listen(host: str, port: int) -> socket.socket:
    try:
        family, _type, _proto, _name, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
        # create_server sets SO_REUSEADDR, so a restart need not wait for old connections to time out.
        return socket.create_server(address, family=family, backlog=_LISTEN_BACKLOG)
    except OSError as exc:
        raise CommandError(f"cannot listen on {host}:{port}: {exc}") from exc


def _fork_web_process(
    application: WSGIApplication, sock: socket.socket, threads: int, children: set[int]
) -> None:
    # Stop signals stay blocked across the fork until the child has its own handlers (one arriving
    # in between would run the parent's handler inside the child) and until the parent has noted
    # the pid (one raising before that would leave the child running, unknown to the shutdown).
    signal.pthread_sigmask(signal.SIG_BLOCK, _STOP_SIGNALS)
    try:
        pid = os.fork()
        if pid == 0:
            _run_web_process(application, sock, threads)
        children.add(pid)
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOP_SIGNALS)


def _run_web_process(application: WSGIApplication, sock: socket.socket, threads: int) -> NoReturn:
    from waitress import serve

    code = 1
    try:
        # waitress's loop treats KeyboardInterrupt and SystemExit as "stop": it finishes its threads and returns.
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGTERM, _raise_system_exit)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOP_SIGNALS)
        serve(application, sockets=[sock], threads=threads, _quiet=True)
        code = 0
    except (KeyboardInterrupt, SystemExit):
        code = 0
    except BaseException:
        traceback.print_exc()
    finally:
        sys.stderr.flush()
        # Never return into the parent's code (the command, its worker's finally block) from a child.
        os._exit(code)


def _wait_for_first_exit(children: set[int]) -> tuple[int, int]:
    """Waits until one web process ends; returns its pid and exit code (negative: killed by that signal)."""
    # Polling each known pid, not os.wait(), which would also reap the Celery worker that Popen owns.
    while True:
        for pid in children:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                children.discard(pid)
                return pid, os.waitstatus_to_exitcode(status)
        time.sleep(0.2)


def _stop(children: set[int]) -> None:
    """SIGTERM to every web process, then SIGKILL to any still running after the grace period."""
    for pid in children:
        _kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + _STOP_GRACE_SECONDS
    while children and time.monotonic() < deadline:
        children.difference_update({pid for pid in children if _reaped(pid)})
        if children:
            time.sleep(0.1)
    for pid in children:
        _kill(pid, signal.SIGKILL)
        with suppress(ChildProcessError):
            os.waitpid(pid, 0)
    children.clear()


def _reaped(pid: int) -> bool:
    try:
        return os.waitpid(pid, os.WNOHANG)[0] != 0
    except ChildProcessError:
        return True


def _kill(pid: int, signum: int) -> None:
    with suppress(ProcessLookupError):
        os.kill(pid, signum)


class _StopServing(Exception):
    """Raised in the parent by SIGINT or SIGTERM to leave its wait."""


def _raise_stop(signum: int, frame: FrameType | None) -> None:
    raise _StopServing


def _raise_system_exit(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(0)


@contextmanager
def _signals(handler: _SignalHandler) -> Iterator[None]:
    """Installs handler for SIGINT and SIGTERM, and puts back the previous ones afterwards."""
    previous = {signum: signal.signal(signum, handler) for signum in _STOP_SIGNALS}
    try:
        yield
    finally:
        for signum, old in previous.items():
            signal.signal(signum, old)


def _describe(code: int) -> str:
    return f"killed by signal {-code}" if code < 0 else f"exit code {code}"


def _plural(count: int, one: str, many: str = "") -> str:
    return f"{count} {one if count == 1 else many or one + 's'}"
