"""JVP rules of the spectral functions (core/spectral.py): first-order perturbation theory.

For a symmetric S = V diag(λ) Vᵀ with simple eigenvalues, dλᵢ = vᵢᵀ dS vᵢ; for the thin SVD
X = U diag(σ) Vᵀ with distinct nonzero singular values, dσᵢ = uᵢᵀ dX vᵢ (Magnus & Neudecker,
*Matrix Differential Calculus* ch. 8.8-8.9). Eigenvectors and singular vectors are defined up to
sign (and their derivatives need every eigenpair): no derivative goes through them.
"""
from __future__ import annotations

from ..core import build as b
from ..core.expr import mk
from ..core.spectral import SPECTRAL
from .registry import defjvp, defrefused


def _factor(op: str, x):
    return mk(op, x)


@defjvp("eigvals")
def _eigvals(node, dargs):
    """d eigvals(S) = diag(Vᵀ dS V), V = eigvecs(S) (simple eigenvalues)"""
    v = _factor("eigvecs", node.arg)
    return b.diagpart(b.mul(b.transpose(v), dargs[0], v))


def _extreme_eigenvalue(vector: str):
    def rule(node, dargs):
        v = _factor(vector, node.arg)
        return b.mul(b.transpose(v), dargs[0], v)
    rule.__doc__ = f"d {vector.replace('eigvec_', 'eig')}(S) = vᵀ dS v, v = {vector}(S) " \
                   f"(a simple eigenvalue)"
    return rule


defjvp("eigmax")(_extreme_eigenvalue("eigvec_max"))
defjvp("eigmin")(_extreme_eigenvalue("eigvec_min"))


@defjvp("svals")
def _svals(node, dargs):
    """d svals(X) = diag(Uᵀ dX V), U, V the thin SVD's factors (distinct nonzero singular values)"""
    u, v = _factor("svecs_left", node.arg), _factor("svecs_right", node.arg)
    return b.diagpart(b.mul(b.transpose(u), dargs[0], v))


@defjvp("specnorm")
def _specnorm(node, dargs):
    """d specnorm(X) = uᵀ dX v, u, v the singular vectors of the largest singular value"""
    u, v = _factor("svec_max_left", node.arg), _factor("svec_max_right", node.arg)
    return b.mul(b.transpose(u), dargs[0], v)


@defjvp("nucnorm")
def _nucnorm(node, dargs):
    """d nucnorm(X) = tr(polar(X)ᵀ dX), polar(X) = U Vᵀ (X of full rank)"""
    return b.trace(b.mul(b.transpose(_factor("polar", node.arg)), dargs[0]))


_THROUGH_VECTORS = (
    ": eigenvectors and singular vectors are defined only up to sign, and their derivative "
    "needs every eigenpair (so a second derivative, or a Hessian, of eigvals, eigmax, eigmin, "
    "svals, specnorm or nucnorm is not available either)")
_THROUGH_EIGENBASIS = (
    ": an eigenbasis is not unique (in sign, and where an eigenvalue repeats); it appears in "
    "the Daleckii–Krein form Q (F ⊙ (Qᵀ E Q)) Qᵀ of a Fréchet derivative L_f(S, E), whose "
    "derivative in S (a second Fréchet derivative: a second derivative, or a Hessian, through "
    "expm, logm or sqrtm) is not available")

for _f in SPECTRAL.values():
    if _f.vectors:
        _why = _THROUGH_EIGENBASIS if _f.name == "eigbasis" else _THROUGH_VECTORS
        _argument = "S" if _f.argument == "symmetric" else "X"
        defrefused(_f.name, f"no derivative through {_f.name}({_argument}){_why}",
                   f"{_f.name}: no derivative (defined up to sign)")
