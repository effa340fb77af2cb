"""Rules on matrix products: diag and ones vectors, Kronecker products and commutation
matrices. Each function takes a product node and returns its rewrite or None."""
from __future__ import annotations

from collections.abc import Callable

from ..core import build as b
from ..core.expr import Expr


def _is_ones_row(e: Expr) -> bool:
    return e.op == "transpose" and e.arg.op == "ones"


def _pairwise(fn: Callable[[Expr, Expr], Expr | None]) -> Callable[[Expr], Expr | None]:
    """Lift a rule on two adjacent factors of a matrix product to the whole product."""
    def rule(node: Expr) -> Expr | None:
        scalars, chain = b.matmul_chain(node)
        for j in range(len(chain) - 1):
            out = fn(chain[j], chain[j + 1])
            if out is not None:
                return b.mul(*scalars, *chain[:j], out, *chain[j + 2:])
        return None
    return rule


# -- diag and ones ---------------------------------------------------------------------------

@_pairwise
def ones_row_diag(a: Expr, c: Expr) -> Expr | None:
    return b.transpose(c.arg) if _is_ones_row(a) and c.op == "diag" else None


def diag_vector(node: Expr) -> Expr | None:
    """diag(a) B c = a ⊙ (B c) when the rest of the product is a vector."""
    scalars, chain = b.matmul_chain(node)
    for j, f in enumerate(chain[:-1]):
        rest = b.mul(*chain[j + 1:])
        if f.op == "diag" and rest.shape.is_vector:
            tail = f.arg if rest.op == "ones" else b.hadamard(f.arg, rest)
            return b.mul(*scalars, *chain[:j], tail)
    return None


@_pairwise
def diag_diag(a: Expr, c: Expr) -> Expr | None:
    return b.diag(b.hadamard(a.arg, c.arg)) if a.op == c.op == "diag" else None


@_pairwise
def ones_inner(a: Expr, c: Expr) -> Expr | None:
    return b.dim(c.attr("n")) if _is_ones_row(a) and c.op == "ones" else None


def ones_outer_hadamard(node: Expr) -> Expr | None:
    """(𝟏 𝟏ᵀ) ⊙ A = A."""
    def is_ones_outer(e):
        return e.op == "mul" and len(e.args) == 2 and e.args[0].op == "ones" \
            and _is_ones_row(e.args[1])
    kept = [a for a in node.args if not is_ones_outer(a)]
    return b.hadamard(*kept) if kept and len(kept) < len(node.args) else None


# -- Kronecker products ----------------------------------------------------------------------

@_pairwise
def kron_mixed_product(a: Expr, c: Expr) -> Expr | None:
    """(A ⊗ B)(C ⊗ D) = (A C) ⊗ (B D) when the factors conform."""
    if a.op == c.op == "kron":
        (p, q), (r, s) = a.args, c.args
        if p.shape.cols == r.shape.rows and q.shape.cols == s.shape.rows:
            return b.kron(b.mul(p, r), b.mul(q, s))
    return None


@_pairwise
def kron_commutation(a: Expr, k: Expr) -> Expr | None:
    """(A ⊗ B) K_{n,q} = K_{m,p} (B ⊗ A) for A m×n, B p×q; K_{m,p} = I when m or p is 1."""
    if a.op != "kron" or k.op != "commutation":
        return None
    p, q = a.args
    if (k.attr("m"), k.attr("n")) != (p.shape.cols, q.shape.cols):
        return None
    if not (p.shape.rows.is_one or q.shape.rows.is_one):
        return None
    return b.kron(q, p)


@_pairwise
def ones_sum(a: Expr, c: Expr) -> Expr | None:
    """𝟏ᵀ v = vᵀ 𝟏 = sum(v) (the textbook spelling; one token longer than 𝟏ᵀ v)."""
    if _is_ones_row(a) and c.shape.is_vector and c.op != "ones":
        return b.reduce_sum(c)
    if c.op == "ones" and a.op == "transpose" and a.arg.shape.is_vector and a.arg.op != "ones":
        return b.reduce_sum(a.arg)
    return None
