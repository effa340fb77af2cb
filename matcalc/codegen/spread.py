"""Vectors spread along a matrix by a product with a vector of ones, kept as vectors.

    u 𝟏ᵀ  (every column u)        𝟏 vᵀ  (every row vᵀ)
    f(u 𝟏ᵀ) = f(u) 𝟏ᵀ  for an elementwise f,   (u 𝟏ᵀ).^p = u.^p 𝟏ᵀ  for a scalar p

As an operand of a sum or an elementwise product that has a full matrix operand too, such a
matrix is the array library's broadcast of the vector (`u[:, None]`, `v[None, :]`), so it is
never formed, and f or the power is applied to its m entries, not to the m n of the matrix
(softmax_rows written out as E ⊘ (E 𝟏 𝟏ᵀ) divides by the row sums without an n × n matrix of
them).
"""
from __future__ import annotations

from ..core import build as b
from ..core.algebra import matmul_chain
from ..core.expr import Expr
from .backends import ELEMENTWISE


def spread(node: Expr) -> tuple[str, Expr] | None:
    """("col", u) when `node` is u 𝟏ᵀ, ("row", vᵀ) when it is 𝟏 vᵀ (through scalings,
    transposes, elementwise functions and scalar powers of such a matrix, and sums and
    elementwise products of such matrices spread the same way and scalars), None
    otherwise."""
    if not node.shape.is_matrix:
        return None
    if node.op == "mul":
        scalars, chain = matmul_chain(node)
        if len(chain) >= 2 and chain[-1].op == "transpose" and chain[-1].arg.op == "ones":
            return "col", b.mul(*scalars, *chain[:-1])
        if len(chain) >= 2 and chain[0].op == "ones":
            return "row", b.mul(*scalars, *chain[1:])
        inner = spread(chain[0]) if len(chain) == 1 else None
        return None if inner is None else (inner[0], b.mul(*scalars, inner[1]))
    if node.op in ("add", "hadamard"):
        return _combined(node)
    if node.op == "transpose":  # (u 𝟏ᵀ)ᵀ = 𝟏 uᵀ
        inner = spread(node.arg)
        return None if inner is None else ({"col": "row", "row": "col"}[inner[0]],
                                           b.transpose(inner[1]))
    if node.op == "pow" and node.args[1].is_scalar:
        inner = spread(node.args[0])
        return None if inner is None else (inner[0], b.power(inner[1], node.args[1]))
    if node.op in ELEMENTWISE and len(node.args) == 1:
        inner = spread(node.arg)
        return None if inner is None else (inner[0], b.apply(node.op, inner[1],
                                                             **dict(node.attrs)))
    return None


def _combined(node: Expr) -> tuple[str, Expr] | None:
    """A sum or elementwise product of matrices spread the same way and scalars, as the sum
    or product of their vectors."""
    parts = [("scalar", a.arg) if a.op == "expand" else spread(a) for a in node.args]
    sides = {part[0] for part in parts if part is not None} - {"scalar"}
    if None in parts or len(sides) != 1:
        return None
    side = sides.pop()
    shape = next(v.shape for s, v in parts if s == side)
    vectors = [b.expand(v, shape) if s == "scalar" else v for s, v in parts]
    return side, (b.add if node.op == "add" else b.hadamard)(*vectors)


def spreads(args: tuple[Expr, ...]) -> list[tuple[str, Expr] | None]:
    """`spread` of each operand of a sum or an elementwise product, or all None when no
    operand is a full matrix (a broadcast needs one to take its shape from)."""
    found = [None if a.is_scalar else spread(a) for a in args]
    full = any(s is None and not a.is_scalar for s, a in zip(found, args))
    return found if full else [None] * len(args)


def spread_factor(matrix: Expr, side: str) -> tuple[Expr, Expr] | None:
    """(M, w) when `matrix` is an elementwise product M ⊙ (w 𝟏ᵀ) (side "col") or M ⊙ (𝟏 wᵀ)
    (side "row") with M a full matrix; its sums along the spread then take w out:

        (M ⊙ w 𝟏ᵀ) 𝟏 = w ⊙ (M 𝟏)        𝟏ᵀ (M ⊙ 𝟏 wᵀ) = (𝟏ᵀ M) ⊙ wᵀ

    None when it has no such factor."""
    if matrix.op != "hadamard":
        return None
    found = spreads(matrix.args)
    vectors = [s[1] for s in found if s is not None and s[0] == side]
    rest = [a for a, s in zip(matrix.args, found) if s is None or s[0] != side]
    if not vectors:
        return None
    join = lambda parts: parts[0] if len(parts) == 1 else b.hadamard(*parts)  # noqa: E731
    return join(rest), join(vectors)


def negative(u: Expr) -> bool:
    """Whether u carries a negative constant coefficient."""
    scalars = matmul_chain(u)[0]
    return any(s.op == "const" and s.attr("value") < 0 for s in scalars)
