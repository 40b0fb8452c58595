"""`patronage inbound mbox FILE`: receive every message of a mailbox file, as the inbound API would.

For loading what a mail server kept while the product was not connected, or a mailbox exported from a mail
client. One line per message (stored, already stored, or refused and why) and a summary; the exit status
is non-zero when any message was refused.
"""

from __future__ import annotations

import mailbox
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from patronage.messages.inbound_parse import InboundRefused
from patronage.messages.inbound_services import inbound_email_receive


class Command(BaseCommand):
    help = "Receive inbound e-mail from a mailbox file (mbox)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        mbox = actions.add_parser("mbox", help="receive every message of an mbox file")
        mbox.add_argument("file", help="the mailbox file")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"no mailbox file at {path}")
        counts = {"stored": 0, "already stored": 0, "refused": 0}
        box = mailbox.mbox(path, create=False)
        try:
            for number, key in enumerate(box.iterkeys(), start=1):
                outcome = self._receive(box.get_bytes(key))
                counts[outcome.split(":", 1)[0]] += 1
                self.stdout.write(f"{number}: {outcome}")
        finally:
            box.close()
        summary = ", ".join(f"{count} {name}" for name, count in counts.items())
        if counts["refused"]:
            raise CommandError(f"{summary}: some messages were refused")
        self.stdout.write(summary)

    def _receive(self, raw: bytes) -> str:
        try:
            email = inbound_email_receive(raw=raw)
        except InboundRefused as error:
            return f"refused: {error.message}"
        state = "already stored" if email.already_stored else "stored"
        member = f"member #{email.member_id}" if email.member_id else "no member"
        handled = f", taken by {email.handled_by}" if email.handled_by else ""
        return f"{state}: #{email.pk} from {email.from_address} ({member}){handled}: {email.subject}"
