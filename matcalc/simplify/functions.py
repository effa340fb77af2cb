"""Rules on elementary functions: the logistic function and softplus recognised in exp/log
forms (the closed forms of logistic regression and cross-entropy read with σ).

σ(v) = 1 ⊘ (1 + exp(−v)), softplus(v) = log(1 + exp(v)).
"""
from __future__ import annotations

from fractions import Fraction

from ..core import build as b
from ..core.expr import Expr


def _one_plus_exp(e: Expr) -> Expr | None:
    """v when e is 1 + exp(v) (1 possibly broadcast), else None."""
    if e.op != "add" or len(e.args) != 2:
        return None
    ones = {id(t) for t in e.args if b.split_coeff(t) == (1, b.ONE) or
            (t.op == "expand" and b.is_const(t.arg, 1))}
    rest = [t for t in e.args if id(t) not in ones]
    return rest[0].arg if len(ones) == 1 and len(rest) == 1 and rest[0].op == "exp" else None


def log_one_plus_exp(node: Expr) -> Expr | None:
    """log(1 + exp(v)) = softplus(v)."""
    v = _one_plus_exp(node.arg)
    return None if v is None else b.apply("softplus", v)


def reciprocal_one_plus_exp(node: Expr) -> Expr | None:
    """(1 + exp(v)).^−k = σ(−v).^k."""
    base, exponent = node.args
    v = _one_plus_exp(base)
    if v is None or exponent.op != "const" or exponent.attr("value") >= 0:
        return None
    return b.power(b.apply("sigmoid", b.neg(v)), b.const(-exponent.attr("value")))


def exp_times_sigmoid(node: Expr) -> Expr | None:
    """exp(v)ᵃ ⊙ σ(−v)ᵇ = σ(v)ᵏ exp(v)ᵃ⁻ᵏ σ(−v)ᵇ⁻ᵏ with k = min(a, b) (e^v / (1 + e^v) = σ(v))."""
    build = b.hadamard if node.op == "hadamard" else b.mul
    factors = list(node.args)
    powers = {f: b.power_parts(f) for f in factors}
    for f, (base, a) in powers.items():
        if base.op != "exp" or not isinstance(a, Fraction) or a <= 0:  # (a may be symbolic)
            continue
        for g, (other, c) in powers.items():
            if other.op == "sigmoid" and other.arg is b.neg(base.arg) and \
                    isinstance(c, Fraction) and c > 0:
                k = min(a, c)
                rest = [h for h in factors if h is not f and h is not g]
                return build(*rest, b.power(b.apply("sigmoid", base.arg), b.const(k)),
                             b.power(base, b.const(a - k)), b.power(other, b.const(c - k)))
    return None


def sign_over_abs(node: Expr) -> Expr | None:
    """sign(u) / |u| = 1 / u (u ≠ 0)."""
    build = b.hadamard if node.op == "hadamard" else b.mul
    parts = {f: b.power_parts(f) for f in node.args}
    for f, (base, p) in parts.items():
        if base.op != "sign":
            continue
        for g, (other, q) in parts.items():
            if other.op == "abs" and other.arg is base.arg and q == -p:
                rest = [h for h in node.args if h is not f and h is not g]
                return build(*rest, b.power(base.arg, b.const(q)))
    return None


def zero_one_power(node: Expr) -> Expr | None:
    """I.^k = I and 𝟏.^k = 𝟏 for k > 0 (their entries are 0 and 1)."""
    base, exponent = node.args
    if base.op in ("identity", "ones") and exponent.op == "const" and \
            exponent.attr("value") > 0:
        return base
    return None


def _negated_bound(bound: Expr) -> Expr:
    """−δ as huber′'s clip writes it: the expanded −δ when δ is expanded to u's shape."""
    if bound.op == "expand":
        return b.expand(b.neg(bound.arg), bound.shape)
    return b.neg(bound)


def clip_indicator(node: Expr) -> Expr | None:
    """(δ > u) ⊙ (min(u, δ) > −δ) = (δ > |u|): the derivative of clip(u, −δ, δ) (huber″) is
    the indicator of |u| < δ (both are 0 at u = ±δ, and everywhere when δ ≤ 0)."""
    build = b.hadamard if node.op == "hadamard" else b.mul
    for f in node.args:
        if f.op != "gt":
            continue
        bound, u = f.args
        for g in node.args:
            if g.op == "gt" and g.args[0].op == "minimum" and g.args[0].args == (u, bound) \
                    and g.args[1] is _negated_bound(bound):
                rest = [h for h in node.args if h is not f and h is not g]
                return build(*rest, b.apply("gt", bound, b.apply("abs", u)))
    return None
