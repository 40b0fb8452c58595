"""`patronage webhooks`: register an endpoint from the shell, list them, and listen as a receiver would.

`listen` is the receiving side an integrator writes, in a few lines, for trying webhooks on one machine:
register `http://127.0.0.1:8765/` (in the console or with `add`), then run `listen` with its secret and
watch each delivery arrive, verified.
"""

from __future__ import annotations

import json
from argparse import ArgumentParser
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from patronage.core.errors import ApplicationError
from patronage.messages import webhook_selectors, webhook_services

MAX_BODY = 1024 * 1024


class Command(BaseCommand):
    help = "Register webhook endpoints, list them, and listen for deliveries as a receiver."

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        add = actions.add_parser(
            "add", help="register an endpoint; prints its signing secret as the last line"
        )
        add.add_argument("--url", required=True)
        add.add_argument("--topics", default="*", help="comma-separated topics, or * for every topic")
        add.add_argument("--description", default="")
        actions.add_parser("list", help="list the endpoints (never their secrets)")
        listen = actions.add_parser("listen", help="receive deliveries on 127.0.0.1 and verify each")
        listen.add_argument("--secret", required=True, help="the endpoint's signing secret (whsec_...)")
        listen.add_argument("--port", type=int, default=8765)
        listen.add_argument("--count", type=int, default=0, help="stop after this many deliveries (0: never)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, f"_{options['action']}")(options)
        except ApplicationError as error:
            raise CommandError(error.message) from error

    def _add(self, options: dict[str, Any]) -> None:
        topics = [topic.strip() for topic in options["topics"].split(",") if topic.strip()]
        endpoint, secret = webhook_services.endpoint_create(
            actor=None, url=options["url"], topics=topics, description=options["description"]
        )
        self.stderr.write(f"Registered webhook #{endpoint.pk} to {endpoint.url} for: {', '.join(topics)}")
        self.stderr.write("Store the secret now: it is shown only once.")
        self.stdout.write(secret)

    def _list(self, options: dict[str, Any]) -> None:
        for endpoint in webhook_selectors.endpoint_list():
            state = "enabled" if endpoint.enabled else f"disabled {endpoint.disabled_reason}".strip()
            self.stdout.write(f"#{endpoint.pk}  {endpoint.url}  [{', '.join(endpoint.topics)}]  {state}")

    def _listen(self, options: dict[str, Any]) -> None:
        try:
            verifier = Webhook(options["secret"])
        except Exception as error:  # the library raises several kinds for a malformed secret
            raise CommandError(f"not a signing secret: {error}") from error
        server = _Receiver(options["port"], verifier, self.stdout.write)
        self.stderr.write(f"Listening on http://127.0.0.1:{server.server_address[1]}/ (Ctrl+C stops)")
        wanted = options["count"]
        try:
            while not wanted or server.verified < wanted:
                server.handle_request()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()


class _Receiver(HTTPServer):
    """Answers 204 to a delivery whose signature verifies, 401 to any other, and prints each."""

    def __init__(self, port: int, verifier: Webhook, write: Callable[[str], None]) -> None:
        super().__init__(("127.0.0.1", port), _Delivery)
        self.verifier, self.write, self.verified = verifier, write, 0


class _Delivery(BaseHTTPRequestHandler):
    server: _Receiver

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            self._answer(413, "too large")
            return
        body = self.rfile.read(length)
        try:
            envelope = self.server.verifier.verify(body, dict(self.headers))
        except WebhookVerificationError as error:
            self.server.write(f"refused {self.headers.get('webhook-id', '?')}: {error}")
            self._answer(401, "signature does not verify")
            return
        self.server.verified += 1
        data = json.dumps(envelope.get("data"), ensure_ascii=False)
        self.server.write(f"verified {self.headers['webhook-id']} {envelope.get('type')} {data}")
        self._answer(204, "")

    def _answer(self, status: int, text: str) -> None:
        self.send_response(status)
        self.send_header("Content-Length", str(len(text.encode())))
        self.end_headers()
        self.wfile.write(text.encode())

    def log_message(self, format: str, *args: Any) -> None:  # the command prints its own lines
        return
