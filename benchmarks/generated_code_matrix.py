"""Matrix functions for generated_code.py: gradients through expm, in a table of their own with
each row's closed-form flop count beside the times (`MATRIX_CASES`; `--matrix` runs them alone).

Each case holds its matcalc program, the scalar function written once over an array namespace
(`ops(library)`: numpy, jax or torch, each library's own matrix exponential: scipy.linalg.expm,
jax.scipy.linalg.expm, torch.linalg.matrix_exp), the hand-written NumPy closed form and its flop
count (`Case.flops`, from the arrays, leading terms only). The peers differentiate the scalar
function: `jax.jit(jax.grad)` through jax.scipy.linalg.expm, `torch.func.grad` through
torch.linalg.matrix_exp.

Flops, M = 2n³ a product of n × n matrices:
- expm by scaling and squaring (scipy's, Al-Mohy–Higham 2009): a Padé approximant of degree m
  (3, 5, 7, 9 or 13, the least whose θ_m bounds ‖X‖₁) costs π_m products (π = 2, 3, 4, 5, 6) and
  one LU solve with n right-hand sides (8/3 n³), then s squarings, s = ⌈log₂(‖X‖₁ / θ₁₃)⌉ for
  m = 13: expm ≈ (π_m + s) M + 8/3 n³;
- the Fréchet derivative L_exp(X, E) with expm (scipy.linalg.expm_frechet, Al-Mohy–Higham's
  algorithm 6.4): ≈ 3 × expm; counted from scipy's code for m = 13, (19 + 3s) M + 14/3 n³;
- eigh ≈ 9n³ (tridiagonal reduction 4/3 n³, QR iteration and the back-transform of the
  eigenvectors); a matmul 2n³.

Rows (gradients in denominator layout, X n × n standard normal / √n, S its symmetric part):
- `u' expm(X) v` by X: L_exp(Xᵀ, u vᵀ), one expm_frechet;
- `tr(expm(X) A)` by X: L_exp(X, A)ᵀ, one expm_frechet;
- `u' expm(S) v` by S symmetric(n): the symmetric gradient L_exp(S, u vᵀ + v uᵀ)/2, by hand
  in the Daleckii–Krein form Q (F ⊙ (Qᵀ E Q)) Qᵀ, S = Q Λ Qᵀ (one eigh), F the divided
  differences of exp at the eigenvalues (F_ij = (e^λi − e^λj)/(λi − λj), F_ii = e^λi), E the
  symmetrised direction: Qᵀ E Q = (a bᵀ + b aᵀ)/2 with a = Qᵀ u, b = Qᵀ v, so eigh + 2
  products: 9n³ + 4n³;
- `tr(expm(S) A)` by S symmetric(n): the same with E = (A + Aᵀ)/2, Qᵀ E Q two more products:
  9n³ + 8n³;
- `u' logm(X) v` by X (X = 3I + 1.5 × standard normal / √n, off the branch cut): L_log(Xᵀ, u vᵀ)
  by the block identity, scipy.linalg.logm of the 2n × 2n [[Xᵀ, u vᵀ], [0, Xᵀ]] (by hand and in
  matcalc's numpy code; matcalc's jax code computes its own logm, codegen/matrix_roots.py).
  scipy's logm (Al-Mohy–Higham 2012) of an N × N matrix: a complex Schur form (≈ 25 N³, real
  flops of complex arithmetic counted as 4), s square roots of the triangle (N³/3 each, s ≈ 5),
  a Padé approximant of degree m ≈ 7 by partial fractions (m triangular solves, N³/3 each) and
  the back-transformation (2 N³): counted as 30 N³, N = 2n, a rough estimate. jax has no
  logm: its peer is `jax.jit(jax.grad)` through matcalc's generated jax logm, whose reverse-mode
  derivative is its adjoint L_log(Xᵀ, G) (jax.custom_vjp), so it times the same algorithm
  reached by jax.grad; torch's is `torch.func.grad` through matcalc's generated torch logm,
  differentiating its iteration step by step.
The peers differentiate the value at (S + Sᵀ)/2, whose gradient at a symmetric S is the
symmetric one. The GFlop column counts the hand-written closed form.
"""
from __future__ import annotations

import argparse
import math
from typing import Callable

