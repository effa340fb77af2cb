"""Trust, shown with the answer: a derivative checked against central finite differences.

`check(...)` draws random points (sizes 2, 3, 4, ... for the size symbols; values of its
structure for a structured variable, symmetric positive definite for a symmetric one
(lower/structures.py); an undeclared matrix that an op needing a symmetric argument takes
directly is drawn symmetric (eigmax(X)) or symmetric positive definite (chol(S)) and moved
along symmetric directions; positive values at every other point), keeps only the points where
the function and its closed form are defined and smooth (matcalc/domain.py: a matrix that is
inverted is well conditioned, a log's argument positive, no kink nearby), and compares the
closed form there with central finite differences of the function along directions of the
variable: every coordinate direction up to ALL_DIRECTIONS entries, else RANDOM_DIRECTIONS
random ones. It returns the largest relative error, or says why
no point was compared: none of the points tried was in the domain, or an array the check
computes densely would have more than MAX_ENTRIES entries, or a value cannot be computed (the
check is then not run). It never raises. An abstract function f is checked as the smooth test
function f(u) = sum(sin(u)) + sum(u.^2)/2, whose derivative symbol ∂f/∂u then has a value.
Never used by the library's own tests, which have their own checker.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from .core import build as b
from .core.expr import Expr, postorder, rebuild_bottom_up
from .core.factorisations import FACTORISATIONS, SPD_POINT
from .core.rebuild import rebuild
from .core.spectral import SPECTRAL, SYMMETRIC
from .core.structural import is_symmetric
from .core.transpose import transposed
from .domain import outside, shown
from .errors import MatcalcError, OutsideDomainError
from .evaluate import Env, evaluate, evaluate_nodes
from .lower.structures import STRUCTURES

STEP = 1e-6
MAX_ENTRIES = 1_000_000  # the largest array the check computes (8 MB of float64)
ALL_DIRECTIONS = 100  # a variable with more entries is differenced along random directions
RANDOM_DIRECTIONS = 20
TRIES = 8  # points drawn per point compared, at most
NUMERIC_ERRORS = (np.linalg.LinAlgError, FloatingPointError, ZeroDivisionError,
                  OutsideDomainError)  # logm of a matrix with an eigenvalue on (−∞, 0]


@dataclass(frozen=True)
class CheckResult:
    """The largest relative error over `points` random points; when no point was compared,
    `reason` says why (the check was not run, or no point of the domain was found)."""

    max_error: float
    points: int
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.points > 0 and self.max_error < 1e-5

    @property
    def disagrees(self) -> bool:
        """Points were compared and the closed form is not the finite differences there."""
        return self.points > 0 and not self.ok

    def __repr__(self) -> str:  # a notebook cell ending in d.check() shows the sentence
        return str(self)

    def __str__(self) -> str:
        if not self.points:
            return f"check: {self.reason}"
        verdict = "agrees with" if self.ok else "DISAGREES with"
        return (f"check: {verdict} central finite differences at {self.points} random points "
                f"(largest relative error {self.max_error:.1e})")


def not_compared(reason: str) -> CheckResult:
    return CheckResult(float("nan"), 0, reason)


def concrete(expr: Expr, layout: str) -> Expr:
    """expr with each abstract f(u) replaced by sum(sin(u)) + sum(u.^2)/2 and each ∂f/∂u by
    that function's derivative (cos(u) + u, transposed in numerator layout), inside out."""
    def visit(node: Expr, args: tuple[Expr, ...]) -> Expr:
        u = args[0] if args else None
        if node.op == "apply":
            half_square = b.mul(b.const(Fraction(1, 2)), b.reduce_sum(b.power(u, b.const(2))))
            return b.add(b.reduce_sum(b.apply("sin", u)), half_square)
        if node.op == "absgrad":
            gradient = b.add(b.apply("cos", u), u)
            return transposed(gradient) if node.attr("layout") == "numerator" else gradient
        return rebuild(node, args)
    return rebuild_bottom_up(expr, visit)


def symbol_sizes(expressions: list[Expr], rng: np.random.Generator) -> dict[str, int]:
    """Distinct sizes 2, 3, 4, ... in random order for the size symbols of `expressions`:
    those of their shapes and those used as values (n of a ∂/∂a (a sum(𝟏_n)) = n)."""
    symbols = sorted({s for e in expressions for n in postorder(e)
                      for d in (n.shape.rows, n.shape.cols, *_size_values(n))
                      for s in d.symbols})
    return {s: int(v) for s, v in zip(symbols, rng.permutation(np.arange(2, 2 + len(symbols))))}


def _size_values(node: Expr) -> tuple:
    return (node.attr("size"),) if node.op == "dim" else ()


