"""Derivatives in closed form: the read-out's raw derivative (diff/readout.py), simplified.

F is simplified before it is differentiated (the derivative of a shorter expression is shorter:
diag(x) v is x ⊙ v, log(softmax(z)) is the one node logsoftmax(z)); its raw numerator-layout
derivative is simplified; the denominator layout is that result transposed, simplified again.
A result is then put in the form shown (simplify.shown_form: L_f(S, E) at a symmetric S in the
Daleckii–Krein form), unless it is a gradient to differentiate again (`shown=False`).
"""
from __future__ import annotations

from .core.expr import Expr
from .core.transpose import transposed
from .diff.readout import in_layout, numerator_jacobian
from .lower.structures import STRUCTURES
from .second_order import shortcuts
from .simplify import shown_form, simplify


def jacobian(f: Expr, x: Expr, layout: str = "numerator", trace: list | None = None,
             shown: bool = True) -> Expr:
    """dF/dX in `layout`, in closed form (`trace` collects the simplifier's steps), in the form
    shown unless `shown` is False."""
    f = simplify(f, trace)
    raw = numerator_jacobian(f, x, shortcuts(f, x.attr("name")))
    result = _laid_out(simplify(raw, trace), layout, trace)
    return shown_form(result, trace) if shown else result


def hessian_of(gradient: Expr, x: Expr, layout: str = "numerator",
               trace: list | None = None) -> Expr:
    """The Hessian from the (denominator-layout) gradient: its Jacobian, projected on the
    tangent space on the right by the read-out (and on the left too for a flat structure, whose
    gradient is projected); by a variable of a curved structure (orthogonal) its rows are
    projected as well, P J P: the Riemannian Hessian, Hess f[ξ] = P(Dḡ[ξ]) for the smooth
    extension ḡ of the Riemannian gradient that the gradient's expression is (Absil, Mahony &
    Trumpf 2013, "An extrinsic look at the Riemannian Hessian")."""
    structure = STRUCTURES.get(x.attr("structure"))
    if structure is None or not structure.curved:
        return jacobian(gradient, x, layout, trace)
    j = jacobian(gradient, x, "numerator", trace, shown=False)
    return shown_form(_laid_out(simplify(transposed(structure.jacobian(transposed(j), x)), trace),
                                layout, trace), trace)


def _laid_out(numerator: Expr, layout: str, trace: list | None) -> Expr:
    return numerator if layout == "numerator" else simplify(in_layout(numerator, layout), trace)
