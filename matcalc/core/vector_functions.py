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
argument's differential.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .elementwise import INF, REAL

ONE, ZERO, SAME = "1", "0", "u"  # the value on one entry: softmax 1, log softmax 0, logsumexp u


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
)

VECTOR_FUNCTIONS: dict[str, VectorFunction] = {f.name: f for f in DECLARED}
BY_SPELLING: dict[str, VectorFunction] = {f.spelling: f for f in DECLARED}
