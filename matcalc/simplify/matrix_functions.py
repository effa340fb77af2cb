"""Rules on the matrix functions expm, logm, sqrtm and their Fréchet derivatives L_f(X, E).

L_f(X, E) = E f′(X) when E commutes with X (Higham, *Functions of Matrices*, ch. 3): E = I,
E = X, t X, or any function of one matrix of which X is also a function (A and expm(t A));
L_f(X, E₁) + L_f(X, E₂) = L_f(X, E₁ + E₂) (linear in E); tr(L_f(X, E)) = tr(f′(X) E).
At a symmetric S = Q diag(λ) Qᵀ, L_f(S, E) = Q (f^[1](λ) ⊙ (Qᵀ E Q)) Qᵀ (Daleckii–Krein).
"""
from __future__ import annotations

from ..core import build as b
from ..core.expr import Expr
from ..core.matrix_functions import MATRIX_FUNCTIONS
from ..core.matrix_powers import MATRIX_POWERS
from ..core.structural import is_symmetric
from ..core.transpose import transposed

_ANY = object()  # the root of I and of scalars: they commute with everything
_FUNCTIONS_OF_ONE = {*MATRIX_POWERS, *MATRIX_FUNCTIONS}


def _root(e: Expr):
    """The matrix M of which e is a function by its structure (e is a sum of products of scalars,
    I and functions inv, powers, expm, logm, sqrtm of M), _ANY for I and scalars, or None when
    e mixes several; two expressions with one root commute."""
    if e.is_scalar or e.op == "identity":
        return _ANY
    if e.op in _FUNCTIONS_OF_ONE:
        return _root(e.arg)
    if e.op in ("mul", "add"):
        roots = {id(r): r for r in map(_root, e.args) if r is not _ANY}
        if len(roots) > 1 or None in roots.values():
            return None
        return next(iter(roots.values()), _ANY)
    return e


def commute(a: Expr, c: Expr) -> bool:
    """Whether a c = c a by their structure: functions of one matrix (or of I)."""
    ra, rc = _root(a), _root(c)
    return ra is _ANY or rc is _ANY or (ra is not None and ra is rc)


def frechet_of_commuting(node: Expr) -> Expr | None:
    """L_f(X, E) = E f′(X) when E commutes with X; L_f(Xᵀ, E) = L_f(X, Eᵀ)ᵀ so that
    L_exp(Xᵀ, I) = expm(X)ᵀ (not expm(Xᵀ))."""
    x, e = node.args
    declared = MATRIX_FUNCTIONS[node.attr("f")]
    if x.op == "transpose":
        inner = frechet_of_commuting(b.frechet(x.arg, transposed(e), declared.name))
        return None if inner is None else transposed(inner)
    if not commute(e, x):
        return None
    return b.mul(e, declared.derivative(b, x, b.apply(declared.name, x)))


def sum_of_frechet(node: Expr) -> Expr | None:
    """c₁ L_f(X, E₁) + c₂ L_f(X, E₂) = L_f(X, c₁ E₁ + c₂ E₂): one Fréchet derivative per f
    and X (by a symmetric S, (L_exp(S, A) + L_exp(S, Aᵀ)) / 2 is L_exp(S, A + Aᵀ) / 2)."""
    groups: dict[tuple, list[Expr]] = {}
    rest: list[Expr] = []
    for term in node.args:
        scalars, chain = b.matmul_chain(term)
        inner = chain[0] if len(chain) == 1 else term
        if inner.op == "frechet":
            key = (inner.attr("f"), inner.args[0])
            groups.setdefault(key, []).append(b.mul(*scalars, inner.args[1]))
        else:
            rest.append(term)
    if all(len(directions) < 2 for directions in groups.values()):
        return None
    merged = [b.frechet(x, b.add(*directions), f) for (f, x), directions in groups.items()]
    return b.add(*rest, *merged)


def trace_of_frechet(node: Expr) -> Expr | None:
    """tr(L_f(X, E)) = tr(f′(X) E): by the adjoint, tr(L_f(X, E)) = tr(L_f(Xᵀ, I)ᵀ E) and
    L_f(Xᵀ, I) = f′(Xᵀ) = f′(X)ᵀ (I commutes with Xᵀ)."""
    inner = node.arg
    if inner.op != "frechet":
        return None
    x, e = inner.args
    declared = MATRIX_FUNCTIONS[inner.attr("f")]
    return b.trace(b.mul(declared.derivative(b, x, b.apply(declared.name, x)), e))


def daleckii_krein(node: Expr) -> Expr | None:
    """L_f(S, E) = Q (F ⊙ (Qᵀ E Q)) Qᵀ for S symmetric by its structure, with Q = eigbasis(S)
    and F = divdiff_f(eigvals(S)) the divided differences of f at the eigenvalues (Daleckii–
    Krein): the same for every orthonormal eigenbasis Q, so defined at repeated eigenvalues."""
    s, e = node.args
    if not is_symmetric(s):
        return None
    declared = MATRIX_FUNCTIONS[node.attr("f")]
    q = b.mk("eigbasis", s)
    divided = b.mk(declared.divided_name, b.mk("eigvals", s))
    return b.mul(q, b.hadamard(divided, b.mul(b.transpose(q), e, q)), b.transpose(q))
