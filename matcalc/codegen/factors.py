"""The factors of a matrix product as code sees them: a computed `Value`, or a structured
`Factor` that is applied rather than formed, and guesses at what forming each costs. The
structured kinds are the identity, a commutation matrix, ones and a sum of matrices (core
node kinds), and the operators whose declarations say how a product applies them
(`in_products`): diag(v) scales (core/linear_ops.py's SCALES), A ⊗ B goes through reshapes
(RESHAPES), X⁻¹ is a solve (core/matrix_powers.py's SOLVED).
"""
from __future__ import annotations

from dataclasses import dataclass

from ..core import build as b
from ..core.algebra import matmul_chain
from ..core.expr import Expr
from ..core.linear_ops import LINEAR_OPS, RESHAPES, SCALES
from ..core.matrix_powers import MATRIX_POWERS, SOLVED
from ..core.transpose import transposed
from ..shapes import Shape

IDENTITY, COMMUTATION, ONES, TERMS = "I", "K", "ones", "terms"  # the core node kinds' factors
# operator -> how a product applies it, as declared (SCALES, RESHAPES, SOLVED)
APPLIED = {op.name: op.in_products for op in (*LINEAR_OPS.values(), *MATRIX_POWERS.values())
           if op.in_products}


@dataclass(frozen=True)
class Value:
    """A quantity in the generated code: its code (placeholder or atomic) and static shape."""

    code: str
    shape: Shape

    @property
    def is_2d(self) -> bool:
        return self.shape.is_matrix


@dataclass(frozen=True)
class Factor:
    """A structured factor of a product: kind IDENTITY, COMMUTATION, ONES or TERMS, or the
    declared SCALES (parts: the weights v of diag(v)), SOLVED (parts: X of X⁻¹ and whether
    it is transposed) or RESHAPES (parts: A and B of A ⊗ B)."""

    kind: str
    node: Expr  # the factor itself (formed densely when it cannot be applied)
    parts: tuple = ()


def classify(node: Expr) -> Factor | None:
    """The structured kind of a product factor, or None for a dense one."""
    flipped = node.op == "transpose"
    base = node.arg if flipped else node
    op, applied = base.op, APPLIED.get(base.op)
    if op == "identity":
        return Factor(IDENTITY, node)
    if applied == SCALES:
        return Factor(SCALES, node, (base.arg,))
    if applied == SOLVED:
        return Factor(SOLVED, node, (base.arg, flipped))
    if applied == RESHAPES and _thin(base):
        return None  # formed: no larger than what it multiplies, and a plain GEMM
    if applied == RESHAPES and not (base.args[0].is_scalar or base.args[1].is_scalar):
        a, b = base.args
        return Factor(RESHAPES, node, (transposed(a), transposed(b)) if flipped else (a, b))
    if op == "commutation":
        m, n = base.attr("m"), base.attr("n")
        return Factor(COMMUTATION, node, (n, m) if flipped else (m, n))
    if op == "ones":
        return Factor(ONES, node)
    if op == "add":
        weights = _diagonal_sum(base)
        if weights is not None:
            return Factor(SCALES, node, (weights,))
        return Factor(TERMS, node, tuple(transposed(t) if flipped else t for t in base.args))
    return None


def _diagonal_sum(node: Expr) -> Expr | None:
    """Σ cᵢ diag(dᵢ) = diag(Σ cᵢ dᵢ) for scalars cᵢ: the weights, or None for another sum."""
    weights = []
    for term in node.args:
        scalars, chain = matmul_chain(term)
        if len(chain) != 1 or APPLIED.get(chain[0].op) != SCALES:
            return None
        weights.append(b.mul(*scalars, chain[0].arg))
    return b.add(*weights)


def forming_cost(item: Value | Factor) -> tuple[int, int]:
    """A guess at the cost of forming a product's factor (computed ones cost nothing more):
    how many size symbols its shape has; an inverse, a commutation matrix or a diagonal
    matrix, which are applied cheaply, counted higher."""
    if isinstance(item, Value):
        return (-1, 0)
    shape = item.node.shape
    degree = len(shape.rows.symbols) + len(shape.cols.symbols)
    extra = {SOLVED: 10, COMMUTATION: 10, SCALES: 3}.get(item.kind, 0)  # (diag(v): for free)
    return (degree + extra, shape.rows.coeff * shape.cols.coeff)


def _thin(kron: Expr) -> bool:
    """u ⊗ I or I ⊗ u for a vector u: a matrix with one entry per row or column, cheaper
    to form and multiply than to apply through reshapes (strided writes)."""
    a, b = kron.args
    return any(x.op == "identity" and (y.shape.rows.is_one or y.shape.cols.is_one)
               for x, y in ((a, b), (b, a)))


def summed_by_ones(ones: Expr, matrix: Expr, computed: bool = False) -> bool:
    """Whether `matrix` times the 𝟏 or 𝟏ᵀ beside it is summed: a reduction, which XLA fuses
    with the operations making `matrix` (a matrix-vector product it does not); a structured
    `matrix` only when it is `computed` already (a sum is otherwise applied term by term)."""
    if not (isinstance(ones, Expr) and isinstance(matrix, Expr)):  # (a computed factor)
        return False
    base = ones.arg if ones.op == "transpose" else ones
    return base.op == "ones" and matrix.shape.is_matrix and (computed or classify(matrix) is None)
