"""Deep transposition: `transposed(e)` is eᵀ with the transpose pushed inside: (A B)ᵀ = Bᵀ Aᵀ
always; (A ⊗ B)ᵀ = Aᵀ ⊗ Bᵀ unless that adds transpose marks; (A + B)ᵀ = Aᵀ + Bᵀ and
f(A)ᵀ = f(Aᵀ) only when that removes one ((A + Aᵀ)ᵀ = A + Aᵀ, but (X θ − y)ᵀ and X⁻ᵀ stay).
Which operators a transpose passes into, and how, is each one's `transposes` facet
(core/linear_ops.py: into its argument, as f(A) and X⁻¹, or into each operand, as A ⊗ B).
One rule for every sum keeps equal values equal nodes, so like terms still combine. Used for the
denominator layout and for cotangents of transposes.

Both the marks counted (in the printed tree) and the transposed forms are cached per node and
computed children first, so a deep expression costs its number of distinct nodes, without
recursion.
"""
from __future__ import annotations

import weakref
from functools import partial

from . import build as b
from .expr import Expr, postorder_new
from .linear_ops import INTO_ARGUMENT, INTO_EACH
from .ops import OPS

_DISTRIBUTES = {"add": b.add, "hadamard": b.hadamard}  # (A + B)ᵀ = Aᵀ + Bᵀ, and ⊙

_MARKS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # node -> transposes printed
# node -> weak reference to its transposed form (None: the plain eᵀ); weak, so that a cached
# form never keeps its node alive
_TRANSPOSED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def transpose_count(e: Expr) -> int:
    """The number of transpose marks in e's printed tree."""
    for node in postorder_new(e, _MARKS):
        _MARKS[node] = sum(_MARKS[a] for a in node.args) + (node.op == "transpose")
    return _MARKS[e]


def _passes(op: str) -> str:
    """How a transpose passes through the operator (its `transposes` facet; "": it does not)."""
    spec = OPS.get(op)
    return spec.transposes if spec is not None else ""


def _builder(op: str):
    """The core builder of a declared operator (its `builder` facet), else apply by name."""
    spec = OPS.get(op)
    return getattr(b, spec.builder) if spec is not None and spec.builder else \
        partial(b.apply, op)


def _inner(e: Expr) -> tuple[Expr, ...]:
    """The subexpressions whose transposes e's transposed form is built from."""
    if e.op == "transpose" or e.is_scalar:
        return ()
    if e.op == "mul":
        return tuple(b.matmul_chain(e)[1])
    if e.op in _DISTRIBUTES or _passes(e.op) == INTO_EACH:
        return e.args
    if e.op == "pow" and not e.args[1].is_scalar:  # u.^p with p not a scalar: each transposes
        return tuple(a for a in e.args if not a.is_scalar)
    if e.op == "pow" or _passes(e.op) == INTO_ARGUMENT:
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
    passes = _passes(e.op)
    if e.op in _DISTRIBUTES:  # (A + B)ᵀ = Aᵀ + Bᵀ
        candidate = _DISTRIBUTES[e.op](*(done[a] for a in e.args))
    elif passes == INTO_EACH:  # (A ⊗ B)ᵀ = Aᵀ ⊗ Bᵀ, L_f(X, E)ᵀ = L_f(Xᵀ, Eᵀ)
        candidate = _builder(e.op)(*(done[a] for a in e.args), **dict(e.attrs))
    elif e.op == "pow":  # (u.^p)ᵀ = uᵀ.^pᵀ, a scalar u or p as it is
        candidate = b.power(*(a if a.is_scalar else done[a] for a in e.args))
    elif passes == INTO_ARGUMENT:  # f(A)ᵀ = f(Aᵀ), (X⁻¹)ᵀ = (Xᵀ)⁻¹, (Aᵏ)ᵀ = (Aᵀ)ᵏ
        candidate = _builder(e.op)(done[e.args[0]], *e.args[1:], **dict(e.attrs))
    else:
        return plain
    fewer = transpose_count(candidate) - transpose_count(plain)
    kept = passes == INTO_EACH  # (on a tie, the distributed form)
    result = candidate if fewer < 0 or (fewer == 0 and kept) else plain
    _TRANSPOSED[e] = None if result is plain else weakref.ref(result)
    return result
