"""Elementwise rules: d f(u) = f′(u) ⊙ du, with f′ written in matcalc's own operators so that
derivatives can be differentiated again (Hessians); each f′ is its function's declaration's
(core/elementwise.py), the power and max rules are here.

At kinks the rules take the subgradient numpy and jax use: relu′(0) = 0, abs′(0) = sign(0) = 0,
and max(u, v) follows v where u = v.
"""
from __future__ import annotations

from functools import partial

from ..core import build as b
from ..core.elementwise import BINARY, FUNCTIONS
from ..core.extremes import EXTREMES
from .registry import TITLES, defelementwise, defjvp, defzero

ONE = b.const(1)


def _one_minus(e):
    return b.sub(b.expand(ONE, e.shape), e)


def _with_parameter(f):
    """d f(u, δ) = f′(u) ⊙ du + ∂f/∂δ dδ (huber: δ may be a variable, dδ a scalar)."""
    def rule(node, dargs):
        u, delta = node.args
        terms = []
        if dargs[0] is not None:
            terms.append(b.hadamard(f.derivative(b, u, node, delta), dargs[0]))
        if dargs[1] is not None:
            terms.append(b.mul(dargs[1], f.parameter.derivative(b, u, delta)))
        return b.add(*terms)
    return rule


for _f in FUNCTIONS.values():  # f′ from each declaration of core/elementwise.py
    if _f.derivative is None:
        defzero(_f.name)
    elif _f.parameter is None:
        defelementwise(_f.name, partial(_f.derivative, b), _f.derivative_text)
    else:
        defjvp(_f.name)(_with_parameter(_f))
        TITLES[_f.name] = (f"elementwise: d {_f.name}(u, {_f.parameter.name}) = "
                           f"{_f.derivative_text} ⊙ du + ∂{_f.name}/∂{_f.parameter.name} "
                           f"d{_f.parameter.name}")
defzero("gt")
TITLES["gt"] = "piecewise constant: d(u > v) = 0"


@defjvp("pow")
def _pow(node, dargs):
    """d(u.^p) = p ⊙ u.^(p−1) ⊙ du + u.^p ⊙ log(u) ⊙ dp (a scalar p or dp scales)."""
    u, p = node.args
    du, dp = dargs
    terms = []
    if du is not None:
        terms.append(_times(p, b.power(u, b.sub(p, b.expand(ONE, p.shape))), du))
    if dp is not None:
        terms.append(_times(dp, node, b.apply("log", u)))
    return b.add(*terms)


def _times(*factors):
    """The elementwise product of `factors`, its scalar ones scaling the rest."""
    scalars = [f for f in factors if f.is_scalar]
    others = [f for f in factors if not f.is_scalar]
    return b.mul(*scalars, b.hadamard(*others)) if others else b.mul(*scalars)


def _follows(f):
    """d f(u, v) = p ⊙ du + (1 − p) ⊙ dv for max and min, p where f(u, v) is u."""
    def rule(node, dargs):
        u, v = node.args
        picks_u = f.picks_first(b, u, v)
        terms = []
        if dargs[0] is not None:
            terms.append(b.hadamard(picks_u, dargs[0]))
        if dargs[1] is not None:
            terms.append(b.hadamard(_one_minus(picks_u), dargs[1]))
        return b.add(*terms)
    rule.__doc__ = (f"d {f.spelling}(u, v) = {f.picks_text} ⊙ du + "
                    f"(1 − {f.picks_text}) ⊙ dv")
    return rule


for _b in BINARY.values():  # (core/elementwise.py)
    defjvp(_b.name)(_follows(_b))



def _extreme(e):
    """d max(x) = sum(ismax(x) ⊙ dx): the subgradient splitting ties equally (min: ismin)."""
    def rule(node, dargs):
        return b.reduce_sum(b.hadamard(b.apply(e.indicator, node.arg), dargs[0]))
    rule.__doc__ = f"d {e.spelling}(x) = sum({e.indicator}(x) ⊙ dx)"
    return rule


for _e in EXTREMES.values():  # (core/extremes.py)
    defjvp(_e.name)(_extreme(_e))
    defzero(_e.indicator)
