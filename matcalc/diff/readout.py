"""From a differential to a derivative in a layout.

- by a scalar x: dF with dx = 1 (the shape of F: m × 1 for a vector, the tangent matrix for a
  matrix);
- of a scalar F by a vector or matrix X: the trace-form pull-back, df = tr(M dX), M the
  numerator-layout derivative (1 × n, or n × m for X m × n);
- otherwise: the vec-form pull-back, the |F| × |X| Jacobian d vec F / d vec(X)ᵀ.
The denominator layout is the transpose of the numerator one, with transposes pushed inside.
The derivatives here are raw: simplifying them is the next stage's (matcalc/closed_form.py).
By a structured matrix (symmetric, diagonal, ... : lower/structures.py) the derivative is the
orthogonal projection of the unconstrained one onto the structure's tangent space, so that
logdet(S) gives S⁻¹ for a symmetric S.
"""
from __future__ import annotations

from ..core import build as b
from ..core.expr import TANGENT_MARK, Expr, postorder
from ..core.rebuild import substitute
from ..core.transpose import transposed
from ..lower.structures import STRUCTURES
from ..shapes import Shape
from .adjoint import TRACE, VEC, pullback
from .engine import differential

LAYOUTS = ("numerator", "denominator")


def numerator_shape(f: Shape, x: Shape) -> Shape:
    """The numerator-layout shape of dF/dX."""
    if x.is_scalar:
        return f
    if f.is_scalar:
        return x.T
    return Shape(f.size, x.size)


def in_layout(m: Expr, layout: str) -> Expr:
    """The derivative in `layout` from its numerator-layout form M: M itself, or Mᵀ with the
    transpose pushed inside (and the abstract derivatives ∂f/∂Y in denominator layout)."""
    return m if layout == "numerator" else transposed(to_denominator_symbols(m))


def to_denominator_symbols(expr: Expr) -> Expr:
    """Write each abstract derivative ∂f/∂Y (numerator layout) as the transpose of its
    denominator-layout symbol, so that once transposed the result speaks only of the latter."""
    symbols = {n: b.transpose(b.mk("absgrad", n.arg, **{**dict(n.attrs), "layout": "denominator"}))
               for n in postorder(expr) if n.op == "absgrad" and n.attr("layout") == "numerator"}
    return substitute(expr, symbols) if symbols else expr


def numerator_jacobian(f: Expr, x: Expr, known: dict | None = None) -> Expr:
    """The raw (unsimplified) numerator-layout derivative of f by the variable x (`known`:
    differentials of subexpressions taken as units, see diff/engine.py)."""
    raw = _unstructured(f, x, known)
    return projected(raw, f, x) if x.attr("structure") != "general" else raw


def projected(m: Expr, f: Expr, x: Expr) -> Expr:
    """The derivative by a structured x: the projection of the unconstrained M onto the
    structure's tangent space (of a scalar's gradient, or of a vec Jacobian's columns)."""
    structure = STRUCTURES[x.attr("structure")]
    return structure.gradient(m, x) if f.is_scalar else structure.jacobian(m, x)


def _unstructured(f: Expr, x: Expr, known: dict | None) -> Expr:
    return read_off(differential(f, x.attr("name"), known), f.shape, x)


def read_off(df: Expr | None, f_shape: Shape, x: Expr) -> Expr:
    """The numerator-layout derivative M identified from a differential dF linear in dX:
    dF with dx = 1 for a scalar x; df = tr(M dX) for a scalar F; d vec F = M d vec X else."""
    if df is None or TANGENT_MARK + x.attr("name") not in df.free:
        return b.zero(numerator_shape(f_shape, x.shape))
    dx = b.tangent(x.attr("name"), x.shape)
    if x.is_scalar:
        return substitute(df, {dx: b.const(1)})
    if f_shape.is_scalar:
        return pullback(df, b.const(1), dx, TRACE)
    return pullback(df, b.identity(f_shape.size), dx, VEC)

