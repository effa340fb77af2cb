"""Tests of the numeric checker (numeric.py) itself.

The finite differences and layouts are checked against numpy closed forms that do not use
matcalc; `check_derivative` must pass on right derivatives and raise on wrong ones (wrong value,
wrong layout, wrong form, NaN, a wrong abstract ∂f/∂Y); `tokens` splits as documented.
"""
from __future__ import annotations

import numeric
import numpy as np
import pytest
from numeric import (
    Variable,
    arrange,
    as_displayed,
    check_derivative,
    concrete,
    draw,
    draw_point,
    kink_programs,
    numerical_jacobian,
    tokens,
    variables,
)

from matcalc import Derivative, derive

SIZES = {"m": 3, "n": 4, "p": 5}

# -- finite differences and layouts, against numpy closed forms --------------------------


def test_jacobian_of_matrix_product_is_kronecker(rng) -> None:
    x, w = rng.standard_normal((3, 4)), rng.standard_normal((4, 2))
    jac = numerical_jacobian(lambda p: p["X"] @ p["W"], {"X": x, "W": w}, "X")
    np.testing.assert_allclose(jac, np.kron(w.T, np.eye(3)), atol=1e-8)  # d vec(XW)/d vec(X)ᵀ


def test_jacobian_of_vector_by_matrix(rng) -> None:
    w, x = rng.standard_normal((3, 4)), rng.standard_normal(4)
    jac = numerical_jacobian(lambda p: p["W"] @ p["x"], {"W": w, "x": x}, "W")
    np.testing.assert_allclose(jac, np.kron(x[None, :], np.eye(3)), atol=1e-8)


def test_arrange_scalar_by_matrix_is_transposed_gradient(rng) -> None:
    a, x = rng.standard_normal((3, 4)), rng.standard_normal((3, 4))
    jac = numerical_jacobian(lambda p: np.sum(a * p["X"]), {"X": x}, "X")
    np.testing.assert_allclose(arrange(jac, (1, 1), (3, 4), "numerator"), a.T, atol=1e-8)
    np.testing.assert_allclose(arrange(jac, (1, 1), (3, 4), "denominator"), a, atol=1e-8)


def test_arrange_matrix_by_scalar_has_the_shape_of_f(rng) -> None:
    a = rng.standard_normal((3, 4))
    jac = numerical_jacobian(lambda p: p["t"] ** 2 * a, {"t": 1.5}, "t")
    np.testing.assert_allclose(arrange(jac, (3, 4), (1, 1), "numerator"), 3 * a, atol=1e-7)
    np.testing.assert_allclose(arrange(jac, (3, 4), (1, 1), "denominator"), 3 * a.T, atol=1e-7)


def test_arrange_vector_by_vector_is_the_jacobian(rng) -> None:
    a, x = rng.standard_normal((3, 4)), rng.standard_normal(4)
    jac = numerical_jacobian(lambda p: np.tanh(a @ p["x"]), {"x": x}, "x")
    want = np.diag(1 - np.tanh(a @ x) ** 2) @ a
    np.testing.assert_allclose(arrange(jac, (3, 1), (4, 1), "numerator"), want, atol=1e-8)
    np.testing.assert_allclose(arrange(jac, (3, 1), (4, 1), "denominator"), want.T, atol=1e-8)


# -- check_derivative passes on right derivatives ----------------------------------------

@pytest.mark.parametrize("layout", ["numerator", "denominator"])
@pytest.mark.parametrize("expr, wrt, vars", [
    ("W x + b", "x", {"W": "matrix(m,n)", "x": "vector(n)", "b": "vector(m)"}),
    ("x' A x", "x", {"A": "matrix(n,n)", "x": "vector(n)"}),
    ("X W", "X", {"X": "matrix(m,n)", "W": "matrix(n,p)"}),
    ("sum(log(X))", "X", {"X": "matrix(m,n)"}),
])
def test_check_passes_on_right_derivatives(expr, wrt, vars, layout, rng) -> None:
    domains = {"X": "positive"} if "log" in expr else None
    assert isinstance(check_derivative(expr, wrt, vars, SIZES, domains, layout, rng=rng),
                      Derivative)


def test_check_passes_with_undeclared_names(rng) -> None:
    check_derivative("tanh(W x + b)", "W", rng=rng)  # kinds from language.md's defaults


