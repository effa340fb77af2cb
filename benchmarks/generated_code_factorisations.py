"""Factorisations and solves for generated_code.py: gradients through chol and solve, in the
table of matrix functions (generated_code_matrix.py) with each row's closed-form flop count
(`FACTORISATION_CASES`; `--matrix` runs them with the matrix functions).

Each case holds its matcalc program, the scalar function written once over an array namespace
(`ops(library)`: each library's slogdet, cholesky and solve), the hand-written NumPy closed form
(by Cholesky: scipy.linalg.cho_factor / cho_solve) and its flop count. The peers differentiate
the scalar function: `jax.jit(jax.grad)` through jnp.linalg.slogdet, jnp.linalg.cholesky and
jnp.linalg.solve, `torch.func.grad` through torch's.

Flops (leading terms, n × n): a Cholesky factorisation n³/3; a triangular solve with n
right-hand sides n³ (with one, n²); an LU factorisation 2n³/3 and its solve with n right-hand
sides 2n³; a product of n × n matrices 2n³.

Rows (gradients in denominator layout; S, K = B Bᵀ / n + I, P = B Bᵀ / n, y standard normal):
- `logdet(S)` by S: S⁻¹, one inverse: 2n³ (LU and its n solves, 8/3 n³ less the triangular
  structure numpy uses);
- `2 sum(log(diag(chol(S))))` by S (the log-determinant through Cholesky): Murray's form
  L⁻ᵀ (U + Uᵀ) L⁻¹, one Cholesky and two triangular solves with n right-hand sides: 7/3 n³;
- the Gaussian-process negative log-likelihood `y' solve(K, y) / 2 + sum(log(diag(chol(K))))`
  by K: Murray's form for the second term (7/3 n³), two triangular solves with one right-hand
  side for solve(K, y) (the factor reused);
- the same with K = a P + I by the kernel parameter a: L⁻¹ P L⁻ᵀ (2n³ of triangular solves) and
  four vector solves: 7/3 n³.
"""
from __future__ import annotations

import argparse

import numpy as np
import scipy.linalg
from generated_code_cases import Case

LOGDET = "logdet(S)"
LOGDET_CHOL = "2 sum(log(diag(chol(S))))"
GP = "y' solve(K, y) / 2 + sum(log(diag(chol(K))))"
GP_PARAMETER = "K = a P + I; y' solve(K, y) / 2 + sum(log(diag(chol(K))))"


def ops(library: str):
    """slogdet, cholesky and solve for `library` (numpy, jax or torch)."""
    if library == "numpy":
        return argparse.Namespace(slogdet=np.linalg.slogdet, cholesky=np.linalg.cholesky,
                                  solve=np.linalg.solve, eye=np.eye, log=np.log)
    if library == "jax":
        import jax.numpy as jnp

        return argparse.Namespace(slogdet=jnp.linalg.slogdet, cholesky=jnp.linalg.cholesky,
                                  solve=jnp.linalg.solve, eye=jnp.eye, log=jnp.log)
    import torch

    return argparse.Namespace(slogdet=torch.linalg.slogdet, cholesky=torch.linalg.cholesky,
                              solve=lambda a, b: torch.linalg.solve(a, b[:, None])[:, 0],
                              eye=lambda n: torch.eye(n, dtype=torch.float64), log=torch.log)


def _log_diag_sum(o, s):
    """sum(log(diag(chol(S)))), S read as symmetric ((S + Sᵀ)/2: numpy's cholesky reads one
    triangle, so the finite differences checking the hand-written form see a symmetric S)."""
    return o.log(o.cholesky((s + s.T) / 2).diagonal()).sum()


def logdet_value(o, S, **_):
    return o.slogdet(S)[1]


def logdet_chol_value(o, S, **_):
    return 2 * _log_diag_sum(o, S)


def gp_value(o, K, y, **_):
    return y @ o.solve(K, y) / 2 + _log_diag_sum(o, K)


def gp_parameter_value(o, a, P, y, **_):
    return gp_value(o, a * P + o.eye(P.shape[0]), y)


# ---- hand-written NumPy closed forms, by Cholesky ---------------------------------------------

def _inverse(S):
    factor = scipy.linalg.cho_factor(S, lower=True)
    return scipy.linalg.cho_solve(factor, np.eye(S.shape[0])), factor


def logdet_dS(S, **_):
    """S⁻¹."""
    return _inverse(S)[0]


def gp_dK(K, y, **_):
    """(K⁻¹ − α αᵀ) / 2, α = K⁻¹ y."""
    inverse, factor = _inverse(K)
    alpha = scipy.linalg.cho_solve(factor, y)
    return (inverse - np.outer(alpha, alpha)) / 2


def gp_da(a, P, y, **_):
    """(tr(K⁻¹ P) − αᵀ P α) / 2, K = a P + I, α = K⁻¹ y."""
    inverse, factor = _inverse(a * P + np.eye(P.shape[0]))
    alpha = scipy.linalg.cho_solve(factor, y)
    return ((inverse * P).sum() - alpha @ (P @ alpha)) / 2


# ---- flop counts and data --------------------------------------------------------------------

def _n(arrays: dict) -> int:
    return next(v.shape[0] for v in arrays.values() if np.ndim(v) == 2)


FLOPS = {
    LOGDET: lambda arrays: 2 * _n(arrays) ** 3,
    LOGDET_CHOL: lambda arrays: 7 / 3 * _n(arrays) ** 3,
    GP: lambda arrays: 7 / 3 * _n(arrays) ** 3,
    GP_PARAMETER: lambda arrays: 7 / 3 * _n(arrays) ** 3,
}


def _spd(rng, shape):
    """B Bᵀ / n + I."""
    n = shape[0]
    b = rng.standard_normal((n, n))
    return b @ b.T / n + np.eye(n)


def _gram(rng, shape):
    return _spd(rng, shape) - np.eye(shape[0])


def _case(name, program, vars, wrt, value, hand, data) -> Case:
    return Case(name, program, vars, wrt, lambda n: {"n": n}, value=value, hand_grad=hand,
                sizes=(100, 1000), flops=FLOPS[program], data=data)


FACTORISATION_CASES = [
    _case("logdet", LOGDET, {"S": "spd(n)"}, "S", logdet_value, logdet_dS, {"S": _spd}),
    _case("logdet by Cholesky", LOGDET_CHOL, {"S": "spd(n)"}, "S", logdet_chol_value,
          logdet_dS, {"S": _spd}),
    _case("GP NLL", GP, {"K": "spd(n)", "y": "vector(n)"}, "K", gp_value, gp_dK, {"K": _spd}),
    _case("GP NLL by a", GP_PARAMETER, {"a": "scalar", "P": "spd(n)", "y": "vector(n)"}, "a",
          gp_parameter_value, gp_da, {"P": _gram, "a": lambda rng, shape: np.array(0.7)}),
]
