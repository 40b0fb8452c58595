"""BG/NBD: the published CDNOW fit, an exact gradient, recovery of known parameters, lifetimes' predictions."""

from __future__ import annotations

import numpy as np
import pytest

from patronage.analytics.clv import bgnbd_expected_purchases, bgnbd_fit, bgnbd_p_alive
from patronage.analytics.clv._fitting import compress, weighted_log_likelihood
from patronage.analytics.clv.bgnbd import _evaluate, row_log_likelihood
from patronage.analytics.clv.simulate import bgnbd_simulate
from patronage.analytics.tests.conftest import finite_difference_gradient
from patronage.core.errors import ValidationFailed

# lifetimes 0.11.3's BetaGeoFitter on the CDNOW summary, computed once and kept as literals.
LIFETIMES_PARAMS = {
    "r": 0.24259292827982148,
    "alpha": 4.413532265271809,
    "a": 0.7928859664406578,
    "b": 2.4257523826257374,
}
HISTORIES = (np.array([0, 2, 5, 1.0]), np.array([0, 30.43, 20.0, 1.71]), np.full(4, 38.86))
LIFETIMES_EXPECTED_39_WEEKS = [
    0.19478085793947836,
    1.2259104241744068,
    1.0938615789387782,
    0.20325062425618798,
]
LIFETIMES_P_ALIVE = [1.0, 0.7266091367990596, 0.28730903280899334, 0.21222738807220765]


def test_it_reproduces_the_published_cdnow_fit(cdnow):
    fit = bgnbd_fit(frequency=cdnow["x"], recency=cdnow["t_x"], T=cdnow["T"])

    published = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
    assert {name: f"{fit.params[name]:.3g}" for name in published} == {
        name: f"{value:.3g}" for name, value in published.items()
    }
    assert fit.log_likelihood == pytest.approx(-9582.4, abs=0.1)
    assert fit.converged
    assert fit.iterations > 0
    assert fit.n_customers == 2357
    assert fit.n_patterns < fit.n_customers


def test_its_standard_errors_are_lifetimes(cdnow):
    fit = bgnbd_fit(frequency=cdnow["x"], recency=cdnow["t_x"], T=cdnow["T"])

    # lifetimes' standard_errors_ on the same data (autograd Hessian), kept as literals.
    lifetimes = {
        "r": 0.012557320698193175,
        "alpha": 0.3782214570439264,
        "a": 0.18571907191208892,
        "b": 0.7053453435331155,
    }
    assert fit.standard_errors == pytest.approx(lifetimes, rel=1e-4)


def test_weights_give_the_same_fit_as_repeated_rows(cdnow):
    half = slice(0, None, 2)
    doubled = bgnbd_fit(
        frequency=np.repeat(cdnow["x"][half], 2),
        recency=np.repeat(cdnow["t_x"][half], 2),
        T=np.repeat(cdnow["T"][half], 2),
    )
    weighted = bgnbd_fit(
        frequency=cdnow["x"][half],
        recency=cdnow["t_x"][half],
        T=cdnow["T"][half],
        weights=np.full(cdnow["x"][half].size, 2.0),
    )

    assert weighted.params == pytest.approx(doubled.params, rel=1e-6)
    assert weighted.log_likelihood == pytest.approx(doubled.log_likelihood, rel=1e-9)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_its_gradient_is_the_derivative_of_its_likelihood(cdnow, seed):
    rng = np.random.default_rng(seed)
    log_params = rng.uniform(-2, 2, size=4)
    columns = (cdnow["x"], cdnow["t_x"], cdnow["T"])
    weights = rng.uniform(0.5, 2, size=cdnow["x"].size)

    def total(point):
        return weighted_log_likelihood(row_log_likelihood, np.exp(point), columns, weights)[0]

    _, analytic = weighted_log_likelihood(row_log_likelihood, np.exp(log_params), columns, weights)
    assert analytic == pytest.approx(finite_difference_gradient(total, log_params), rel=1e-6, abs=1e-4)


def test_it_recovers_the_parameters_it_simulated():
    truth = {"r": 0.5, "alpha": 6.0, "a": 0.8, "b": 2.5}
    rng = np.random.default_rng(7)
    simulated = bgnbd_simulate(T=rng.uniform(26, 52, size=30_000), rng=rng, **truth)

    fit = bgnbd_fit(frequency=simulated.frequency, recency=simulated.recency, T=simulated.T)

    for name, value in truth.items():
        assert abs(fit.params[name] - value) < 4 * fit.standard_errors[name], name


def test_its_predictions_are_lifetimes():
    x, t_x, T = HISTORIES

    expected = bgnbd_expected_purchases(params=LIFETIMES_PARAMS, t=39, frequency=x, recency=t_x, T=T)
    alive = bgnbd_p_alive(params=LIFETIMES_PARAMS, frequency=x, recency=t_x, T=T)

    assert expected == pytest.approx(LIFETIMES_EXPECTED_39_WEEKS, rel=1e-9)
    assert alive == pytest.approx(LIFETIMES_P_ALIVE, rel=1e-9)


def test_a_customer_without_repeats_is_alive_and_one_who_stopped_long_ago_likely_not():
    alive = bgnbd_p_alive(params=LIFETIMES_PARAMS, frequency=[0, 10, 10], recency=[0, 1, 38], T=[39, 39, 39])

    assert alive[0] == 1.0
    assert alive[1] < 0.01 < 0.5 < alive[2]


def test_expected_purchases_grow_with_the_horizon():
    x, t_x, T = HISTORIES
    horizons = [
        bgnbd_expected_purchases(params=LIFETIMES_PARAMS, t=t, frequency=x, recency=t_x, T=T)
        for t in (1, 10, 100)
    ]

    assert np.all(horizons[0] < horizons[1])
    assert np.all(horizons[1] < horizons[2])


def test_it_refuses_recency_beyond_the_age():
    with pytest.raises(ValidationFailed, match="recency must not be larger than T") as error:
        bgnbd_fit(frequency=[1, 0], recency=[5, 0], T=[4, 3])
    assert error.value.field == "recency"


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_fits_likelihood_is_the_per_row_one_with_an_exact_hessian(cdnow, seed):
    rng = np.random.default_rng(seed)
    params = np.exp(rng.uniform(-1, 1.5, size=4))
    columns, counts = compress(
        [cdnow["x"], cdnow["t_x"], cdnow["T"]], rng.uniform(0.5, 2, size=cdnow["x"].size)
    )

    ll, grad, hessian = _evaluate(params, columns, counts)

    row_ll, row_grad = weighted_log_likelihood(row_log_likelihood, params, columns, counts)
    assert ll == pytest.approx(row_ll, rel=1e-12)
    assert grad * params == pytest.approx(row_grad, rel=1e-9, abs=1e-7)
    step = 1e-6
    for i in range(4):
        up, down = params.copy(), params.copy()
        up[i] *= 1 + step
        down[i] *= 1 - step
        numeric = (_evaluate(up, columns, counts)[1] - _evaluate(down, columns, counts)[1]) / (
            2 * step * params[i]
        )
        assert hessian[i] == pytest.approx(numeric, rel=1e-5, abs=1e-4)
