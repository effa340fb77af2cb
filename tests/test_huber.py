"""huber(u) and huber(u, δ): u²/2 for |u| ≤ δ, δ (|u| − δ/2) outside (torch's huber_loss with
reduction='none', optax.huber_loss). Its derivative clip(u, −δ, δ) = max(min(u, δ), −δ), its
second derivative the indicator of |u| < δ, and its derivative by δ, relu(|u| − δ), each checked
against finite differences away from the kinks |u| = δ, against jax.grad, and as generated code.
(tests/test_elementwise_functions.py checks huber(u) with the other declared functions.)"""
from __future__ import annotations

import numpy as np
import pytest
from numeric import check_derivative
from program_checks import printed_forms
from test_codegen import INSTALLED, assert_agrees, assert_refused_everywhere, ready
from test_hessian import check_second

from matcalc import derive, hessian, value, value_and_grad
from matcalc.errors import EvaluationError, ParseError, ShapeError

VARS = {"A": "matrix(m,n)", "x": "vector(n)", "y": "vector(m)", "d": "scalar"}
SIZES = {"m": 4, "n": 3}


def _huber(u, delta=1.0):
    return np.where(np.abs(u) <= delta, u * u / 2, delta * (np.abs(u) - delta / 2))


@pytest.mark.parametrize("expr, wrt, shown", [
    ("huber(x)", "x", "diag(max(min(x, 1), -1))"),
    ("huber(x, 2)", "x", "diag(max(min(x, 2), -2))"),
    ("sum(huber(A x - y))", "x", "max(min(A x - y, 1), -1)ᵀ A"),
    ("sum(huber(A x - y, d))", "x", "max(min(A x - y, d), -d)ᵀ A"),
    ("sum(huber(A x - y, d))", "d", "sum(relu(abs(A x - y) - d))"),
    ("huber(x, d)", "d", "relu(abs(x) - d)"),
    ("huber(d, 0.5)", "d", "max(min(d, 1 / 2), -1 / 2)"),
])
def test_its_derivative(expr, wrt, shown, rng):
    for layout in ("numerator", "denominator"):
        check_derivative(expr, wrt, VARS, SIZES, {"d": "uniform(0.5,2)"}, layout, points=3,
                         rng=rng)
    assert str(derive(expr, wrt, VARS)) == shown


@pytest.mark.parametrize("expr, wrt, shown", [
    ("sum(huber(A x - y))", "x", "Aᵀ diag(1 > abs(A x - y)) A"),
    ("sum(huber(A x - y, d))", "x", "Aᵀ diag(d > abs(A x - y)) A"),
    ("huber(d, 0.5)", "d", "(1 / 2 > abs(d))"),
])
@pytest.mark.parametrize("layout", ["numerator", "denominator"])
def test_its_hessian_is_the_indicator_of_the_quadratic_part(expr, wrt, shown, layout, rng):
    """∂² sum(huber(A x − y, δ)) / ∂x² = Aᵀ diag(|A x − y| < δ) A (symmetric: the same in
    both layouts), printed as it reads back."""
    second = hessian(expr, wrt, VARS, layout)
    assert str(second) == shown
    check_second(derive(expr, wrt, VARS), second, SIZES, {"d": "uniform(0.5,2)"}, rng)
    point = {"A": rng.normal(size=(4, 3)), "x": rng.normal(size=3), "y": rng.normal(size=4),
             "d": 0.8}
    if wrt == "x":
        residual = point["A"] @ point["x"] - point["y"]
        inside = (np.abs(residual) < 0.8) if "d" in expr else (np.abs(residual) < 1)
        want = point["A"].T @ np.diag(inside.astype(float)) @ point["A"]
    else:
        want = float(abs(point["d"]) < 0.5)
    assert np.allclose(second.evaluate(**point), want, rtol=1e-12, atol=1e-14)
    for text in printed_forms(second):
        assert np.allclose(value(text, second.declarations, **point), want, rtol=1e-12), text


