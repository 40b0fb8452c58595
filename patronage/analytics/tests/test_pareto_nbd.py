"""Pareto/NBD: the published CDNOW fit, the 2F1 term where the closed form fails, an exact gradient,
recovery of known parameters, lifetimes' predictions."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.special import hyp2f1

from patronage.analytics.clv import pareto_nbd_expected_purchases, pareto_nbd_fit, pareto_nbd_p_alive
from patronage.analytics.clv._fitting import weighted_log_likelihood
from patronage.analytics.clv.pareto_nbd import _integral, row_log_likelihood
from patronage.analytics.clv.simulate import pareto_nbd_simulate
from patronage.analytics.tests.conftest import finite_difference_gradient

# lifetimes 0.11.3's ParetoNBDFitter on the CDNOW summary, computed once and kept as literals.
LIFETIMES_PARAMS = {
    "r": 0.5532724754788866,
    "alpha": 10.577418403580978,
    "s": 0.6062501774480271,
    "beta": 11.668613261523403,
}
HISTORIES = (np.array([0, 2, 5, 1.0]), np.array([0, 30.43, 20.0, 1.71]), np.full(4, 38.86))
LIFETIMES_EXPECTED_39_WEEKS = [0.1070554330488479, 1.4550948978691411, 1.331159513882623, 0.17097205142159688]
LIFETIMES_P_ALIVE = [0.2950881950900998, 0.8691131941337018, 0.36556390354054386, 0.16786481062410705]


def closed_form_log_integral(params, x, t_x, T):
    """The note's equations (19)-(20), divided by r+s+x: 2F1 branch chosen by the sign of alpha - beta."""
    r, alpha, s, beta = params
    if alpha >= beta:
        big, b_param = alpha, s + 1
    else:
        big, b_param = beta, r + x
    a_param = r + s + x
    z = abs(alpha - beta)

    def term(t):
        return hyp2f1(a_param, b_param, a_param + 1, z / (big + t)) / (big + t) ** a_param

    return np.log((term(t_x) - term(T)) / a_param)


def test_it_reproduces_the_published_cdnow_fit(cdnow):
    fit = pareto_nbd_fit(frequency=cdnow["x"], recency=cdnow["t_x"], T=cdnow["T"])

    published = {"r": 0.553, "alpha": 10.578, "s": 0.606, "beta": 11.669}
    assert {name: f"{fit.params[name]:.3g}" for name in published} == {
        name: f"{value:.3g}" for name, value in published.items()
    }
    # Fader, Hardie & Lee (2005) report -9595.0; lifetimes reaches -9594.97393 at its optimum.
    assert fit.log_likelihood == pytest.approx(-9595.0, abs=0.1)
    assert fit.log_likelihood >= -9594.97393
    assert fit.converged


@pytest.mark.parametrize(
    "params",
    [[0.55, 10.6, 0.61, 11.7], [2.0, 0.3, 0.5, 40.0], [0.2, 50.0, 3.0, 0.4], [1.0, 5.0, 1.0, 5.0]],
    ids=["cdnow", "alpha-much-smaller", "beta-much-smaller", "alpha-equals-beta"],
)
def test_its_2f1_term_is_the_closed_form_where_that_is_defined(params):
    x = np.array([0, 1, 3, 10, 40, 120.0])
    t_x = np.array([0, 2.5, 30, 35, 38.9, 38.0])
    T = np.full(6, 39.0)

    ours, _ = _integral(np.array(params), x, t_x, T)

    if params[1] == params[3]:
        # With alpha = beta the integral is elementary.
        a = params[0] + params[2] + x
        exact = np.log(((params[1] + t_x) ** -a - (params[1] + T) ** -a) / a)
    else:
        exact = closed_form_log_integral(params, x, t_x, T)
    assert ours == pytest.approx(exact, rel=1e-10, abs=1e-10)


def test_its_2f1_term_stays_finite_where_the_closed_form_breaks_down():
    params = np.array([0.8, 2.0, 0.7, 30.0])
    # Heavy buyers whose last purchase was a moment before the end: the difference of two huge 2F1 terms.
    x = np.array([400.0, 2000.0])
    t_x = np.array([364.999, 364.9999])
    T = np.full(2, 365.0)

    with np.errstate(all="ignore"):
        closed = closed_form_log_integral(params, x, t_x, T)
    ours, gradient = _integral(params, x, t_x, T)

    assert not np.all(np.isfinite(closed))
    assert np.all(np.isfinite(ours))
    assert np.all(np.isfinite(gradient))
    # For t_x this close to T the integral is the integrand at T times the gap.
    at_t = -(params[0] + x) * np.log(params[1] + T) - (params[2] + 1) * np.log(params[3] + T)
    assert ours == pytest.approx(at_t + np.log(T - t_x), rel=1e-6)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_its_gradient_is_the_derivative_of_its_likelihood(cdnow, seed):
    rng = np.random.default_rng(seed)
    log_params = rng.uniform(-2, 2.5, size=4)
    columns = (cdnow["x"], cdnow["t_x"], cdnow["T"])
    weights = rng.uniform(0.5, 2, size=cdnow["x"].size)

    def total(point):
        return weighted_log_likelihood(row_log_likelihood, np.exp(point), columns, weights)[0]

    _, analytic = weighted_log_likelihood(row_log_likelihood, np.exp(log_params), columns, weights)
    assert analytic == pytest.approx(finite_difference_gradient(total, log_params), rel=1e-6, abs=1e-4)


def test_it_recovers_the_parameters_it_simulated():
    truth = {"r": 0.6, "alpha": 8.0, "s": 0.8, "beta": 12.0}
    rng = np.random.default_rng(11)
    simulated = pareto_nbd_simulate(T=rng.uniform(26, 52, size=30_000), rng=rng, **truth)

    fit = pareto_nbd_fit(frequency=simulated.frequency, recency=simulated.recency, T=simulated.T)

    assert fit.converged
    for name, value in truth.items():
        assert abs(fit.params[name] - value) < 4 * fit.standard_errors[name], name


def test_its_predictions_are_lifetimes():
    x, t_x, T = HISTORIES

    expected = pareto_nbd_expected_purchases(params=LIFETIMES_PARAMS, t=39, frequency=x, recency=t_x, T=T)
    alive = pareto_nbd_p_alive(params=LIFETIMES_PARAMS, frequency=x, recency=t_x, T=T)

    assert expected == pytest.approx(LIFETIMES_EXPECTED_39_WEEKS, rel=1e-9)
    assert alive == pytest.approx(LIFETIMES_P_ALIVE, rel=1e-9)


def test_a_customer_who_bought_at_the_very_end_is_certainly_alive():
    alive = pareto_nbd_p_alive(params=LIFETIMES_PARAMS, frequency=[3], recency=[39], T=[39])

    assert alive == pytest.approx([1.0])
