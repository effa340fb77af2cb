"""Numeric checks of derivatives against central differences, in language.md's layouts.

`check_derivative` draws random arrays for every variable of a program, evaluates the closed
form (`Derivative.evaluate`) and compares it with the full finite-difference Jacobian of
`value()`, arranged as language.md arranges derivatives. Variable kinds and sizes come from
matcalc's own typing of the program (declarations first, then the naming defaults and size
unification); symbolic sizes take their numbers from `sizes`, unnamed ones get small distinct
numbers. Abstract functions f(Y) are replaced by a concrete smooth f. `tokens` splits a printed
form so that the lengths of closed forms can be compared. Uses numpy and matcalc's public API.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from itertools import count
from typing import Any

import numpy as np

from matcalc import Derivative, derive, value
from matcalc.names import canonical

STEP = 1e-6         # central-difference step, scaled by max(1, |x_k|)
RTOL = 1e-6         # relative to max |J| of the reference Jacobian
ATOL = 1e-6         # absolute floor, for (near-)zero Jacobians
KINK_MARGIN = 1e-3  # relu/abs/sign/max arguments stay at least this far from their kink
FREE_SIZES = (3, 4, 2, 5)  # for sizes that neither `sizes` nor a declaration names
MAX_DRAWS = 200

Point = dict[str, Any]  # name -> float (scalar), 1-D array (vector) or 2-D array (matrix)


# -- variables and domains ----------------------------------------------------------------

@dataclass(frozen=True)
class Variable:
    name: str
    kind: str  # "scalar" | "vector" | "matrix"
    shape: tuple[int, int]


def variables(d: Derivative, sizes: Mapping[str, int] | None = None) -> list[Variable]:
    """The variables of `d`'s program with concrete shapes (from matcalc's typing of it)."""
    numbers = dict(sizes or {})
    fresh = (FREE_SIZES[i % len(FREE_SIZES)] for i in count())
    out = []
    for name, node in d.program.variables.items():  # no public API lists kinds and shapes
        shape = node.shape
        for symbol in shape.rows.symbols + shape.cols.symbols:
            if symbol not in numbers:
                numbers[symbol] = next(fresh)
        kind = "scalar" if shape.is_scalar else "vector" if shape.is_vector else "matrix"
        out.append(Variable(name, kind, (shape.rows.value(numbers), shape.cols.value(numbers))))
    return out


def _uniform(a: float, b: float) -> Callable:
    return lambda rng, shape: rng.uniform(a, b, shape)


def _nonzero(rng: np.random.Generator, shape: tuple[int, int]) -> np.ndarray:
    return rng.choice([-1.0, 1.0], shape) * rng.uniform(0.3, 2.0, shape)


def _spd(rng: np.random.Generator, shape: tuple[int, int]) -> np.ndarray:
    b = rng.standard_normal(shape)
    return b @ b.T / shape[0] + np.eye(shape[0])


def _well_conditioned(rng: np.random.Generator, shape: tuple[int, int]) -> np.ndarray:
    q1, _ = np.linalg.qr(rng.standard_normal(shape))
    q2, _ = np.linalg.qr(rng.standard_normal(shape))
    return q1 @ np.diag(rng.uniform(1.0, 2.0, shape[0])) @ q2


def _off_cut(rng: np.random.Generator, shape: tuple[int, int]) -> np.ndarray:
    """A nonsymmetric matrix with its eigenvalues in the disc |λ − 1.5| < 1: clear of the
    closed negative real axis, where logm and sqrtm are defined (I + a small random part)."""
    part = rng.standard_normal(shape)
    return 1.5 * np.eye(shape[0]) + 0.8 * part / max(1.0, np.abs(np.linalg.eigvals(part)).max())


DOMAINS: dict[str, Callable] = {
    "normal": lambda rng, shape: rng.standard_normal(shape),
    "positive": _uniform(0.5, 2.0),
    "nonzero": _nonzero,
    "spd": _spd,
    "well_conditioned": _well_conditioned,
    "off_cut": _off_cut,
}


def sampler(domain: str) -> Callable:
    """The sampler `(rng, shape) -> array` of a domain name, including `uniform(a,b)`."""
    match = re.fullmatch(r"\s*uniform\(\s*([^,]+),\s*([^)]+)\)\s*", domain)
    if match:
        return _uniform(float(match.group(1)), float(match.group(2)))
    if domain not in DOMAINS:
        raise ValueError(f"unknown domain {domain!r}; known: {sorted(DOMAINS)}, uniform(a,b)")
    return DOMAINS[domain]


def draw(var: Variable, domain: str, rng: np.random.Generator) -> Any:
    """A random value for `var` in the form `evaluate` takes (float, 1-D or 2-D array)."""
    array = sampler(domain)(rng, var.shape)
    if var.kind == "scalar":
        return float(array[0, 0])
    return array[:, 0].copy() if var.kind == "vector" else array


# -- kinks (relu, abs, sign, max, min, huber) ---------------------------------------------

_KINKED = re.compile(r"(?<![\w.])(relu|abs|sign|max|min|huber)\s*\(")


def _call(text: str, start: int) -> tuple[list[str], int]:
    """The top-level arguments of the call whose '(' is at `start`, and the index after ')'."""
    depth, args, last = 0, [], start + 1
    for i in range(start, len(text)):
        if text[i] in "([":
            depth += 1
        elif text[i] in ")]":
            depth -= 1
            if depth == 0:
                return args + [text[last:i].strip()], i + 1
        elif text[i] == "," and depth == 1:
            args.append(text[last:i].strip())
            last = i + 1
    raise ValueError(f"unbalanced parentheses in {text!r}")


def statements(program: str) -> list[str]:
    return [s.strip() for s in re.split(r"[;\n]", program) if s.strip()]


def kink_programs(program: str) -> list[str]:
    """Programs whose values must stay away from 0: the arguments of relu/abs/sign, the
    difference of max's and min's two, |u| − δ of huber(u, δ) (δ = 1 in huber(u))."""
    stmts, out = statements(program), []
    for i, stmt in enumerate(stmts):
        for match in _KINKED.finditer(stmt):
            args, _ = _call(stmt, match.end() - 1)
            if match.group(1) == "huber":
                arg = f"abs({args[0]}) - ({args[1] if len(args) == 2 else 1})"
            else:
                arg = f"({args[0]}) - ({args[1]})" if len(args) == 2 else args[0]
            out.append("; ".join(stmts[:i] + [arg]))
    return out


def away_from_kinks(kinks: Sequence[str], vars: Mapping | None, point: Point) -> bool:
    return all(np.min(np.abs(value(k, vars=vars, **point))) > KINK_MARGIN for k in kinks)


def draw_point(variables: Sequence[Variable], domains: Mapping[str, str] | None,
               rng: np.random.Generator, kinks: Sequence[str] = (),
               vars: Mapping | None = None) -> Point:
    """Random values for `variables` inside `domains`, resampled until clear of `kinks`."""
    domains = domains or {}
    for _ in range(MAX_DRAWS):
        point = {v.name: draw(v, domains.get(v.name, "normal"), rng) for v in variables}
        if away_from_kinks(kinks, vars, point):
            return point
    raise RuntimeError(f"no point with every kink argument away from 0 in {MAX_DRAWS} draws")


# -- finite differences and layouts -------------------------------------------------------

def vec(x: Any) -> np.ndarray:
    """Column-major vec of a float, 1-D (column vector) or 2-D value."""
    return np.asarray(x, dtype=float).ravel(order="F")


def _nudged(point: Point, wrt: str, k: int, h: float, symmetric: bool = False) -> Point:
    x = np.array(point[wrt], dtype=float)
    if x.ndim == 0:
        return {**point, wrt: float(x) + h}
    index = np.unravel_index(k, x.shape, order="F")
    if symmetric:  # along (E_ij + E_ji) / 2, which stays symmetric
        x[index] += h / 2
        x[index[::-1]] += h / 2
    else:
        x[index] += h
    return {**point, wrt: x}


def numerical_jacobian(fun: Callable[[Point], Any], point: Point, wrt: str,
                       step: float = STEP, symmetric: bool = False, order: int = 2) -> np.ndarray:
    """d vec(fun(point)) / d vec(point[wrt])ᵀ by central differences (|F| × |X|, float64).

    With `symmetric`, column (i, j) is the derivative along (E_ij + E_ji) / 2: the derivative on
    the space of symmetric matrices (J (I + K) / 2), matcalc's convention for a variable
    declared symmetric(n) or spd(n). `order=4`: the five-point stencil (f(x−2h) − 8 f(x−h) +
    8 f(x+h) − f(x+2h)) / 12h, for steep functions where the second-order error shows.
    """
    x = vec(point[wrt])
    columns = []
    for k in range(x.size):
        h = step * max(1.0, abs(x[k])) * (10 if order == 4 else 1)  # (rounding error balance)
        at = lambda t: vec(fun(_nudged(point, wrt, k, t * h, symmetric)))  # noqa: E731
        column = (at(1) - at(-1)) / (2 * h) if order == 2 else \
            (8 * (at(1) - at(-1)) - (at(2) - at(-2))) / (12 * h)
        columns.append(column)
    return np.stack(columns, axis=1)


def shape2d(x: Any) -> tuple[int, int]:
    """The matrix shape of a value: floats 1 × 1, 1-D arrays columns."""
    x = np.asarray(x)
    return (1, 1) if x.ndim == 0 else (x.size, 1) if x.ndim == 1 else x.shape


def arrange(jac: np.ndarray, f_shape: tuple[int, int], x_shape: tuple[int, int],
            layout: str) -> np.ndarray:
    """The vec Jacobian arranged as language.md displays dF/dX in `layout` (2-D)."""
    if x_shape == (1, 1):
        out = jac.reshape(f_shape, order="F")      # by a scalar: the shape of F
    elif f_shape == (1, 1):
        out = jac.reshape(x_shape, order="F").T    # scalar by X: the shape of Xᵀ
    else:
        out = jac                                  # d vec(F) / d vec(X)ᵀ
    return out if layout == "numerator" else out.T


def as_displayed(got: Any, want: np.ndarray) -> np.ndarray:
    """`evaluate`'s result as 2-D, after checking its form (float / 1-D / 2-D) and size."""
    rows, cols = want.shape
    if rows == cols == 1:
        ok, form = np.ndim(got) == 0, "a float"
    elif rows == 1 or cols == 1:
        ok, form = np.ndim(got) == 1 and np.size(got) == rows * cols, f"1-D of {rows * cols}"
    else:
        ok, form = np.shape(got) == want.shape, f"2-D {want.shape}"
    if not ok:
        raise AssertionError(f"evaluate returned shape {np.shape(got)}, expected {form}")
    return np.asarray(got, dtype=float).reshape(want.shape)


