"""`patronage demo`: loads the demo business (docs/guide/demo-data.md)."""

from argparse import ArgumentParser, ArgumentTypeError
from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from patronage.core import clock
from patronage.core.errors import ApplicationError
from patronage.demo.load import DemoReport, default_start, demo_load, demo_period
from patronage.members.models import Member

# The parts a flag leaves out: --no-loyalty, --no-analytics.
OPTIONAL_PARTS = ("loyalty", "analytics")


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise ArgumentTypeError(f"{value} is not a positive whole number")
    return number


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise ArgumentTypeError(f"'{value}' is not a date in the form YYYY-MM-DD") from exc


class Command(BaseCommand):
    help = "Load the demo business: a home-goods retailer with members, orders, returns and problems."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--members", type=_positive, default=3000, help="how many members (default 3000)")
        parser.add_argument(
            "--seed", type=int, default=42, help="random seed; the same seed gives the same data"
        )
        parser.add_argument(
            "--if-empty", action="store_true", help="do nothing when the database has members"
        )
        parser.add_argument(
            "--truth", type=Path, default=None, help="truth file (default VAR_DIR/demo-truth.json)"
        )
        parser.add_argument(
            "--start", type=_day, default=None, help="first day, YYYY-MM-DD (default: ends today)"
        )
        parser.add_argument(
            "--years", type=_positive, default=2, help="length of the period in years (default 2)"
        )
        parser.add_argument(
            "--no-analytics",
            action="store_true",
            help="do not queue the standard analyses (the worker computes them when the product runs)",
        )
        parser.add_argument(
            "--no-loyalty",
            action="store_true",
            help="leave out the loyalty programmes and the members' points (a faster load)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["if_empty"] and Member.objects.exists():
            self.stdout.write("demo data already loaded")
            return
        years = options["years"]
        start = options["start"] or default_start(clock.today(), years)
        try:
            report = demo_load(
                members=options["members"],
                seed=options["seed"],
                period=demo_period(start, years),
                truth_path=options["truth"] or settings.VAR_DIR / "demo-truth.json",
                logins_path=settings.VAR_DIR / "demo-logins.json",
                progress=options["verbosity"] > 0,
                leave_out=[name for name in OPTIONAL_PARTS if options[f"no_{name}"]],
            )
        except ApplicationError as error:
            raise CommandError(error.message) from error
        self._summary(report)

    def _summary(self, report: DemoReport) -> None:
        lines = [f"Loaded the demo business ({report.members:,} members) in {report.seconds:.1f} s:"]
        lines += [f"  {count:>12,}  {label}" for label, count in report.counts.items()]
        lines.append(f"  {sum(report.counts.values()):>12,}  rows in all")
        lines += report.lines
        lines.append(
            f"Logins (one per staff role, and {report.portal_email} for the portal): {report.logins_path}"
        )
        lines.append(f"Truth for analytics: {report.truth_path}")
        self.stdout.write("\n".join(lines), self.style.SUCCESS)