import numpy as np
import scipy.linalg
from generated_code_cases import Case
from generated_code_spectral import SPECTRAL_CASES
from generated_code_spectral import ops as spectral_ops

# ---- the programs --------------------------------------------------------------------------

BILINEAR = "u' expm(X) v"
TRACE = "tr(expm(X) A)"
SYMMETRIC_BILINEAR = "u' expm(S) v"
SYMMETRIC_TRACE = "tr(expm(S) A)"
LOG_BILINEAR = "u' logm(X) v"


# ---- each library's matrix exponential (the scalar functions below call it) ------------------

def ops(library: str):
    """expm for `library` (numpy, jax or torch), and the spectral functions' eigvalsh and
    svdvals (generated_code_spectral.py)."""
    return argparse.Namespace(**vars(_expm_ops(library)), **vars(spectral_ops(library)),
                              **vars(_logm_ops(library)))


def _logm_ops(library: str):
    """logm: scipy's real principal logarithm; matcalc's generated jax and torch ones (neither
    library has one)."""
    if library == "numpy":
        return argparse.Namespace(logm=lambda x: np.real(scipy.linalg.logm(x)))
    import matcalc

    generated = matcalc.derive(LOG_BILINEAR, "X").to_function(library)
    return argparse.Namespace(logm=generated.__globals__["_logm"])


def _expm_ops(library: str):
    if library == "numpy":
        return argparse.Namespace(expm=scipy.linalg.expm)
    if library == "jax":
        import jax.scipy.linalg

        return argparse.Namespace(expm=jax.scipy.linalg.expm)
    import torch

    return argparse.Namespace(expm=torch.linalg.matrix_exp)


def bilinear_value(o, X, u, v, **_):
    return u @ (o.expm(X) @ v)


def trace_value(o, X, A, **_):
    return (o.expm(X) * A.T).sum()


def log_bilinear_value(o, X, u, v, **_):
    return u @ (o.logm(X) @ v)


def symmetric_bilinear_value(o, S, u, v, **_):
    return bilinear_value(o, (S + S.T) / 2, u, v)


def symmetric_trace_value(o, S, A, **_):
    return trace_value(o, (S + S.T) / 2, A)


# ---- hand-written NumPy closed forms ---------------------------------------------------------

def bilinear_dX(X, u, v, **_):
    """L_exp(Xᵀ, u vᵀ)."""
    return scipy.linalg.expm_frechet(X.T, np.outer(u, v), compute_expm=False)


def trace_dX(X, A, **_):
    """L_exp(X, A)ᵀ."""
    return scipy.linalg.expm_frechet(X, A, compute_expm=False).T


def log_bilinear_dX(X, u, v, **_):
    """L_log(Xᵀ, u vᵀ): the upper right block of logm([[Xᵀ, u vᵀ], [0, Xᵀ]])."""
    n = X.shape[0]
    block = np.block([[X.T, np.outer(u, v)], [np.zeros_like(X), X.T]])
    return np.real(scipy.linalg.logm(block))[:n, n:]


def exp_divided_differences(lam: np.ndarray) -> np.ndarray:
    """F_ij = (e^λi − e^λj)/(λi − λj) = e^λj expm1(λi − λj)/(λi − λj), F_ii = e^λi (the limit,
    also taken where λi and λj are closer than 1e-300)."""
    diff = lam[:, None] - lam[None, :]
    exp_j = np.exp(lam)[None, :]
    close = np.abs(diff) < 1e-300
    ratio = np.expm1(diff) / np.where(close, 1.0, diff)
    return exp_j * np.where(close, 1.0, ratio)


def daleckii_krein(S, inner):
    """Q (F ⊙ inner(Q)) Qᵀ with S = Q Λ Qᵀ, F = exp_divided_differences(λ); inner(Q) = Qᵀ E Q."""
    lam, Q = np.linalg.eigh(S)
    return Q @ (exp_divided_differences(lam) * inner(Q)) @ Q.T


def symmetric_bilinear_dS(S, u, v, **_):
    def inner(Q):
        a, c = Q.T @ u, Q.T @ v
        return (np.outer(a, c) + np.outer(c, a)) / 2
    return daleckii_krein(S, inner)


