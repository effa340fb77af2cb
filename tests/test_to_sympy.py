"""`Derivative.to_sympy()`: the closed form as a SymPy matrix expression, checked by numbers.

Every derivative of the identity table (test_identities.CASES) and of the seed examples
(test_seeds.EXAMPLES), in both layouts, is converted; SymPy's value of the conversion at a
random point (sizes 2-4) must equal `Derivative.evaluate`'s. The differentiated functions are
converted too (they use every operator of the language), and the operators that only
derivatives produce (vec⁻¹, K, differentials) are checked on their own.
"""
from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import sympy as sp
from sympy.matrices.expressions.applyfunc import ElementwiseApplyFunction
from sympy_numeric import SIZES, assert_reads_back, assert_same_value, sympy_value
from test_identities import CASES
from test_seeds import EXAMPLES

from matcalc import derive, hessian
from matcalc.core import build as b
from matcalc.core.expr import mk
from matcalc.core.ops import OPS
from matcalc.errors import UnsupportedError
from matcalc.evaluate import Env, evaluate
from matcalc.interop.to_sympy import to_sympy
from matcalc.shapes import Dim, Shape

RULES = importlib.import_module("matcalc.interop.to_sympy")._RULES  # (the package's to_sympy
LAYOUTS = ("numerator", "denominator")                               # is the function)
# SymPy has no matrix exponential, logarithm or square root of a symbolic matrix (nor their
# Fréchet derivatives), nor its eigenvalues or singular values: their cases are refused, as
# test_a_matrix_function_is_refused and test_a_spectral_function_is_refused check; nor a
# Cholesky factor (the factorisations' SymPy forms are tested in test_factorisations.py).
NO_SYMPY_FORM = {"matrix functions", "spectral functions", "factorisations"}
TABLE = ([pytest.param(c.expr, c.wrt, c.vars, c.domains, id=c.id) for c in CASES
          if c.family not in NO_SYMPY_FORM]
         + [pytest.param(e["expr"], e["wrt"], e["vars"], e.get("domains"), id=sid)
            for sid, e in EXAMPLES.items()])

# Every derivative of the table and the seeds converts today, in both layouts (none raises
# UnsupportedError): 2 × (len(CASES) + len(EXAMPLES)) conversions, 0 unsupported.
CONVERTED_AT_LEAST = 2 * (300 + 57)
UNSUPPORTED: dict[str, int] = {}  # operator -> conversions it stops; empty today


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("expr, wrt, vars, domains", TABLE)
def test_closed_form_value(expr, wrt, vars, domains, layout, rng):
    d = derive(expr, wrt, vars=vars or None, layout=layout)
    assert_same_value(d, rng, domains)


@pytest.mark.parametrize("expr, wrt, vars, domains", TABLE)
def test_function_value(expr, wrt, vars, domains, rng):
    d = derive(expr, wrt, vars=vars or None)
    assert_same_value(d, rng, domains, expr=d.function)


def test_conversion_count():
    converted, stopped = 0, {}
    for expr, wrt, vars, _ in (p.values for p in TABLE):
        for layout in LAYOUTS:
            try:
                derive(expr, wrt, vars=vars or None, layout=layout).to_sympy()
                converted += 1
            except UnsupportedError as err:
                op = str(err).rsplit("'", 2)[-2]
                stopped[op] = stopped.get(op, 0) + 1
    assert len(TABLE) >= 300 + 57
    assert converted >= CONVERTED_AT_LEAST and stopped == UNSUPPORTED, (converted, stopped)


@pytest.mark.parametrize("expr", ["expm(X)", "u' logm(X) v", "tr(sqrtm(X) A)"])
def test_a_matrix_function_is_refused(expr):
    d = derive(expr, "X")
    with pytest.raises(UnsupportedError, match="no SymPy form for the matrix function"):
        d.to_sympy()