def assert_close(got: np.ndarray, want: np.ndarray, rtol: float = RTOL, atol: float = ATOL,
                 what: str = "") -> None:
    """max |got - want| <= atol + rtol max |want| (NaN fails)."""
    scale = float(np.max(np.abs(want), initial=0.0))
    err = float(np.max(np.abs(got - want), initial=0.0))
    if not err <= atol + rtol * scale:
        raise AssertionError(f"{what}: max error {err:.3g} > {atol:g} + {rtol:g}·{scale:.3g}"
                             f"\nclosed form:\n{got}\nfinite differences:\n{want}")


# -- abstract functions ---------------------------------------------------------------------

CONCRETE_F = "(sum(sin({u})) + sum(({u}) .^ 2) / 2)"  # a smooth scalar f for abstract f(u)


def concrete(program: str, fname: str, template: str = CONCRETE_F) -> str:
    """`program` with every call fname(u) replaced by `template` (default CONCRETE_F) of u."""
    out, pattern = program, re.compile(rf"(?<![\w.]){re.escape(fname)}\s*\(")
    while match := pattern.search(out):
        args, end = _call(out, match.end() - 1)
        out = out[:match.start()] + template.format(u=args[0]) + out[end:]
    return out


def concrete_all(program: str, abstract: Sequence[Mapping[str, str]]) -> str:
    """`program` with every abstract function of `abstract` replaced by its concrete form.

    A spec may name its own smooth template as "concrete" (a format string of {u}); nested
    abstract functions (g(f(W x) ⊙ y)) are replaced outside in, so each sees concrete inner ones.
    """
    for spec in abstract:
        program = concrete(program, spec["name"], spec.get("concrete", CONCRETE_F))
    return program


