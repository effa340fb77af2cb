"""Every elementwise function declared in matcalc/core/elementwise.py, end to end, against a
reference that is not matcalc's: its value (evaluate, the generated code) against Python's
`math` at points of its domain, its gradient against `jax.grad` (when jax is installed), its
declared SymPy form and its derivative's through SymPy and back, its Hessian by finite
differences and in generated code, its printed forms read back, and its row in
docs/language.md (a table generated from the declarations: `python -m matcalc.vocabulary
docs/language.md`).

Adding a function is its declaration plus one row of REFERENCE below (and running the docs'
generator). The other suites then
take it up from the declaration, with no edit: tests/test_ops_table.py (first derivative by
finite differences in both layouts), tests/test_hessian.py (second derivative),
tests/test_readme_table.py (the docs' row), tests/test_codegen.py (generated code on every
installed backend, for the identities), codegen signs and the domain check (from its facts).
"""
from __future__ import annotations

import math
from functools import partial
from operator import attrgetter

import numpy as np
import pytest
from documentation import ROOT
from program_checks import printed_forms
from test_codegen import INSTALLED, assert_agrees, check_generated, ready
from test_hessian import check_second
from test_ops_table import SIZES, VARS, argument_domains
from test_readme_table import ROWS

from matcalc import derive, hessian, value, vocabulary
from matcalc.core import elementwise as ew
from matcalc.core.elementwise import FUNCTIONS

# name -> (the function in Python's math module, or composed from it; its name in jax, for
# jax.grad: numpy.exp is jax.numpy.exp)
REFERENCE = {
    "exp": (math.exp, "numpy.exp"), "log": (math.log, "numpy.log"),
    "sin": (math.sin, "numpy.sin"), "cos": (math.cos, "numpy.cos"),
    "tan": (math.tan, "numpy.tan"), "tanh": (math.tanh, "numpy.tanh"),
    "sigmoid": (lambda u: 1 / (1 + math.exp(-u)), "nn.sigmoid"),
    "relu": (lambda u: max(u, 0.0), "nn.relu"), "abs": (abs, "numpy.abs"),
    "sign": (lambda u: math.copysign(1.0, u) if u else 0.0, "numpy.sign"),
    "sqrt": (math.sqrt, "numpy.sqrt"), "softplus": (lambda u: math.log1p(math.exp(u)),
                                                   "nn.softplus"),
    "arcsin": (math.asin, "numpy.arcsin"), "arccos": (math.acos, "numpy.arccos"),
    "arctan": (math.atan, "numpy.arctan"), "sinh": (math.sinh, "numpy.sinh"),
    "cosh": (math.cosh, "numpy.cosh"), "arcsinh": (math.asinh, "numpy.arcsinh"),
    "arctanh": (math.atanh, "numpy.arctanh"),
    "log1p": (math.log1p, "numpy.log1p"), "expm1": (math.expm1, "numpy.expm1"),
    "square": (lambda u: u * u, "numpy.square"),
    "softsign": (lambda u: u / (1 + abs(u)), "nn.soft_sign"),
    "logsigmoid": (lambda u: -math.log1p(math.exp(-u)), "nn.log_sigmoid"),
    "erf": (math.erf, "scipy.special.erf"), "erfc": (math.erfc, "scipy.special.erfc"),
    "gelu": (lambda u: u * (1 + math.erf(u / math.sqrt(2))) / 2, "nn.gelu(approximate=False)"),
    "huber": (lambda u: u * u / 2 if abs(u) <= 1 else abs(u) - 0.5,  # optax.huber_loss's
              lambda jax: lambda u: jax.numpy.where(abs(u) <= 1, u * u / 2, abs(u) - 0.5)),
}
NAMES = sorted(FUNCTIONS)
_DRAW = {ew.REAL: (-3.0, 3.0), ew.KINK_AT_ZERO: (-3.0, 3.0), ew.POSITIVE: (0.1, 3.0),
         ew.ABOVE_MINUS_ONE: (-0.9, 3.0), ew.OPEN_UNIT: (-0.95, 0.95),
         ew.OFF_POLES: (-1.4, 1.4), ew.KINKS_AT_PARAMETER: (-3.0, 3.0)}


