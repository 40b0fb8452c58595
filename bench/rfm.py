"""Benchmark: our RFM summary of a transaction log against lifetimes' summary_data_from_transaction_data.

    .venv/bin/python bench/rfm.py                    # 10M transactions (~3.6M customers)
    .venv/bin/python bench/rfm.py --transactions 1000000

The log is simulated (BG/NBD timing with CDNOW's parameters in days, Gamma-Gamma amounts, times of day to
the second) and kept in bench/data/. lifetimes 0.11.3 runs in its own virtualenv (bench/.venv-lifetimes/,
made on first use) in a subprocess on the same arrays, in the same run; both summaries, with monetary
value, by day, are then compared cell by cell. Only the summary itself is timed, not loading the arrays.
The last line is rfm_speedup_vs_lifetimes = lifetimes' seconds / ours.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import polars as pl

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from lifetimes_env import lifetimes_python  # noqa: E402

from patronage.analytics.clv.simulate import bgnbd_simulate_transactions  # noqa: E402
from patronage.analytics.rfm import rfm_summary  # noqa: E402

DATA = ROOT / "bench" / "data"
TRUTH = {"r": 0.243, "alpha": 4.414 * 7, "a": 0.793, "b": 2.426, "p": 6.25, "q": 3.74, "gamma": 15.44}
TRANSACTIONS_PER_CUSTOMER = 2.78
DAYS = 546
START = np.datetime64("2024-01-01T00:00:00", "s")

LIFETIMES_SIDE = r"""
import sys, time, warnings
warnings.filterwarnings("ignore")
import numpy as np, pandas as pd
from lifetimes.utils import summary_data_from_transaction_data

data = np.load(sys.argv[1])
log = pd.DataFrame({"customer": data["customer"], "when": data["when"], "amount": data["amount"]})
start = time.perf_counter()
summary = summary_data_from_transaction_data(
    log, "customer", "when", monetary_value_col="amount", observation_period_end=sys.argv[3], freq="D"
)
seconds = time.perf_counter() - start
np.savez(sys.argv[2], customer=summary.index.to_numpy(), **{c: summary[c].to_numpy() for c in summary.columns})
print(seconds)
"""


def transactions(count: int) -> Path:
    """A simulated log of about `count` purchases as arrays: customer, when (to the second), amount."""
    path = DATA / f"rfm_transactions_{count}.npz"
    if not path.exists():
        DATA.mkdir(parents=True, exist_ok=True)
        rng = np.random.default_rng(1987)
        customers = round(count / TRANSACTIONS_PER_CUSTOMER)
        owner, times, amounts = bgnbd_simulate_transactions(
            births=rng.uniform(0, 84, customers), end=float(DAYS), rng=rng, **TRUTH
        )
        # Shuffled, as a log arrives: neither side may rely on it being sorted.
        order = rng.permutation(owner.size)
        when = START + (times[order] * 86_400).astype("timedelta64[s]")
        np.savez(path, customer=owner[order], when=when, amount=np.round(amounts[order], 2))
        print(f"simulated {owner.size:,} transactions of {customers:,} customers into {path}")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--transactions", type=int, default=10_000_000)
    options = parser.parse_args()
    python = lifetimes_python()
    path = transactions(options.transactions)
    end = START + np.timedelta64(DAYS, "D")
    with np.load(path) as data:
        log = pl.DataFrame(
            {
                "customer": data["customer"],
                "when": data["when"].astype("datetime64[us]"),
                "amount": data["amount"],
            }
        )
    start = time.perf_counter()
    mine = rfm_summary(
        transactions=log,
        customer_col="customer",
        date_col="when",
        amount_col="amount",
        observation_end=end.item(),
    )
    ours = time.perf_counter() - start

    out = DATA / f"rfm_lifetimes_{options.transactions}.npz"
    done = subprocess.run(
        [str(python), "-c", LIFETIMES_SIDE, str(path), str(out), str(end)],
        check=True,
        capture_output=True,
        text=True,
    )
    theirs = float(done.stdout.strip().splitlines()[-1])
    with np.load(out) as reference:
        same_customers = np.array_equal(reference["customer"], mine["customer"].to_numpy())
        gaps = {
            name: float(np.max(np.abs(reference[name] - mine[name].to_numpy())))
            for name in ("frequency", "recency", "T", "monetary_value")
        }

    print(f"{log.height:,} transactions, {mine.height:,} customers, by day with monetary value")
    print(f"{'':<10} {'seconds':>8}")
    print(f"{'ours':<10} {ours:>8.2f}")
    print(f"{'lifetimes':<10} {theirs:>8.2f}")
    print(f"same customers in the same order: {same_customers}; largest difference per column: {gaps}")
    print(f"rfm_speedup_vs_lifetimes={theirs / ours:.1f}")


if __name__ == "__main__":
    main()
