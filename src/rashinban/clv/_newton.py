"""Damped Newton minimisation for objectives with an analytic Hessian.

Near a maximum-likelihood optimum Newton's method converges quadratically: from
a start a few per cent off (e.g. a fit on a subsample), two or three steps
reach the optimum to machine precision, where a quasi-Newton method needs
several more evaluations and a separate Hessian for standard errors.

Far from the optimum the Hessian may be indefinite, so each step solves
(H + μ·I) s = −g with the smallest μ that makes the matrix positive definite
(Levenberg, 1944; Marquardt, 1963) and is then shortened by backtracking until
it decreases the objective (the Armijo condition; Nocedal & Wright, 2006,
*Numerical Optimization*, 2nd ed., eq. 3.4).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from rashinban.clv._inputs import FloatArray

__all__ = ["NewtonResult", "newton_minimise"]

# Sufficient-decrease constant of the Armijo condition (Nocedal & Wright, eq. 3.4).
_ARMIJO = 1e-4
# Below this gradient size the objective's rounding error (~1e-16 relative)
# exceeds what a Newton step still gains: full steps are taken as long as they
# shrink the gradient, without asking the value to decrease.
_NEAR = 1e-6
# Longest step, in the largest coordinate: the parameters are logarithms, so a
# step of 2 multiplies one by e² at most. Far from the optimum a full Newton
# step can leave the region where the objective is even finite.
_MAX_STEP = 2.0
# A step this short (largest coordinate) taken where the gradient is below
# _NEAR is the last one: its error is of the order of its square (quadratic
# convergence), far below what another evaluation could resolve.
_FINAL_STEP = 1e-4


@dataclass
class NewtonResult:
    """Outcome of :func:`newton_minimise`."""

    x: FloatArray
    fun: float
    jac: FloatArray
    hess: FloatArray
    nit: int
    nfev: int
    success: bool
    message: str


def _descent_step(grad: FloatArray, hess: FloatArray) -> FloatArray:
    """Newton step, with the Hessian shifted until it is positive definite."""
    k = grad.size
    shift = 0.0
    scale = max(float(np.max(np.abs(np.diag(hess)))), 1e-12)
    for _ in range(60):
        try:
            chol = np.linalg.cholesky(hess + shift * np.eye(k))
        except np.linalg.LinAlgError:
            shift = max(2.0 * shift, 1e-8 * scale)
            continue
        return np.asarray(-np.linalg.solve(chol.T, np.linalg.solve(chol, grad)), dtype=np.float64)
    return -grad / scale  # pragma: no cover - only with a non-finite Hessian


def newton_minimise(
    fun: Callable[[FloatArray], tuple[float, FloatArray, FloatArray]],
    theta0: FloatArray,
    *,
    gtol: float,
    maxiter: int,
    polish: bool = False,
) -> NewtonResult:
    """Minimise ``fun`` (value, gradient, Hessian) until max |gradient| < ``gtol``.

    Parameters
    ----------
    fun : callable
        Returns the value, gradient and Hessian at a point; a non-finite value
        marks a point outside the domain (the step is then shortened).
    theta0 : ndarray
        Starting point.
    gtol : float
        Convergence test on the largest gradient component.
    maxiter : int
        Iteration limit.
    polish : bool
        Finish with one Newton step that is not evaluated once the gradient is
        below 1e-6 and the step below 1e-4 (quadratic convergence makes the
        point exact to ~1e-9 relative or better): saves the last evaluation, whose
        only use would be to confirm it. The value and gradient returned are
        then those of the local quadratic model.

    Returns
    -------
    NewtonResult
        ``success`` is False when the limit was hit or no step made progress.

    Examples
    --------
    >>> import numpy as np
    >>> from rashinban.clv._newton import newton_minimise
    >>> def quartic(t):
    ...     return float(np.sum(t**4 + t**2)), 4 * t**3 + 2 * t, np.diag(12 * t**2 + 2)
    >>> res = newton_minimise(quartic, np.array([1.0, -2.0]), gtol=1e-12, maxiter=50)
    >>> bool(res.success), bool(np.allclose(res.x, 0.0))
    (True, True)
    """
    theta = np.asarray(theta0, dtype=np.float64)
    value, grad, hess = fun(theta)
    nfev = 1
    if not np.isfinite(value):
        return NewtonResult(theta, value, grad, hess, 0, nfev, False, "non-finite start")
    for nit in range(maxiter + 1):
        grad_norm = float(np.max(np.abs(grad)))
        if grad_norm < gtol:
            return NewtonResult(theta, value, grad, hess, nit, nfev, True, "converged")
        if nit == maxiter:
            break
        step = _descent_step(grad, hess)
        longest = float(np.max(np.abs(step)))
        if longest > _MAX_STEP:
            step *= _MAX_STEP / longest
        elif grad_norm < _NEAR and longest < _FINAL_STEP and polish:
            # Value and gradient after the step from the quadratic model: their
            # error is O(|step|³) and O(|step|²), below rounding here.
            value += 0.5 * float(grad @ step)
            grad = grad + hess @ step
            theta = theta + step
            return NewtonResult(theta, value, grad, hess, nit + 1, nfev, True, "converged")
        slope = float(grad @ step)
        length = 1.0
        accepted = False
        for _ in range(40):
            trial = theta + length * step
            t_value, t_grad, t_hess = fun(trial)
            nfev += 1
            if np.isfinite(t_value) and np.all(np.isfinite(t_grad)):
                if t_value <= value + _ARMIJO * length * slope:
                    accepted = True
                elif (
                    grad_norm < _NEAR
                    and length == 1.0
                    and float(np.max(np.abs(t_grad))) < grad_norm
                ):
                    # At rounding level of the value: the gradient decides.
                    accepted = True
            if accepted:
                break
            length /= 2.0
        if not accepted:
            return NewtonResult(theta, value, grad, hess, nit, nfev, False, "no progress")
        theta, value, grad, hess = trial, t_value, t_grad, t_hess
    return NewtonResult(theta, value, grad, hess, maxiter, nfev, False, "iteration limit")
