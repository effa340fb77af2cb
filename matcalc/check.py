"""Trust, shown with the answer: a derivative checked against central finite differences.

`check(d)` draws random points (sizes 2, 3, 4, ... for the size symbols; symmetric positive
definite values for symmetric variables; positive values when the function is not finite at
normal ones), evaluates the closed form and the finite-difference derivative of the function in
the derivative's layout, and returns the largest relative error. An abstract function f is
checked as the smooth test function f(u) = sum(sin(u)) + sum(u.^2)/2, whose derivative symbol
∂f/∂u then has a value. Never used by the library's own tests, which have their own checker.
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from .core import build as b
from .core.expr import Expr, postorder
from .core.rebuild import substitute
from .core.transpose import transposed
from .evaluate import Env, evaluate

STEP = 1e-6


@dataclass(frozen=True)
class CheckResult:
    """The largest relative error over `points` random points (NaN points are skipped)."""

    max_error: float
    points: int

    @property
    def ok(self) -> bool:
        return self.points > 0 and self.max_error < 1e-5

    def __repr__(self) -> str:  # a notebook cell ending in d.check() shows the sentence
        return str(self)

    def __str__(self) -> str:
        if not self.points:
            return "check: no point where the function is finite and smooth was found"
        verdict = "agrees with" if self.ok else "DISAGREES with"
        return (f"check: {verdict} central finite differences at {self.points} random points "
                f"(largest relative error {self.max_error:.1e})")


def concrete(expr: Expr, layout: str) -> Expr:
    """expr with each abstract f(u) replaced by sum(sin(u)) + sum(u.^2)/2 and each ∂f/∂u by
    that function's derivative (cos(u) + u, transposed in numerator layout)."""
    mapping: dict[Expr, Expr] = {}
    for node in postorder(expr):
        u = node.args[0] if node.args else None
        if node.op == "apply":
            half_square = b.mul(b.const(Fraction(1, 2)), b.reduce_sum(b.power(u, b.const(2))))
            mapping[node] = b.add(b.reduce_sum(b.apply("sin", u)), half_square)
        elif node.op == "absgrad":
            gradient = b.add(b.apply("cos", u), u)
            mapping[node] = transposed(gradient) if node.attr("layout") == "numerator" \
                else gradient
    return substitute(expr, mapping) if mapping else expr


def symbol_sizes(expressions: list[Expr], rng: np.random.Generator) -> dict[str, int]:
    symbols = sorted({s for e in expressions for n in postorder(e)
                      for d in (n.shape.rows, n.shape.cols) for s in d.symbols})
    return {s: int(v) for s, v in zip(symbols, rng.permutation(np.arange(2, 2 + len(symbols))))}


def draw_point(variables: dict[str, Expr], sizes: dict[str, int], rng, positive: bool) -> dict:
    point = {}
    for name, node in variables.items():
        shape = (node.shape.rows.value(sizes), node.shape.cols.value(sizes))
        value = rng.uniform(0.5, 1.5, shape) if positive else rng.standard_normal(shape)
        if node.attr("structure") != "general":
            value = value @ value.T + shape[0] * np.eye(shape[0])
        point[name] = value
    return point


def value_at(expr: Expr, point: dict, sizes: dict, layout: str) -> np.ndarray:
    with np.errstate(all="ignore"):
        return evaluate(expr, Env(point, sizes, {}, layout))


def _finite_differences(f: Expr, point: dict, sizes: dict, x: Expr, layout: str) -> np.ndarray:
    """d vec(f)/d vec(x)ᵀ arranged as language.md displays dF/dX in `layout`."""
    name, base = x.attr("name"), point[x.attr("name")]
    columns = []
    for k in range(base.size):
        step = np.zeros(base.size)
        step[k] = STEP * max(1.0, abs(base.reshape(-1, order="F")[k]))
        delta = step.reshape(base.shape, order="F")
        if x.attr("structure") != "general":  # symmetric directions (E_ij + E_ji)/2
            delta = (delta + delta.T) / 2
        up = value_at(f, {**point, name: base + delta}, sizes, layout)
        down = value_at(f, {**point, name: base - delta}, sizes, layout)
        columns.append((up - down).reshape(-1, order="F") / (2 * step[k]))
    jac = np.array(columns).T  # |F| × |X|
    if x.shape.is_scalar:
        numerator = jac.reshape(f.shape.rows.value(sizes), f.shape.cols.value(sizes), order="F")
    elif f.shape.is_scalar:
        numerator = jac.reshape(base.shape, order="F").T
    else:
        numerator = jac
    return numerator if layout == "numerator" else numerator.T


def check(function: Expr, derivative: Expr, x: Expr, variables: dict[str, Expr], layout: str,
          points: int = 3, seed: int = 0) -> CheckResult:
    """Compare the closed form `derivative` of `function` by `x` with finite differences."""
    rng = np.random.default_rng(seed)
    f, closed = concrete(function, layout), concrete(derivative, layout)
    errors: list[float] = []
    for attempt in range(4 * points):
        if len(errors) == points:
            break
        sizes = symbol_sizes([f, closed], rng)
        point = draw_point(variables, sizes, rng, positive=attempt % 2 == 1)
        got = value_at(closed, point, sizes, layout)
        want = _finite_differences(f, point, sizes, x, layout)
        if not (np.all(np.isfinite(got)) and np.all(np.isfinite(want))):
            continue
        scale = max(1.0, float(np.abs(want).max()))
        errors.append(float(np.abs(got.reshape(want.shape) - want).max()) / scale)
    return CheckResult(max(errors) if errors else float("nan"), len(errors))
