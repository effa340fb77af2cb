"""max(x) and min(x), the largest and smallest entry of a vector or matrix: the derivative
ismax(x)ᵀ (ismin(x)ᵀ) checked by finite differences away from ties, its second derivative 0, its
printed forms read back, its value, generated code on every backend, jax.grad and torch's autograd
as independent references, and ties split equally (1/k each) as jax and torch split them."""
from __future__ import annotations

import numpy as np
import pytest
from numeric import check_derivative
from program_checks import printed_forms
from test_codegen import INSTALLED, assert_agrees, ready
from test_hessian import check_second

from matcalc import derive, hessian, value
from matcalc.errors import ParseError

VARS = {"A": "matrix(m,n)", "x": "vector(n)", "y": "vector(m)", "X": "matrix(m,n)"}
SIZES = {"m": 4, "n": 3}
TIE = np.array([0.5, 2.0, -1.0, 2.0])  # two largest entries (1 and 3), one smallest


@pytest.mark.parametrize("expr, wrt, shown", [
    ("max(x)", "x", "ismax(x)ᵀ"),
    ("min(x)", "x", "ismin(x)ᵀ"),
    ("max(A x)", "x", "ismax(A x)ᵀ A"),
    ("min(A x - y)", "x", "ismin(A x - y)ᵀ A"),
    ("max(X)", "X", "ismax(X)ᵀ"),
    ("max(A x)", "A", "x ismax(A x)ᵀ"),
    ("max(x)^2 + min(x)", "x", "2 max(x) ismax(x)ᵀ + ismin(x)ᵀ"),
])
def test_its_derivative(expr, wrt, shown, rng):
    for layout in ("numerator", "denominator"):
        check_derivative(expr, wrt, VARS, SIZES, layout=layout, points=3, rng=rng)
    assert str(derive(expr, wrt, VARS)) == shown


def test_the_elementwise_max_of_two_is_unchanged():
    assert str(derive("max(x, y)", "x")) == "diag(x > y)"
    assert str(derive("max(0, x)", "x")) == "diag(x > 0)"
    assert str(derive("max(c)", "c")) == "1"  # the largest entry of a scalar is itself


@pytest.mark.parametrize("expr", ["max(A x)", "min(A x - y)", "max(A x)^2"])
def test_its_second_derivative(expr, rng):
    """0 away from ties (max(A x)); by the chain rule only through max(A x)^2."""
    second = hessian(expr, "x", VARS)
    check_second(derive(expr, "x", VARS), second, SIZES, None, rng)
    if "^" not in expr:
        assert str(second) == "0_{n×n}"
    else:
        assert str(second) == "2 Aᵀ ismax(A x) ismax(A x)ᵀ A"


def test_its_value():
    assert value("max(x)", {"x": "vector(4)"}, x=TIE) == 2.0
    assert value("min(x)", {"x": "vector(4)"}, x=TIE) == -1.0
    matrix = np.array([[1.0, -5.0], [7.0, 0.0]])
    assert value("max(X) - min(X)", {"X": "matrix(2,2)"}, X=matrix) == 12.0


def test_ties_split_equally():
    """ismax(x) is 1/k at each of k tied largest entries: jax's and torch's subgradient."""
    assert np.array_equal(derive("max(x)", "x").evaluate(x=TIE), [0.0, 0.5, 0.0, 0.5])
    assert np.array_equal(derive("min(x)", "x").evaluate(x=TIE), [0.0, 0.0, 1.0, 0.0])
    both = np.array([3.0, 3.0, 3.0])
    assert np.allclose(derive("max(x)", "x").evaluate(x=both), [1 / 3] * 3, rtol=1e-15)


@pytest.mark.parametrize("backend", INSTALLED)
@pytest.mark.parametrize("expr, wrt", [("max(x)", "x"), ("min(x)", "x"), ("max(A x)", "x"),
                                       ("max(X)", "X"), ("max(x)^2 + min(x)", "x")])