def _jax_function(jax, spelled: str):
    """The jax function a REFERENCE row names: a path under jax, with keyword arguments given
    as `path(name=value)` (nn.gelu(approximate=False)), or written with jax's functions."""
    if callable(spelled):
        return spelled(jax)
    path, _, keywords = spelled.partition("(")
    options = dict(item.split("=") for item in keywords.rstrip(")").split(",") if item)
    return partial(attrgetter(path)(jax), **{k: v == "True" for k, v in options.items()})


def _points(f: ew.Function, rng, n: int = 7) -> np.ndarray:
    """n points of f's domain, clear of a kink at 0 (and of huber's at ±1)."""
    x = rng.uniform(*_DRAW[f.domain], size=n)
    x = np.where(np.abs(np.abs(x) - 1) < 0.05, 2.0, x) if f.parameter else x
    return np.where(np.abs(x) < 0.05, 0.5, x)


def test_every_declared_function_has_a_reference():
    assert set(REFERENCE) == set(FUNCTIONS)


@pytest.mark.parametrize("name", NAMES)
def test_its_value_is_the_references(name, rng):
    f = FUNCTIONS[name]
    x = _points(f, rng)
    want = np.array([REFERENCE[name][0](float(u)) for u in x])
    assert np.allclose(value(f"{name}(x)", {"x": "vector(n)"}, x=x), want, rtol=1e-13, atol=0)
    d = derive(f"{name}(x) .* y", "y")  # diag(f(x)): the generated code computes f(x)
    for backend in INSTALLED:
        code = d.to_function(ready(backend))
        assert_agrees(code(x=x, y=np.ones_like(x)), np.diag(want), backend,
                      lambda b=backend: d.to_source(b))


@pytest.mark.parametrize("name", NAMES)
def test_its_gradient_is_jax_grads(name, rng):
    jax = pytest.importorskip("jax")
    jax.config.update("jax_enable_x64", True)
    function = _jax_function(jax, REFERENCE[name][1])
    f = FUNCTIONS[name]
    x = _points(f, rng)
    d = derive(f"sum({name}(x))", "x", layout="denominator")
    want = np.asarray(jax.grad(lambda u: function(u).sum())(x))
    assert np.allclose(d.evaluate(x=x), want, rtol=1e-12, atol=1e-14)
    for backend in INSTALLED:
        got = d.to_function(ready(backend))(x=x)
        assert_agrees(got, want, backend, lambda b=backend: d.to_source(b))


@pytest.mark.parametrize("name", NAMES)
def test_its_second_derivative(name, rng):
    """The Hessian is the finite differences of the gradient, and its generated code on every
    installed backend computes what its evaluate does."""
    f = FUNCTIONS[name]
    expr = f"sum({name}(W x + b))"
    second = hessian(expr, "x", VARS)
    check_second(derive(expr, "x", VARS), second, SIZES, argument_domains(f), rng, points=2)
    check_generated(second, expr, SIZES, argument_domains(f), VARS, (), rng)


@pytest.mark.parametrize("layout", ["numerator", "denominator"])
@pytest.mark.parametrize("name", NAMES)
def test_its_derivative_in_sympy_and_back(name, layout, rng):
    """The derivative's SymPy form has evaluate's value, and read back from SymPy keeps it."""
    pytest.importorskip("sympy")
    from sympy_numeric import assert_reads_back, assert_same_value
    f = FUNCTIONS[name]
    d = derive(f"sum({name}(W x + b))", "x", VARS, layout)
    assert_same_value(d, rng, argument_domains(f), SIZES)
    assert_reads_back(d, rng, argument_domains(f), SIZES)


@pytest.mark.parametrize("name", NAMES)
def test_its_printed_forms_read_back(name, rng):
    f = FUNCTIONS[name]
    d = derive(f"{name}(W x + b)", "x", VARS)
    x = _points(f, rng, 3) / 3
    point = {"W": np.eye(3) * 0.5, "x": x, "b": np.full(3, 0.1 if f.domain != ew.POSITIVE
                                                         else 1.0)}
    if f.domain in (ew.POSITIVE, ew.ABOVE_MINUS_ONE):
        point["x"] = np.abs(x) + 0.2
    want = d.evaluate(**point)
    for text in printed_forms(d):
        assert np.allclose(value(text, d.declarations, **point), want, rtol=1e-12), text


