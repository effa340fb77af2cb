"""A matrix computed once even where the outputs also need its transpose.

Two forms of one matrix and its transpose (exp(Q Kᵀ) and exp(K Qᵀ), as the gradients of
attention by Q and by K have them) are two computations of the same entries; a node whose
transpose, in `transposed`'s form, is already among the rebuilt nodes becomes that node's
transpose, `Xᵀ` (a view in every array library):

    exp(K Qᵀ) = exp(Q Kᵀ)ᵀ

only where every user of the view takes a transpose for free (matrix products, and the
operators declared `transpose_free` in core/linear_ops.py: sums, traces):
an elementwise operation between a transposed view and an array in the other memory order runs
several times slower in numpy than computing the matrix again. A vector spread by ones
(spread.py) is left as it is: it is broadcast, never formed. The inputs (variables, abstract
symbols ∂f/∂Y and f(Y), tangents) are kept as given, their arguments unvisited: they name a
parameter of the code, and a rebuilt argument would name another.
"""
from __future__ import annotations

from ..core import build as b
from ..core.expr import Expr, postorder, postorder_new
from ..core.linear_ops import LINEAR_OPS
from ..core.rebuild import rebuild
from ..core.transpose import transposed
from .spread import spread

_INPUTS = ("var", "absgrad", "apply", "tangent")  # parameters of the code
_LEAVES = ("var", "transpose", "identity", "ones", "zero", "const", "expand")
# users a transposed view costs nothing: products, transposes, and as declared (sum, tr)
_TAKE_TRANSPOSES = frozenset(("mul", "transpose",
                              *(op.name for op in LINEAR_OPS.values() if op.transpose_free)))


def shared_transposes(roots: list[Expr]) -> list[Expr]:
    """`roots` with matrices whose transposes are computed too written as those transposes'
    transposes (the first of the two met, children first, is kept), where every user of such
    a transpose takes it for free."""
    refused: set[Expr] = set()
    while True:
        out, made = _shared(roots, refused)
        users: dict[Expr, set[str]] = {}
        for root in out:
            for node in postorder(root):
                for a in node.args:
                    users.setdefault(a, set()).add(node.op)
        costly = {node for node, view in made.items()
                  if not users.get(view, set()) <= _TAKE_TRANSPOSES}
        if not costly:
            return out
        refused |= costly


def _shared(roots: list[Expr], refused: set[Expr]) -> tuple[list[Expr], dict[Expr, Expr]]:
    """(the rebuilt roots, each node written as a transpose -> that transpose), nodes in
    `refused` kept as they are."""
    done: dict[Expr, Expr] = {n: n for root in roots for n in postorder(root) if n.op in _INPUTS}
    seen: set[Expr] = set()
    views: dict[Expr, Expr] = {}
    for root in roots:
        for node in postorder_new(root, done):  # (not into the inputs' arguments)
            new = rebuild(node, tuple(done[a] for a in node.args))
            if (node not in refused and new.shape.is_matrix and new.op not in _LEAVES
                    and spread(new) is None):
                partner = transposed(new)
                if partner is not new and partner in seen:
                    new = views[node] = b.transpose(partner)
            seen.add(new)
            done[node] = new
    return [done[root] for root in roots], views
