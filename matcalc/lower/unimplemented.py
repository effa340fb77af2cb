"""Well-known function names matcalc does not implement, and what to write instead.

A call of one of these names (or the bare name) is an `UnsupportedError` that says what the name
means and what matcalc offers instead, never an abstract scalar function (unless the user
declares the name `function`). Each row is one name: its meaning class (a "did you mean" stays
within a class), what it is, a typical call, and the same thing in matcalc's language where
there is one (`instead`, exact; `condition` when it holds only on part of the domain). A row
whose `alias` is set is another spelling of a built-in function. Implementing a function means
deleting its row.
"""
from __future__ import annotations

from typing import NamedTuple


class Unimplemented(NamedTuple):
    meaning: str  # its class: elementwise functions, reductions, matrix functions, ...
    what: str  # what the name means elsewhere
    usage: str  # a typical call, in the variables of `instead`
    instead: tuple[str, ...] = ()  # the same function in matcalc's language (alternatives)
    alias: str | None = None  # the built-in function this name is another spelling of
    condition: str = ""  # where `instead` equals the function, if not everywhere


E, R, V, W = "elementwise functions", "reductions", "vector functions", "row-wise functions"
M, S, D = "matrix functions", "spectral functions", "decompositions"
F = "factorisations and solves"
P, SHAPE, INDEX = "products", "reshapings", "index functions"
# the classes whose functions are not scalar-valued (an abstract function is)
NOT_SCALAR = (V, W, M, D, F, SHAPE)


def _row(meaning: str, what: str, usage: str, *instead: str, condition: str = "") -> Unimplemented:
    return Unimplemented(meaning, what, usage, instead, None, condition)


def _alias(meaning: str, what: str, usage: str, builtin: str) -> Unimplemented:
    return Unimplemented(meaning, what, usage, (usage.replace(usage.split("(")[0], builtin, 1),),
                         builtin)


_STEP = "piecewise constant: its derivative is 0 where it exists"