def _argument(program: str, spec: Mapping[str, str], vars: Mapping | None, point: Point,
              abstract: Sequence[Mapping[str, str]]) -> Any:
    """The value at `point` of the argument u of spec's f(u) (other abstract functions concrete)."""
    stmts = statements(program)
    call = re.compile(rf"(?<![\w.]){re.escape(spec['name'])}\s*\(")
    before = next(i for i, s in enumerate(stmts) if call.search(s))
    arg = "; ".join(stmts[:before] + [spec["arg"]])
    return value(concrete_all(arg, abstract), vars=vars, **point)


def _kind(u: Any) -> str:
    return {0: "scalar", 1: "vector", 2: "matrix"}[np.ndim(u)]


def abstract_value(program: str, spec: Mapping[str, str], vars: Mapping | None,
                   point: Point, layout: str,
                   abstract: Sequence[Mapping[str, str]] = ()) -> Any:
    """The value of ∂f/∂u for the concrete f at `point`, in `layout` (gradient or its ᵀ).

    `abstract` lists every abstract function of the program, so that an argument u that calls
    another one (the f in g(f(W x) ⊙ y)) is evaluated with that one concrete too.
    """
    u = _argument(program, spec, vars, point, abstract)
    f = spec.get("concrete", CONCRETE_F).format(u="U")
    jac = numerical_jacobian(lambda p: value(f, vars={"U": _kind(u)}, **p), {"U": u}, "U")
    grad = jac.reshape(shape2d(u), order="F")
    shown = grad.T if layout == "numerator" else grad
    return shown.item() if np.ndim(u) == 0 else shown.reshape(-1) if np.ndim(u) == 1 else shown


