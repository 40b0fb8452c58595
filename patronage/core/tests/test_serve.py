"""`patronage serve`: its option checks, and the prefork server starting, answering and stopping for real."""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from patronage.core.management.commands.serve import web_processes

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize("value", ["0", "-2", "many"])
def test_processes_must_be_auto_or_at_least_one(value):
    with pytest.raises(CommandError, match="--processes"):
        call_command("serve", "--no-worker", "--processes", value)


def test_auto_processes_is_one_on_sqlite_and_one_per_cpu_elsewhere():
    expected = 1 if connection.vendor == "sqlite" else os.cpu_count()
    assert web_processes("auto") == expected
    assert web_processes("3") == 3


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _children(pid: int) -> set[int]:
    """The pids whose parent is pid, read from /proc (no ps needed)."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            # The command name in parentheses may hold spaces; the parent pid is the second field after it.
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError, IndexError):
            continue
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _wait_until_healthy(server: subprocess.Popen[bytes], url: str, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert server.poll() is None, f"serve exited early:\n{log.read_text()}"
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.25)
    pytest.fail(f"{url} did not answer 200 within 60 s:\n{log.read_text()}")


@contextlib.contextmanager
def _serving(tmp_path: Path, *options: str):
    """`manage.py serve OPTIONS` on its own SQLite file and var folder, answering; killed whatever happens."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "CACHE_URL"))}
    # Its own SQLite file and var folder, so the test shares nothing with a running product or other tests.
    env |= {
        "PATRONAGE_VAR_DIR": str(tmp_path / "var"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True, timeout=180)
    port = _free_port()
    log = tmp_path / "serve.log"
    command = [*manage, "serve", *options, "--host", "127.0.0.1", "--port", str(port)]
    with log.open("wb") as out:
        # Its own session, so the cleanup below can kill everything it started, whatever happens.
        server = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        _wait_until_healthy(server, f"http://127.0.0.1:{port}/healthz", log)
        yield server, log
    finally:
        # Whatever is left of its session (the server, or children it failed to stop) goes.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=10)


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads child processes from /proc")
def test_two_web_processes_answer_and_all_stop_on_ctrl_c(tmp_path):
    with _serving(tmp_path, "--no-worker", "--processes", "2") as (server, log):
        children = _children(server.pid)
        assert len(children) == 2, log.read_text()
        assert "web: 2 processes x 8 threads" in log.read_text()

        server.send_signal(signal.SIGINT)
        assert server.wait(timeout=30) == 0, log.read_text()
        assert not any(_alive(pid) for pid in children)


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads child processes from /proc")
def test_a_stop_by_sigterm_also_stops_the_worker_beside_the_server(tmp_path):
    with _serving(tmp_path, "--processes", "1") as (server, log):
        worker = _children(server.pid)
        assert len(worker) == 1, log.read_text()  # one process serves; its one child is the worker

        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=40) == 0, log.read_text()
        deadline = time.monotonic() + 30
        while any(_alive(pid) for pid in worker) and time.monotonic() < deadline:
            time.sleep(0.25)
        assert not any(_alive(pid) for pid in worker)