UNIMPLEMENTED: dict[str, Unimplemented] = {
    # -- elementwise ------------------------------------------------------------------------
    "asin": _alias(E, "the inverse sine", "asin(u)", "arcsin"),
    "acos": _alias(E, "the inverse cosine", "acos(u)", "arccos"),
    "atan": _alias(E, "the inverse tangent", "atan(u)", "arctan"),
    "arctan2": _row(E, "the angle of the point (u, v)", "arctan2(v, u)"),
    "atan2": _row(E, "the angle of the point (u, v)", "atan2(v, u)"),
    "asinh": _alias(E, "the inverse hyperbolic sine", "asinh(u)", "arcsinh"),
    "arccosh": _row(E, "the inverse hyperbolic cosine", "arccosh(u)",
                    "log(u + sqrt(u.^2 - 1))"),
    "acosh": _row(E, "the inverse hyperbolic cosine", "acosh(u)", "log(u + sqrt(u.^2 - 1))"),
    "atanh": _alias(E, "the inverse hyperbolic tangent", "atanh(u)", "arctanh"),
    "sec": _row(E, "the secant", "sec(u)", "1 ./ cos(u)"),
    "csc": _row(E, "the cosecant", "csc(u)", "1 ./ sin(u)"),
    "cot": _row(E, "the cotangent", "cot(u)", "cos(u) ./ sin(u)"),
    "sinc": _row(E, "sin(u)/u (numpy's sinc(u) is sin(π u)/(π u))", "sinc(u)", "sin(u) ./ u"),
    "log2": _row(E, "the base-2 logarithm", "log2(u)", "log(u) / log(2)"),
    "log10": _row(E, "the base-10 logarithm", "log10(u)", "log(u) / log(10)"),
    "exp2": _row(E, "2 to the power u", "exp2(u)", "exp(log(2) u)"),
    "power": _row(E, "an elementwise power (X^k is the matrix power)", "power(u, 3)", "u.^3"),
    "pow": _row(E, "an elementwise power (X^k is the matrix power)", "pow(u, 3)", "u.^3"),
    "reciprocal": _row(E, "1 / u entrywise", "reciprocal(u)", "1 ./ u"),
    "clip": _row(E, "u limited to [l, h] entrywise", "clip(u, l, h)", "-max(-max(u, l), -h)"),
    "clamp": _row(E, "u limited to [l, h] entrywise", "clamp(u, l, h)", "-max(-max(u, l), -h)"),
    "silu": _row(E, "the SiLU (swish) activation u σ(u)", "silu(u)", "u .* sigmoid(u)"),
    "swish": _row(E, "the swish (SiLU) activation u σ(u)", "swish(u)", "u .* sigmoid(u)"),
    "mish": _row(E, "the mish activation u tanh(softplus(u))", "mish(u)",
                 "u .* tanh(softplus(u))"),
    "elu": _row(E, "the ELU activation (exp(u) - 1 for u < 0)", "elu(u)",
                "relu(u) - relu(1 - exp(u))"),
    "leaky_relu": _row(E, "the leaky ReLU, slope 0.01 below 0 (slope a: max(u, a u))",
                       "leaky_relu(u)", "max(u, 0.01 u)"),
    "relu6": _row(E, "min(max(0, u), 6)", "relu6(u)", "-max(-relu(u), -6)"),
    "heaviside": _row(E, "the unit step (1 where u > 0)", "heaviside(u)", "u > 0"),
    "step": _row(E, "the unit step (1 where u > 0)", "step(u)", "u > 0"),
    "floor": _row(E, f"rounding down, {_STEP}", "floor(u)"),
    "ceil": _row(E, f"rounding up, {_STEP}", "ceil(u)"),
    "round": _row(E, f"rounding, {_STEP}", "round(u)"),
    "ln": _alias(E, "the natural logarithm", "ln(u)", "log"),
    "logistic": _alias(E, "the logistic function", "logistic(u)", "sigmoid"),
    "expit": _alias(E, "the logistic function", "expit(u)", "sigmoid"),
    "absolute": _alias(E, "the absolute value", "absolute(u)", "abs"),
    "fabs": _alias(E, "the absolute value", "fabs(u)", "abs"),
    # -- reductions (a scalar of a vector or matrix) -----------------------------------------
    "norm": _row(R, "a norm: norm2 is the Euclidean (Frobenius) norm, norm1 the sum of "
                    "absolute values", "norm(x)", "norm2(x)", "norm1(x)"),
    "prod": _row(R, "the product of the entries", "prod(u)", "exp(sum(log(u)))",
                 condition="when every entry is positive"),
    "var": _row(R, "the variance of the entries", "var(u)", "mean((u - mean(u)).^2)"),
    "std": _row(R, "the standard deviation of the entries", "std(u)",
                "sqrt(mean((u - mean(u)).^2))"),
    "average": _alias(R, "the mean of the entries", "average(u)", "mean"),
    "determinant": _alias(R, "the determinant", "determinant(X)", "det"),
    "argmax": _row(INDEX, f"the index of the largest entry, {_STEP}", "argmax(u)"),
    "argmin": _row(INDEX, f"the index of the smallest entry, {_STEP}", "argmin(u)"),
    # -- vector functions ----------------------------------------------------------------------
    "logsoftmax": _alias(V, "log softmax(z)", "logsoftmax(z)", "log_softmax"),
    "softmin": _row(V, "softmax(-u)", "softmin(u)", "softmax(-u)"),
    "normalize": _row(V, "u scaled to unit Euclidean norm", "normalize(u)", "u / norm2(u)"),
    "cumsum": _row(V, "the cumulative sums", "cumsum(u)"),
    "cumprod": _row(V, "the cumulative products", "cumprod(u)"),
    "sort": _row(V, "the entries in order", "sort(u)"),
    "conv": _row(V, "a convolution", "conv(u, v)"),
    "convolve": _row(V, "a convolution", "convolve(u, v)"),
    # -- matrix functions, spectral functions and decompositions -------------------------------
    "inverse": _alias(M, "the matrix inverse", "inverse(X)", "inv"),
    "cholesky": _alias(F, "the Cholesky factor L of S = L Lᵀ", "cholesky(S)", "chol"),
    "eigvalsh": _alias(S, "the eigenvalues of a symmetric matrix", "eigvalsh(S)", "eigvals"),
    "eig": _row(D, "the eigendecomposition", "eig(X)"),
    "eigh": _row(D, "the eigendecomposition of a symmetric matrix", "eigh(S)"),
    "svd": _row(D, "the singular value decomposition", "svd(X)"),
    "qr": _row(D, "the QR decomposition", "qr(X)"),
    "lu": _row(D, "the LU decomposition", "lu(X)"),
    # -- products and reshaping ------------------------------------------------------------------
    "matmul": _row(P, "the matrix product", "matmul(A, B)", "A B"),
    "multiply": _row(P, "the elementwise product", "multiply(u, v)", "u .* v"),
    "hadamard": _row(P, "the elementwise product", "hadamard(u, v)", "u .* v"),
    "outer": _row(P, "the outer product", "outer(u, v)", "u v'"),
    "inner": _alias(P, "the inner product", "inner(u, v)", "dot"),
    "kronecker": _alias(P, "the Kronecker product", "kronecker(A, B)", "kron"),
    "einsum": _row(P, "an Einstein summation", "einsum(A, B)"),
    "tensordot": _row(P, "a tensor contraction", "tensordot(A, B)"),
    "transpose": _row(SHAPE, "the transpose", "transpose(X)", "X'"),
    "diagpart": _alias(SHAPE, "the diagonal of a square matrix, a vector", "diagpart(X)", "diag"),
    "diagonal": _alias(SHAPE, "the diagonal of a square matrix, a vector", "diagonal(X)", "diag"),
    "flatten": _row(SHAPE, "the entries row by row (vec(X) stacks the columns)", "flatten(X)",
                    "vec(X')"),
    "reshape": _row(SHAPE, "a reshape (vec(X) stacks the columns of X)", "reshape(X)"),
}