@pytest.mark.parametrize("expr", ["eigmax(X + X')", "nucnorm(X)", "u' eigvals(X + X')"])
def test_a_spectral_function_is_refused(expr):
    d = derive(expr, "X")
    with pytest.raises(UnsupportedError, match="no SymPy form for the spectral function"):
        d.to_sympy()


def test_every_operator_has_a_sympy_form():
    assert set(OPS) <= set(RULES)


def test_an_operator_without_a_form_is_named(monkeypatch):
    monkeypatch.delitem(RULES, "kron")
    with pytest.raises(UnsupportedError, match="'kron'"):
        derive("W x", "W").to_sympy()


# -- the form ----------------------------------------------------------------------------------

n, m = sp.Symbol("n"), sp.Symbol("m")
x, A = sp.MatrixSymbol("x", n, 1), sp.MatrixSymbol("A", n, n)


def test_quadratic_form_is_the_sympy_expression():
    d = derive("x' A x", "x", vars={"x": "vector(n)", "A": "matrix(n,n)"})
    assert d.to_sympy() == x.T * (A + A.T)
    assert derive(d.program.source, "x", vars=d.variables, layout="denominator").to_sympy() \
        == (A + A.T) * x


def test_scalars_are_plain_sympy_scalars():
    s = sp.Symbol("x")
    assert derive("x^3", "x", vars={"x": "scalar"}).to_sympy() == 3 * s**2
    value = to_sympy(derive("x' A x", "x").function)
    assert not isinstance(value, sp.MatrixExpr) and value.is_commutative


def test_numeric_sizes_stay_integers():
    d = derive("W x", "x", vars={"W": "matrix(2,3)", "x": "vector(3)"})
    assert d.to_sympy() == sp.MatrixSymbol("W", 2, 3)


def test_abstract_symbols_are_named_as_evaluate_takes_them():
    for layout, shape in (("numerator", (m, n)), ("denominator", (n, m))):
        d = derive("Y = A X + B; f(Y)", "X", layout=layout,
                   vars={"A": "matrix(n,n)", "X": "matrix(n,m)", "B": "matrix(n,m)"})
        symbols = {s.name: s.shape for s in d.to_sympy().atoms(sp.MatrixSymbol)}
        assert symbols["df_dY"] == shape


def test_applied_abstract_function_is_a_sympy_function(rng):
    d = derive("f(X) g(X)", "X")
    applied = {type(a).__name__ for a in d.to_sympy().atoms(sp.core.function.AppliedUndef)}
    assert applied == {"f", "g"}
    assert_same_value(d, rng)


# -- operators only derivatives produce, and exact values at edges ---------------------------

def _sympy_vs_matcalc(expr, arrays, sizes, symbols=None):
    env = Env(dict(arrays), dict(sizes), symbols or {})
    want = evaluate(expr, env)
    got = sympy_value(to_sympy(expr), {**arrays, **(symbols or {})}, sizes)
    assert np.allclose(got.reshape(want.shape), want), (got, want)


def _var(name, rows, cols):
    return b.var(name, Shape.of(rows, cols))


@pytest.mark.parametrize("rows, cols", [(2, 3), (3, 2), (1, 4), (4, 1)])
def test_unvec_is_column_major(rows, cols, rng):
    v = _var("v", "k", 1)
    node = mk("unvec", v, shape=Shape(Dim.of(rows), Dim.of(cols)))
    _sympy_vs_matcalc(node, {"v": rng.standard_normal((rows * cols, 1))}, {"k": rows * cols})


def test_commutation_and_vec_of_a_transpose(rng):
    X = _var("X", "p", "q")
    arrays, sizes = {"X": rng.standard_normal((2, 3))}, {"p": 2, "q": 3}
    k = mk("commutation", m=Dim.of("p"), n=Dim.of("q"))
    _sympy_vs_matcalc(k, arrays, sizes)
    _sympy_vs_matcalc(mk("mul", k, mk("vec", X)), arrays, sizes)
    _sympy_vs_matcalc(mk("vec", b.transpose(X)), arrays, sizes)


