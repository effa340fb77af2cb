"""Bounds on the entries of an expression, for code that may rely on a sign.

`bounds(e)` is an interval (lo, hi) holding every entry of e's value *as the generated code
computes it* in float64: facts about functions (σ(u) ∈ [0, 1], exp(u) ≥ 0, ...) from one table,
and one rule per operator that combines its arguments' bounds. The bounds are floats computed
with the operations the code performs (sums left to right, in the code's order); rounding is
monotone and faithful, so a bound computed from bounds holds for the rounded value too (1 − σ(u)
is ≥ 0 in float64 as well, since the computed σ(u) never exceeds 1). What no rule covers is
unbounded, (-inf, inf): `nonnegative(e)` is then False and the caller keeps its general code.
"""
from __future__ import annotations

import weakref
from collections import Counter

from ..core import linear_ops as linear
from ..core import matrix_powers as powers
from ..core.constants import CONSTANTS
from ..core.elementwise import BINARY, FUNCTIONS
from ..core.expr import Expr, postorder_new
from ..core.extremes import EXTREMES
from ..core.matrix_scalars import MATRIX_SCALARS
from ..core.ops import as_float
from ..core.vector_functions import VECTOR_FUNCTIONS

INF = float("inf")
UNKNOWN = (-INF, INF)
NONNEGATIVE = (0.0, INF)
NONPOSITIVE = (-INF, 0.0)

# function -> (the interval its values lie in, whatever the argument; the fact)
FIXED: dict[str, tuple[tuple[float, float], str]] = {
    **{f.name: f.values for f in (*FUNCTIONS.values(), *VECTOR_FUNCTIONS.values(),
                                  *MATRIX_SCALARS.values())
       if f.values},  # (core/elementwise.py, core/vector_functions.py, core/matrix_scalars.py)
    "gt": ((0.0, 1.0), "the step [u > v] ∈ {0, 1}"),
    **{e.indicator: ((0.0, 1.0), f"{e.indicator}(x)ᵢ ∈ {{0, 1/k}}") for e in EXTREMES.values()},
    "ones": ((1.0, 1.0), "𝟏's entries are 1"),
    "identity": ((0.0, 1.0), "I's entries are 0 and 1"),
    "zero": ((0.0, 0.0), "0's entries are 0"),
    "dim": ((1.0, INF), "a size is a positive integer"),
    **{c.name: c.bounds for c in CONSTANTS.values()},  # π (core/constants.py)
}

# rearrange or repeat the entries, or pick one (max(x), min(x))
_SAME_ENTRIES = ("transpose", "unvec", "expand", *EXTREMES)


def _times(a: float, b: float) -> float:
    """a · b for bounds, with 0 · ∞ = 0 (a zero entry times any finite one)."""
    return 0.0 if a == 0 or b == 0 else a * b


def _product(intervals) -> tuple[float, float]:
    """Bounds of a product of one entry of each interval: the extreme corners."""
    lo, hi = 1.0, 1.0
    for a, b in intervals:
        corners = [_times(x, y) for x in (lo, hi) for y in (a, b)]
        lo, hi = min(corners), max(corners)
    return lo, hi


def _power(x: float, k: int) -> float:
    """xᵏ for a bound, ±inf where it overflows."""
    try:
        return x ** k
    except OverflowError:
        return INF if x > 0 or k % 2 == 0 else -INF


def _square(interval) -> tuple[float, float]:
    """u ⊙ u and u² lie in [min |u|², max |u|²], 0 included when u changes sign."""
    lo, hi = interval
    big = max(abs(lo), abs(hi))
    small = 0.0 if lo <= 0 <= hi else min(abs(lo), abs(hi))
    return _power(small, 2), _power(big, 2)


def _signed(interval) -> tuple[float, float]:
    """Only the sign of an interval: a sum of entries of one sign has that sign."""
    lo, hi = interval
    return NONNEGATIVE if lo >= 0 else NONPOSITIVE if hi <= 0 else UNKNOWN


# ---- one rule per operator: (node, bounds of its arguments) -> bounds -------------------------

def _const(node, args):
    """A constant is its own bound (in float64, as the code writes it)."""
    value = as_float(node.attr("value"))
    return value, value


def _same(node, args):
    """Xᵀ, vec X, unvec v and a broadcast scalar have the entries of their argument."""
    return args[0]


def _with_zeros(node, args):
    """diag(v) has the entries of v and zeros."""
    lo, hi = args[0]
    return min(lo, 0.0), max(hi, 0.0)