@pytest.mark.parametrize("layout", ["numerator", "denominator"])
@pytest.mark.parametrize("wrt, declared", [("ε", "ε"), ("ε", "epsilon"), ("epsilon", "ε")])
def test_a_greek_name_is_the_programs_variable(wrt, declared, layout, rng) -> None:
    """wrt, declarations and domains may spell a Greek name either way (the point is keyed by
    the program's name, epsilon), and the domain applies to it (ε > 0 keeps var(x) + ε
    positive)."""
    vars = {"x": "vector(n)", declared: "scalar"}
    d = check_derivative("layernorm(x, ε)", wrt, vars, SIZES, {declared: "positive"}, layout,
                         rng=rng)
    assert d.wrt == "epsilon"


def test_a_greek_wrt_is_still_checked(monkeypatch, rng) -> None:
    _wrong_evaluate(monkeypatch, lambda v: v * (1 + 1e-4))
    with pytest.raises(AssertionError, match="max error"):
        check_derivative("layernorm(x, ε)", "ε", {"x": "vector(n)", "ε": "scalar"}, SIZES,
                         {"ε": "positive"}, rng=rng)


# -- check_derivative fails on wrong ones ------------------------------------------------

SQUARE = ("A x", "x", {"A": "matrix(n,n)", "x": "vector(n)"})  # dy/dx = A, not symmetric


def _wrong_evaluate(monkeypatch, change) -> None:
    right = Derivative.evaluate
    monkeypatch.setattr(Derivative, "evaluate", lambda self, **a: change(right(self, **a)))


@pytest.mark.parametrize("change", [
    lambda v: v * (1 + 1e-4),          # slightly off
    lambda v: v + 1e-4,                # slightly off, absolutely
    lambda v: v.T,                     # transposed (the other layout)
    lambda v: np.full_like(v, np.nan),
], ids=["relative", "absolute", "transposed", "nan"])
def test_check_fails_on_wrong_values(monkeypatch, change, rng) -> None:
    _wrong_evaluate(monkeypatch, change)
    with pytest.raises(AssertionError, match="max error"):
        check_derivative(*SQUARE, SIZES, rng=rng)


def test_check_fails_on_the_wrong_layout(monkeypatch, rng) -> None:
    other = {"numerator": "denominator", "denominator": "numerator"}
    monkeypatch.setattr(numeric, "derive",
                        lambda e, w, vars=None, layout="numerator": derive(e, w, vars,
                                                                           other[layout]))
    with pytest.raises(AssertionError):
        check_derivative(*SQUARE, SIZES, rng=rng)


def test_check_fails_on_a_wrong_derivative(monkeypatch, rng) -> None:
    monkeypatch.setattr(numeric, "derive", lambda e, w, vars=None, layout="numerator":
                        derive("sin(x) + x^3 / 1000", w, vars, layout))
    with pytest.raises(AssertionError, match="max error"):
        check_derivative("sin(x)", "x", {"x": "scalar"}, rng=rng)


@pytest.mark.parametrize("expr, kind, change, message", [
    ("x' A x", "vector(n)", lambda v: v.reshape(1, -1), r"shape \(1, 4\), expected 1-D"),
    ("x^2", "scalar", lambda v: np.array([v]), r"expected a float"),
])
def test_check_fails_on_wrong_forms(monkeypatch, expr, kind, change, message, rng) -> None:
    _wrong_evaluate(monkeypatch, change)
    with pytest.raises(AssertionError, match=message):
        check_derivative(expr, "x", {"A": "matrix(n,n)", "x": kind}, SIZES, rng=rng)


def test_check_fails_on_a_wrong_abstract_value(monkeypatch, rng) -> None:
    right = numeric.abstract_value
    monkeypatch.setattr(numeric, "abstract_value", lambda *a: 2 * right(*a))
    abstract = [{"name": "f", "symbol": "∂f/∂Y", "ascii": "df_dY", "arg": "Y"}]
    vars = {"A": "matrix(m,n)", "X": "matrix(n,p)", "B": "matrix(m,p)"}
    with pytest.raises(AssertionError, match="max error"):
        check_derivative("Y = A X + B; f(Y)", "X", vars, SIZES, rng=rng, abstract=abstract)


def test_as_displayed_checks_the_form() -> None:
    assert as_displayed(2.0, np.ones((1, 1))).shape == (1, 1)
    assert as_displayed(np.ones(4), np.ones((1, 4))).shape == (1, 4)
    with pytest.raises(AssertionError):
        as_displayed(np.ones((3, 4)), np.ones((4, 3)))


# -- variables, domains, kinks, abstract functions ----------------------------------------

def test_variables_take_sizes_and_defaults() -> None:
    d = derive("W x + b + v + U u", "x", vars={"W": "matrix(m,n)"})
    got = {v.name: (v.kind, v.shape) for v in variables(d, SIZES)}
    assert got == {"W": ("matrix", (3, 4)), "x": ("vector", (4, 1)), "b": ("scalar", (1, 1)),
                   "v": ("vector", (3, 1)), "U": ("matrix", (3, 3)), "u": ("vector", (3, 1))}


