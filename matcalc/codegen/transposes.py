"""A matrix computed once even where the outputs also need its transpose.

Two forms of one matrix and its transpose (exp(Q Kᵀ) and exp(K Qᵀ), as the gradients of
attention by Q and by K have them) are two computations of the same entries; each node whose
transpose, in `transposed`'s form, is already among the rebuilt nodes becomes that node's
transpose, `Xᵀ` (a view in every array library):

    exp(K Qᵀ) = exp(Q Kᵀ)ᵀ
"""
from __future__ import annotations

from ..core import build as b
from ..core.expr import Expr, postorder
from ..core.rebuild import rebuild
from ..core.transpose import transposed

_LEAVES = ("var", "transpose", "identity", "ones", "zero", "const", "expand")


def shared_transposes(roots: list[Expr]) -> list[Expr]:
    """`roots` with every matrix whose transpose is computed too written as that
    transpose's transpose (the first of the two met, children first, is kept)."""
    done: dict[Expr, Expr] = {}
    made: set[Expr] = set()
    for root in roots:
        for node in postorder(root):
            if node in done:
                continue
            new = rebuild(node, tuple(done[a] for a in node.args))
            if new.shape.is_matrix and new.op not in _LEAVES and not new.is_scalar:
                partner = transposed(new)
                if partner is not new and partner in made:
                    new = b.transpose(partner)
            made.add(new)
            done[node] = new
    return [done[root] for root in roots]
