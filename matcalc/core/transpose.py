"""Deep transposition: `transposed(e)` is eᵀ with the transpose pushed inside: (A B)ᵀ = Bᵀ Aᵀ
always; (A ⊗ B)ᵀ = Aᵀ ⊗ Bᵀ unless that adds transpose marks; (A + B)ᵀ = Aᵀ + Bᵀ and
f(A)ᵀ = f(Aᵀ) only when that removes one ((A + Aᵀ)ᵀ = A + Aᵀ, but (X θ − y)ᵀ and X⁻ᵀ stay).
One rule for every sum keeps equal values equal nodes, so like terms still combine. Used for the
denominator layout and for cotangents of transposes.

Both the marks counted (in the printed tree) and the transposed forms are cached per node and
computed children first, so a deep expression costs its number of distinct nodes, without
recursion.
"""
from __future__ import annotations

import weakref

from . import build as b
from .elementwise import FUNCTIONS
from .expr import Expr, postorder_new
from .matrix_functions import MATRIX_FUNCTIONS

_DISTRIBUTES = {"add": b.add, "hadamard": b.hadamard, "kron": b.kron}
_ELEMENTWISE = {*FUNCTIONS, "inv", *MATRIX_FUNCTIONS}  # f(A)ᵀ = f(Aᵀ)

_MARKS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # node -> transposes printed
# node -> weak reference to its transposed form (None: the plain eᵀ); weak, so that a cached
# form never keeps its node alive
_TRANSPOSED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def transpose_count(e: Expr) -> int:
    """The number of transpose marks in e's printed tree."""
    for node in postorder_new(e, _MARKS):
        _MARKS[node] = sum(_MARKS[a] for a in node.args) + (node.op == "transpose")
    return _MARKS[e]


def _inner(e: Expr) -> tuple[Expr, ...]:
    """The subexpressions whose transposes e's transposed form is built from."""
    if e.op == "transpose" or e.is_scalar:
        return ()
    if e.op == "mul":
        return tuple(b.matmul_chain(e)[1])
    if e.op in _DISTRIBUTES or e.op == "frechet":
        return e.args
    if e.op == "pow" and not e.args[1].is_scalar:  # u.^p with p not a scalar: each transposes
        return tuple(a for a in e.args if not a.is_scalar)
    if e.op in _ELEMENTWISE or e.op in ("pow", "mpow"):
        return e.args[:1]
    return ()


def _cached(e: Expr) -> Expr | None:
    if e not in _TRANSPOSED:
        return None
    ref = _TRANSPOSED[e]
    return b.transpose(e) if ref is None else ref()


def transposed(e: Expr) -> Expr:
    """eᵀ in its shortest distributed form."""
    done: dict[Expr, Expr] = {}
    stack: list[tuple[Expr, bool]] = [(e, False)]
    while stack:  # children first, only through the nodes a transpose is pushed into
        node, ready = stack.pop()
        if node in done:
            continue
        cached = _cached(node)
        if cached is not None:
            done[node] = cached
        elif ready:
            done[node] = _transposed_one(node, done)
        else:
            stack.append((node, True))
            stack.extend((a, False) for a in _inner(node) if a not in done)
    return done[e]


def _transposed_one(e: Expr, done: dict[Expr, Expr]) -> Expr:
    """eᵀ, the transposed forms of e's inner subexpressions being in `done`."""
    if e.op == "transpose" or e.is_scalar:
        return b.transpose(e)
    if e.op == "mul":
        scalars, chain = b.matmul_chain(e)
        return b.mul(*scalars, *(done[f] for f in reversed(chain)))
    plain = b.transpose(e)
    if e.op in _DISTRIBUTES:  # (A + B)ᵀ = Aᵀ + Bᵀ
        candidate = _DISTRIBUTES[e.op](*(done[a] for a in e.args))
    elif e.op == "frechet":  # L_f(X, E)ᵀ = L_f(Xᵀ, Eᵀ)
        candidate = b.frechet(e.attr("f"), *(done[a] for a in e.args))
    elif e.op in _ELEMENTWISE or e.op in ("pow", "mpow"):  # f(A)ᵀ = f(Aᵀ), (Aᵏ)ᵀ = (Aᵀ)ᵏ
        if e.op == "pow":  # (u.^p)ᵀ = uᵀ.^pᵀ, a scalar u or p as it is
            inner, exponent = (a if a.is_scalar else done[a] for a in e.args)
        else:
            inner = done[e.args[0]]
        candidate = b.inv(inner) if e.op == "inv" else b.power(inner, exponent) \
            if e.op == "pow" else b.apply(e.op, inner, *e.args[1:], **dict(e.attrs))
    else:
        return plain
    fewer = transpose_count(candidate) - transpose_count(plain)
    result = candidate if fewer < 0 or (fewer == 0 and e.op in ("kron", "frechet")) else plain
    _TRANSPOSED[e] = None if result is plain else weakref.ref(result)
    return result
