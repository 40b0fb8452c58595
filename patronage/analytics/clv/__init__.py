"""Buy-till-you-die models: BG/NBD and Pareto/NBD for purchases and dropout, Gamma-Gamma for spend, and CLV."""

from patronage.analytics.clv._fitting import FitResult
from patronage.analytics.clv.bgnbd import bgnbd_expected_purchases, bgnbd_fit, bgnbd_p_alive
from patronage.analytics.clv.gamma_gamma import gamma_gamma_expected_spend, gamma_gamma_fit
from patronage.analytics.clv.pareto_nbd import (
    pareto_nbd_expected_purchases,
    pareto_nbd_fit,
    pareto_nbd_p_alive,
)
from patronage.analytics.clv.value import TimeUnit, customer_lifetime_value

__all__ = [
    "FitResult",
    "TimeUnit",
    "bgnbd_expected_purchases",
    "bgnbd_fit",
    "bgnbd_p_alive",
    "customer_lifetime_value",
    "gamma_gamma_expected_spend",
    "gamma_gamma_fit",
    "pareto_nbd_expected_purchases",
    "pareto_nbd_fit",
    "pareto_nbd_p_alive",
]
