"""Gamma-Gamma: the published CDNOW fit on the 946 repeat buyers, an exact gradient, recovery, predictions."""

from __future__ import annotations

import numpy as np
import pytest

from patronage.analytics.clv import gamma_gamma_expected_spend, gamma_gamma_fit
from patronage.analytics.clv._fitting import weighted_log_likelihood
from patronage.analytics.clv.gamma_gamma import _evaluate, _sums, row_log_likelihood
from patronage.analytics.clv.simulate import gamma_gamma_simulate
from patronage.analytics.tests.conftest import finite_difference_gradient
from patronage.core.errors import ValidationFailed


@pytest.fixture
def repeat_buyers(cdnow):
    buyers = cdnow["x"] > 0
    return cdnow["x"][buyers], cdnow["zbar"][buyers]


def test_it_reproduces_the_published_cdnow_fit(repeat_buyers):
    x, m = repeat_buyers

    fit = gamma_gamma_fit(frequency=x, monetary_value=m)

    assert fit.n_customers == 946
    assert {name: f"{value:.3g}" for name, value in fit.params.items()} == {
        "p": "6.25",
        "q": "3.74",
        "gamma": "15.4",
    }
    assert fit.params["gamma"] == pytest.approx(15.44, abs=0.01)
    # lifetimes' GammaGammaFitter on the same data: -4055.9232 (its mean negative log-likelihood x 946).
    assert fit.log_likelihood == pytest.approx(-4055.9232, abs=1e-3)
    assert fit.standard_errors == pytest.approx({"p": 1.18969, "q": 0.290166, "gamma": 4.15999}, rel=1e-4)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_its_gradient_is_the_derivative_of_its_likelihood(repeat_buyers, seed):
    rng = np.random.default_rng(seed)
    log_params = rng.uniform(-1, 3, size=3)
    x, m = repeat_buyers
    columns = (x, m, np.log(x), np.log(m))
    weights = rng.uniform(0.5, 2, size=columns[0].size)

    def total(point):
        return weighted_log_likelihood(row_log_likelihood, np.exp(point), columns, weights)[0]

    _, analytic = weighted_log_likelihood(row_log_likelihood, np.exp(log_params), columns, weights)
    assert analytic == pytest.approx(finite_difference_gradient(total, log_params), rel=1e-6, abs=1e-4)


@pytest.mark.parametrize("seed", [1, 2])
def test_the_fits_sums_are_the_per_row_likelihood_with_its_exact_hessian(repeat_buyers, seed):
    # The fit evaluates the likelihood from sums over x and over the customers' total spend; it must be
    # the per-row likelihood to rounding, and its Hessian the derivative of its gradient.
    rng = np.random.default_rng(seed)
    params = np.exp(rng.uniform(-1, 3, size=3))
    x, m = repeat_buyers
    weights = rng.uniform(0.5, 2, size=x.size)
    sums = _sums(x, m, weights, 1.0, np.empty(x.size))

    ll, grad, hessian = _evaluate(params, sums)

    row_ll, row_grad = weighted_log_likelihood(
        row_log_likelihood, params, (x, m, np.log(x), np.log(m)), weights
    )
    assert ll == pytest.approx(row_ll, rel=1e-12)
    assert grad * params == pytest.approx(row_grad, rel=1e-9, abs=1e-8)
    step = 1e-6
    for i in range(3):
        up, down = params.copy(), params.copy()
        up[i] *= 1 + step
        down[i] *= 1 - step
        numeric = (_evaluate(up, sums)[1] - _evaluate(down, sums)[1]) / (2 * step * params[i])
        assert hessian[i] == pytest.approx(numeric, rel=1e-5, abs=1e-6)


def test_weights_count_customers(repeat_buyers):
    x, m = repeat_buyers
    twice = gamma_gamma_fit(frequency=np.concatenate([x, x]), monetary_value=np.concatenate([m, m]))
    weighted = gamma_gamma_fit(frequency=x, monetary_value=m, weights=np.full(x.size, 2.0))

    assert weighted.converged
    assert weighted.params == pytest.approx(twice.params, rel=1e-8)
    assert weighted.log_likelihood == pytest.approx(twice.log_likelihood, rel=1e-10)
    assert weighted.standard_errors == pytest.approx(twice.standard_errors, rel=1e-6)


@pytest.mark.parametrize("shift", [0.0, 0.5], ids=["whole", "fractional"])
def test_the_fit_is_the_maximum_of_the_per_row_likelihood(repeat_buyers, shift):
    # Whole-number frequencies are counted into bins, others go through np.unique: both maximise it.
    x, m = repeat_buyers
    x = x + shift

    fit = gamma_gamma_fit(frequency=x, monetary_value=m)

    params = np.array([fit.params[name] for name in ("p", "q", "gamma")])
    ll, grad = weighted_log_likelihood(
        row_log_likelihood, params, (x, m, np.log(x), np.log(m)), np.ones(x.size)
    )
    assert fit.converged
    assert fit.log_likelihood == pytest.approx(ll, rel=1e-12)
    assert np.abs(grad).max() < 1e-5


def test_it_recovers_the_parameters_it_simulated():
    truth = {"p": 6.0, "q": 4.0, "gamma": 15.0}
    rng = np.random.default_rng(5)
    x = rng.integers(1, 8, size=20_000).astype(float)
    m = gamma_gamma_simulate(frequency=x, rng=rng, **truth)

    fit = gamma_gamma_fit(frequency=x, monetary_value=m)

    for name, value in truth.items():
        assert abs(fit.params[name] - value) < 4 * fit.standard_errors[name], name


def test_expected_spend_is_lifetimes():
    # lifetimes' fitted parameters and conditional_expected_average_profit, kept as literals.
    params = {"p": 6.24880249607099, "q": 3.7445884609237634, "gamma": 15.447748064943575}

    spend = gamma_gamma_expected_spend(params=params, frequency=[1, 2, 5], monetary_value=[20.0, 35.0, 10.0])

    assert spend == pytest.approx([24.629861822701617, 35.030791535090316, 12.032565040762119], rel=1e-12)


def test_a_customer_without_repeats_is_expected_to_spend_the_population_mean():
    params = {"p": 6.0, "q": 4.0, "gamma": 15.0}

    assert gamma_gamma_expected_spend(params=params, frequency=[0], monetary_value=[0.0]) == pytest.approx(
        [30.0]
    )


def test_it_refuses_customers_without_repeat_purchases():
    with pytest.raises(ValidationFailed, match="repeat buyers only"):
        gamma_gamma_fit(frequency=[0, 2], monetary_value=[0.0, 10.0])
