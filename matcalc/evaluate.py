"""Numeric evaluation of core expressions with numpy.

`bind(variables, arrays)` checks the user's arrays against the variables' shapes and returns
the values (as 2-D float arrays) and the sizes they fix; `evaluate(expr, env)` computes an
expression bottom-up with the operator catalogue's numpy functions. Abstract symbols (∂f/∂Y,
f(Y)) take their values from `Env.symbols`, by their printed or ASCII name (matcalc/symbols.py
files the values a user passes under any displayed name there).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .core.expr import Expr
from .core.matrix_powers import solved_factor
from .core.ops import OPS, commutation_matrix
from .core.parameters import allowed, refusal
from .core.spectral import one_decomposition_each
from .errors import EvaluationError, OutsideDomainError
from .lower.structures import STRUCTURES
from .render import ASCII, UNICODE, render
from .shapes import GENERATED, Shape, describe


@dataclass
class Env:
    values: dict[str, np.ndarray]
    sizes: dict[str, int]
    symbols: dict[str, np.ndarray] = field(default_factory=dict)
    layout: str = "numerator"


def as_matrix(name: str, value: Any) -> np.ndarray:
    """A scalar, 1-D vector or 2-D array as a 2-D float array (vectors as columns)."""
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError) as err:
        raise EvaluationError(f"the value of '{name}' is not numeric: {err}") from None
    if array.ndim == 0:
        return array.reshape(1, 1)
    if array.ndim == 1:
        return array.reshape(-1, 1)
    if array.ndim == 2:
        return array
    raise EvaluationError(f"the value of '{name}' has {array.ndim} dimensions; at most 2")


def _fit(what: str, shape: Shape, value: np.ndarray, sizes: dict[str, int], given,
         declared: str = "") -> None:
    """Check a value (2-D; `given` as passed) against `shape`, recording the sizes it fixes
    (n of vector(n)); an EvaluationError naming `what`, its declaration (`declared`, else the
    shape's) and both shapes when they differ."""
    dims, before = (shape.rows, shape.cols), set(sizes)
    fits = True
    for dim, actual in zip(dims, value.shape):
        if set(dim.symbols) <= set(sizes):
            fits = fits and dim.value(sizes) == actual
        elif dim.coeff == 1 and len(dim.symbols) == 1:
            sizes[dim.symbols[0]] = actual
    if fits:
        return
    shown = ", ".join(str(d.value(sizes)) if set(d.symbols) <= set(sizes) else
                      str(d).replace(GENERATED, "") for d in dims)
    known = sorted({s for d in dims for s in d.symbols if s in before})
    fixed = f" ({', '.join(f'{s.lstrip(GENERATED)} = {sizes[s]}' for s in known)} from the " \
        f"other values)" if known else ""
    raise EvaluationError(f"{what} is {declared or describe(shape)}: its value must have "
                          f"shape ({shown}){fixed}, got an array of shape {np.shape(given)}")


def _check_structure(name: str, structure: str, value: np.ndarray) -> None:
    """Refuse a value that is not of its variable's declared structure (lower/structures.py
    states each test and its tolerance)."""
    if structure == "general":
        return
    why = "not square" if value.shape[0] != value.shape[1] else \
        STRUCTURES[structure].violation(value)
    if why is not None:
        raise EvaluationError(f"'{name}' is declared {structure} but its value is {why}")


def bind(variables: dict[str, Expr], arrays: dict[str, Any],
         kinds: dict[str, str] | None = None) -> tuple[dict, dict]:
    """Values (2-D arrays) of the given variables and the sizes their shapes fix; `kinds`:
    the variables' kinds where they are not their shapes' (Lowered.kinds: a vector(1))."""
    values: dict[str, np.ndarray] = {}
    sizes: dict[str, int] = {}
    for name, node in variables.items():
        if name not in arrays:
            continue
        value = as_matrix(name, arrays[name])
        shape = node.shape
        if shape.is_row and value.shape[1] == 1:
            value = value.T
        _fit(f"'{name}'", shape, value, sizes, arrays[name],
             describe(shape, node.attr("structure"), (kinds or {}).get(name)))
        _check_structure(name, node.attr("structure"), value)
        values[name] = value
    return values, sizes


def _size(dim, env: Env) -> int:
    try:
        return dim.value(env.sizes)
    except KeyError as err:
        size = str(err.args[0]).lstrip("~")
        raise EvaluationError(f"the size {size} is unknown: pass the variables it is the "
                              f"size of (a size that no variable has, as n of ones_n alone, "
                              f"cannot be evaluated: write its number, as in ones_3)") from None


def symbol_names(node: Expr) -> tuple[str, str]:
    """The full printed and ASCII names of an abstract symbol (∂f/∂(y ⊙ σ(W x)),
    df_d(y .* sigmoid(W x)))."""
    return render(node, UNICODE), render(node, ASCII)


def _symbol(node: Expr, env: Env) -> np.ndarray:
    names = symbol_names(node)
    for name in names:
        if name in env.symbols:
            given = env.symbols[name]
            value = as_matrix(name, given)
            break
    else:
        raise EvaluationError(f"pass the value of {names[0]} (as {names[1]}=...)")
    if node.shape.is_row and value.shape[1] == 1:
        value = value.T
    _fit(names[0], node.shape, value, env.sizes, given)
    return value


def _leaf(node: Expr, env: Env) -> np.ndarray:
    op = node.op
    if op == "var":
        name = node.attr("name")
        if name not in env.values:
            raise EvaluationError(f"pass the value of '{name}'")
        return env.values[name]
    if op == "tangent":  # a differential dX: its value is passed as "dX"
        name = "d" + node.attr("name")
        if name not in env.values:
            raise EvaluationError(f"pass the value of the differential '{name}'")
        return env.values[name]
    if op == "dim":
        return np.array([[float(_size(node.attr("size"), env))]])
    if op == "identity":
        return np.eye(_size(node.attr("n"), env))
    if op == "ones":
        return np.ones((_size(node.attr("n"), env), 1))
    if op == "zero":
        return np.zeros((_size(node.shape.rows, env), _size(node.shape.cols, env)))
    if op == "commutation":
        return commutation_matrix(_size(node.attr("m"), env), _size(node.attr("n"), env))
    if op in ("absgrad", "apply"):
        return _symbol(node, env)
    raise EvaluationError(f"cannot evaluate '{op}'")


_LEAVES = {"var", "dim", "identity", "ones", "zero", "commutation", "absgrad", "apply",
           "tangent"}  # (absgrad and apply are evaluated from the values passed for them)


def _needed(root: Expr):
    """The nodes evaluation needs, children first: not the arguments of f(Y) and ∂f/∂Y, whose
    values are passed (so a size that only such an argument has need not be known)."""
    seen: set[int] = set()
    stack: list[tuple[Expr, bool]] = [(root, False)]
    while stack:
        node, expanded = stack.pop()
        if id(node) in seen:
            continue
        if expanded or node.op in _LEAVES:
            seen.add(id(node))
            yield node
            continue
        stack.append((node, True))
        stack.extend((a, False) for a in reversed(node.args) if id(a) not in seen)


def evaluate(expr: Expr, env: Env) -> np.ndarray:
    """The value of `expr` as a 2-D float array."""
    return evaluate_nodes(expr, env)[expr]


def check_parameters(nodes: tuple[Expr, ...], env: Env) -> None:
    """Refuses a computed parameter of the function `nodes` (huber(u, δ), layernorm(x, ε):
    core/parameters.py's computed_parameters of a program) that they do not take: δ not
    positive, ε negative; whatever is computed from the program at this point (its value, a
    derivative's closed form) is then not computed."""
    for node in nodes:
        value = float(evaluate(node.args[1], env)[0, 0])
        if not allowed(node.op, value):
            raise EvaluationError(refusal(node.op, value))


def evaluate_nodes(expr: Expr, env: Env) -> dict[Expr, np.ndarray]:
    """The value of every node `expr` needs, `expr` included (2-D float arrays); one
    eigendecomposition per symmetric value (core/spectral.py)."""
    with one_decomposition_each():
        return _evaluated(expr, env)


def evaluate_all(exprs: tuple[Expr, ...], env: Env) -> list[np.ndarray]:
    """The values of `exprs`, computed in order with one memo: a node they share (and the
    decomposition of a value) is computed once, and a refusal comes from the first that needs
    the refused node."""
    done: dict[Expr, np.ndarray] = {}
    with one_decomposition_each():
        for expr in exprs:
            _evaluated(expr, env, done)
    return [done[expr] for expr in exprs]


def _evaluated(expr: Expr, env: Env,
               done: dict[Expr, np.ndarray] | None = None) -> dict[Expr, np.ndarray]:
    done = {} if done is None else done
    for node in _needed(expr):
        if node in done:
            continue
        if node.op in _LEAVES:
            done[node] = _leaf(node, env)
        elif node.op in ("expand", "unvec"):
            shape = (_size(node.shape.rows, env), _size(node.shape.cols, env))
            arg = done[node.arg]
            done[node] = np.full(shape, arg[0, 0]) if node.op == "expand" else \
                arg.reshape(shape, order="F")
        elif node.op == "mul" and any(solved_factor(a) is not None for a in node.args):
            done[node] = _product(node, done)
        else:
            done[node] = _value(node, done)
    return done


def _value(node: Expr, done: dict[Expr, np.ndarray]) -> np.ndarray:
    """The node's value from its arguments' by the catalogue's numpy function; a refusal
    (OutsideDomainError) names the arguments as written: eigmax(X) at a non-symmetric X says X."""
    try:
        with np.errstate(divide="ignore", invalid="ignore"):
            return OPS[node.op].evaluate([done[a] for a in node.args], dict(node.attrs))
    except OutsideDomainError as err:
        raise err.naming(*(render(a, UNICODE) for a in node.args)) from None


def _product(node: Expr, done: dict[Expr, np.ndarray]) -> np.ndarray:
    """A product with inverse factors (declared SOLVED in products, core/matrix_powers.py),
    each applied by solving with its matrix: X⁻¹ B is solve(X, B) and B X⁻¹ is
    solve(Xᵀ, Bᵀ)ᵀ, whose residual X (X⁻¹ B) − B is at the rounding of X and B; with the
    explicit inverse it is the condition number of X times that, which terms that cancel (a
    Hessian through (M Mᵀ + 2I)⁻¹) magnify. 1 × 1 factors scale."""
    items = []
    for arg in node.args:
        if not arg.is_scalar:
            inverse = solved_factor(arg)
            items.append((done[arg], None if inverse is None else
                          done[inverse[0]].T if inverse[1] else done[inverse[0]]))
    out = _chain(items) if items else np.ones((1, 1))
    for arg in node.args:
        if arg.is_scalar:
            out = out * done[arg][0, 0]
    return out


def _chain(items: list[tuple[np.ndarray, np.ndarray | None]]) -> np.ndarray:
    """The product of the factors `items`, each (its value, the X it is the inverse of, or
    None): the last inverse is applied to the product after it by a solve, then the rest."""
    at = next((i for i in reversed(range(len(items))) if items[i][1] is not None), None)
    if at is None or len(items) == 1:
        values = [value for value, _ in items]
        return np.linalg.multi_dot(values) if len(values) > 1 else values[0]
    x = items[at][1]
    if at + 1 < len(items):
        return _chain([*items[:at], (np.linalg.solve(x, _chain(items[at + 1:])), None)])
    return np.linalg.solve(x.T, _chain(items[:at]).T).T
