"""Derivatives in closed form: the read-out's raw derivative (diff/readout.py), simplified.

F is simplified before it is differentiated (the derivative of a shorter expression is shorter:
diag(x) v is x ⊙ v, log(softmax(z)) is the one node logsoftmax(z)); its raw numerator-layout
derivative is simplified; the denominator layout is that result transposed, simplified again.
"""
from __future__ import annotations

from .core.expr import Expr
from .diff.readout import in_layout, numerator_jacobian
from .simplify import simplify


def jacobian(f: Expr, x: Expr, layout: str = "numerator", trace: list | None = None) -> Expr:
    """dF/dX in `layout`, in closed form (`trace` collects the simplifier's steps)."""
    result = simplify(numerator_jacobian(simplify(f, trace), x), trace)
    return result if layout == "numerator" else simplify(in_layout(result, layout), trace)