def symmetric_trace_dS(S, A, **_):
    return daleckii_krein(S, lambda Q: Q.T @ ((A + A.T) / 2) @ Q)


# ---- flop counts -----------------------------------------------------------------------------

PADE_THETA = ((3, 1.495585217958292e-2), (5, 2.539398330063230e-1),
              (7, 9.504178996162932e-1), (9, 2.097847961257068), (13, 5.371920351148152))
PADE_PRODUCTS = {3: 2, 5: 3, 7: 4, 9: 5, 13: 6}


def pade_choice(X: np.ndarray) -> tuple[int, int]:
    """(m, s): the Padé degree and the squarings expm_frechet picks for ‖X‖₁."""
    norm = float(np.abs(X).sum(axis=0).max())
    m = next((m for m, theta in PADE_THETA if norm <= theta), 13)
    return m, max(0, math.ceil(math.log2(norm / PADE_THETA[-1][1]))) if m == 13 else 0


def expm_flops(X: np.ndarray) -> float:
    """(π_m + s) 2n³ + 8/3 n³."""
    (m, s), n = pade_choice(X), X.shape[0]
    return (PADE_PRODUCTS[m] + s) * 2 * n ** 3 + 8 / 3 * n ** 3


def frechet_flops(arrays: dict) -> float:
    """L_exp(X, E) with expm as scipy's expm_frechet computes it for m = 13: 18 products for
    the powers of X and their Fréchet derivatives, 1 in forming the right-hand side, 3 per
    squaring (R L + L R, R R), an LU factorisation and two solves: (19 + 3s) 2n³ + 14/3 n³
    (≈ 2.9 × expm; Al-Mohy–Higham: ≈ 3 ×, the count used for smaller m)."""
    X = arrays["X"]
    (m, s), n = pade_choice(X), X.shape[0]
    if m != 13:
        return 3 * expm_flops(X)
    return (19 + 3 * s) * 2 * n ** 3 + 14 / 3 * n ** 3


def log_block_flops(arrays: dict) -> float:
    """scipy's logm of the 2n × 2n block, estimated as 30 (2n)³ (the module's docstring)."""
    return 30 * (2 * arrays["X"].shape[0]) ** 3


def daleckii_krein_flops(products: int) -> Callable[[dict], float]:
    """eigh (9n³) and `products` n × n products (2n³ each)."""
    return lambda arrays: (9 + 2 * products) * arrays["S"].shape[0] ** 3


# ---- the cases -------------------------------------------------------------------------------

def _symmetric(rng, shape):
    m = rng.standard_normal(shape) / np.sqrt(shape[-1])
    return (m + m.T) / 2


def _off_cut(rng, shape):
    return 3.0 * np.eye(shape[0]) + 1.5 * rng.standard_normal(shape) / np.sqrt(shape[0])


def _case(program, more_vars, value, hand, flops, wrt="X", sizes=(100, 1000)) -> Case:
    declared = "symmetric(n)" if wrt == "S" else "matrix(n,n)"
    data = {"S": _symmetric, **({"X": _off_cut} if "logm" in program else {})}
    return Case(program, program, {wrt: declared, **more_vars}, wrt, lambda n: {"n": n},
                data=data, value=value, hand_grad=hand, sizes=sizes, flops=flops)


MATRIX_CASES = [
    _case(BILINEAR, {"u": "vector(n)", "v": "vector(n)"}, bilinear_value, bilinear_dX,
          frechet_flops),
    _case(TRACE, {"A": "matrix(n,n)"}, trace_value, trace_dX, frechet_flops),
    _case(SYMMETRIC_BILINEAR, {"u": "vector(n)", "v": "vector(n)"}, symmetric_bilinear_value,
          symmetric_bilinear_dS, daleckii_krein_flops(2), wrt="S"),
    _case(SYMMETRIC_TRACE, {"A": "matrix(n,n)"}, symmetric_trace_value, symmetric_trace_dS,
          daleckii_krein_flops(4), wrt="S"),
    _case(LOG_BILINEAR, {"u": "vector(n)", "v": "vector(n)"}, log_bilinear_value,
          log_bilinear_dX, log_block_flops, sizes=(100,)),
    *SPECTRAL_CASES,  # eigmax(S), nucnorm(X)
]
