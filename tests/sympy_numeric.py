"""Numbers from SymPy expressions, to compare `Derivative.to_sympy()` with `Derivative.evaluate`.

`sympy_value` substitutes explicit matrices for the MatrixSymbols (and floats for the scalar
Symbols, integers for the sizes) and lets SymPy compute the result children first (each
subexpression `doit()` and, if still a matrix expression, `as_explicit()`: SymPy's own
semantics of every class, only in an order that keeps the entries numeric). `inputs` draws a
random point for a derivative's variables and values for its abstract symbols.
"""
from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import sympy as sp
from numeric import draw_point, variables
from sympy.matrices.expressions.matexpr import MatrixExpr

from matcalc import Derivative
from matcalc.core.expr import Expr, postorder
from matcalc.evaluate import Env, as_matrix, bind, evaluate, symbol_names
from matcalc.interop.to_sympy import to_sympy

SIZES = {"m": 3, "n": 4, "p": 2, "q": 3, "N": 2}  # sizes 2-4, m < n as the table's


def explicit(e, values: Mapping):
    """`e` with `values` substituted and every matrix subexpression an explicit matrix, computed
    by SymPy bottom-up. (DiagonalOf of an explicit matrix fails in SymPy 1.14, its shape
    compares Python ints: it is read off here.)"""
    if e in values:
        return values[e]
    if isinstance(e, sp.MatrixBase):  # explicit entries (max(x) of known sizes: Max(x₁, …))
        return sp.ImmutableMatrix(e.applyfunc(lambda entry: explicit(entry, values)))
    if not e.args:
        return e
    args = [explicit(a, values) for a in e.args]
    if isinstance(e, sp.DiagonalOf) and isinstance(args[0], sp.MatrixBase):
        return sp.ImmutableMatrix(args[0].diagonal()).T
    e = e.func(*args)
    if isinstance(e, (sp.Lambda, sp.Tuple)):
        return e
    e = e.doit()
    if isinstance(e, MatrixExpr):
        e = sp.ImmutableMatrix(e.as_explicit()).doit()
    return e


def sympy_value(expr, arrays: Mapping, sizes: Mapping[str, int], applied: Mapping = {}):
    """The value of the SymPy expression at `arrays` (names → values) as a 2-D float array."""
    subs = dict(applied)
    numbers = {sp.Symbol(name): value for name, value in sizes.items()}
    for s in expr.atoms(sp.MatrixSymbol):
        shape = tuple(int(d.xreplace(numbers)) for d in s.shape)
        subs[s] = sp.ImmutableMatrix(as_matrix(s.name, arrays[s.name]).reshape(shape))
    for s in expr.atoms(sp.Symbol):
        if not isinstance(s, sp.Dummy) and s.name in arrays:
            subs[s] = sp.Float(float(arrays[s.name]))
    out = explicit(expr, {**subs, **numbers})
    shape = out.shape if isinstance(out, sp.MatrixBase) else (1, 1)
    return np.array(sp.N(out), dtype=float).reshape(shape)


def inputs(d: Derivative, expr: Expr, rng: np.random.Generator, domains: Mapping | None,
           sizes: Mapping[str, int]) -> tuple[dict, dict, dict]:
    """(arrays for `evaluate`, size values by SymPy name, SymPy f(Y) → value) at a random point:
    the variables inside `domains`, the abstract symbols of `expr` standard normal."""
    arrays = draw_point(variables(d, sizes), domains, rng)
    _, bound = bind(d.program.variables, arrays)
    applied = {}
    for node in postorder(expr):
        if node.op in ("absgrad", "apply"):
            shape = (node.shape.rows.value(bound), node.shape.cols.value(bound))
            value = rng.standard_normal(shape)
            arrays[symbol_names(node)[1]] = float(value[0, 0]) if shape == (1, 1) else value
            if node.op == "apply":
                applied[to_sympy(node)] = sp.Float(value[0, 0])
    named = {name.replace("~", ""): value for name, value in bound.items()}
    return arrays, named, applied


def assert_same_value(d: Derivative, rng: np.random.Generator, domains: Mapping | None = None,
                      sizes: Mapping[str, int] = SIZES, expr: Expr | None = None) -> None:
    """SymPy's value of `expr`'s SymPy form (default: `d.to_sympy()`, the closed form) and
    matcalc's (`d.evaluate`, or `evaluate` of `expr`) agree at a random point."""
    arrays, named, applied = inputs(d, d.expr if expr is None else expr, rng, domains, sizes)
    if expr is None:
        want, got = d.evaluate(**arrays), sympy_value(d.to_sympy(), arrays, named, applied)
    else:
        values, bound = bind(d.program.variables, arrays)
        want = evaluate(expr, Env(values, bound, arrays, d.layout))
        got = sympy_value(to_sympy(expr), arrays, named, applied)
    want = np.asarray(want, dtype=float)
    assert got.size == want.size, (got.shape, want.shape)
    assert np.allclose(got.reshape(want.shape), want, rtol=1e-8, atol=1e-10), (got, want)


def assert_reads_back(d: Derivative, rng: np.random.Generator, domains: Mapping | None = None,
                      sizes: Mapping[str, int] = SIZES, expr: Expr | None = None) -> None:
    """`expr` (default: the closed form) taken to SymPy and back (from_sympy's matcalc
    program) has matcalc's value at a random point: the round trip keeps the value. The sizes
    are made numbers in SymPy first, so that a form with no variable (0_n) has its size."""
    from matcalc import value
    from matcalc.interop import from_sympy
    expr = d.expr if expr is None else expr
    arrays, named, _ = inputs(d, expr, rng, domains, sizes)
    values, bound = bind(d.program.variables, arrays)
    want = np.asarray(evaluate(expr, Env(values, bound, arrays, d.layout)), dtype=float)
    numbers = {sp.Symbol(name): sp.Integer(size) for name, size in named.items()}
    text, declared, _ = from_sympy(to_sympy(expr).xreplace(numbers), d.wrt)
    given = {name: arrays[name] for name in declared}
    got = np.asarray(value(text, vars=declared, **given), dtype=float)
    assert got.size == want.size, (text, got.shape, want.shape)
    assert np.allclose(got.reshape(want.shape), want, rtol=1e-8, atol=1e-10), (text, got, want)