@pytest.mark.parametrize("domain, ok", [
    ("positive", lambda a: np.all(a > 0)),
    ("nonzero", lambda a: np.all(np.abs(a) > 0.3)),
    ("uniform(0.5,1.2)", lambda a: np.all((a >= 0.5) & (a <= 1.2))),
    ("spd", lambda a: np.allclose(a, a.T) and np.all(np.linalg.eigvalsh(a) > 0)),
    ("well_conditioned", lambda a: np.linalg.cond(a) < 10),
])
def test_domains(domain, ok, rng) -> None:
    for _ in range(20):
        assert ok(draw(Variable("A", "matrix", (4, 4)), domain, rng))


def test_draw_forms(rng) -> None:
    assert isinstance(draw(Variable("a", "scalar", (1, 1)), "normal", rng), float)
    assert draw(Variable("x", "vector", (4, 1)), "normal", rng).shape == (4,)
    with pytest.raises(ValueError, match="unknown domain"):
        draw(Variable("x", "vector", (4, 1)), "positve", rng)


def test_kink_programs() -> None:
    assert kink_programs("u = max(0, X w + b)\nv = y - u\nmean(v .^ 2)") == ["(0) - (X w + b)"]
    assert kink_programs("y = A x; relu(y) + abs(softmax(y))") == [
        "y = A x; y", "y = A x; softmax(y)"]


def test_points_avoid_kinks(rng) -> None:
    x = [Variable("x", "vector", (4, 1))]
    for _ in range(10):
        point = draw_point(x, {"x": "uniform(-0.004,0.004)"}, rng, ["x"])
        assert np.all(np.abs(point["x"]) > numeric.KINK_MARGIN)
    with pytest.raises(RuntimeError, match="kink"):
        draw_point(x, {"x": "uniform(-1e-4,1e-4)"}, rng, ["x"])


def test_concrete_replaces_every_call() -> None:
    assert concrete("Y = A X + B; f(Y)", "f") == "Y = A X + B; " + numeric.CONCRETE_F.format(u="Y")
    assert concrete("g(A (x + y)) + g(x)", "g") == " + ".join(
        numeric.CONCRETE_F.format(u=u) for u in ("A (x + y)", "x"))


# -- tokens ----------------------------------------------------------------------------------

@pytest.mark.parametrize("text, want", [
    ("2 (X θ - y)ᵀ X", ["2", "(", "X", "θ", "-", "y", ")", "ᵀ", "X"]),
    ("2 (X θ - y)^T X", ["2", "(", "X", "θ", "-", "y", ")", "^T", "X"]),
    ("x' A x", ["x", "'", "A", "x"]),
    ("I_C ⊗ x^T", ["I_C", "⊗", "x", "^T"]),
    ("Wᵀ ⊗ I_N", ["W", "ᵀ", "⊗", "I_N"]),
    ("diag(-w ./ x.^2)", ["diag", "(", "-", "w", "./", "x", ".^", "2", ")"]),
    ("w .* x ⊙ v ⊘ u", ["w", ".*", "x", "⊙", "v", "⊘", "u"]),
    ("(2/N) 1^T e", ["(", "2", "/", "N", ")", "1", "^T", "e"]),
    ("(w·x + b > 0)", ["(", "w", "·", "x", "+", "b", ">", "0", ")"]),
    ("∂f/∂Y A", ["∂f/∂Y", "A"]),
    ("df_dY A", ["df_dY", "A"]),
    ("A⁻¹ B^-1 C⁻ᵀ", ["A", "⁻¹", "B", "^-1", "C", "⁻ᵀ"]),
    ("z 𝟏ᵀ", ["z", "𝟏", "ᵀ"]),
    ("I_{m n} 0.5 x_1", ["I_{m n}", "0.5", "x_1"]),
])
def test_tokens(text, want) -> None:
    assert tokens(text) == want


def test_a_steep_function_is_judged_by_finer_differences():
    """sin(x⁶) at x = 3.1: fourth-order differences at a quarter step agree with the right
    derivative and not with a 1 % wrong one (program_checks._finer_agrees)."""
    from program_checks import _finer_agrees

    fun = lambda p: np.array([[np.sin(p["x"] ** 6)]])  # noqa: E731
    point = {"x": 3.1}
    right = np.array([[6 * 3.1 ** 5 * np.cos(3.1 ** 6)]])
    assert _finer_agrees(fun, point, "x", False, (1, 1), "numerator", right, 0.0)
    assert not _finer_agrees(fun, point, "x", False, (1, 1), "numerator", 1.01 * right, 0.0)
