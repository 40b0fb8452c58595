"""Benchmark: our BG/NBD, Pareto/NBD and Gamma-Gamma fits and predictions against lifetimes 0.11.3.

    .venv/bin/python bench/clv.py            # CDNOW, then 10M synthetic transactions (~3.6M customers)
    .venv/bin/python bench/clv.py --quick    # CDNOW, then 1M transactions (~360k customers)

lifetimes runs in its own virtualenv (bench/.venv-lifetimes/, made on first use) in a subprocess, on the
same frequency/recency/T/monetary arrays, in the same run. The synthetic log is drawn from BG/NBD with
CDNOW's parameters in days and Gamma-Gamma amounts, summarised by our RFM code, and kept in bench/data/.
Both sides' log-likelihoods are printed in the data's own units. The last line is
speedup_vs_lifetimes = the smallest of lifetimes' fit time / ours over the three fits on the synthetic data.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from lifetimes_env import lifetimes_python  # noqa: E402

from patronage.analytics.clv import (  # noqa: E402
    bgnbd_expected_purchases,
    bgnbd_fit,
    bgnbd_p_alive,
    gamma_gamma_expected_spend,
    gamma_gamma_fit,
    pareto_nbd_expected_purchases,
    pareto_nbd_fit,
    pareto_nbd_p_alive,
)
from patronage.analytics.clv.simulate import bgnbd_simulate_transactions  # noqa: E402
from patronage.analytics.rfm import rfm_summary  # noqa: E402

DATA = ROOT / "bench" / "data"
CDNOW = ROOT / "patronage" / "analytics" / "tests" / "data" / "cdnow_sample_summary.csv"
# CDNOW's BG/NBD and Gamma-Gamma estimates, alpha in days: a customer base that looks like a real one.
TRUTH = {"r": 0.243, "alpha": 4.414 * 7, "a": 0.793, "b": 2.426, "p": 6.25, "q": 3.74, "gamma": 15.44}
TRANSACTIONS_PER_CUSTOMER = 2.78
DAYS = 546.0
HORIZON = {"cdnow": 39.0, "synthetic": 365.0}

LIFETIMES_SIDE = r"""
import json, sys, time, warnings
warnings.filterwarnings("ignore")
import numpy as np
from lifetimes import BetaGeoFitter, GammaGammaFitter, ParetoNBDFitter

data = np.load(sys.argv[1])
x, t_x, T, m = data["frequency"], data["recency"], data["T"], data["monetary_value"]
horizon = float(sys.argv[2])
out = {}

def timed(function):
    start = time.perf_counter()
    value = function()
    return value, time.perf_counter() - start

bg, out["bgnbd_fit"] = timed(lambda: BetaGeoFitter().fit(x, t_x, T))
p = bg.params_[["r", "alpha", "a", "b"]].to_numpy()
ones = np.ones_like(x)
out["bgnbd_ll"] = -BetaGeoFitter._negative_log_likelihood(np.log(p), x, t_x, T, ones, 0.0) * x.size
out["bgnbd_params"] = dict(zip(["r", "alpha", "a", "b"], p.tolist()))
_, out["bgnbd_predict"] = timed(lambda: (bg.conditional_probability_alive(x, t_x, T),
                                          bg.conditional_expected_number_of_purchases_up_to_time(horizon, x, t_x, T)))
pn, out["pareto_fit"] = timed(lambda: ParetoNBDFitter().fit(x, t_x, T))
p = pn.params_[["r", "alpha", "s", "beta"]].to_numpy()
out["pareto_ll"] = float(pn._conditional_log_likelihood(p, x, t_x, T).sum())
out["pareto_params"] = dict(zip(["r", "alpha", "s", "beta"], p.tolist()))
_, out["pareto_predict"] = timed(lambda: (pn.conditional_probability_alive(x, t_x, T),
                                           pn.conditional_expected_number_of_purchases_up_to_time(horizon, x, t_x, T)))
buyers = x > 0
gg, out["gammagamma_fit"] = timed(lambda: GammaGammaFitter().fit(x[buyers], m[buyers]))
p = gg.params_[["p", "q", "v"]].to_numpy()
out["gammagamma_ll"] = -GammaGammaFitter._negative_log_likelihood(
    np.log(p), x[buyers], m[buyers], np.ones(buyers.sum()), 0.0) * buyers.sum()