def test_differentials_are_symbols_named_d(rng):
    dX = b.tangent("X", Shape.of(2, 2))
    X = _var("X", 2, 2)
    _sympy_vs_matcalc(mk("mul", X, dX), {"X": rng.standard_normal((2, 2)),
                                         "dX": rng.standard_normal((2, 2))}, {})


def test_logdet_is_the_log_of_the_absolute_determinant():
    X = _var("X", 2, 2)
    _sympy_vs_matcalc(mk("logdet", X), {"X": np.array([[1.0, 2.0], [3.0, 1.0]])}, {})


def test_comparisons_and_max_at_ties():
    u, v = _var("u", 3, 1), _var("v", 3, 1)
    arrays = {"u": np.array([[1.0], [2.0], [3.0]]), "v": np.array([[1.0], [5.0], [0.0]])}
    _sympy_vs_matcalc(mk("gt", u, v), arrays, {})
    _sympy_vs_matcalc(mk("maximum", u, v), arrays, {})
    _sympy_vs_matcalc(mk("sign", b.sub(u, v)), arrays, {})


def test_sizes_table_is_small():
    assert set(SIZES.values()) <= {2, 3, 4}


def test_sympy_is_imported_only_when_used():
    code = "import sys, matcalc; matcalc.derive('W x', 'x'); print('sympy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[1])
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize("expr, vars", [
    ("x' A x", {"x": "vector(n)", "A": "matrix(n,n)"}),
    ("sum(softplus(X w)) - y' X w", {"X": "matrix(N,n)", "w": "vector(n)", "y": "vector(N)"}),
    ("logsumexp(W x)", {"W": "matrix(m,n)", "x": "vector(n)"}),
])
def test_hessians(expr, vars, rng):
    wrt = "w" if "w" in vars else "x"
    assert_same_value(hessian(expr, wrt, vars=vars), rng)


# -- variable exponents: a .^ x (t ↦ aᵗ entrywise), x .^ y and X .^ A (HadamardPower) --------

EXPONENTS = {"a": "scalar", "x": "vector(n)", "y": "vector(n)", "X": "matrix(m,n)",
             "A": "matrix(m,n)"}
BASES_POSITIVE = {"a": "positive", "x": "positive", "X": "positive"}


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("expr, wrt", [
    ("sum(a .^ x)", "x"), ("sum(a .^ x)", "a"), ("a .^ x", "x"), ("sum(x .^ y)", "x"),
    ("sum(x .^ y)", "y"), ("x .^ y", "y"), ("sum(X .^ A)", "X"), ("sum(X .^ A)", "A"),
])
def test_variable_exponents(expr, wrt, layout, rng):
    """The closed form and the function have SymPy's value, and come back from SymPy."""
    d = derive(expr, wrt, vars=EXPONENTS, layout=layout)
    for form in (d.expr, d.function):
        assert_same_value(d, rng, BASES_POSITIVE, expr=form)
        assert_reads_back(d, rng, BASES_POSITIVE, expr=form)


@pytest.mark.parametrize("expr, wrt", [("sum(a .^ x)", "x"), ("sum(a .^ x)", "a"),
                                       ("sum(x .^ y)", "x"), ("sum(x .^ y)", "y")])
def test_variable_exponent_hessians(expr, wrt, rng):
    h = hessian(expr, wrt, vars=EXPONENTS)
    assert_same_value(h, rng, BASES_POSITIVE)
    assert_reads_back(h, rng, BASES_POSITIVE)


def test_a_scalar_to_a_matrix_is_entrywise():
    """a .^ x is SymPy's t ↦ aᵗ applied to x (a ** x raised SymPy's NotImplementedError)."""
    a, x = sp.Symbol("a"), sp.MatrixSymbol("x", sp.Symbol("n"), 1)
    got = to_sympy(derive("a .^ x", "a", vars=EXPONENTS).function)
    assert isinstance(got, ElementwiseApplyFunction) and got.expr == x, got
    assert got.function(sp.Integer(3)) == a ** 3