def _diagonal_entries(node, args):
    """The diagonal of a positive definite matrix is positive; any diagonal is entries of X."""
    x = node.arg
    return NONNEGATIVE if x.op == "var" and x.attr("structure") == "spd" else args[0]


def _signed_sum(node, args):
    """A sum (or mean) of entries of one sign has that sign."""
    return _signed(args[0])


def _add(node, args):
    """Bounds add (lo₁ + lo₂, hi₁ + hi₂), left to right as the code adds the terms."""
    lo, hi = args[0]
    for a, b in args[1:]:
        lo, hi = lo + a, hi + b
    return lo, hi


def _hadamard(node, args):
    """Entries of u ⊙ v are products of entries; a repeated factor u ⊙ u is a square ≥ 0."""
    count = Counter(node.args)
    parts = []
    for factor, interval in dict(zip(node.args, args)).items():
        parts += [_square(interval)] * (count[factor] // 2) + [interval] * (count[factor] % 2)
    return _product(parts)


def _products_of_entries(node, args):
    """Entries of A ⊗ B are products of an entry of A and one of B."""
    return _product(args)


def _mul(node, args):
    """An outer product's entries are products of entries (uᵢ vⱼ, c · xᵢ); any product of
    nonnegative matrices is nonnegative; scalar factors scale by corners."""
    scalars = [iv for a, iv in zip(node.args, args) if a.is_scalar]
    chain = [(a, iv) for a, iv in zip(node.args, args) if not a.is_scalar]
    if all(a.shape.cols.is_one for a, _ in chain[:-1]):
        part = _product([iv for _, iv in chain])
    else:
        part = NONNEGATIVE if all(iv[0] >= 0 for _, iv in chain) else UNKNOWN
    return _product(scalars + [part])


def _pow(node, args):
    """uᵖ for an even integer p is a square (≥ 0, ≤ max |u|ᵖ for p > 0); an odd p > 0 is
    monotone; a nonnegative base gives a nonnegative power for any exponent."""
    base, exponent = node.args
    (lo, hi), p = args[0], exponent.attr("value") if exponent.op == "const" else None
    if p is not None and p.denominator == 1 and p > 0:
        k = int(p)
        if k % 2 == 0:
            small, big = _square((lo, hi))
            return _power(small, k // 2), _power(big, k // 2)
        return _power(lo, k), _power(hi, k)
    if lo >= 0 or (p is not None and p.denominator == 1 and p % 2 == 0):
        return NONNEGATIVE
    return UNKNOWN


def _sign_of_a_scalar(node, args):
    """1/u has the sign of u (for a scalar u)."""
    return _signed(args[0]) if node.is_scalar else UNKNOWN


def _follows(f):
    """max(u, v) lies between the larger lower and the larger upper bound (min: the smaller)."""
    def rule(node, args):
        (a, b), (c, d) = args
        return f.extreme(a, c), f.extreme(b, d)
    rule.__doc__ = _follows.__doc__
    return rule


# the bounds rule each declared operator names (core/linear_ops.py, core/matrix_powers.py)
BY_KIND = {linear.SIGNED_SUM: _signed_sum, linear.SAME_ENTRIES: _same,
           linear.WITH_ZEROS: _with_zeros, linear.DIAGONAL_ENTRIES: _diagonal_entries,
           linear.PRODUCTS: _products_of_entries, powers.SIGN_OF_A_SCALAR: _sign_of_a_scalar}

RULES = {"const": _const, "add": _add, "hadamard": _hadamard, "mul": _mul, "pow": _pow,
         **{f.name: _follows(f) for f in BINARY.values()},
         **dict.fromkeys(_SAME_ENTRIES, _same),
         **{op.name: BY_KIND[op.bounds] for op in (*linear.DECLARED, *powers.DECLARED)
            if op.bounds}}

_BOUNDS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # node -> (lo, hi)


def bounds(e: Expr) -> tuple[float, float]:
    """(lo, hi) with lo ≤ every entry of e ≤ hi, as computed in float64; unknown: ±inf."""
    for node in postorder_new(e, _BOUNDS):  # children first: no deep recursion
        if node.op in FIXED:
            found = FIXED[node.op][0]
        elif node.op in RULES:
            found = RULES[node.op](node, [_BOUNDS[a] for a in node.args])
        else:
            found = UNKNOWN
        if found[0] != found[0] or found[1] != found[1]:  # nan (∞ − ∞ of huge constants)
            found = UNKNOWN
        _BOUNDS[node] = found
    return _BOUNDS[e]


def nonnegative(e: Expr) -> bool:
    """Whether every entry of e is provably ≥ 0."""
    return bounds(e)[0] >= 0
