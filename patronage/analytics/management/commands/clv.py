"""`patronage clv fit|score FILE.csv`: CLV models from a transaction log or an RFM summary, no database."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
from django.core.management.base import BaseCommand, CommandError, CommandParser, no_translations

from patronage.analytics.clv import FitResult, TimeUnit
from patronage.analytics.files import summary_from_transactions, summary_read
from patronage.analytics.scoring import MODELS, clv_model_fit, clv_score
from patronage.core.errors import ApplicationError

TIME_UNITS: dict[str, TimeUnit] = {"day": "D", "week": "W", "month": "M"}


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise CommandError(f"--calibration-end: {text!r} is not a date (YYYY-MM-DD)") from error


class Command(BaseCommand):
    help = "Fits BG/NBD, Pareto/NBD or Gamma-Gamma to a CSV file, or scores its customers' lifetime value."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        fit = actions.add_parser("fit", help="fit a model and print its parameters")
        # Unknown models are ours to report (as a CommandError naming them), not argparse's.
        fit.add_argument("--model", required=True, help=f"one of {', '.join(MODELS)}")
        fit.add_argument("--json", action="store_true", help="print the fit as JSON")
        score = actions.add_parser("score", help="write each customer's p_alive, expected purchases and CLV")
        score.add_argument("--out", type=Path, required=True, help="the CSV file to write")
        score.add_argument("--model", default="bgnbd", help="the purchase model: bgnbd (default) or pareto")
        score.add_argument(
            "--horizon-days", type=float, default=365, help="days ahead to predict (default 365)"
        )
        score.add_argument(
            "--margin", type=float, default=1.0, help="profit margin on spend (default 1: revenue)"
        )
        score.add_argument(
            "--discount-rate", type=float, default=0.01, help="monthly discount rate (default 0.01)"
        )
        for sub in (fit, score):
            sub.add_argument(
                "file", type=Path, help="a CSV transaction log, or an RFM summary with --summary"
            )
            sub.add_argument(
                "--summary", action="store_true", help="the file holds frequency, recency, T per customer"
            )
            sub.add_argument("--customer-col", default="customer_id", help="default customer_id")
            sub.add_argument("--date-col", default="date", help="default date")
            sub.add_argument(
                "--date-format", default=None, help="strftime format of the dates (default ISO 8601)"
            )
            sub.add_argument(
                "--amount-col", default=None, help="the amount column (needed for spend and CLV)"
            )
            sub.add_argument("--time-unit", choices=sorted(TIME_UNITS), default="day", help="default day")
            sub.add_argument(
                "--calibration-end", type=_day, default=None, help="fit on purchases up to this day"
            )

    @no_translations
    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "fit":
                self._fit(options)
            else:
                self._score(options)
        except ApplicationError as error:
            raise CommandError(error.message) from error

    def _summary(self, options: dict[str, Any], *, monetary: bool) -> pl.DataFrame:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path} is not a file")
        if options["summary"]:
            if options["calibration_end"] is not None:
                raise CommandError("--calibration-end needs a transaction log, not a --summary file")
            return summary_read(path=path, customer_col=options["customer_col"], monetary=monetary)
        if monetary and options["amount_col"] is None:
            raise CommandError("spend needs amounts: give --amount-col")
        return summary_from_transactions(
            path=path,
            customer_col=options["customer_col"],
            date_col=options["date_col"],
            amount_col=options["amount_col"],
            time_unit=TIME_UNITS[options["time_unit"]],
            calibration_end=options["calibration_end"],
            date_format=options["date_format"],
        )

    def _fit(self, options: dict[str, Any]) -> None:
        model = options["model"]
        if model not in MODELS:
            raise CommandError(f"unknown model {model!r}: use one of {', '.join(MODELS)}")
        result = clv_model_fit(summary=self._summary(options, monetary=model == "gammagamma"), model=model)
        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict()))
        else:
            self.stdout.write(_table(result))

    def _score(self, options: dict[str, Any]) -> None:
        summary = self._summary(options, monetary=True)
        scores = clv_score(
            summary=summary,
            customer_col=options["customer_col"],
            model=options["model"],
            time_unit=TIME_UNITS[options["time_unit"]],
            horizon_days=options["horizon_days"],
            margin=options["margin"],
            discount_rate=options["discount_rate"],
        )
        out: Path = options["out"]
        try:
            scores.table.write_csv(out)
        except OSError as error:
            raise CommandError(f"cannot write {out}: {error}") from error
        self.stdout.write(
            f"{scores.table.height} customers scored into {out} "
            f"({scores.purchases.model} log-likelihood {scores.purchases.log_likelihood:.1f}, "
            f"gammagamma {scores.spend.log_likelihood:.1f})"
        )


def _table(result: FitResult) -> str:
    lines = [
        f"{result.model}: {result.n_customers} customers ({result.n_patterns} distinct rows)",
        f"{'parameter':<10} {'estimate':>12} {'std. error':>12}",
    ]
    lines += [
        f"{name:<10} {value:>12.4f} {result.standard_errors[name]:>12.4f}"
        for name, value in result.params.items()
    ]
    state = "converged" if result.converged else "NOT converged"
    lines.append(
        f"log-likelihood {result.log_likelihood:.2f}; {state} in {result.iterations} iterations ({result.message})"
    )
    return "\n".join(lines)
