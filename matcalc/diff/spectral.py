"""JVP rules of the spectral functions (core/spectral.py): first-order perturbation theory.

For a symmetric S = V diag(λ) Vᵀ with simple eigenvalues, dλᵢ = vᵢᵀ dS vᵢ; for the thin SVD
X = U diag(σ) Vᵀ with distinct nonzero singular values, dσᵢ = uᵢᵀ dX vᵢ (Magnus & Neudecker,
*Matrix Differential Calculus* ch. 8.8-8.9). Each value's declaration names the factors its
derivative is written with (`factors`) and its rule's title (`derivative_text`); the shape of
its identity follows from the shapes. Eigenvectors and singular vectors are defined up to sign
(and their derivatives need every eigenpair): no derivative goes through them, each vector op's
declaration saying why (`refusal`).
"""
from __future__ import annotations

from ..core import build as b
from ..core.expr import mk
from ..core.spectral import SAME, SCALAR, SPECTRAL
from .registry import defjvp, defrefused


def _between(left, dx, right):
    """Lᵀ dX R: dλ = vᵀ dS v for a simple eigenvalue of eigenvector v (L = R = v), and
    dσ = uᵀ dX v for a simple singular value of singular vectors u, v."""
    return b.mul(b.transpose(left), dx, right)


def _each_value(left, dx, right):
    """diag(Lᵀ dX R): d eigvals(S) = diag(Vᵀ dS V), d svals(X) = diag(Uᵀ dX V), each value's
    differential Lᵀ dX R at once."""
    return b.diagpart(_between(left, dx, right))


def _traced(factor, dx):
    """tr(Qᵀ dX) for a factor Q of X's shape: d Σσᵢ = Σ uᵢᵀ dX vᵢ = tr(Vᵀ dXᵀ U) = tr((U Vᵀ)ᵀ dX),
    Q = U Vᵀ the polar factor."""
    return b.trace(b.mul(b.transpose(factor), dx))


def _of_values(f):
    """The differential of the spectral value f, written with its declared factors at f's
    argument: tr(Qᵀ dX) for one factor Q of X's shape, else Lᵀ dX R for one value and
    diag(Lᵀ dX R) for a vector of them (L and R its first and last factors)."""
    traced = len(f.factors) == 1 and SPECTRAL[f.factors[0]].result == SAME

    def rule(node, dargs):
        factors = [mk(op, node.arg) for op in f.factors]
        if traced:
            return _traced(factors[0], dargs[0])
        form = _between if f.result == SCALAR else _each_value
        return form(factors[0], dargs[0], factors[-1])
    rule.__doc__ = f.derivative_text
    return rule


for _f in SPECTRAL.values():
    if _f.vectors:
        defrefused(_f.name, f"no derivative through {_f.name}({_f.placeholder}): {_f.refusal}",
                   f"{_f.name}: no derivative (defined up to sign)")
    else:
        defjvp(_f.name)(_of_values(_f))
