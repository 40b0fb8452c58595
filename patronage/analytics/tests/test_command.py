"""`patronage clv fit|score`: the CDNOW sample from the command line, and clear errors for bad input."""

from __future__ import annotations

import csv
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from patronage.analytics.tests.conftest import TRANSACTIONS


def clv(*args):
    out = StringIO()
    call_command("clv", *[str(arg) for arg in args], stdout=out)
    return out.getvalue()


@pytest.fixture
def summary_file(tmp_path, cdnow):
    path = tmp_path / "summary.csv"
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["customer_id", "frequency", "recency", "T", "monetary_value"])
        for i, row in enumerate(zip(cdnow["x"], cdnow["t_x"], cdnow["T"], cdnow["zbar"], strict=True)):
            writer.writerow([i + 1, *row])
    return path


def test_fit_json_gives_the_published_bgnbd_parameters(summary_file):
    result = json.loads(clv("fit", summary_file, "--summary", "--model", "bgnbd", "--json"))

    assert result["model"] == "bgnbd"
    assert result["params"] == pytest.approx({"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}, abs=1e-3)
    assert result["log_likelihood"] == pytest.approx(-9582.4, abs=0.1)
    assert set(result["standard_errors"]) == {"r", "alpha", "a", "b"}
    assert result["converged"] is True
    assert result["n_customers"] == 2357


@pytest.mark.parametrize(
    ("model", "names"), [("pareto", {"r", "alpha", "s", "beta"}), ("gammagamma", {"p", "q", "gamma"})]
)
def test_fit_json_names_each_models_parameters(summary_file, model, names):
    result = json.loads(clv("fit", summary_file, "--summary", "--model", model, "--json"))

    assert set(result["params"]) == names
    assert result["converged"] is True


def test_fit_from_transactions_with_a_calibration_end_is_the_weekly_fit_in_days():
    result = json.loads(
        clv("fit", TRANSACTIONS, "--model", "bgnbd", "--calibration-end", "1997-09-30", "--json")
    )

    # Days instead of weeks: the same r, a, b and alpha seven times larger.
    assert result["params"]["r"] == pytest.approx(0.2426, abs=1e-3)
    assert result["params"]["alpha"] / 7 == pytest.approx(4.414, abs=0.01)


def test_fit_without_json_prints_a_table(summary_file):
    text = clv("fit", summary_file, "--summary", "--model", "gammagamma")

    assert "gammagamma: 946 customers" in text
    assert "log-likelihood -4055.92; converged" in text


def test_score_writes_every_customers_value(tmp_path):
    out = tmp_path / "scores.csv"

    message = clv(
        "score",
        TRANSACTIONS,
        "--amount-col",
        "amount",
        "--time-unit",
        "week",
        "--calibration-end",
        "1997-09-30",
        "--out",
        out,
        "--horizon-days",
        "364",
        "--margin",
        "0.3",
    )

    with out.open() as handle:
        scores = list(csv.DictReader(handle))
    assert "2357 customers scored" in message
    assert len(scores) == 2357
    assert list(scores[0]) == [
        "customer_id",
        "frequency",
        "recency",
        "T",
        "monetary_value",
        "p_alive",
        "expected_purchases",
        "expected_spend",
        "clv",
    ]
    assert all(0 <= float(row["p_alive"]) <= 1 and float(row["clv"]) >= 0 for row in scores)
    # Repeat buyers are worth more, on average, than customers who bought once.
    repeat = [float(row["clv"]) for row in scores if float(row["frequency"]) > 0]
    once = [float(row["clv"]) for row in scores if float(row["frequency"]) == 0]
    assert sum(repeat) / len(repeat) > 2 * sum(once) / len(once)


def test_an_unknown_model_is_named():
    with pytest.raises(CommandError, match="unknown model 'bgnd'"):
        clv("fit", TRANSACTIONS, "--model", "bgnd")


def test_a_missing_column_is_named():
    with pytest.raises(CommandError, match="no column 'when'"):
        clv("fit", TRANSACTIONS, "--model", "bgnbd", "--date-col", "when")


def test_an_unparsable_date_is_named_with_its_line(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text("customer_id,date\n1,2024-01-01\n1,31/02/2024\n")

    with pytest.raises(CommandError, match=r"column 'date', line 3: '31/02/2024' is not a date"):
        clv("fit", path, "--model", "bgnbd")


def test_an_unparsable_amount_is_named(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text("customer_id,date,amount\n1,2024-01-01,12.5\n1,2024-02-01,twelve\n")

    with pytest.raises(CommandError, match=r"column 'amount', line 3: 'twelve' is not a number"):
        clv("fit", path, "--model", "gammagamma", "--amount-col", "amount")


def test_score_without_amounts_says_what_is_missing(tmp_path):
    with pytest.raises(CommandError, match="give --amount-col"):
        clv("score", TRANSACTIONS, "--out", tmp_path / "x.csv")


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(CommandError, match="is not a file"):
        clv("fit", tmp_path / "nope.csv", "--model", "bgnbd")
