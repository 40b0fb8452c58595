"""A real HTTP server on 127.0.0.1 that receives webhooks in a thread, answering from a script."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass(frozen=True)
class Receipt:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    """Answers each request with the next status of `script` (then `then` for ever) and keeps what came."""

    script: list[int] = field(default_factory=list)
    then: int = 200
    answer: bytes = b'{"ok": true}'
    receipts: list[Receipt] = field(default_factory=list)
    url: str = ""
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def take(self, receipt: Receipt) -> int:
        with self._lock:
            self.receipts.append(receipt)
            return self.script.pop(0) if self.script else self.then

    def ids(self) -> list[str]:
        return [receipt.headers["webhook-id"] for receipt in self.receipts]


@contextmanager
def receiving(
    script: list[int] | None = None, *, then: int = 200, answer: bytes = b'{"ok": true}'
) -> Iterator[Receiver]:
    receiver = Receiver(script=list(script or []), then=then, answer=answer)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body go in two writes: no 40 ms wait between them

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            headers = {name.lower(): value for name, value in self.headers.items()}
            status = receiver.take(Receipt(self.path, headers, body))
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(receiver.answer)))
            self.end_headers()
            self.wfile.write(receiver.answer)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}/hooks"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
