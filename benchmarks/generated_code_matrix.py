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
  algorithm 6.4): ≈ 3 × expm;
- eigh ≈ 9n³ (tridiagonal reduction 4/3 n³, QR iteration and the back-transform of the
  eigenvectors); a matmul 2n³.

Rows (gradients in denominator layout, X n × n standard normal / √n):
- `u' expm(X) v` by X: L_exp(Xᵀ, u vᵀ), one expm_frechet: 3 × expm(Xᵀ);
- `tr(expm(X) A)` by X: L_exp(X, A)ᵀ, one expm_frechet: 3 × expm(X).
"""
from __future__ import annotations

import argparse
import math

import numpy as np
import scipy.linalg
from generated_code_cases import Case

# ---- the programs --------------------------------------------------------------------------

BILINEAR = "u' expm(X) v"
TRACE = "tr(expm(X) A)"


# ---- each library's matrix exponential (the scalar functions below call it) ------------------

def ops(library: str):
    """expm and sum for `library` (numpy, jax or torch)."""
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


# ---- hand-written NumPy closed forms ---------------------------------------------------------

def bilinear_dX(X, u, v, **_):
    """L_exp(Xᵀ, u vᵀ)."""
    return scipy.linalg.expm_frechet(X.T, np.outer(u, v), compute_expm=False)


def trace_dX(X, A, **_):
    """L_exp(X, A)ᵀ."""
    return scipy.linalg.expm_frechet(X, A, compute_expm=False).T


# ---- flop counts -----------------------------------------------------------------------------

PADE_THETA = ((3, 1.495585217958292e-2), (5, 2.539398330063230e-1),
              (7, 9.504178996162932e-1), (9, 2.097847961257068), (13, 5.371920351148152))
PADE_PRODUCTS = {3: 2, 5: 3, 7: 4, 9: 5, 13: 6}


def expm_flops(X: np.ndarray) -> float:
    """(π_m + s) 2n³ + 8/3 n³: the Padé degree m and squarings s scipy picks for ‖X‖₁."""
    n, norm = X.shape[0], float(np.abs(X).sum(axis=0).max())
    m = next((m for m, theta in PADE_THETA if norm <= theta), 13)
    s = max(0, math.ceil(math.log2(norm / PADE_THETA[-1][1]))) if m == 13 else 0
    return (PADE_PRODUCTS[m] + s) * 2 * n ** 3 + 8 / 3 * n ** 3


def frechet_flops(arrays: dict) -> float:
    """L_exp(X, E) with expm, Al-Mohy–Higham: ≈ 3 × expm(X)."""
    return 3 * expm_flops(arrays["X"])


# ---- the cases -------------------------------------------------------------------------------

SQUARE = {"X": "matrix(n,n)"}


def _case(program, more_vars, value, hand, flops, wrt="X") -> Case:
    return Case(program, program, {**SQUARE, **more_vars}, wrt, lambda n: {"n": n},
                value=value, hand_grad=hand, sizes=(100, 1000), flops=flops)


MATRIX_CASES = [
    _case(BILINEAR, {"u": "vector(n)", "v": "vector(n)"}, bilinear_value, bilinear_dX,
          frechet_flops),
    _case(TRACE, {"A": "matrix(n,n)"}, trace_value, trace_dX, frechet_flops),
]
