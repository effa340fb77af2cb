"""The softmax family: functions of a whole vector, or of each row of a matrix, declared once.

A `VectorFunction` says everything matcalc knows about one of them: its op name and spelling,
what it means, whether it reads a column vector as one vector or each row of a matrix as one
sample (a batch), whether it gives one value per vector / row (logsumexp) or one per entry, its
numpy value (stable: shifted by the maximum), its differential written with the core builders
(so that it differentiates again: Hessians), that differential's text for the derivation steps,
how it prints (a nested call: log(softmax(u))), its code in numpy, jax and torch with the helper
definitions the code names, its SymPy form, the interval its values lie in, its value on one
entry (what the code computes for a scalar, or for a matrix of one column taken by rows), the
logarithm it simplifies with, and an example for the documentation. Lowering, differentiation,
evaluate, the printers, the simplifier, the domain check, code generation, SymPy interop and the
docs' table read `VECTOR_FUNCTIONS`; none keeps a list of names.

The differential is a function of (b, u, f, du): `b` the core's builders (passed in by
diff/matrix_fns.py, as this module sits below them), u the argument, f the node f(u) and du the
argument's differential. A function with a `Parameter` (layer normalisation's ε) takes it as a
second, scalar operand (f(u) is f(u, default)): its numpy value, code template ({1}), SymPy form
and differential (b, u, f, du, ε, dε) take it after the argument; du or dε is None where that
operand does not depend on the variable.

Layer normalisation: layernorm(x, ε) = c / s with c = x − mean(x) 𝟏 and s = sqrt(mean(c.^2) +
ε), the population variance, no scale or shift, ε = 1e-5 unless given (torch's layer_norm
default); layernorm_rows(X, ε) normalises each row (a row is a sample), its statistics columns
(the row means X 𝟏 / n). Its differential, with Y the node and q = ds the statistic's (a scalar
for a vector, a column by rows), Y's rows summing to 0:
    dY = diag(1 ⊘ s) (dC − (q 𝟏ᵀ) ⊙ Y),  q = (Y ⊙ dX) 𝟏 / n + dε ⊘ (2 s),
dC = dX − (dX 𝟏 / n) 𝟏ᵀ the centred dX; its adjoint is the textbook gradient of each row,
(g − mean(g) 𝟏 − y mean(g ⊙ y)) / s.

`by_scale` (layer normalisation's): (b, node) -> (s, its value written with s), its per-row
scale and its value through that scale; code generation computes the value that way where the
program (a derivative) computes s anyway, so that s is computed once.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np

from .elementwise import INF, REAL

ONE, ZERO, SAME = "1", "0", "u"  # the value on one entry: softmax 1, log softmax 0, logsumexp u


@dataclass(frozen=True)
class Parameter:
    """A scalar second operand, f(u, ε); f(u) is f(u, default)."""

    name: str  # as messages and the docs name it: ε
    default: Fraction
    meaning: str


@dataclass(frozen=True)
class VectorFunction:
    name: str  # the op name
    spelling: str  # its name in the language
    meaning: str  # error messages and the docs
    by_rows: bool  # of each row of a matrix (False: of a column vector)
    reduces: bool  # one value per vector / row (a scalar / a column), else one per entry
    numpy: Callable[[np.ndarray], np.ndarray]  # of a 2-D array, along axis 1 (keeping it)
    differential: Callable[[Any, Any, Any, Any], Any]  # (b, u, f(u), du) -> d f(u)
    derivative_text: str  # the rule as the derivation steps show it
    printed: tuple[str, ...]  # the nested calls it prints as: ("log", "softmax")
    code: dict[str, str]  # backend -> a template over the argument's code {0}
    of_one_entry: str  # ONE, ZERO or SAME: its value where each vector / row is one entry
    sympy: Callable[[Any, Any], Any]  # (kit, x) -> its SymPy form (interop/to_sympy.py's kit)
    example: tuple[str, str, str]  # (expression, variable, derivative printed): the docs' row
    values: tuple[tuple[float, float], str] | None = None  # (interval of the entries, the fact)
    log_is: str = ""  # the op whose value is log of this one: log(softmax(u)) = logsoftmax(u)
    sums_to_one: bool = False  # each vector / row of its value sums to 1 (softmax)
    domain: str = REAL  # where it is smooth (domain.py)
    helpers: dict[str, dict[str, str]] = field(default_factory=dict)  # backend -> {marker: def}
    parameter: Parameter | None = None  # a scalar second operand (layer normalisation's ε)
    letter: str = ""  # what a where clause names its value (y = layernorm(x)); else its initial
    by_scale: Callable[[Any, Any], tuple[Any, Any]] | None = None  # (b, node) -> (s, value by s)

    @property
    def spellings(self) -> tuple[str, ...]:
        """Its other names in the language (none; `Function`'s have σ for sigmoid)."""
        return ()


# -- numpy, along axis 1 ------------------------------------------------------------------------

def logsumexp_rows(x: np.ndarray) -> np.ndarray:
    """log Σⱼ exp(xᵢⱼ) for each row i, shifted by the row's maximum: a column."""
    top = x.max(axis=1, keepdims=True)
    return top + np.log(np.exp(x - top).sum(axis=1, keepdims=True))


def softmax_rows(x: np.ndarray) -> np.ndarray:
    """exp(xᵢⱼ) / Σₖ exp(xᵢₖ) for each row i, shifted by the row's maximum."""
    e = np.exp(x - x.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def log_softmax_rows(x: np.ndarray) -> np.ndarray:
    """xᵢⱼ − logsumexp(xᵢ) for each row i."""
    return x - logsumexp_rows(x)


# -- differentials --------------------------------------------------------------------------

def _ones_ones(b, z):
    """𝟏 𝟏ᵀ with 𝟏 of z's row length: (M 𝟏 𝟏ᵀ)ᵢⱼ = Σₖ Mᵢₖ, each row's sum spread along it."""
    n = z.shape.cols
    return b.ones(n), b.transpose(b.ones(n))


def _centred_rows(b, z, p, dz):
    """dZ − (P ⊙ dZ) 𝟏 𝟏ᵀ: each row of dZ less its P-weighted mean."""
    return b.sub(dz, b.mul(b.hadamard(p, dz), *_ones_ones(b, z)))


def _d_softmax(b, u, s, du):
    return b.sub(b.hadamard(s, du), b.mul(s, b.transpose(s), du))


def _d_logsoftmax(b, u, f, du):
    return b.sub(du, b.mul(b.ones(u.shape.rows), b.transpose(b.apply("softmax", u)), du))


def _d_logsumexp(b, u, f, du):
    return b.mul(b.transpose(b.apply("softmax", u)), du)


def _d_softmax_rows(b, z, p, dz):
    return b.hadamard(p, _centred_rows(b, z, p, dz))


def _d_log_softmax_rows(b, z, f, dz):
    return _centred_rows(b, z, b.apply("softmax_rows", z), dz)


def _d_logsumexp_rows(b, z, f, dz):
    return b.mul(b.hadamard(b.apply("softmax_rows", z), dz), b.ones(z.shape.cols))


# -- SymPy, through the kit's exp, total (of the vector, or of each row), spread and divide -

def _sympy_softmax(k, x):
    e = k.exp(x)
    return k.divide(e, k.total(e))


def _sympy_logsumexp(k, x):
    return k.log(k.total(k.exp(x)))


def _sympy_logsoftmax(k, x):
    return k.minus(x, k.spread(_sympy_logsumexp(k, x), x))


def _code(numpy: str, jax: str, torch: str) -> dict[str, str]:
    return {"numpy": numpy, "jax": jax, "torch": torch}


_UNIT = ((0.0, 1.0), "softmax(u)ᵢ = eᵘⁱ / Σⱼ eᵘʲ ∈ [0, 1]")
_NONPOSITIVE = ((-INF, 0.0), "log softmax(u)ᵢ ≤ log 1 = 0")
_NUMPY_VECTOR = {
    "_softmax": "def _softmax(u):\n    e = np.exp(u - u.max())\n    return e / e.sum()",
    "_logsumexp": "def _logsumexp(u):\n    top = u.max()\n"
                  "    return top + np.log(np.exp(u - top).sum())"}
_NUMPY_ROWS = {  # along the last axis: the rows of a matrix, or a row vector (1-D) as one row
    "_logsumexp_rows": "def _logsumexp_rows(z):  # log Σ exp of each row, shifted by its max\n"
                       "    top = z.max(axis=-1, keepdims=True)\n"
                       "    out = top + np.log(np.exp(z - top).sum(axis=-1, keepdims=True))\n"
                       "    return out[..., 0]",
    "_softmax_rows": "def _softmax_rows(z):\n    e = np.exp(z - z.max(axis=-1, keepdims=True))\n"
                     "    return e / e.sum(axis=-1, keepdims=True)",
    "_log_softmax_rows": "def _log_softmax_rows(z):\n"
                         "    top = z.max(axis=-1, keepdims=True)\n"
                         "    return z - top - np.log(np.exp(z - top).sum(axis=-1, "
                         "keepdims=True))"}


# -- layer normalisation ------------------------------------------------------------------------

EPS = Parameter("ε", Fraction(1, 100000), "added to the variance (1e-5 unless given, as torch)")


def layernorm_rows(x: np.ndarray, eps: float) -> np.ndarray:
    """(xᵢ − mean(xᵢ)) / sqrt(variance(xᵢ) + ε) for each row i (population variance)."""
    c = x - x.mean(axis=1, keepdims=True)
    return c / np.sqrt((c * c).mean(axis=1, keepdims=True) + eps)


class _RowStatistics:
    """The operators of layer normalisation's differential: of a vector, whose statistics are
    scalars, or of each row of a matrix, whose statistics are columns (one entry per row)."""

    def __init__(self, b, by_rows: bool, x):
        self.b, self.by_rows, self.x = b, by_rows, x
        self.n = x.shape.cols if by_rows else x.shape.rows

    def mean(self, t):
        """The mean of each row of t, t 𝟏 / n (mean(t) for a vector)."""
        b = self.b
        return b.mul(t, b.ones(self.n), b.inverse_of(b.dim(self.n))) if self.by_rows \
            else b.mean(t)

    def spread(self, q):
        """Each row's statistic along its row: q 𝟏ᵀ (a scalar expanded for a vector)."""
        b = self.b
        return b.mul(q, b.transpose(b.ones(self.n))) if self.by_rows else b.expand(q, self.x.shape)

    def centred(self, t):
        """t less the mean of each row."""
        return self.b.sub(t, self.spread(self.mean(t)))

    def scale(self, eps):
        """s = sqrt(mean(c.^2) + ε) of each row, c the centred x."""
        b = self.b
        variance = self.mean(b.power(self.centred(self.x), b.const(2)))
        return b.apply("sqrt", b.add(variance, b.expand(eps, variance.shape)))

    def times(self, q, t):
        """Each row of t times its statistic: (q 𝟏ᵀ) ⊙ t (q t for a vector)."""
        b = self.b
        return b.hadamard(self.spread(q), t) if self.by_rows else b.mul(q, t)

    def per_row(self, r, t):
        """diag(r) t (r t for a vector)."""
        b = self.b
        return b.mul(b.diag(r), t) if self.by_rows else b.mul(r, t)


def layer_norm_by_scale(b, node) -> tuple[Any, Any]:
    """(s, y written with s) for y = layernorm(x, ε) or layernorm_rows(x, ε): its scale
    s = sqrt(mean(c.^2) + ε) of each row and y = diag(1 ⊘ s) c, c the centred x, as its
    differential writes them (so that code computing both computes s once)."""
    x, eps = node.args
    rows = _RowStatistics(b, node.op == "layernorm_rows", x)
    s = rows.scale(eps)
    return s, rows.per_row(b.inverse_of(s), rows.centred(x))


def _scale_differential(b, rows: _RowStatistics, s, y, dx, deps):
    """ds = (Y ⊙ dX) 𝟏 / n + dε ⊘ (2 s) (yᵀ dx / n + dε / (2 s) for a vector): d of
    s = sqrt(mean(c.^2) + ε) is mean(c ⊙ dc) / s + dε / (2 s), and c ⊙ dc / s = Y ⊙ dC, whose
    row means are those of Y ⊙ dX as each row of Y sums to 0."""
    return b.add(*([rows.mean(b.hadamard(y, dx))] if dx is not None else []),
                 *([b.mul(b.const(Fraction(1, 2)), deps, b.inverse_of(s))]
                   if deps is not None else []))


def layer_scale_differential(b, node, dx, deps):
    """ds for the scale s of node = layernorm(x, ε) or layernorm_rows(x, ε) (the first of
    `layer_norm_by_scale`), written with the node (see `_scale_differential`): differentiating
    a gradient again (a Hessian) finds ds = yᵀ dx / n rather than going through sqrt, the mean
    and the centring, where 𝟏ᵀ (x − mean(x) 𝟏) = 0 would stay unseen."""
    x, eps = node.args
    rows = _RowStatistics(b, node.op == "layernorm_rows", x)
    return _scale_differential(b, rows, rows.scale(eps), node, dx, deps)


def _layer_differential(by_rows: bool):
    def differential(b, x, y, dx, eps, deps):
        """dY = diag(1 ⊘ s) (dC − (q 𝟏ᵀ) ⊙ Y), q = ds = (Y ⊙ dX) 𝟏 / n + dε ⊘ (2 s)."""
        rows = _RowStatistics(b, by_rows, x)
        s = rows.scale(eps)
        q = _scale_differential(b, rows, s, y, dx, deps)
        inner = b.neg(rows.times(q, y))
        if dx is not None:
            inner = b.add(rows.centred(dx), inner)
        return rows.per_row(b.inverse_of(s), inner)
    return differential


def _sympy_layernorm(k, x, eps):
    c = k.minus(x, k.spread(k.mean(x), x))
    return k.divide(c, k.sqrt(k.plus(k.mean(k.square(c)), eps)))


_LAYERNORM = {  # backend -> (mean's axis keyword, keepdims keyword, sqrt)
    "numpy": ("axis", "keepdims", "np.sqrt"), "jax": ("axis", "keepdims", "jnp.sqrt"),
    "torch": ("dim", "keepdim", "torch.sqrt")}
_LAYERNORM_HELPERS = {  # along the last axis: a vector's, or each row's
    backend: {"_layernorm": (
        "def _layernorm(u, eps):  # (u - mean) / sqrt(variance + eps) along the last axis\n"
        f"    c = u - u.mean({axis}=-1, {keep}=True)\n"
        f"    return c / {sqrt}((c * c).mean({axis}=-1, {keep}=True) + eps)")}
    for backend, (axis, keep, sqrt) in _LAYERNORM.items()}
_LAYERNORM_CODE = _code("_layernorm({0}, {1})", "_layernorm({0}, {1})", "_layernorm({0}, {1})")


def _layer_norm(name: str, meaning: str, by_rows: bool, derivative_text: str,
                example: tuple[str, str, str]) -> VectorFunction:
    """layernorm or layernorm_rows: one value per entry (0 where a vector or row has one
    entry), the parameter ε, its value named y by a where clause."""
    return VectorFunction(
        name, name, meaning, by_rows, False, layernorm_rows, _layer_differential(by_rows),
        derivative_text, (name,), _LAYERNORM_CODE, ZERO, _sympy_layernorm, example,
        helpers=_LAYERNORM_HELPERS, parameter=EPS, letter="y", by_scale=layer_norm_by_scale)

DECLARED = (
    VectorFunction(
        "softmax", "softmax", "the softmax exp(u) / Σ exp(u) of a vector", False, False,
        softmax_rows, _d_softmax, "d softmax(x) = s ⊙ dx − s sᵀ dx with s = softmax(x)",
        ("softmax",), _code("_softmax({0})", "jax.nn.softmax({0})", "torch.softmax({0}, dim=0)"),
        ONE, _sympy_softmax, ("softmax(x)", "x", "diag(s) - s sᵀ  where s = softmax(x)"),
        _UNIT, log_is="logsoftmax", sums_to_one=True,
        helpers={"numpy": {"_softmax": _NUMPY_VECTOR["_softmax"]}}),
    VectorFunction(
        "logsumexp", "logsumexp", "log Σ exp(u) of a vector, computed stably", False, True,
        logsumexp_rows, _d_logsumexp, "d logsumexp(x) = softmax(x)ᵀ dx", ("logsumexp",),
        _code("_logsumexp({0})", "jax.scipy.special.logsumexp({0})",
              "torch.logsumexp({0}, dim=0)"),
        SAME, _sympy_logsumexp, ("logsumexp(x)", "x", "softmax(x)ᵀ"),
        helpers={"numpy": {"_logsumexp": _NUMPY_VECTOR["_logsumexp"]}}),
    VectorFunction(
        "logsoftmax", "log_softmax", "the log softmax u − logsumexp(u) of a vector", False, False,
        log_softmax_rows, _d_logsoftmax, "d log(softmax(u)) = du − 𝟏 softmax(u)ᵀ du",
        ("log", "softmax"),
        _code("{0} - _logsumexp({0})", "{0} - jax.scipy.special.logsumexp({0})",
              "{0} - torch.logsumexp({0}, dim=0)"),
        ZERO, _sympy_logsoftmax, ("log_softmax(x)", "x", "I - 𝟏_{n_x} softmax(x)ᵀ"), _NONPOSITIVE,
        helpers={"numpy": {"_logsumexp": _NUMPY_VECTOR["_logsumexp"]}}),
    VectorFunction(
        "softmax_rows", "softmax_rows", "the softmax of each row (each row a sample)", True,
        False, softmax_rows, _d_softmax_rows,
        "d softmax_rows(Z) = P ⊙ (dZ − (P ⊙ dZ) 𝟏 𝟏ᵀ) with P = softmax_rows(Z)",
        ("softmax_rows",),
        _code("_softmax_rows({0})", "jax.nn.softmax({0}, axis=-1)",
              "torch.softmax({0}, dim=-1)"),
        ONE, _sympy_softmax,
        ("tr(Gᵀ softmax_rows(Z))", "Z", "softmax_rows(Z)ᵀ ⊙ (Gᵀ - 𝟏 𝟏ᵀ (Gᵀ ⊙ softmax_rows(Z)ᵀ))"),
        _UNIT,
        log_is="log_softmax_rows", sums_to_one=True,
        helpers={"numpy": {"_softmax_rows": _NUMPY_ROWS["_softmax_rows"]}}),
    VectorFunction(
        "logsumexp_rows", "logsumexp_rows", "the logsumexp of each row (a column)", True, True,
        logsumexp_rows, _d_logsumexp_rows,
        "d logsumexp_rows(Z) = (softmax_rows(Z) ⊙ dZ) 𝟏", ("logsumexp_rows",),
        _code("_logsumexp_rows({0})", "jax.scipy.special.logsumexp({0}, axis=-1)",
              "torch.logsumexp({0}, dim=-1)"),
        SAME, _sympy_logsumexp, ("sum(logsumexp_rows(Z))", "Z", "softmax_rows(Z)ᵀ"),
        helpers={"numpy": {"_logsumexp_rows": _NUMPY_ROWS["_logsumexp_rows"]}}),
    VectorFunction(
        "log_softmax_rows", "log_softmax_rows", "the log softmax of each row", True, False,
        log_softmax_rows, _d_log_softmax_rows,
        "d log_softmax_rows(Z) = dZ − (softmax_rows(Z) ⊙ dZ) 𝟏 𝟏ᵀ", ("log_softmax_rows",),
        _code("_log_softmax_rows({0})", "jax.nn.log_softmax({0}, axis=-1)",
              "torch.log_softmax({0}, dim=-1)"),
        ZERO, _sympy_logsoftmax, ("sum(Y .* log_softmax_rows(Z))", "Z",
         "Yᵀ - softmax_rows(Z)ᵀ ⊙ (𝟏 𝟏ᵀ Yᵀ)"), _NONPOSITIVE,
        helpers={"numpy": {"_log_softmax_rows": _NUMPY_ROWS["_log_softmax_rows"]}}),
    _layer_norm(
        "layernorm", "layer normalisation (x − mean(x)) / sqrt(variance + ε) of a vector, "
        "without scale or shift", False,
        "d layernorm(x) = (dc − y mean(y ⊙ dx) − y dε / (2 s)) / s",
        ("layernorm(x)", "x",
         "(I - (layernorm(x) layernorm(x)ᵀ + 𝟏 𝟏ᵀ) / n_x) / "
         "sqrt(mean((x - mean(x)).^2) + 1e-5)")),
    _layer_norm(
        "layernorm_rows", "the layer normalisation of each row of a matrix", True,
        "d layernorm_rows(X) = diag(1 ⊘ s) (dC − (q 𝟏ᵀ) ⊙ Y), q = (Y ⊙ dX) 𝟏 / n + dε ⊘ (2 s)",
        ("sum(layernorm_rows(X) .* G)", "X",
         "(Gᵀ - (layernorm_rows(X)ᵀ ⊙ (𝟏 𝟏ᵀ (Gᵀ ⊙ layernorm_rows(X)ᵀ)) + 𝟏 𝟏ᵀ Gᵀ) / n_X) "
         "diag(1 ⊘ sqrt((X - X 𝟏 𝟏ᵀ / n_X).^2 𝟏 / n_X + 1e-5))")),
)

VECTOR_FUNCTIONS: dict[str, VectorFunction] = {f.name: f for f in DECLARED}
BY_SPELLING: dict[str, VectorFunction] = {f.spelling: f for f in DECLARED}
