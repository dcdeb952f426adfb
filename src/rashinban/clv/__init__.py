"""Customer lifetime value (LTV) models: BG/NBD, Pareto/NBD, Gamma-Gamma and sBG.

Each model follows the scikit-learn contract (keyword hyperparameters,
``fit(...) -> self``, learned state in ``params_``, ``log_likelihood_``,
``standard_errors_``, ``n_obs_``, ``converged_``) and is fitted by maximum
likelihood; :func:`customer_lifetime_value` combines a transaction model and
a value model into a discounted CLV per customer.
"""

from rashinban.clv._betageo import BetaGeoModel
from rashinban.clv._compress import compress
from rashinban.clv._gammagamma import GammaGammaModel
from rashinban.clv._paretonbd import ParetoNBDModel
from rashinban.clv._sbg import ShiftedBetaGeoModel
from rashinban.clv._simulate import simulate_bgnbd
from rashinban.clv._value import customer_lifetime_value

__all__ = [
    "BetaGeoModel",
    "GammaGammaModel",
    "ParetoNBDModel",
    "ShiftedBetaGeoModel",
    "compress",
    "customer_lifetime_value",
    "simulate_bgnbd",
]
