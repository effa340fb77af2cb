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
from ..core.expr import Expr, mk
from .backends import ELEMENTWISE
from .factors import SCALES, classify


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


def scaled_into_spread(scalars: list[Expr], node: Expr) -> Expr | None:
    """The scaling c M of a matrix M whose every term is elementwise a vector spread by ones,
    with c applied to those vectors: each is n entries, not the m n of M.

        c (M ⊙ u 𝟏ᵀ) = M ⊙ (c u) 𝟏ᵀ        c (A + B) = c A + c B

    (c u 𝟏ᵀ and the scalars of a sum take c as they are). The elementwise product is built
    whole (`mk`: the constructor would take c out again). None when a term has no spread
    vector to take c, or no term is a full matrix (then nothing is broadcast)."""
    c = b.mul(*scalars)
    if node.op == "hadamard":
        found = spreads(node.args)
        at = next((i for i, s in enumerate(found) if s is not None), None)
        if at is None:
            return None
        return mk("hadamard", *node.args[:at], b.mul(c, node.args[at]), *node.args[at + 1:])
    if node.op == "mul":
        inner, chain = matmul_chain(node)
        return scaled_into_spread([*scalars, *inner], chain[0]) if len(chain) == 1 else None
    if node.op != "add" or None not in spreads(node.args):
        return None
    terms = []
    for term in node.args:
        if term.op == "expand" or spread(term) is not None:
            terms.append(b.mul(c, term))
            continue
        terms.append(scaled_into_spread(scalars, term))
        if terms[-1] is None:
            return None
    return mk("add", *terms)


def with_shared_negation(args: tuple[Expr, ...], computed) -> tuple[Expr, ...] | None:
    """The operands of an elementwise product, a sum among them whose negation is
    `computed` already written as that negation, its sign carried by a spread vector or a
    scalar operand (n entries or one, not a pass over the matrix):

        M ⊙ (μ 𝟏ᵀ − X) ⊙ u 𝟏ᵀ = M ⊙ (X − μ 𝟏ᵀ) ⊙ (−u) 𝟏ᵀ

    None when no operand is such a sum or none takes the sign."""
    negations = {i: b.add(*(b.mul(b.const(-1), t) for t in a.args))
                 for i, a in enumerate(args) if a.op == "add"}
    at = next((i for i, n in negations.items() if computed(n)), None)
    found = spreads(args)
    sign = next((i for i, a in enumerate(args)
                 if i != at and (found[i] is not None or a.is_scalar or a.op == "expand")), None)
    if at is None or sign is None:
        return None
    signed = {at: negations[at], sign: b.mul(b.const(-1), args[sign])}
    return tuple(signed.get(i, a) for i, a in enumerate(args))


def _diagonal_weights(factor: Expr | None) -> Expr | None:
    """v when a product's factor is declared to scale as diag(v) does, else None."""
    kind = classify(factor) if factor is not None else None
    return kind.parts[0] if kind is not None and kind.kind == SCALES else None


def _row_scaled(term: Expr) -> tuple[Expr, Expr] | None:
    """(r, M) when a matrix term is diag(r) M, or (M₀ ⊙ r 𝟏ᵀ) B = diag(r) (M₀ B), its rows
    scaled by the vector r; else None."""
    scalars, chain = matmul_chain(term)
    first = chain[0] if chain and term.shape.is_matrix else None
    if _diagonal_weights(first) is not None:  # (not c diag(r) alone: c I + u vᵀ distributed
        # in a product, chains.py, would be gathered here again)
        return (_diagonal_weights(first), b.mul(*scalars, *chain[1:])) if chain[1:] else None
    if first is None or first.op != "hadamard":
        return None
    found = spreads(first.args)
    at = next((i for i, s in enumerate(found) if s is not None and s[0] == "col"), None)
    if at is None:
        return None
    rest = b.hadamard(*first.args[:at], *first.args[at + 1:])
    return found[at][1], b.mul(*scalars, rest, *chain[1:])


def with_common_row_scale(terms: tuple[Expr, ...]) -> Expr | None:
    """A sum whose terms scale their rows by one vector r, that scaling taken out of them, so
    it is one pass over the matrix, not one per term:

        diag(r) A + (G ⊙ r 𝟏ᵀ) B = diag(r) (A + G B)

    None when no two terms share a row scaling, one of them as a diagonal factor (an
    elementwise one alone is kept where it is: it takes the sum's scalars and signs)."""
    scaled = [_row_scaled(t) for t in terms]
    rows = [r for r, _ in filter(None, scaled)]
    diagonal = {_diagonal_weights(c[0]) for c in (matmul_chain(t)[1] for t in terms) if c} - {None}
    common = next((r for r in rows if rows.count(r) > 1 and r in diagonal), None)
    if common is None:
        return None
    inner = [s[1] for s in scaled if s is not None and s[0] is common]
    if all(_outer_or_identity(t) for t in inner):  # (chains.py distributes diag(r) (c I +
        return None                                #  Σ u vᵀ) again: no gathering it back)
    rest = [t for t, s in zip(terms, scaled) if s is None or s[0] is not common]
    return b.add(b.mul(b.diag(common), b.add(*inner)), *rest)


def _outer_or_identity(term: Expr) -> bool:
    """term is c u vᵀ or c I."""
    chain = matmul_chain(term)[1]
    return [f.op for f in chain] == ["identity"] or len(chain) == 2 and \
        chain[0].shape.cols.is_one and chain[1].shape.rows.is_one


def negative(u: Expr) -> bool:
    """Whether u carries a negative constant coefficient."""
    scalars = matmul_chain(u)[0]
    return any(s.op == "const" and s.attr("value") < 0 for s in scalars)
