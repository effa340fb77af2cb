"""Rules on reductions and matrix functions: determinants of transposes and inverses, traces and
sums of transposes and Kronecker products, and the logarithms that are one stable node
(log ∘ softmax, log Σ exp, log |det|). Each function takes a node and returns its rewrite or
None."""
from __future__ import annotations

from fractions import Fraction

from ..core import build as b
from ..core.expr import Expr
from ..core.matrix_scalars import MATRIX_SCALARS
from ..core.rebuild import rebuild
from ..core.vector_functions import ONE, SAME, VECTOR_FUNCTIONS


def of_transpose(node: Expr) -> Expr | None:
    """f(Xᵀ) = f(X) for f = det, logdet, tr, sum."""
    if node.arg.op != "transpose":
        return None
    return rebuild(node, (node.arg.arg,))


def of_inverse(node: Expr) -> Expr | None:
    """f(X⁻¹) in terms of f(X), as declared (core/matrix_scalars.py): det(X⁻¹) = 1 / det(X),
    log|det X⁻¹| = −log|det X|."""
    if node.arg.op != "inv":
        return None
    return MATRIX_SCALARS[node.op].of_inverse[1](b, rebuild(node, (node.arg.arg,)))


def of_kron(node: Expr) -> Expr | None:
    """tr(A ⊗ B) = tr(A) tr(B) for square A and B; sum(A ⊗ B) = sum(A) sum(B)."""
    a = node.arg
    if a.op != "kron" or (node.op == "tr" and not all(f.shape.is_square for f in a.args)):
        return None
    return b.mul(*(rebuild(node, (f,)) for f in a.args))


def sum_of_softmax(node: Expr) -> Expr | None:
    """sum(softmax(u)) = 1, sum(softmax_rows(Z)) = the number of rows of Z: each vector or row
    of a declared function that `sums_to_one`."""
    declared = VECTOR_FUNCTIONS.get(node.arg.op)
    if declared is None or not declared.sums_to_one:
        return None
    return b.dim(node.arg.shape.rows) if declared.by_rows else b.const(1)


def of_one_column(node: Expr) -> Expr | None:
    """softmax_rows(z) = 𝟏, log_softmax_rows(z) = 0, logsumexp_rows(z) = z and
    layernorm_rows(z, ε) = 0 for z of one column: each row is one entry (its value there,
    the declaration's `of_one_entry`)."""
    declared = VECTOR_FUNCTIONS[node.op]
    z = node.args[0]
    if not (declared.by_rows and z.shape.cols.is_one):
        return None
    if declared.of_one_entry == SAME:
        return z
    return b.ones(z.shape.rows) if declared.of_one_entry == ONE else b.zero(node.shape)


def log_of_softmax(node: Expr) -> Expr | None:
    """log(softmax(u)) = logsoftmax(u), log(softmax_rows(Z)) = log_softmax_rows(Z): one node,
    differentiated and computed stably (each declaration's `log_is`)."""
    declared = VECTOR_FUNCTIONS.get(node.arg.op)
    return b.apply(declared.log_is, node.arg.arg) if declared and declared.log_is else None


def log_of_abs_det(node: Expr) -> Expr | None:
    """log|det X| = logdet(X): one node (the declared `log_abs_is`, core/matrix_scalars.py)."""
    a = node.arg
    declared = MATRIX_SCALARS.get(a.arg.op) if a.op == "abs" else None
    return b.apply(declared.log_abs_is, a.arg.arg) if declared and declared.log_abs_is else None


def log_of_sum_exp(node: Expr) -> Expr | None:
    """log(Σ exp(u)) = logsumexp(u): one node, computed stably."""
    a = node.arg
    return b.apply("logsumexp", a.arg.arg) if a.op == "sum" and a.arg.op == "exp" else None


def half_logdet_of_cholesky(node: Expr) -> Expr | None:
    """sum(log(diag(chol(S)))) = logdet(S) / 2: S = L Lᵀ with L lower triangular, so
    det S = Π Lᵢᵢ², and Lᵢᵢ > 0. Where S is not symmetric chol(S) is not defined, and at a
    symmetric S both sides have the same derivative (S⁻¹ = S⁻ᵀ), so the rewrite holds wherever
    the left side does (its condition, S symmetric positive definite, is the function's)."""
    a = node.arg
    if not (a.op == "log" and a.arg.op == "diagpart" and a.arg.arg.op == "chol"):
        return None
    return b.scale(Fraction(1, 2), b.apply("logdet", a.arg.arg.arg))