@pytest.mark.parametrize("name", NAMES)
def test_its_sympy_form_has_its_value(name, rng):
    sp = pytest.importorskip("sympy")
    f = FUNCTIONS[name]
    t = sp.Symbol("t", real=True)
    for u in _points(f, rng, 3):
        got = float(f.sympy(sp, t, *([f.parameter.default] if f.parameter else []))
                    .subs(t, sp.Float(float(u), 30)).evalf(30))
        assert math.isclose(got, REFERENCE[name][0](float(u)), rel_tol=1e-13), (name, u)


@pytest.mark.parametrize("name", NAMES)
def test_its_docs_row_is_its_example(name):
    expr, wrt, shown = FUNCTIONS[name].example
    assert any(row[0].startswith(f"`{name}`") and row[1:] == (expr, wrt, shown)
               for row in ROWS), f"docs/language.md has no row `{name}` | `{expr}` | ..."
    assert str(derive(expr, wrt)) == shown


LANGUAGE = (ROOT / "docs" / "language.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("marker, table", vocabulary.TABLES, ids=lambda t: str(t)[5:40])
def test_the_docs_table_is_generated_from_the_declarations(marker, table):
    """Each family's table in docs/language.md (the elementwise functions, the softmax family,
    the linear operators and matrix powers, max and min, the matrix functions) is `python -m
    matcalc.vocabulary docs/language.md`'s: run it after declaring a function."""
    assert vocabulary.generated(LANGUAGE, marker) == table(), marker


def test_the_generated_tables_follow_the_declarations(monkeypatch):
    """One row per declared elementwise function; and a declaration's changed example changes
    its family's table, so the file no longer matches."""
    from dataclasses import replace

    from matcalc.core import linear_ops
    assert vocabulary.elementwise_table().count("\n| `") == len(FUNCTIONS)
    assert vocabulary.with_table(LANGUAGE) == LANGUAGE
    monkeypatch.setitem(linear_ops.LINEAR_OPS, "tr", replace(linear_ops.LINEAR_OPS["tr"],
                                                             example=("tr(X)", "X", "I")))
    assert vocabulary.with_table(LANGUAGE) != LANGUAGE


EXTREMES = np.array([-800.0, -40.0, -30.0, -10.0, -1e-300, 0.0, 1e-300, 10.0, 30.0, 40.0, 800.0])


@pytest.mark.parametrize("name", NAMES)
def test_its_declared_facts_hold(name):
    """The interval the code generator may rely on holds for evaluate and every backend's code
    at ordinary and extreme arguments (in the domain), and f(0) = 0 where declared."""
    f = FUNCTIONS[name]
    lo, hi = _DRAW[f.domain]
    x = np.concatenate([np.linspace(lo, hi, 101), EXTREMES[(EXTREMES > lo) & (EXTREMES < hi)]
                        if f.domain in (ew.OPEN_UNIT, ew.OFF_POLES) else
                        EXTREMES[EXTREMES > (0 if f.domain == ew.POSITIVE else
                                             -1 if f.domain == ew.ABOVE_MINUS_ONE else -np.inf)]])
    d = derive(f"{name}(x) .* y", "y")  # diag(f(x))
    with np.errstate(all="ignore"):
        want = np.diag(d.evaluate(x=x, y=np.ones_like(x)))
        for backend in INSTALLED:
            got = np.diag(np.asarray(_numpy(d.to_function(ready(backend))(x=x, y=np.ones_like(x)))))
            finite = np.isfinite(want)
            assert np.array_equal(np.isfinite(got), finite), (backend, x[~finite])
            # numpy's code is evaluate's to rounding; jax and torch use their own kernels (torch's
            # gelu is 0 below u = -10, where u Φ(u) is below 1e-22)
            tolerance = {"rtol": 1e-12, "atol": 0} if backend == "numpy" else \
                {"rtol": 1e-9, "atol": 1e-20}
            assert np.allclose(got[finite], want[finite], **tolerance), backend
    if f.values:
        (low, high), _ = f.values
        assert np.all((want >= low) & (want <= high)), (name, x[(want < low) | (want > high)])
    if f.zero_at_zero:
        assert value(f"{name}(a)", {"a": "scalar"}, a=0.0) == 0.0


def _numpy(value_):
    return value_.detach().numpy() if hasattr(value_, "detach") else value_
