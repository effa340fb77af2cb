"""Layer normalisation of a vector and of each row of a matrix: one declaration each, read by
every stage.

layernorm(x, ε) = c / s with c = x − mean(x) 𝟏 and s = sqrt(mean(c.^2) + ε): the population
variance, no scale or shift, ε = 1e-5 unless given (torch's layer_norm default). The
statistics of layernorm_rows(X, ε) are columns, one entry per row (a row is a sample): the row
means X 𝟏 / n for X m × n, and layernorm_rows(X, ε) = diag(1 ⊘ s) C with C = X − (X 𝟏 / n) 𝟏ᵀ,
s = sqrt((C.^2) 𝟏 / n + ε 𝟏).

The differential, in matcalc's own operators (so that it differentiates again: Hessians), with
Y the node and q the statistic of rows (a scalar for a vector):
    dY = diag(1 ⊘ s) (dC − diag(q) Y),  q = (Y ⊙ dX) 𝟏 / n + dε ⊘ (2 s),
dC = dX − (dX 𝟏 / n) 𝟏ᵀ the centred dX (Y's rows sum to 0, so (Y ⊙ dC) 𝟏 = (Y ⊙ dX) 𝟏).
Its adjoint is the textbook gradient (g − mean(g) 𝟏 − y mean(g ⊙ y)) / s of each row.

A `Normalisation` says everything matcalc knows about one of them: name, meaning, what it takes,
its value in numpy, its differential, its derivative as the derivation steps show it, its code in
numpy, jax and torch (one helper over the last axis serves both), its SymPy form, its LaTeX head,
and an example for the documentation. Lowering, the operator catalogue, differentiation,
evaluate, the printers, the domain check, code generation and SymPy interop read
`NORMALISATIONS`. The differential is a function of (b, node, dargs), `b` the core's builders
passed in by diff/ (this module sits below them).
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

DEFAULT_EPS = Fraction(1, 100000)  # 1e-5, torch's layer_norm default


@dataclass(frozen=True)
class Normalisation:
    name: str  # the op name and its spelling in the language
    meaning: str
    rows: bool  # True: each row of a matrix; False: a vector
    derivative_text: str  # the differential as the derivation steps show it
    example: tuple[str, str, str]  # (expression, variable, derivative printed): the docs' row
    latex: str
    code: str = "_layernorm({0}, {1})"  # every backend's template: its helper in HELPERS
    @property
    def takes(self) -> str:
        return "a matrix" if self.rows else "a vector"

    def numpy(self, x: np.ndarray, eps: float) -> np.ndarray:
        """The value on a 2-D array (a vector is a column): statistics along each row, or
        along the column."""
        axis = 1 if self.rows else 0
        c = x - x.mean(axis=axis, keepdims=True)
        return c / np.sqrt((c * c).mean(axis=axis, keepdims=True) + eps)

    def differential(self, b, node, dargs) -> Any:
        """dY = diag(1 ⊘ s) (dC − diag(q) Y), q = (Y ⊙ dX) 𝟏 / n + dε ⊘ (2 s)."""
        x, eps = node.args
        dx, deps = dargs
        stats = _RowStatistics(b, self.rows, x)
        s = stats.scale(eps)
        terms = []
        if dx is not None:
            terms.append(stats.mean(b.hadamard(node, dx)))
        if deps is not None:
            half = b.const(Fraction(1, 2))
            terms.append(b.mul(half, deps, b.inverse_of(s)))
        q = b.add(*terms)
        inner = b.neg(b.hadamard(stats.spread(q), node) if self.rows else b.mul(q, node))
        if dx is not None:
            inner = b.add(stats.centred(dx), inner)
        return stats.times_rows(b.inverse_of(s), inner)

    def sympy(self, sp, x, eps, n, m) -> Any:
        """c ⊘ s in SymPy's matrix expressions (m × n; a vector is n × 1, its statistic 1 × 1)."""
        if not self.rows:
            ones = sp.OneMatrix(n, 1)
            c = sp.MatAdd(x, -ones * (ones.T * x) / n)
            variance = (ones.T * sp.HadamardPower(c, 2))[0, 0] / n
            return sp.MatMul(1 / sp.sqrt(variance + eps), c)
        ones = sp.OneMatrix(n, 1)
        c = sp.MatAdd(x, -x * ones * ones.T / n)
        s = sp.HadamardPower(sp.MatAdd(sp.HadamardPower(c, 2) * ones / n,
                                       eps * sp.OneMatrix(m, 1)), Fraction(-1, 2))
        return sp.HadamardProduct(s * ones.T, c)


class _RowStatistics:
    """The operators of the differential, for a vector (statistics are scalars) or for each row
    of a matrix (statistics are columns, one entry per row)."""

    def __init__(self, b, rows: bool, x):
        self.b, self.rows, self.x = b, rows, x
        self.n = x.shape.cols if rows else x.shape.rows
        self.ones = b.ones(self.n)

    def mean(self, t):
        """The mean of each row of t: t 𝟏 / n (mean(t) for a vector)."""
        b = self.b
        if not self.rows:
            return b.mean(t)
        return b.mul(t, self.ones, b.inverse_of(b.dim(self.n)))

    def spread(self, q):
        """q 𝟏ᵀ (a scalar expanded for a vector): each row's statistic along the row."""
        b = self.b
        return b.mul(q, b.transpose(self.ones)) if self.rows else b.expand(q, self.x.shape)

    def spread_scalar(self, e):
        """A scalar as a statistic: itself, or e 𝟏 (one per row)."""
        b = self.b
        return b.expand(e, b.ones(self.x.shape.rows).shape) if self.rows else e

    def centred(self, t):
        """t − mean of each row along the row."""
        return self.b.sub(t, self.spread(self.mean(t)))

    def scale(self, eps):
        """s = sqrt(mean of each row of c.^2 + ε), c the centred x."""
        b = self.b
        variance = self.mean(b.power(self.centred(self.x), b.const(2)))
        return b.apply("sqrt", b.add(variance, self.spread_scalar(eps)))

    def times_rows(self, q, t):
        """Each row of t times its statistic: diag(q) t (q t for a vector)."""
        b = self.b
        return b.mul(b.diag(q), t) if self.rows else b.mul(q, t)


NORMALISATIONS: dict[str, Normalisation] = {f.name: f for f in (
    Normalisation("layernorm", "layer normalisation (x − mean(x)) / sqrt(variance + ε) of a vector",
                  False, "(dc − y mean(y ⊙ dx) − y dε / (2 s)) / s",
                  ("layernorm(x)", "x", ""), "\\operatorname{layernorm}"),
    Normalisation("layernorm_rows", "layer normalisation of each row of a matrix", True,
                  "diag(1 ⊘ s) (dC − diag((Y ⊙ dX) 𝟏 / n + dε ⊘ (2 s)) Y)",
                  ("layernorm_rows(X)", "X", ""), "\\operatorname{layernorm\\_rows}"),
)}

HELPERS = {  # backend -> the helper the code templates call (the last axis: a vector's, a row's)
    backend: {"_layernorm": (
        "def _layernorm(u, eps):  # (u - mean) / sqrt(variance + eps) along the last axis\n"
        f"    c = u - u.mean({axis}=-1, {keep}=True)\n"
        f"    return c / {sqrt}((c * c).mean({axis}=-1, {keep}=True) + eps)")}
    for backend, axis, keep, sqrt in (("numpy", "axis", "keepdims", "np.sqrt"),
                                      ("jax", "axis", "keepdims", "jnp.sqrt"),
                                      ("torch", "dim", "keepdim", "torch.sqrt"))
}