def too_big(expressions: list[Expr], sizes: dict[str, int], columns: int) -> str | None:
    """Why the check would compute an array of more than MAX_ENTRIES entries (a node of the
    expressions, or the finite differences of the first, |F| × `columns`), or None."""
    def entries(node: Expr) -> int:
        return node.shape.rows.value(sizes) * node.shape.cols.value(sizes)
    largest = max((n for e in expressions for n in postorder(e)), key=entries)
    differences = entries(expressions[0]) * columns
    if max(entries(largest), differences) <= MAX_ENTRIES:
        return None
    what = (f"{shown(largest)} would have {entries(largest):,} entries"
            if entries(largest) >= differences else
            f"its finite differences would have {differences:,} entries")
    return (f"not run: {what}; the check computes arrays of at most {MAX_ENTRIES:,} entries "
            f"(declare smaller sizes to check)")


def _needs(op: str) -> str | None:
    """"spd" for an op defined only at a symmetric positive definite first argument (chol),
    "symmetric" for one defined only at a symmetric one (eigmax), else None."""
    if op in FACTORISATIONS and FACTORISATIONS[op].domain == SPD_POINT:
        return "spd"
    return "symmetric" if op in SPECTRAL and SPECTRAL[op].argument == SYMMETRIC else None


def _direct_variable(node: Expr) -> Expr | None:
    """The undeclared variable `node` is (X), or is the transpose of (Xᵀ), else None."""
    x = node.arg if node.op == "transpose" else node
    return x if x.op == "var" and x.attr("structure") == "general" else None


def symmetric_arguments(expressions: list[Expr]) -> dict[str, str]:
    """The undeclared variables an op needing a symmetric argument takes directly (or
    transposed), each with how the check draws it: "spd" where any such op needs it positive
    definite (chol(S), logdet(S) + sum(chol(S))), else "symmetric" (eigmax(X)). The function is
    defined only there, so the check moves them along symmetric directions (where its derivative
    is the one the closed form states: chol's and eigmax's read dS as (dS + dSᵀ)/2)."""
    drawn: dict[str, str] = {}
    for node in (n for e in expressions for n in postorder(e)):
        needed, x = _needs(node.op), _direct_variable(node.args[0]) if node.args else None
        if needed and x is not None and drawn.get(x.attr("name")) != "spd":
            drawn[x.attr("name")] = needed
    return drawn


def draw_point(variables: dict[str, Expr], sizes: dict[str, int], rng, positive: bool,
               symmetric: dict[str, str] | None = None) -> dict:
    """Random values of `variables` (of their structure; `symmetric`: a name's draw, "spd"
    or "symmetric", for an undeclared one)."""
    point = {}
    for name, node in variables.items():
        shape = (node.shape.rows.value(sizes), node.shape.cols.value(sizes))
        value = rng.uniform(0.5, 1.5, shape) if positive else rng.standard_normal(shape)
        structure = node.attr("structure")
        if structure == "general" and symmetric and name in symmetric:
            structure = symmetric[name]
        if structure == "symmetric" and node.attr("structure") == "general":
            value = (value + value.T) / 2  # (eigmax(X): any symmetric X)
        elif structure != "general":
            value = STRUCTURES[structure].draw(value)
        point[name] = value
    return point