def applied_values(d: Derivative, program: str, abstract: Sequence[Mapping[str, str]],
                   vars: Mapping | None, point: Point) -> dict[str, float]:
    """Values of the f(u) themselves, for each abstract f whose value the closed form shows
    (a product rule f(X) ∂g/∂X, an outer ∂g/∂(f(W x) y)); passed to `evaluate` as f=...."""
    out = {}
    for spec in abstract:
        if any(ascii.startswith(spec["name"] + "(") for _, ascii in d.symbols()):
            u = _argument(program, spec, vars, point, abstract)
            f = spec.get("concrete", CONCRETE_F).format(u="U")
            out[spec["name"]] = value(f, vars={"U": _kind(u)}, U=u)
    return out


# -- the check ------------------------------------------------------------------------------

STRUCTURED = ("symmetric", "spd")  # declarations of symmetric matrices


def structured(vars: Mapping | None, name: str) -> bool:
    """Whether `name` is declared symmetric(n) or spd(n)."""
    decl = (vars or {}).get(name)
    return isinstance(decl, str) and decl.strip().startswith(STRUCTURED)


def reference(program: str, wrt: str, vars: Mapping | None, point: Point,
              layout: str) -> np.ndarray:
    """The finite-difference dF/dX of `program` at `point`, as displayed in `layout`
    (along symmetric directions when X is declared symmetric or spd)."""
    def fun(p: Point) -> Any:
        return value(program, vars=vars, **p)

    jac = numerical_jacobian(fun, point, wrt, symmetric=structured(vars, wrt))
    return arrange(jac, shape2d(fun(point)), shape2d(point[wrt]), layout)


