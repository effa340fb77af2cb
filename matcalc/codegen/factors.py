"""The factors of a matrix product as code sees them: a computed `Value`, or a structured
`Factor` that is applied rather than formed (I, diag, an inverse, a Kronecker product, a
commutation matrix, ones, a sum of matrices), and guesses at what forming each costs.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..core import build as b
from ..core.algebra import matmul_chain
from ..core.expr import Expr
from ..core.transpose import transposed
from ..shapes import Shape


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
    """A structured factor of a product: kind I, D (diag), inv, kron, K, ones or sum."""

    kind: str
    node: Expr  # the factor itself (formed densely when it cannot be applied)
    parts: tuple = ()


def classify(node: Expr) -> Factor | None:
    """The structured kind of a product factor, or None for a dense one."""
    flipped = node.op == "transpose"
    base = node.arg if flipped else node
    op = base.op
    if op == "identity":
        return Factor("I", node)
    if op == "diag":
        return Factor("D", node, (base.arg,))
    if op == "inv":
        return Factor("inv", node, (base.arg, flipped))
    if op == "kron" and _thin(base):
        return None  # formed: no larger than what it multiplies, and a plain GEMM
    if op == "kron" and not (base.args[0].is_scalar or base.args[1].is_scalar):
        a, b = base.args
        return Factor("kron", node, (transposed(a), transposed(b)) if flipped else (a, b))
    if op == "commutation":
        m, n = base.attr("m"), base.attr("n")
        return Factor("K", node, (n, m) if flipped else (m, n))
    if op == "ones":
        return Factor("ones", node)
    if op == "add":
        weights = _diagonal_sum(base)
        if weights is not None:
            return Factor("D", node, (weights,))
        return Factor("sum", node, tuple(transposed(t) if flipped else t for t in base.args))
    return None


def _diagonal_sum(node: Expr) -> Expr | None:
    """Σ cᵢ diag(dᵢ) = diag(Σ cᵢ dᵢ) for scalars cᵢ: the weights, or None for another sum."""
    weights = []
    for term in node.args:
        scalars, chain = matmul_chain(term)
        if len(chain) != 1 or chain[0].op != "diag":
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
    extra = {"inv": 10, "K": 10, "D": 3}.get(item.kind, 0)  # (diag(v) is applied for free)
    return (degree + extra, shape.rows.coeff * shape.cols.coeff)


def _thin(kron: Expr) -> bool:
    """u ⊗ I or I ⊗ u for a vector u: a matrix with one entry per row or column, cheaper
    to form and multiply than to apply through reshapes (strided writes)."""
    a, b = kron.args
    return any(x.op == "identity" and (y.shape.rows.is_one or y.shape.cols.is_one)
               for x, y in ((a, b), (b, a)))


def summed_by_ones(ones: Expr, matrix: Expr) -> bool:
    """Whether `matrix` times the 𝟏 or 𝟏ᵀ beside it is summed: a reduction, which XLA fuses
    with the operations making `matrix` (a matrix-vector product it does not)."""
    if not (isinstance(ones, Expr) and isinstance(matrix, Expr)):  # (a computed factor)
        return False
    base = ones.arg if ones.op == "transpose" else ones
    return base.op == "ones" and matrix.shape.is_matrix and classify(matrix) is None