out["gammagamma_params"] = dict(zip(["p", "q", "gamma"], p.tolist()))
_, out["gammagamma_predict"] = timed(lambda: gg.conditional_expected_average_profit(x, m))
print(json.dumps(out))
"""


def cdnow() -> dict[str, np.ndarray]:
    frame = pl.read_csv(CDNOW)
    names = {"x": "frequency", "t_x": "recency", "T": "T", "zbar": "monetary_value"}
    return {ours: frame[theirs].cast(pl.Float64).to_numpy() for theirs, ours in names.items()}


def synthetic(transactions: int) -> dict[str, np.ndarray]:
    """The RFM summary, in days, of a simulated log of about `transactions` purchases (cached)."""
    path = DATA / f"clv_synthetic_{transactions}.npz"
    if not path.exists():
        DATA.mkdir(parents=True, exist_ok=True)
        rng = np.random.default_rng(2005)
        customers = round(transactions / TRANSACTIONS_PER_CUSTOMER)
        owner, times, amounts = bgnbd_simulate_transactions(
            births=rng.uniform(0, 84, customers), end=DAYS, rng=rng, **TRUTH
        )
        start = np.datetime64("2024-01-01T00:00:00", "us")
        log = pl.DataFrame(
            {
                "customer": owner,
                "when": start + (times * 86_400e6).astype("timedelta64[us]"),
                "amount": amounts,
            }
        )
        summary = rfm_summary(
            transactions=log,
            customer_col="customer",
            date_col="when",
            amount_col="amount",
            observation_end=(start + np.timedelta64(int(DAYS), "D")).item(),
        )
        print(f"simulated {log.height:,} transactions of {summary.height:,} customers into {path}")
        np.savez(
            path,
            **{name: summary[name].to_numpy() for name in ("frequency", "recency", "T", "monetary_value")},
        )
    with np.load(path) as data:
        return {name: data[name] for name in data.files}


def timed(function: Callable[[], Any]) -> tuple[Any, float]:
    start = time.perf_counter()
    value = function()
    return value, time.perf_counter() - start


def ours(data: dict[str, np.ndarray], horizon: float) -> dict[str, Any]:
    x, t_x, T, m = data["frequency"], data["recency"], data["T"], data["monetary_value"]
    history = {"frequency": x, "recency": t_x, "T": T}
    out: dict[str, Any] = {}
    for name, fit, p_alive, expected in (
        ("bgnbd", bgnbd_fit, bgnbd_p_alive, bgnbd_expected_purchases),
        ("pareto", pareto_nbd_fit, pareto_nbd_p_alive, pareto_nbd_expected_purchases),
    ):
        result, out[f"{name}_fit"] = timed(lambda fit=fit: fit(**history))  # type: ignore[misc]
        out[f"{name}_ll"], out[f"{name}_params"] = result.log_likelihood, dict(result.params)
        out[f"{name}_converged"] = result.converged
        out[f"{name}_patterns"] = result.n_patterns
        _, out[f"{name}_predict"] = timed(
            lambda p_alive=p_alive, expected=expected, params=result.params: (  # type: ignore[misc]
                p_alive(params=params, **history),
                expected(params=params, t=horizon, **history),
            )
        )
    buyers = x > 0
    spend, out["gammagamma_fit"] = timed(
        lambda: gamma_gamma_fit(frequency=x[buyers], monetary_value=m[buyers])
    )
    out["gammagamma_ll"], out["gammagamma_params"] = spend.log_likelihood, dict(spend.params)
    out["gammagamma_converged"] = spend.converged
    out["gammagamma_patterns"] = spend.n_patterns
    _, out["gammagamma_predict"] = timed(
        lambda: gamma_gamma_expected_spend(params=spend.params, frequency=x, monetary_value=m)
    )
    return out


def lifetimes(data: dict[str, np.ndarray], horizon: float, name: str) -> dict[str, Any]:
    DATA.mkdir(parents=True, exist_ok=True)
    path = DATA / f"clv_{name}_arrays.npz"
    np.savez(path, **data)
    done = subprocess.run(
        [str(lifetimes_python()), "-c", LIFETIMES_SIDE, str(path), str(horizon)],
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def report(
    name: str, data: dict[str, np.ndarray], mine: dict[str, Any], theirs: dict[str, Any]
) -> list[float]:
    print(f"\n{name}: {data['frequency'].size:,} customers")
    print(
        f"{'model':<11} {'patterns':>9} {'fit ours':>9} {'lifetimes':>10} {'speedup':>8} "
        f"{'predict ours':>13} {'lifetimes':>10} {'LL ours':>16} {'LL lifetimes':>16}"
    )
    speedups = []
    for model in ("bgnbd", "pareto", "gammagamma"):
        speedup = theirs[f"{model}_fit"] / mine[f"{model}_fit"]
        speedups.append(speedup)
        print(
            f"{model:<11} {mine[f'{model}_patterns']:>9,} {mine[f'{model}_fit']:>8.2f}s {theirs[f'{model}_fit']:>9.2f}s "
            f"{speedup:>7.1f}x {mine[f'{model}_predict']:>12.3f}s {theirs[f'{model}_predict']:>9.3f}s "
            f"{mine[f'{model}_ll']:>16.3f} {theirs[f'{model}_ll']:>16.3f}"
        )
    for model in ("bgnbd", "pareto", "gammagamma"):
        params = ", ".join(
            f"{key} {value:.4g}/{theirs[f'{model}_params'][key]:.4g}"
            for key, value in mine[f"{model}_params"].items()
        )
        gap = mine[f"{model}_ll"] - theirs[f"{model}_ll"]
        print(
            f"  {model}: ours/lifetimes {params}; LL ours - lifetimes = {gap:+.4f}; converged {mine[f'{model}_converged']}"
        )
    return speedups


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="1M synthetic transactions instead of 10M")
    options = parser.parse_args()
    lifetimes_python()
    datasets = {"cdnow": cdnow(), "synthetic": synthetic(1_000_000 if options.quick else 10_000_000)}
    speedups: dict[str, list[float]] = {}
    for name, data in datasets.items():
        horizon = HORIZON[name]
        mine = ours(data, horizon)
        theirs = lifetimes(data, horizon, name)
        speedups[name] = report(name, data, mine, theirs)
    print(f"\nsmallest CDNOW fit speedup (2,357 customers, mostly fixed costs): {min(speedups['cdnow']):.1f}")
    print(f"speedup_vs_lifetimes={min(speedups['synthetic']):.1f}")


if __name__ == "__main__":
    main()