def _symmetric_directions(along: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """Each direction (a column in vec(X) space) replaced by its symmetric part."""
    return np.array([((d + d.T) / 2).reshape(-1, order="F")
                     for d in (c.reshape(shape, order="F") for c in along.T)]).T


def value_at(expr: Expr, point: dict, sizes: dict, layout: str) -> np.ndarray:
    """The value of `expr` at `point`; NaN where numpy cannot compute it (a singular inverse)."""
    with np.errstate(all="ignore"):
        try:
            return evaluate(expr, Env(point, sizes, {}, layout))
        except NUMERIC_ERRORS:
            return np.full((expr.shape.rows.value(sizes), expr.shape.cols.value(sizes)), np.nan)


def _outside_domain(expressions: list[Expr], point: dict, sizes: dict,
                    layout: str) -> str | None:
    """Why the point is not one where all `expressions` are defined and smooth, or None."""
    for expr in expressions:
        with np.errstate(all="ignore"):
            try:
                reason = outside(evaluate_nodes(expr, Env(point, sizes, {}, layout)))
            except NUMERIC_ERRORS as err:
                reason = f"numpy could not evaluate {shown(expr)} ({err})"
        if reason is not None:
            return reason
    return None


def directions(size: int, rng: np.random.Generator) -> np.ndarray:
    """|X| × k directions (columns) in vec(X) space: the coordinates, or k random ones."""
    if size <= ALL_DIRECTIONS:
        return np.eye(size)
    random = rng.standard_normal((size, RANDOM_DIRECTIONS))
    return random / np.abs(random).max(axis=0)


def _finite_differences(f: Expr, point: dict, sizes: dict, x: Expr, layout: str,
                        along: np.ndarray) -> np.ndarray:
    """d vec(f) along each column of `along` (in vec(x) space): |F| × k; a structured variable
    moves along the projection of each direction on its tangent space (the symmetric part for
    a symmetric one)."""
    name, base = x.attr("name"), point[x.attr("name")]
    columns = []
    for v in along.T:
        step = STEP * max(1.0, float(np.abs(base.reshape(-1, order="F")[v != 0]).max()))
        delta = step * v.reshape(base.shape, order="F")
        if x.attr("structure") != "general":
            delta = STRUCTURES[x.attr("structure")].tangent(base, delta)
        up = value_at(f, {**point, name: base + delta}, sizes, layout)
        down = value_at(f, {**point, name: base - delta}, sizes, layout)
        columns.append((up - down).reshape(-1, order="F") / (2 * step))
    return np.array(columns).T


def as_jacobian(shown_value: np.ndarray, f: Expr, x: Expr, layout: str) -> np.ndarray:
    """The displayed derivative (language.md's arrangement in `layout`) as the vec Jacobian
    d vec(F) / d vec(X)ᵀ (|F| × |X|)."""
    numerator = shown_value if layout == "numerator" else shown_value.T
    if x.shape.is_scalar:
        return numerator.reshape(-1, 1, order="F")
    if f.shape.is_scalar:  # the numerator derivative of a scalar is Xᵀ-shaped
        return numerator.T.reshape(1, -1, order="F")
    return numerator


def _compare(f: Expr, closed: Expr, x: Expr, point: dict, sizes: dict, layout: str,
             rng: np.random.Generator, tangent_rows: bool, symmetric: bool = False
             ) -> float | None:
    """The relative error of the closed form against the finite differences (None when the
    differences are not finite); with `tangent_rows` (f is a gradient by x, a Riemannian
    Hessian is checked) the differences projected on x's tangent space; with `symmetric`,
    along symmetric directions only."""
    along = directions(point[x.attr("name")].size, rng)
    if symmetric:
        along = _symmetric_directions(along, point[x.attr("name")].shape)
    want = _finite_differences(f, point, sizes, x, layout, along)
    if tangent_rows:
        base = point[x.attr("name")]
        project = STRUCTURES[x.attr("structure")].tangent
        want = np.array([project(base, c.reshape(base.shape, order="F")).reshape(-1, order="F")
                         for c in want.T]).T
    got = as_jacobian(value_at(closed, point, sizes, layout), f, x, layout) @ along
    if not np.all(np.isfinite(want)):
        return None
    scale = max(1.0, float(np.abs(want).max()))
    return float(np.abs(got - want).max()) / scale


def check(function: Expr, derivative: Expr, x: Expr, variables: dict[str, Expr], layout: str,
          points: int = 3, seed: int = 0, tangent_rows: bool = False) -> CheckResult:
    """Compare the closed form `derivative` of `function` by `x` with finite differences
    (`tangent_rows`: see _compare)."""
    try:
        return _check(concrete(function, layout), concrete(derivative, layout), x, variables,
                      layout, points, np.random.default_rng(seed), tangent_rows)
    except MemoryError:
        return not_compared("not run: it ran out of memory (declare smaller sizes to check)")
    except MatcalcError as err:  # a value the check cannot compute
        return not_compared(f"not run: {err.message}")


def _check(f: Expr, closed: Expr, x: Expr, variables: dict[str, Expr], layout: str,
           points: int, rng: np.random.Generator, tangent_rows: bool) -> CheckResult:
    errors: list[float] = []
    misses: Counter[str] = Counter()
    everything = [f, closed, *variables.values()]
    symmetric = symmetric_arguments([f, closed])
    for attempt in range(TRIES * points):
        if len(errors) == points:
            break
        sizes = symbol_sizes(everything, rng)
        size = x.shape.size.value(sizes)
        columns = size if size <= ALL_DIRECTIONS else RANDOM_DIRECTIONS
        refused = too_big(everything, sizes, columns)
        if refused:
            return not_compared(refused)
        point = draw_point(variables, sizes, rng, attempt % 2 == 1, symmetric)
        miss = _outside_domain([f, closed], point, sizes, layout)
        error = None if miss else _compare(f, closed, x, point, sizes, layout, rng,
                                           tangent_rows, x.attr("name") in symmetric)
        if error is None:
            misses[miss or "the finite differences were not finite"] += 1
        else:
            errors.append(error)
    if errors:
        return CheckResult(max(errors), len(errors))
    reason, count = misses.most_common(1)[0]
    return not_compared(f"could not find points where the function and its derivative are "
                        f"defined and smooth: {reason} at {count} of the {sum(misses.values())} "
                        f"points tried{_undrawable([f, closed])}")


def _undrawable(expressions: list[Expr]) -> str:
    """Why the check may not find a point: an op needing a symmetric argument whose argument
    is neither a variable it draws symmetric nor symmetric by its structure (chol(S + B) of
    undeclared S and B), or ""."""
    for node in (n for e in expressions for n in postorder(e)):
        if _needs(node.op) and _direct_variable(node.arg) is None and \
                not is_symmetric(node.arg):
            return (f"; the check draws symmetric values only for a variable that {node.op} "
                    f"takes directly, and {shown(node.arg)} is not symmetric by its structure "
                    f"(declare its matrices symmetric(n) or spd(n) to check it)")
    return ""
