"""Printing conventions: what the user sees is exactly what evaluate computes."""
from __future__ import annotations

import pytest
from numeric import check_derivative

from matcalc import DeclarationError, derive

LAYOUTS = ("numerator", "denominator")


@pytest.mark.parametrize("expr, wrt, numerator, denominator", [
    ("X W", "X", "Wᵀ ⊗ I_{m_X}", "W ⊗ I_{m_X}"),  # sizes matcalc named: m_X rows of X
    ("mean(x)", "x", "𝟏_{n_x}ᵀ / n_x", "𝟏_{n_x} / n_x"),   # n_x: the length of x
    ("A'", "A", "K_{m_A,n_A}", "K_{n_A,m_A}"),
])
def test_sizes_matcalc_named(expr, wrt, numerator, denominator, rng):
    for layout, shown in zip(LAYOUTS, (numerator, denominator)):
        d = check_derivative(expr, wrt, layout=layout, rng=rng)
        assert str(d) == shown


def test_user_named_sizes_are_shown_on_identities_in_kronecker_products():
    assert str(derive("X W", "X", {"X": "matrix(N,D)", "W": "matrix(D,C)"})) == "Wᵀ ⊗ I_N"


@pytest.mark.parametrize("layout", LAYOUTS)
def test_abstract_derivative_of_a_transposed_argument_shows_the_transpose(layout, rng):
    spec = {"name": "g", "ascii": "dg_d(Xᵀ)".replace("ᵀ", "^T"), "arg": "X'"}
    d = check_derivative("g(X')", "X", {"X": "matrix(2,3)"}, layout=layout, rng=rng,
                         abstract=[spec])
    assert str(d) == "(∂g/∂(Xᵀ))ᵀ"
    assert d.symbols() == [("∂g/∂(Xᵀ)", "dg_d(X^T)")]


def test_a_comparison_alone_keeps_its_parentheses():
    assert str(derive("relu(w' x + b)", "b")) == "(wᵀ x + b > 0)"


def test_ascii_and_latex_follow_the_same_structure():
    d = derive("y1 = A x; y2 = tanh(y1); y3 = B y2; sum(y3 .^ 2)", "x")
    assert d.text(ascii=True) == "2 (B tanh(A x))^T B diag(1 - tanh(A x).^2) A"
    assert d.latex() == (
        r"2 \left(\mathbf{B} \tanh\left(\mathbf{A} \mathbf{x}\right)\right)^{\top} \mathbf{B} "
        r"\operatorname{diag}\left(1 - \tanh\left(\mathbf{A} \mathbf{x}\right)^{\circ 2}"
        r"\right) \mathbf{A}")


def test_greek_names_display_as_letters():
    d = derive("z = X theta - y; z' z", "theta", {"theta": "vector"})
    assert str(d) == "2 (X θ - y)ᵀ X" and d.text(ascii=True) == "2 (X theta - y)^T X"
    assert r"\boldsymbol{\theta}" in d.latex()


def test_names_must_be_identifiers():
    with pytest.raises(DeclarationError):
        derive("W x", "x", vars={"1x": "vector"})


def test_a_small_decimal_prints_as_written(rng):
    """1e-5 prints 1e-5 (LaTeX 10^{-5}), not 1 / 100000; it reads back exactly (the language
    takes 1e-5 as the exact 1/100000), and a fraction that is not a short decimal stays one."""
    expr = "x * 1e-5 + 3.5e-7 * x + x^2 * 1e-5"
    d = derive(expr, "x", {"x": "scalar"})
    assert str(d) == "2e-5 x + 1.035e-5"
    assert d.latex() == "2 \\cdot 10^{-5} x + 1.035 \\cdot 10^{-5}"
    from matcalc import value
    assert value(str(d), vars={"x": "scalar"}, x=0.7) == pytest.approx(d.evaluate(x=0.7), 1e-15)
    check_derivative(expr, "x", {"x": "scalar"}, rng=rng)
    assert str(derive("x / 3e4", "x", {"x": "scalar"})) == "1 / 30000"
