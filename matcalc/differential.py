"""The derivative in differential form (Magnus–Neudecker notation).

`differential(expr, wrt)` gives df = tr(M dX) for a scalar function of a matrix (M the
numerator-layout derivative: the identification theorem), df = M dx for a vector, and dF = (the
simplified differential) for a vector or matrix function, readable where a Kronecker form would not
be: d(X⁻¹) = −X⁻¹ dX X⁻¹. With `order=2`, the second differential d²f = D²f(X)[dX, dX] of a scalar
function, the quadratic form of its Hessian: d²(‖A X‖²) = 2 tr((A dX)ᵀ A dX).
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from .closed_form import jacobian
from .core import build as b
from .core.expr import Expr
from .diff.engine import differential as jvp
from .errors import DeclarationError, ShapeError
from .evaluate import Env, as_matrix, bind, evaluate
from .render import ASCII, LATEX, UNICODE, Notation, render
from .render.where import Where, where_clauses
from .simplify import simplify


@dataclass(frozen=True)
class Differential:
    """`name = expr`, e.g. df = tr(M dX); print it, or `.latex()`."""

    name: str
    expr: Expr
    variables: dict[str, Expr]  # the program's variables, for evaluate
    warnings: tuple[str, ...] = ()  # notes on defaulted names, as Derivative.warnings

    def text(self, ascii: bool = False, where: bool = True) -> str:
        """`df = …`; with `where`, the repeated subexpressions named as the derivative names
        them (df = tr(Q (F ⊙ (Qᵀ E Q)) Qᵀ dS)  where Q = eigbasis(S), F = …)."""
        name = self.name.replace("²", "2") if ascii else self.name
        return f"{name} = {self._shown(ASCII if ascii else UNICODE, where)}"

    def __str__(self) -> str:
        return self.text()

    def latex(self, where: bool = True) -> str:
        order = "^2 " if self.name.startswith("d²") else ""
        return f"\\mathrm{{d}}{order}{self.name[-1]} = {self._shown(LATEX, where)}"

    def _shown(self, notation: Notation, where: bool) -> str:
        return self._where.render(notation) if where else render(self.expr, notation)

    @functools.cached_property
    def _where(self) -> Where:
        return where_clauses(self.expr, set(self.variables))

    def _repr_latex_(self) -> str:
        return f"${self.latex()}$"

    def evaluate(self, **arrays) -> np.ndarray | float:
        """The value of the right-hand side: pass the variables and the differential as dX=."""
        values, sizes = bind(self.variables, arrays)
        values.update({k: as_matrix(k, v) for k, v in arrays.items() if k.startswith("d")
                       and k[1:] in self.variables})
        out = evaluate(self.expr, Env(values, sizes))
        return float(out[0, 0]) if self.expr.is_scalar else out


def _identified(f: Expr, x: Expr) -> Expr:
    """df of a scalar f written with its derivative M: tr(M dX), M dx or m dx."""
    m = jacobian(f, x, "numerator")
    dx = b.tangent(x.attr("name"), x.shape)
    return b.trace(b.mul(m, dx))


def _raw(f: Expr, x: Expr) -> Expr:
    """The simplified differential itself (dF = A dX B, d(X⁻¹) = −X⁻¹ dX X⁻¹)."""
    df = jvp(f, x.attr("name"))
    return simplify(df) if df is not None else b.zero(f.shape)


def differential(expr: str, wrt: str, vars: dict[str, str] | None = None,
                 order: int = 1) -> Differential:
    """The first (order=1) or second (order=2, scalar functions) differential of `expr`."""
    from .api import _guarded, _lowered, _variable

    if order not in (1, 2):
        raise DeclarationError(f"order must be 1 or 2, not {order!r}")
    program = _lowered(expr, vars, wrt)
    x = _variable(program, wrt)
    f = simplify(program.expr)
    if order == 1:
        name, form = ("df", _guarded(program, lambda: _identified(f, x))) if f.is_scalar \
            else ("dF", _guarded(program, lambda: _raw(f, x)))
    elif not f.is_scalar:
        raise ShapeError("the second differential is for scalar functions (a Hessian's "
                         "quadratic form)", source=program.source)
    else:
        first = _guarded(program, lambda: _raw(f, x))
        name, form = "d²f", _guarded(program, lambda: _raw(first, x), again=True)
    return Differential(name, form, program.variables, program.warnings)
