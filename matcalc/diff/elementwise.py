"""Elementwise rules: d f(u) = f′(u) ⊙ du, with f′ written in matcalc's own operators so that
derivatives can be differentiated again (Hessians).

At kinks the rules take the subgradient numpy and jax use: relu′(0) = 0, abs′(0) = sign(0) = 0,
and max(u, v) follows v where u = v.
"""
from __future__ import annotations

from ..core import build as b
from .registry import TITLES, defelementwise, defjvp, defzero

ONE = b.const(1)


def _one_minus(e):
    return b.sub(b.expand(ONE, e.shape), e)


defelementwise("exp", lambda u, f: f, "exp(u)")
defelementwise("log", lambda u, f: b.inverse_of(u), "(1 ⊘ u)")
defelementwise("sin", lambda u, f: b.apply("cos", u), "cos(u)")
defelementwise("cos", lambda u, f: b.neg(b.apply("sin", u)), "−sin(u)")
defelementwise("tan", lambda u, f: b.add(b.expand(ONE, u.shape), b.power(f, b.const(2))),
               "(1 + tan(u).^2)")
defelementwise("tanh", lambda u, f: _one_minus(b.power(f, b.const(2))), "(1 − tanh(u).^2)")
defelementwise("sigmoid", lambda u, f: b.hadamard(f, _one_minus(f)), "σ(u) ⊙ (1 − σ(u))")
defelementwise("softplus", lambda u, f: b.apply("sigmoid", u), "σ(u)")
defelementwise("relu", lambda u, f: b.apply("gt", u, b.const(0)), "(u > 0)")
defelementwise("abs", lambda u, f: b.apply("sign", u), "sign(u)")
defelementwise("sqrt", lambda u, f: b.inverse_of(b.mul(b.const(2), f)), "1 ⊘ (2 sqrt(u))")
defzero("sign")
defzero("gt")
TITLES["gt"] = "piecewise constant: d(u > v) = 0"


@defjvp("pow")
def _pow(node, dargs):
    """d(u.^p) = p u.^(p−1) ⊙ du + u.^p ⊙ log(u) dp."""
    u, p = node.args
    du, dp = dargs
    terms = []
    if du is not None:
        terms.append(b.hadamard(b.mul(p, b.power(u, b.sub(p, ONE))), du))
    if dp is not None:
        terms.append(b.mul(dp, b.hadamard(node, b.apply("log", u))))
    return b.add(*terms)


@defjvp("maximum")
def _maximum(node, dargs):
    """d max(u, v) = (u > v) ⊙ du + (1 − (u > v)) ⊙ dv."""
    u, v = node.args
    picks_u = b.apply("gt", u, v)
    terms = []
    if dargs[0] is not None:
        terms.append(b.hadamard(picks_u, dargs[0]))
    if dargs[1] is not None:
        terms.append(b.hadamard(_one_minus(picks_u), dargs[1]))
    return b.add(*terms)

