"""Shared machinery of the CLV models: the MLE fit, standard errors, summary.

Every model here is fitted by maximum likelihood on unconstrained parameters
(the logarithm of each positive parameter, or of its distance to a lower bound),
so that the optimiser never has to respect bounds. Standard errors come from a
finite-difference Hessian of the negative log-likelihood in that unconstrained
space, mapped back with the delta method.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy import optimize

from rashinban._errors import ConvergenceError, InvalidValueError, NotFittedError
from rashinban._stats import norm_ppf
from rashinban.clv._compress import unique_rows
from rashinban.clv._inputs import FloatArray, check_rft, check_weights, require_customers
from rashinban.clv._newton import NewtonResult

# Gradient norm (of the mean negative log-likelihood per customer) above which
# a fit that the optimiser calls successful is still rejected as not converged.
_GRADIENT_TOLERANCE = 1e-4


def _central_gradient(fun: Callable[[FloatArray], float], theta: FloatArray) -> FloatArray:
    step = 1e-6 * np.maximum(1.0, np.abs(theta))
    grad = np.empty(theta.size)
    for i in range(theta.size):
        e = np.zeros(theta.size)
        e[i] = step[i]
        grad[i] = (fun(theta + e) - fun(theta - e)) / (2.0 * step[i])
    return grad


def hessian_from_gradient(
    grad: Callable[[FloatArray], FloatArray], theta: FloatArray, at: FloatArray | None = None
) -> FloatArray:
    """Differences of an analytic gradient, symmetrised.

    Central differences, or forward ones from ``at`` (the gradient at ``theta``,
    already known at an optimum): half the evaluations, error O(1e-6) relative,
    far below the sampling error the standard errors describe.
    """
    cols = []
    for i in range(theta.size):
        e = np.zeros(theta.size)
        if at is None:
            e[i] = 1e-5 * max(1.0, abs(theta[i]))
            cols.append((grad(theta + e) - grad(theta - e)) / (2.0 * e[i]))
        else:
            e[i] = 1e-6 * max(1.0, abs(theta[i]))
            cols.append((grad(theta + e) - at) / e[i])
    hess = np.column_stack(cols)
    return np.asarray((hess + hess.T) / 2.0, dtype=np.float64)


def pd_inverse(hess: FloatArray) -> FloatArray | None:
    """Symmetric inverse of ``hess`` if it is positive definite, else None."""
    try:
        inverse = np.linalg.inv(hess)
        inverse = (inverse + inverse.T) / 2.0
        np.linalg.cholesky(inverse)
    except np.linalg.LinAlgError:
        return None
    return np.asarray(inverse, dtype=np.float64)


# Above this many (unique) rows a fit starts from a fit on a systematic subsample
# of them, with that fit's curvature: the full data then need a few BFGS steps.
WARM_START_ROWS = 20_000


def numerical_hessian(fun: Callable[[FloatArray], float], theta: FloatArray) -> FloatArray:
    """Central-difference Hessian of ``fun`` at ``theta`` (symmetric by construction)."""
    k = theta.size
    step = 1e-4 * np.maximum(1.0, np.abs(theta))
    hess = np.empty((k, k))
    f0 = fun(theta)
    for i in range(k):
        ei = np.zeros(k)
        ei[i] = step[i]
        hess[i, i] = (fun(theta + ei) - 2.0 * f0 + fun(theta - ei)) / step[i] ** 2
        for j in range(i):
            ej = np.zeros(k)
            ej[j] = step[j]
            value = (
                fun(theta + ei + ej)
                - fun(theta + ei - ej)
                - fun(theta - ei + ej)
                + fun(theta - ei - ej)
            ) / (4.0 * step[i] * step[j])
            hess[i, j] = hess[j, i] = value
    return hess


class BaseModel:
    """Common fitted-model behaviour: MLE, standard errors, summary, fitted checks.

    Subclasses name their parameters in ``_param_names`` and implement
    ``_unpack(theta)`` (unconstrained vector to natural parameters) and
    ``_theta_jacobian(theta)`` (the diagonal d(natural)/d(theta)).
    """

    _param_names: tuple[str, ...] = ()
    raise_on_failure: bool
    # Parameter meanings (Japanese, English), shown by summary().
    _descriptions: dict[str, tuple[str, str]] = {}  # noqa: RUF012 - read-only per class
    params_: dict[str, float]
    log_likelihood_: float
    standard_errors_: dict[str, float]
    n_obs_: int
    converged_: bool

    # Fitted attributes asked for before fit raise NotFittedError (an
    # AttributeError, so hasattr() keeps working) instead of a bare AttributeError.
    def __getattr__(self, name: str) -> Any:
        if name.endswith("_") and not name.startswith("_"):
            model = type(self).__name__
            raise NotFittedError(
                f"{model}.{name} はまだありません (未学習のモデルです) / "
                f"{model}.{name} does not exist yet: the model is not fitted",
                fix=f"先に {model}().fit(...) を呼んでください / call {model}().fit(...) first",
            )
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    # Overridden by subclasses that fit a subset of the parameters.
    def _free_names(self) -> tuple[str, ...]:
        return self._param_names

    def _unpack(self, theta: FloatArray) -> dict[str, float]:
        return {name: float(np.exp(v)) for name, v in zip(self._free_names(), theta, strict=True)}

    def _check_fitted(self) -> None:
        if not hasattr(self, "params_"):
            model = type(self).__name__
            raise NotFittedError(
                f"{model} はまだ学習していません。予測・標準誤差・summary には学習が必要です / "
                f"{model} is not fitted yet: predictions, standard errors and the summary "
                "need a fit",
                fix=f"先に {model}().fit(...) を呼んでください / call {model}().fit(...) first",
            )

    def _maximise(
        self,
        negll: Callable[[FloatArray], float],
        theta0: FloatArray,
        *,
        total_weight: float,
        value_and_grad: Callable[[FloatArray], tuple[float, FloatArray]] | None = None,
        hess_inv0: FloatArray | None = None,
        maxiter: int,
        raise_on_failure: bool,
    ) -> None:
        """Minimise ``negll`` (a sum over customers) and store the fitted state.

        The optimiser sees the mean per customer so that its tolerances do not
        depend on how many customers there are.
        """

        def mean_nll(theta: FloatArray) -> float:
            value = negll(theta) / total_weight
            # A non-finite value sends the line search back rather than crashing it.
            return float(value) if np.isfinite(value) else 1e300

        def mean_value_and_grad(theta: FloatArray) -> tuple[float, FloatArray]:
            if value_and_grad is None:  # pragma: no cover - only called when given
                raise TypeError("no analytic gradient")
            value, grad = value_and_grad(theta)
            if not np.isfinite(value):
                return 1e300, np.zeros_like(theta)
            return value / total_weight, grad / total_weight

        if value_and_grad is None:
            # Central differences: accurate enough (~1e-10) for a tight gtol, so that
            # weighted and row-per-customer fits agree to 1e-6 relative.
            result = optimize.minimize(
                mean_nll,
                theta0,
                jac="3-point",
                method="BFGS",
                options={"maxiter": maxiter, "gtol": 1e-9, "hess_inv0": hess_inv0},
            )
        else:
            result = optimize.minimize(
                mean_value_and_grad,
                theta0,
                jac=True,
                method="BFGS",
                options={"maxiter": maxiter, "gtol": 1e-9, "hess_inv0": hess_inv0},
            )
        theta = np.asarray(result.x, dtype=np.float64)
        if value_and_grad is not None:
            # BFGS's last point is where its value and gradient were last computed.
            grad = np.asarray(result.jac, dtype=np.float64)
        else:
            grad = _central_gradient(mean_nll, theta)
        grad_norm = float(np.max(np.abs(grad)))
        # BFGS often reports "precision loss" at an optimum it cannot improve on;
        # the gradient norm is the real test of convergence.
        converged = bool(np.isfinite(result.fun)) and grad_norm < _GRADIENT_TOLERANCE
        converged = converged and (bool(result.success) or result.status == 2)
        if not converged and raise_on_failure:
            raise ConvergenceError(
                f"{type(self).__name__} の推定が{result.nit}回の反復で収束しませんでした"
                f"(勾配の最大成分 {grad_norm:.3g}/顧客) / "
                f"{type(self).__name__}.fit did not converge after {result.nit} iterations: "
                f"{result.message} (largest gradient component {grad_norm:.3g} per customer, "
                f"parameters {self._unpack(theta)})",
                fix=self._convergence_fix(),
            )
        self.converged_ = converged
        self.params_ = self._full_params(self._unpack(theta))
        self.log_likelihood_ = (
            float(-result.fun * total_weight) if value_and_grad is not None else -negll(theta)
        )
        self.optimizer_result_ = result
        self._theta_ = theta
        self._set_standard_errors(
            negll, theta, value_and_grad, None if value_and_grad is None else grad * total_weight
        )

    def _full_params(self, free: dict[str, float]) -> dict[str, float]:
        return free

    # What to check in the data when a fit does not converge (Japanese, English):
    # each model names its own inputs.
    _data_advice: tuple[str, str] = (
        "frequency・recency・T が同じ時間単位かを確かめるか",
        "check the data (frequency, recency and T in the same time unit)",
    )
    # Dimensionless shape parameters: a NaN standard error on one of them while it
    # stays in the interior (between the bounds below) means the likelihood is flat.
    _shape_names: tuple[str, ...] = ()
    _INTERIOR = (1e-3, 1e3)

    def _convergence_fix(self) -> str:
        ja, en = self._data_advice
        return (
            f"maxiter を増やすか、{ja}、raise_on_failure=False で推定値を確認してください / "
            f"raise maxiter, {en}, or pass raise_on_failure=False to inspect the estimate"
        )

    def _degenerate_reason(self) -> tuple[str, str, str, str] | None:
        """Why a fit the optimiser calls converged is still not an answer, or None.

        (message ja, message en, fix ja, fix en). Overridden by models with a
        boundary that would read as a confident statement (nobody ever leaves).
        """
        return None

    def _check_identified(self) -> None:
        """Treat a degenerate or unidentified fit as not converged.

        Raises :class:`ConvergenceError` (``raise_on_failure``) or sets
        ``converged_ = False``. Unidentified: a shape parameter in the interior
        whose standard error cannot be computed — the likelihood is flat there and
        the estimate is wherever the optimiser stopped. Shape parameters that ran
        off together (e.g. a, b → ∞ at a fixed a/(a+b)) are the model's limit without
        heterogeneity and are kept; their standard errors are NaN.
        """
        reason = self._degenerate_reason()
        if reason is None:
            low, high = self._INTERIOR
            # On the unconstrained scale: a parameter held at a bound the user set
            # (q_min) has run off there, as intended.
            free = dict(zip(self._free_names(), np.exp(self._theta_), strict=True))
            flat = [
                name
                for name in self._shape_names
                if name in free
                and low < free[name] < high
                and not np.isfinite(self.standard_errors_[name])
            ]
            if flat:
                names = ", ".join(flat)
                shown = ", ".join(f"{k}={v:.4g}" for k, v in self.params_.items())
                reason = (
                    f"{names} の標準誤差が計算できません。尤度が平らで、データからパラメータが"
                    f"決まりません ({shown})",
                    f"the standard errors of {names} cannot be computed: the likelihood is "
                    f"flat, so these data do not determine the parameters ({shown})",
                    "より長い期間か多くの顧客のデータを使うか",
                    "use a longer history or more customers",
                )
        if reason is None:
            return
        self.converged_ = False
        if self.raise_on_failure:
            name = type(self).__name__
            raise ConvergenceError(
                f"{name} の推定値は使えません: {reason[0]} / {name}.fit: {reason[1]}",
                fix=f"{reason[2]}、raise_on_failure=False で推定値を確認してください / "
                f"{reason[3]}, or pass raise_on_failure=False to inspect the estimate",
            )

    def _set_standard_errors(
        self,
        negll: Callable[[FloatArray], float],
        theta: FloatArray,
        value_and_grad: Callable[[FloatArray], tuple[float, FloatArray]] | None = None,
        grad_at_theta: FloatArray | None = None,
    ) -> None:
        if value_and_grad is None:
            hess = numerical_hessian(negll, theta)
        else:
            hess = hessian_from_gradient(lambda th: value_and_grad(th)[1], theta, grad_at_theta)
        self._set_standard_errors_from(theta, hess)

    def _set_standard_errors_from(self, theta: FloatArray, hess: FloatArray) -> None:
        """Standard errors from the Hessian of the negative log-likelihood in θ."""
        try:
            cov = np.linalg.inv(hess)
            var = np.diag(cov)
        except np.linalg.LinAlgError:
            var = np.full(theta.size, np.nan)
        se_theta = np.sqrt(np.where(var > 0, var, np.nan))
        self._se_theta_ = se_theta
        jac = self._theta_jacobian(theta)
        se = dict.fromkeys(self._param_names, float("nan"))
        for name, d, s in zip(self._free_names(), jac, se_theta, strict=True):
            se[name] = float(abs(d) * s)
        for name in self._param_names:
            if name not in self._free_names():
                se[name] = 0.0  # held fixed, not estimated
        self.standard_errors_ = se

    def _store_newton(self, result: NewtonResult, total_weight: float) -> None:
        """Fitted state from a converged :func:`newton_minimise` on the mean objective."""
        theta = np.asarray(result.x, dtype=np.float64)
        self.converged_ = bool(result.success)
        self.params_ = self._full_params(self._unpack(theta))
        self.log_likelihood_ = float(-result.fun * total_weight)
        self.optimizer_result_ = optimize.OptimizeResult(
            x=theta,
            fun=result.fun,
            jac=result.jac,
            hess=result.hess,
            nit=result.nit,
            nfev=result.nfev,
            success=result.success,
            status=0 if result.success else 1,
            message=result.message,
        )
        self._theta_ = theta
        # The analytic Hessian at the optimum: no finite differences needed.
        self._set_standard_errors_from(theta, result.hess * total_weight)

    def _theta_jacobian(self, theta: FloatArray) -> FloatArray:
        return np.exp(theta)

    def summary(self, level: float = 0.95, lang: str = "ja") -> pd.DataFrame:
        """Estimates with standard errors, confidence intervals and what each means.

        The interval is built on the unconstrained (log) scale and mapped back,
        so it never leaves the parameter's domain (it is asymmetric around the
        estimate, unlike ``estimate ± z·se``).

        Parameters
        ----------
        level : float
            Confidence level of the interval, e.g. 0.95.
        lang : {"ja", "en"}
            Language of the ``description`` column.

        Returns
        -------
        pandas.DataFrame
            Index: parameter names. Columns ``estimate``, ``se``, ``ci_lower``,
            ``ci_upper``, ``description``.

        Examples
        --------
        >>> from rashinban.clv import ShiftedBetaGeoModel
        >>> m = ShiftedBetaGeoModel().fit([1000, 631, 468, 382, 326, 289, 262, 241])
        >>> list(m.summary(lang="en").columns)
        ['estimate', 'se', 'ci_lower', 'ci_upper', 'description']
        """
        self._check_fitted()
        if not 0 < level < 1:
            raise InvalidValueError(
                f"level={level} は0と1の間の確率ではありません / "
                f"level={level} is not a probability",
                fix="level=0.95 のように指定してください / pass e.g. level=0.95",
            )
        if lang not in ("ja", "en"):
            raise InvalidValueError(
                f"lang={lang!r} には対応していません / lang={lang!r} is not supported",
                fix='"ja" か "en" を指定してください / pass "ja" or "en"',
            )
        z = float(norm_ppf(0.5 + level / 2))
        theta = self._theta_
        lower = self._unpack(theta - z * self._se_theta_)
        upper = self._unpack(theta + z * self._se_theta_)
        rows = []
        for name in self._param_names:
            est = self.params_[name]
            rows.append(
                {
                    "estimate": est,
                    "se": self.standard_errors_[name],
                    "ci_lower": lower.get(name, est),
                    "ci_upper": upper.get(name, est),
                    "description": self._descriptions[name][0 if lang == "ja" else 1],
                }
            )
        return pd.DataFrame(rows, index=pd.Index(list(self._param_names), name="parameter"))

    def _param_values(self, names: Sequence[str]) -> tuple[float, ...]:
        self._check_fitted()
        return tuple(self.params_[name] for name in names)

    def __repr__(self) -> str:
        if hasattr(self, "params_"):
            shown = ", ".join(f"{k}={v:.4g}" for k, v in self.params_.items())
            return f"<{type(self).__name__} fitted: {shown}>"
        return f"<{type(self).__name__} not fitted>"


# Least data for BG/NBD and Pareto/NBD: as many customers as parameters (4), and two
# repeat buyers (with none the dropout parameters do not enter the likelihood at all;
# with one, two of them rest on a single customer).
MIN_CUSTOMERS = 4
MIN_REPEAT_BUYERS = 2


class TransactionModel(BaseModel):
    """Shared set-up of the models that read (frequency, recency, T): BG/NBD, Pareto/NBD."""

    def __init__(
        self, *, maxiter: int = 1000, raise_on_failure: bool = True, compress: bool = True
    ) -> None:
        self.maxiter = maxiter
        self.raise_on_failure = raise_on_failure
        self.compress = compress

    def _prepare(
        self, frequency: Any, recency: Any, T: Any, weights: Any
    ) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
        """Checked inputs as unique weighted rows (when ``compress``), zero weights dropped.

        Sets ``n_obs_``, the number of customers the rows stand for.
        """
        x, t_x, t_cal = check_rft(frequency, recency, T)
        w = check_weights(weights, x.size)
        require_customers(
            x,
            w,
            type(self).__name__,
            customers=MIN_CUSTOMERS,
            repeat_buyers=MIN_REPEAT_BUYERS,
        )
        self.n_obs_ = round(float(w.sum()))
        if self.compress and weights is None:
            x, t_x, t_cal, w = unique_rows(x, t_x, t_cal)
        keep = w > 0
        if not keep.all():  # compressed counts are all positive: no copies then
            x, t_x, t_cal, w = x[keep], t_x[keep], t_cal[keep], w[keep]
        return x, t_x, t_cal, w
