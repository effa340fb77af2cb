"""Traces and diagonals of products, never forming the product:

    tr(A B) = Σ A ⊙ Bᵀ        diag(A B) = rowsums(A ⊙ Bᵀ)

A trace of three or more factors is split where the outputs already form one side: the trace
is invariant under cyclic shifts and transposition, so for any factor X and the product Y of
the others taken cyclically after it,

    tr(X Y) = Σ Xᵀ ⊙ Y = Σ X ⊙ Yᵀ

and when the outputs form Y or Yᵀ anyway (attention's value tr(Gᵀ P V) beside its gradient
by V, Pᵀ G) the trace costs one elementwise product, Σ V ⊙ (Pᵀ G), instead of a product of
its own.
"""
from __future__ import annotations

from ..core import build as b
from ..core.algebra import matmul_chain
from ..core.expr import Expr, postorder
from ..core.linear_ops import LINEAR_OPS
from ..core.transpose import transposed
from .source import wrap
from .spread import spread

# users that never form a product argument: products, and the operators this module writes
# (core/linear_ops.py's `emitter` names the Emitter rule of each)
_FOLDED = frozenset(("mul", *(op.name for op in LINEAR_OPS.values()
                              if op.emitter in ("_tr", "_diagpart"))))


def formed_products(roots: list[Expr]) -> dict[Expr, tuple[Expr, bool]]:
    """The dense matrix products the code for `roots` forms whatever else it does (roots, and
    arguments of an operator other than a product, trace or diagonal): each product P, and
    its transpose in `transposed`'s form, -> (P, whether the key is Pᵀ)."""
    formed = {root for root in roots if root.op == "mul"}
    for root in roots:
        for node in postorder(root):
            if node.op not in _FOLDED:
                formed.update(a for a in node.args if a.op == "mul")
    found: dict[Expr, tuple[Expr, bool]] = {}
    for p in formed:
        if p.shape.is_matrix and spread(p) is None:
            found.setdefault(transposed(p), (p, True))
            found[p] = (p, False)
    return found


def trace_code(em, node: Expr) -> str:
    """tr(M), M a product: Σ X ⊙ Yᵀ over a formed side Y (module docstring), else
    Σ H ⊙ Lᵀ with L the last factor."""
    shared = _shared_split(em, node.arg)
    if shared is not None:
        scalars, left, right = shared
        return em.products.scaled(scalars, em.spell("total", f"({left} * {right})"))
    split = _split_last(em, node.arg)
    if split is None:
        return em._own(node, wrap(em._code(node.arg)))
    scalars, head, last = split  # tr(H L) = Σ H ⊙ Lᵀ
    tail = em.spell("T", wrap(last.code)) if last.is_2d else last.code
    return em.products.scaled(scalars, em.spell("total", f"({head.code} * {wrap(tail)})"))


def diagonal_code(em, node: Expr) -> str:
    """diag(M), M a product H L of matrices: rowsums(H ⊙ Lᵀ)."""
    split = _split_last(em, node.arg)
    if split is None or not split[1].is_2d:
        return em._own(node, wrap(em._code(node.arg)))
    scalars, head, last = split
    rows = em.spell("rowsums", f"({head.code} * {em.spell('T', wrap(last.code))})")
    return em.products.scaled(scalars, rows)


def _split_last(em, arg: Expr):
    """For a product of matrices: (scalars, value of all but the last factor, last)."""
    if arg.op != "mul":
        return None
    scalars, chain = matmul_chain(arg)
    if len(chain) < 2:
        return None
    return scalars, em.products.chain(chain[:-1]), em.value(chain[-1])


def _shared_split(em, arg: Expr) -> tuple[list[Expr], str, str] | None:
    """(scalars, code of X or Xᵀ, code of Yᵀ or Y) for tr(arg) = Σ X ⊙ Yᵀ = Σ Xᵀ ⊙ Y, Y a
    product of at least two factors that the outputs form (or its transpose does); None when
    there is none."""
    if arg.op != "mul":
        return None
    scalars, chain = matmul_chain(arg)
    if len(chain) < 3 or not all(f.shape.is_matrix for f in chain):
        return None
    for i in reversed(range(len(chain))):  # the last factor first, as in tr(H L) = Σ H ⊙ Lᵀ
        x, y = chain[i], b.mul(*chain[i + 1:], *chain[:i])
        for key, y_flipped in ((y, False), (transposed(y), True)):
            if key in em.formed:
                product, flipped = em.formed[key]
                transposes = y_flipped != flipped  # the product is Yᵀ: Σ X ⊙ Yᵀ; Y: Σ Xᵀ ⊙ Y
                return (scalars, em._code(x if transposes else transposed(x)),
                        em._code(product))
    return None