def check_derivative(expr: str, wrt: str, vars: Mapping[str, str] | None = None,
                     sizes: Mapping[str, int] | None = None,
                     domains: Mapping[str, str] | None = None, layout: str = "numerator",
                     points: int = 2, rng: np.random.Generator | None = None,
                     abstract: Sequence[Mapping[str, str]] = (), rtol: float = RTOL,
                     atol: float = ATOL) -> Derivative:
    """Derive `expr` by `wrt` and check its value at `points` random points; return it.

    `abstract` lists abstract functions as {"name": "f", "ascii": "df_dY", "arg": "Y"}; each
    f(u) is checked as the concrete CONCRETE_F (or the spec's own "concrete" template of {u}),
    and `evaluate` gets the matching ∂f/∂u, and f's value when the closed form shows f(u).
    Abstract functions may be nested (g(f(W x) ⊙ y)), in any order in `abstract`.
    Variables declared symmetric(n) / spd(n) are drawn spd unless `domains` says otherwise, and
    a derivative by one is compared along symmetric directions (see `numerical_jacobian`).
    Raises AssertionError (closed form ≠ finite differences, or a wrongly formed result).
    """
    rng = rng if rng is not None else np.random.default_rng(0)
    d = derive(expr, wrt, vars=dict(vars) if vars else None, layout=layout)
    program = concrete_all(expr, abstract)
    kinks, here = kink_programs(program), variables(d, sizes)
    # names as the program keeps them (a Greek wrt, declaration or domain ε is epsilon)
    wrt, vars = d.wrt, {canonical(k): v for k, v in (vars or {}).items()} or None
    domains = {**{v.name: "spd" for v in here if structured(vars, v.name)},
               **{canonical(k): v for k, v in (domains or {}).items()}}
    for i in range(points):
        point = draw_point(here, domains, rng, kinks, vars)
        symbols = {s["ascii"]: abstract_value(expr, s, vars, point, layout, abstract)
                   for s in abstract}
        symbols.update(applied_values(d, expr, abstract, vars, point))
        want = reference(program, wrt, vars, point, layout)
        got = as_displayed(d.evaluate(**point, **symbols), want)
        assert_close(got, want, rtol, atol, f"d/d{wrt} of {expr!r} ({layout}, point {i})")
    return d


# -- tokens of printed forms ------------------------------------------------------------------

_TOKEN = re.compile(r"""
    ∂\w+/∂\w+                          # an abstract derivative symbol ∂f/∂Y
  | \^T | \^-1 | ⁻ᵀ | ⁻¹ | ᵀ | '          # transpose / inverse marks
  | \.\^ | \./ | \.\*                    # elementwise operators
  | (?:𝟏|0|vec⁻¹|unvec|ones)_(?:\{[^{}]*\}|(?:(?!ᵀ)[^\W_])+)   # sized constants 𝟏_n, 0_{m×n}
  | \d+(?:\.\d+)?(?:[eE][-+]?\d+)?       # numbers
  | (?!ᵀ)[^\W\d_](?:(?!ᵀ)[^\W_]|_(?!\{))*(?:_\{[^}]*\})?   # names, I_N, I_{m n}
  | \S                                   # any other symbol: ( ) + - ⊗ ⊙ · > / ...
""", re.VERBOSE)


def tokens(text: str) -> list[str]:
    """Tokens of a printed form: names, numbers, and each operator or parenthesis.

    >>> tokens("2 (X θ - y)ᵀ X")
    ['2', '(', 'X', 'θ', '-', 'y', ')', 'ᵀ', 'X']
    """
    return _TOKEN.findall(text)
