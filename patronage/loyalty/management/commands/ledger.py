from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from patronage.loyalty.models import Account
from patronage.loyalty.selectors import ledger_verify


class Command(BaseCommand):
    help = "Checks the points ledger."

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        actions.add_parser(
            "verify", help="prove every account's balances equal the sums of its entries and lots"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        problems = ledger_verify()
        for problem in problems[:100]:
            self.stderr.write(
                f"account #{problem.account_id}: {problem.what}: cached {problem.cached}, actual {problem.actual}"
            )
        if problems:
            raise CommandError(f"{len(problems)} discrepancies found")
        self.stdout.write(
            f"ledger verified: {Account.objects.count()} accounts, cached balances equal their entries"
        )
