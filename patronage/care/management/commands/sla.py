"""`patronage sla due|between`: business-hours arithmetic on a calendar file, from the shell; no database.

    patronage sla due --calendar seoul.json --start 2026-03-06T16:00:00+09:00 --seconds 7200
    2026-03-09T10:00:00+09:00
    patronage sla between --calendar seoul.json --start 2026-03-06T16:00:00+09:00 --end 2026-03-09T10:00:00+09:00
    7200

The calendar file is the JSON the console's calendar editor imports and exports (see patronage.care.sla).
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from patronage.care.sla import ALWAYS_OPEN, Calendar, CalendarError, between, calendar_from_dict, due

Pause = tuple[datetime, datetime]


class Command(BaseCommand):
    help = "Work out SLA due times and business time on a business-hours calendar."
    # A calculation on the files given: nothing here needs the project's checks or its database.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        due_parser = actions.add_parser(
            "due", help="print when the given business time has passed, in the calendar's time zone"
        )
        between_parser = actions.add_parser(
            "between", help="print how many seconds of business time lie between two moments"
        )
        for sub in (due_parser, between_parser):
            sub.add_argument(
                "--calendar",
                type=Path,
                metavar="FILE",
                help="the calendar as a JSON file; without it the clock runs day and night (UTC)",
            )
            sub.add_argument(
                "--start",
                required=True,
                metavar="WHEN",
                help="when the clock starts, with its time zone, e.g. 2026-03-06T16:00:00+09:00",
            )
        due_parser.add_argument(
            "--seconds", type=int, required=True, help="how much business time, in seconds (7200 is 2 hours)"
        )
        between_parser.add_argument(
            "--end", required=True, metavar="WHEN", help="the later moment, e.g. 2026-03-09T10:00:00+09:00"
        )
        for sub in (due_parser, between_parser):
            sub.add_argument(
                "--pause",
                action="append",
                default=[],
                metavar="START/END",
                help="a time the clock stood still, e.g. 2026-03-09T09:00+09:00/2026-03-09T11:00+09:00; "
                "give it again for more pauses",
            )

    def handle(self, *args: Any, **options: Any) -> None:
        calendar = _calendar(options["calendar"])
        start = _moment("--start", options["start"])
        pauses = [_pause(text) for text in options["pause"]]
        if options["action"] == "due":
            if options["seconds"] < 0:
                raise CommandError(f"--seconds: {options['seconds']} is negative; give 0 or more")
            self.stdout.write(due(calendar, start, options["seconds"], pauses).isoformat())
        else:
            end = _moment("--end", options["end"])
            self.stdout.write(str(between(calendar, start, end, pauses)))


def _calendar(path: Path | None) -> Calendar:
    if path is None:
        return ALWAYS_OPEN
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise CommandError(f"--calendar: cannot read {path}: {error.strerror or error}") from error
    except (ValueError, UnicodeDecodeError) as error:
        raise CommandError(f"--calendar: {path} is not JSON: {error}") from error
    try:
        return calendar_from_dict(data)
    except CalendarError as error:
        raise CommandError(f"--calendar: {path}: {error.field}: {error.message}") from error


def _moment(option: str, text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as error:
        raise CommandError(
            f"{option}: {text!r} is not a date and time like 2026-03-06T16:00:00+09:00"
        ) from error
    if moment.utcoffset() is None:
        raise CommandError(f"{option}: {text!r} has no time zone; add one, e.g. +09:00 or Z")
    return moment


def _pause(text: str) -> Pause:
    parts = text.split("/")
    if len(parts) != 2:
        raise CommandError(f"--pause: {text!r} must be START/END, two moments separated by /")
    start, end = _moment("--pause", parts[0]), _moment("--pause", parts[1])
    if end < start:
        raise CommandError(f"--pause: {text!r} ends before it starts")
    return start, end