def test_its_value_is_torchs_huber_loss(rng):
    """evaluate is u²/2 inside, δ (|u| − δ/2) outside, and torch's huber_loss(u, 0, δ)."""
    u = np.array([-3.0, -1.5, -0.5, 0.0, 0.25, 0.9, 1.1, 2.5])
    for delta in (1.0, 0.7, 2.0):
        got = value("huber(x, d)", VARS, x=u, d=delta)
        assert np.allclose(got, _huber(u, delta), rtol=1e-15, atol=0)
        torch = pytest.importorskip("torch")
        want = torch.nn.functional.huber_loss(torch.tensor(u), torch.zeros_like(torch.tensor(u)),
                                              reduction="none", delta=delta).numpy()
        assert np.allclose(got, want, rtol=1e-15, atol=0)
    assert np.allclose(value("huber(x)", VARS, x=u), _huber(u), rtol=1e-15, atol=0)


def test_its_gradient_is_jax_grads():
    """jax.grad of sum(huber(A x − y, δ)) by x and by δ (an independent reference)."""
    jax = pytest.importorskip("jax")
    ready("jax")
    jnp = jax.numpy
    rng = np.random.default_rng(5)
    a, x, y = rng.normal(size=(4, 3)), rng.normal(size=3), rng.normal(size=4)

    def loss(x_, d_):
        u = jnp.asarray(a) @ x_ - jnp.asarray(y)
        return jnp.where(jnp.abs(u) <= d_, u * u / 2, d_ * (jnp.abs(u) - d_ / 2)).sum()
    for delta in (0.3, 0.8, 1.5):
        by_x, by_d = jax.grad(loss, argnums=(0, 1))(jnp.asarray(x), delta)
        point = {"A": a, "x": x, "y": y, "d": delta}
        for wrt, want in (("x", by_x), ("d", by_d)):
            d = derive("sum(huber(A x - y, d))", wrt, VARS, layout="denominator")
            assert np.allclose(d.evaluate(**point), np.asarray(want), rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("backend", INSTALLED)
@pytest.mark.parametrize("expr, wrt", [("sum(huber(A x - y))", "x"),
                                       ("sum(huber(A x - y, d))", "x"),
                                       ("sum(huber(A x - y, d))", "d"),
                                       ("huber(A x - y, 0.5)", "x")])
def test_its_generated_code_is_evaluate(backend, expr, wrt, rng):
    d = derive(expr, wrt, VARS)
    point = {"A": rng.normal(size=(4, 3)), "x": rng.normal(size=3), "y": rng.normal(size=4),
             "d": 0.9}
    assert_agrees(d.to_function(ready(backend))(**point), d.evaluate(**point), backend,
                  lambda: d.to_source(backend))
    if expr.startswith("sum"):  # the generated value is huber's too
        got, _ = value_and_grad(expr, wrt, VARS, ready(backend))(**point)
        assert np.allclose(np.asarray(got, dtype=float), value(expr, VARS, **point))


@pytest.mark.parametrize("expr, wrt", [("huber(x, 2)", "x"), ("sum(huber(A x - y, d))", "d"),
                                       ("sum(huber(A x - y))", "x")])
def test_its_printed_forms_read_back(expr, wrt, rng):
    d = derive(expr, wrt, VARS)
    point = {"A": rng.normal(size=(4, 3)), "x": rng.normal(size=3), "y": rng.normal(size=4),
             "d": 0.9}
    want = d.evaluate(**point)
    for text in printed_forms(d):
        assert np.allclose(value(text, d.declarations, **point), want, rtol=1e-12), text


def test_it_prints_its_parameter_only_when_given():
    assert derive("huber(x) .* y", "y").text() == "diag(huber(x))"
    assert derive("huber(x, 1) .* y", "y").text() == "diag(huber(x))"
    assert derive("huber(x, 3) .* y", "y").text() == "diag(huber(x, 3))"
    assert derive("huber(x, 3) .* y", "y").latex() == \
        "\\operatorname{diag}\\left(\\operatorname{huber}\\left(\\mathbf{x}, 3\\right)\\right)"


def test_its_sympy_form():
    """The SymPy form is a Piecewise with huber's value (and its derivative's, a clip)."""
    pytest.importorskip("sympy")
    form = derive("huber(c, d) * a", "a", {"c": "scalar", "d": "scalar"}).to_sympy()
    slope = derive("huber(c, d)", "c", {"c": "scalar", "d": "scalar"}).to_sympy()
    symbols = {s.name: s for s in form.free_symbols | slope.free_symbols}
    for c, delta in ((0.4, 1.0), (2.5, 1.0), (-3.0, 2.0), (1.5, 2.0)):
        at = {symbols["c"]: c, symbols["d"]: delta}
        assert np.isclose(float(form.subs(at)), _huber(np.array(c), delta)), (c, delta)
        assert np.isclose(float(slope.subs(at)), np.clip(c, -delta, delta)), (c, delta)


@pytest.mark.parametrize("expr, error, message", [
    ("huber(x, 0)", ParseError, "huber(u, δ): δ must be positive, got 0"),
    ("huber(x, -2)", ParseError, "huber(u, δ): δ must be positive, got -2"),
    ("huber(x, y)", ShapeError, "huber(u, δ): δ must be a scalar, got y (vector"),
    ("huber(x, 1, 2)", ParseError, "huber takes 1 or 2 arguments (huber(u) or huber(u, δ)), got 3"),
    ("huber()", ParseError, "huber takes 1 or 2 arguments"),
])
def test_a_bad_parameter_is_refused(expr, error, message):
    with pytest.raises(error) as info:
        derive(expr, "x")
    assert message in str(info.value)


@pytest.mark.parametrize("delta", [0.0, -1.5])
def test_its_value_refuses_a_parameter_that_is_not_positive(delta):
    with pytest.raises(EvaluationError) as info:
        value("sum(huber(x, d))", VARS, x=np.ones(3), d=delta)
    assert f"huber(u, δ): δ must be positive, got {delta!r}" in str(info.value)


@pytest.mark.parametrize("delta", [0.0, -1.5])
def test_its_derivatives_and_their_code_refuse_a_parameter_that_is_not_positive(delta):
    """huber′ = max(min(u, δ), −δ) and huber″ hold no huber, yet δ ≤ 0 is refused where they
    are computed: evaluate raises EvaluationError, generated code ValueError, in each backend
    (as value does: huber(u, δ) is defined for δ > 0 only)."""
    point = {"A": np.ones((4, 3)), "x": np.ones(3), "y": np.zeros(4), "d": delta}
    assert_refused_everywhere("sum(huber(A x - y, d))", "x", VARS, point,
                              f"huber(u, δ): δ must be positive, got {delta!r}")


def test_a_positive_computed_parameter_is_taken_under_jit():
    """jax: a traced δ (under jax.jit) is not compared; a positive one computes as before."""
    jax = pytest.importorskip("jax")
    d = derive("sum(huber(A x - y, d))", "x", VARS)
    point = {"A": np.ones((4, 3)), "x": np.ones(3), "y": np.zeros(4), "d": 0.5}
    got = jax.jit(d.to_function(ready("jax")))(**point)
    assert np.allclose(np.asarray(got), d.evaluate(**point), rtol=1e-12)


@pytest.mark.parametrize("expr, wrt", [("sum(huber(A x - y, d))", "x"),
                                       ("sum(huber(A x - y))", "x"),
                                       ("huber(d, 0.5) + huber(d)", "d")])
def test_it_comes_back_from_its_sympy_form(expr, wrt, rng):
    """from_sympy reads the Piecewise that to_sympy writes for huber(u, δ) as huber again."""
    pytest.importorskip("sympy")
    from matcalc.api import _lowered
    from matcalc.interop.to_sympy import to_sympy
    d = derive(expr, wrt, VARS)
    back = derive(to_sympy(_lowered(expr, VARS).expr), wrt)
    assert "huber(" in back.source
    point = {"A": rng.normal(size=(4, 3)), "x": rng.normal(size=3), "y": rng.normal(size=4),
             "d": 0.8}
    given = {k: v for k, v in point.items() if k in back.program.variables}
    assert np.allclose(back.evaluate(**given), d.evaluate(**point), rtol=1e-12)
