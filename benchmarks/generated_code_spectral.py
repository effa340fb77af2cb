"""Spectral functions for generated_code.py: gradients through eigh and the SVD, in the matrix
functions' table (`SPECTRAL_CASES`, run with `--matrix`), each row's closed-form flop count
beside the times.

The peers differentiate the scalar function: `jax.jit(jax.grad)` through jnp.linalg.eigvalsh
(jax differentiates eigh) and jnp.linalg.svd(compute_uv=False), `torch.func.grad` through
torch.linalg.eigvalsh and torch.linalg.svdvals.

Flops (leading terms, LAPACK's algorithms; Golub & Van Loan, *Matrix Computations* §8.3, §8.6):
- `eigmax(S)` by a symmetric S: v vᵀ with v = eigvec_max(S), from one eigh (tridiagonal
  reduction 4/3 n³, implicit QR, back-transform of the eigenvectors): ≈ 9n³ (the outer product
  n²);
- `nucnorm(X)` by X: polar(X) = U Vᵀ from one thin SVD with both factors (bidiagonalisation
  and the accumulation of U and V, ≈ 21n³ for n × n by Golub–Van Loan's table; gesdd's divide
  and conquer is faster in practice) and one product U Vᵀ, 2n³: ≈ 23n³.
"""
from __future__ import annotations

import argparse

import numpy as np
from generated_code_cases import Case

EIGMAX = "eigmax(S)"
NUCNORM = "nucnorm(X)"


def ops(library: str):
    """eigvalsh and svdvals (the singular values alone) for `library`."""
    if library == "numpy":
        return argparse.Namespace(eigvalsh=np.linalg.eigvalsh,
                                  svdvals=lambda x: np.linalg.svd(x, compute_uv=False))
    if library == "jax":
        import jax.numpy as jnp

        return argparse.Namespace(eigvalsh=jnp.linalg.eigvalsh,
                                  svdvals=lambda x: jnp.linalg.svd(x, compute_uv=False))
    import torch

    return argparse.Namespace(eigvalsh=torch.linalg.eigvalsh, svdvals=torch.linalg.svdvals)


def eigmax_value(o, S, **_):
    """λ_max of the symmetric part (eigvalsh reads one triangle: the symmetric part makes the
    value's gradient v vᵀ along every direction, as the hand-written check moves S)."""
    return o.eigvalsh((S + S.T) / 2)[-1]


def nucnorm_value(o, X, **_):
    return o.svdvals(X).sum()


def eigmax_dS(S, **_):
    """v vᵀ, v the unit eigenvector of the largest eigenvalue."""
    v = np.linalg.eigh(S)[1][:, -1]
    return np.outer(v, v)


def nucnorm_dX(X, **_):
    """U Vᵀ of the thin SVD."""
    u, _, vt = np.linalg.svd(X, full_matrices=False)
    return u @ vt


def _symmetric(rng, shape):
    m = rng.standard_normal(shape) / np.sqrt(shape[-1])
    return (m + m.T) / 2


SPECTRAL_CASES = [
    Case(EIGMAX, EIGMAX, {"S": "symmetric(n)"}, "S", lambda n: {"n": n},
         data={"S": _symmetric}, value=eigmax_value, hand_grad=eigmax_dS, sizes=(100, 1000),
         flops=lambda arrays: 9 * arrays["S"].shape[0] ** 3),
    Case(NUCNORM, NUCNORM, {"X": "matrix(n,n)"}, "X", lambda n: {"n": n},
         value=nucnorm_value, hand_grad=nucnorm_dX, sizes=(100, 1000),
         flops=lambda arrays: 23 * arrays["X"].shape[0] ** 3),
]