def test_its_generated_code_is_evaluate_ties_too(backend, expr, wrt, rng):
    d = derive(expr, wrt, VARS)
    for x in (rng.normal(size=3), np.array([1.0, 1.0, -2.0])):
        point = {"x": x, "A": np.vstack([np.eye(3), np.ones((1, 3))]), "X": np.ones((4, 3)),
                 "y": np.zeros(4)}
        assert_agrees(d.to_function(ready(backend))(**point), d.evaluate(**point), backend,
                      lambda: d.to_source(backend))


def test_its_gradient_is_jax_grads():
    """jax.grad of jnp.max and jnp.min, at a random point and at ties."""
    jax = pytest.importorskip("jax")
    ready("jax")
    jnp = jax.numpy
    for x in (np.random.default_rng(3).normal(size=5), TIE, np.array([4.0, 4.0, 4.0])):
        for name, reduce in (("max", jnp.max), ("min", jnp.min)):
            want = np.asarray(jax.grad(lambda u, f=reduce: f(u))(jnp.asarray(x)))
            got = derive(f"{name}(x)", "x", layout="denominator").evaluate(x=x)
            assert np.allclose(got, want, rtol=1e-15, atol=0), (name, x)


def test_its_gradient_is_torchs_amax():
    torch = pytest.importorskip("torch")
    for x in (TIE, np.array([[1.0, 9.0], [9.0, 9.0]])):
        t = torch.tensor(x, requires_grad=True)
        torch.amax(t).backward()
        d = derive("max(X)", "X", {"X": f"matrix({x.shape[0]},{x.shape[1]})"}
                   if x.ndim == 2 else None, layout="denominator") if x.ndim == 2 else \
            derive("max(x)", "x", layout="denominator")
        point = {"X": x} if x.ndim == 2 else {"x": x}
        assert np.allclose(d.evaluate(**point), t.grad.numpy(), rtol=1e-15, atol=0)


@pytest.mark.parametrize("expr, wrt", [("max(A x)", "x"), ("min(x)", "x"), ("max(X)", "X")])
def test_its_printed_forms_read_back(expr, wrt, rng):
    d = derive(expr, wrt, VARS)
    point = {"A": rng.normal(size=(4, 3)), "x": rng.normal(size=3), "X": rng.normal(size=(4, 3))}
    want = d.evaluate(**point)
    for text in printed_forms(d):
        assert np.allclose(value(text, d.declarations, **point), want, rtol=1e-12), text
    assert d.latex().startswith("\\operatorname{ism")


def test_the_result_notes_the_subgradient():
    d = derive("max(A x)", "x")
    assert d.warnings == ("ismax(x) weighs the largest entries of x equally (1/k each of k "
                          "ties, as jax and torch do): at a tie max(x) has no derivative and "
                          "this is a subgradient",)
    assert "smallest" in hessian("min(x)^2", "x").warnings[0]
    assert derive("max(x, y)", "x").warnings == ()


def test_its_sympy_form():
    """max(x) as SymPy's Max of the entries, ismax(x) as Piecewise weights (known sizes)."""
    sp = pytest.importorskip("sympy")
    d = derive("max(A x)", "x", {"A": "matrix(2,3)", "x": "vector(3)"})
    a, x = sp.MatrixSymbol("A", 2, 3), sp.MatrixSymbol("x", 3, 1)
    at = {a: sp.Matrix([[1, 2, 0], [0, 1, 1]]), x: sp.Matrix([1, 1, 1])}
    assert sp.Matrix(d.to_sympy().subs(at)).doit() == sp.Matrix([[1, 2, 0]])
    tied = {a: sp.Matrix([[1, 2, 0], [1, 1, 1]]), x: sp.Matrix([1, 1, 1])}
    assert sp.Matrix(d.to_sympy().subs(tied)).doit() == sp.Matrix([[1, sp.Rational(3, 2),
                                                                     sp.Rational(1, 2)]])


def test_too_many_operands_are_refused():
    with pytest.raises(ParseError) as info:
        derive("max(x, y, z)", "x")
    assert "max takes 1 or 2 arguments (max(x), the largest entry, or max(u, v)" in str(info.value)
