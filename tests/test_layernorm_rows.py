"""Layer normalisation of each row, Y = layernorm_rows(X): its Jacobians through a product
(kron-factor-through puts the Jacobian by Z = X W back together, J_Z (I ⊗ X)) and its
Hessians, which the row-wise second-order rule (second_order.py) writes in the rows' blocks:
vec dG = J vec dA − (I ⊗ diag(1 ⊘ s)) (Γ R D + D R Γ + (I ⊗ diag((A ⊙ Y) 𝟏)) J) vec dX / n.
Each printed form pinned, against central differences at random points, read back from its
text to evaluate's value, and computed alike by the generated code on every installed backend."""
from __future__ import annotations

import numpy as np
import pytest
from numeric import check_derivative
from test_codegen import INSTALLED, check_generated
from test_hessian import check_second
from test_simplify import _random_env

from matcalc import derive, hessian, value
from matcalc.core import build as b
from matcalc.evaluate import evaluate
from matcalc.shapes import Dim, Shape
from matcalc.simplify.products import kron_factor_through

VARS = {"X": "matrix(m,k)", "W": "matrix(k,n)", "A": "matrix(m,n)", "T": "matrix(m,n)",
        "Z": "matrix(m,n)"}
SIZES = {"m": 3, "k": 2, "n": 4}
SHAPES = {"X": (3, 2), "W": (2, 4), "A": (3, 4), "T": (3, 4), "Z": (3, 4)}


def _reads_back(d, rng):
    """The Unicode and ASCII texts of d evaluate to d's value at a random point."""
    point = {name: rng.normal(size=SHAPES[name]) for name in d.variables}
    want = d.evaluate(**point)
    for text in (str(d), d.text(ascii=True)):
        assert np.allclose(value(text, d.declarations, **point), want)


# -- the Jacobian through Z = X W -------------------------------------------------------------

_S = "diag(1 ⊘ sqrt((X W - X W 𝟏 𝟏ᵀ / n).^2 𝟏 / n + 1e-5))"  # diag(1 ⊘ s), s by rows
_J = "(I - (D U D + U) / n)"
_WHERE = "  where D = diag(vec(layernorm_rows(X W))), U = (𝟏_n 𝟏_nᵀ) ⊗ I_m"
JACOBIANS = [
    ("W", "numerator", f"(I_n ⊗ {_S}) {_J} (I_n ⊗ X){_WHERE}"),
    ("W", "denominator", f"(I_n ⊗ Xᵀ) {_J} (I_n ⊗ {_S}){_WHERE}"),
    ("X", "numerator", f"(I_n ⊗ {_S}) {_J} (Wᵀ ⊗ I_m){_WHERE}"),
    ("X", "denominator", f"(W ⊗ I_m) {_J} (I_n ⊗ {_S}){_WHERE}"),
]


@pytest.mark.parametrize("wrt, layout, shown", JACOBIANS)
def test_the_jacobian_through_a_product_is_the_rows_jacobian_times_the_product(
        wrt, layout, shown, rng):
    """∂vec Y/∂vec W = J_Z (I ⊗ X), J_Z = (I ⊗ diag(1 ⊘ s)) (I − (D U D + U) / n) the
    row-block Jacobian by Z = X W; by X, J_Z (Wᵀ ⊗ I): no Kronecker term beside it."""
    d = check_derivative("layernorm_rows(X W)", wrt, VARS, SIZES, None, layout, rng=rng)
    assert str(d) == shown
    _reads_back(d, rng)
    check_generated(d, "layernorm_rows(X W)", SIZES, None, VARS, (), rng, INSTALLED)


def test_the_rule_splits_a_kronecker_term_only_where_the_shared_factor_ends_it(rng):
    """C (I ⊗ X) + V ⊗ (D X) = (C + V ⊗ D) (I ⊗ X) and (I ⊗ X) C + V ⊗ (X D) = (I ⊗ X) (C +
    V ⊗ D), D = diag(d), of the same value; V ⊗ (X D) beside C (I ⊗ X) is left alone (X D does
    not end in X), as is V ⊗ (D X) beside (I ⊗ X) C, and V ⊗ (M X) (M not a scaling)."""
    m, n = Dim.of("m"), Dim.of("n")
    c, v = b.var("C", Shape(m * n, m * n)), b.var("V", Shape(n, n))
    x, d = b.var("X", Shape(m, m)), b.diag(b.var("d", Shape(m, Dim.of(1))))
    right, left = b.mul(c, b.kron(b.identity(n), x)), b.mul(b.kron(b.identity(n), x), c)
    for kept, term, want in ((right, b.mul(d, x), b.mul(b.add(c, b.kron(v, d)), right.args[-1])),
                             (left, b.mul(x, d), b.mul(left.args[0], b.add(c, b.kron(v, d))))):
        node = b.add(kept, b.kron(v, term))
        assert kron_factor_through(node) == want
        env = _random_env(rng, node)
        assert np.allclose(evaluate(want, env), evaluate(node, env), rtol=1e-12)
    assert kron_factor_through(b.add(right, b.kron(v, b.mul(x, d)))) is None
    assert kron_factor_through(b.add(left, b.kron(v, b.mul(d, x)))) is None
    assert kron_factor_through(b.add(right, b.kron(v, b.mul(b.var("M", Shape(m, m)), x)))) is None


# -- Hessians: the row-wise second-order rule -----------------------------------------------

_SX = "s = sqrt((X - X 𝟏 𝟏ᵀ / n).^2 𝟏 / n + 1e-5)"
_G = "D = diag(vec(U (A - (Y ⊙ (H 𝟏 𝟏ᵀ) + A 𝟏 𝟏ᵀ) / n)))"  # diag(vec(G))
_GN = "D = diag(vec(R (((T - Y) 𝟏 𝟏ᵀ - Y ⊙ (H 𝟏 𝟏ᵀ)) / n + Y - T)))"  # diag(vec(G)) / 2
HESSIANS = [
    ("sum(layernorm_rows(X) .* A)", "numerator",
     "-(I_n ⊗ U) ((I_n ⊗ diag((H 𝟏) ⊘ s)) (I - (V R V + R) / n) + D R V + V R D) / n  where "
     f"{_SX}, U = diag(1 ⊘ s), Y = layernorm_rows(X), H = A ⊙ Y, V = diag(vec(Y)), "
     f"R = (𝟏_n 𝟏_nᵀ) ⊗ I_m, {_G}"),
    ("sum(layernorm_rows(X) .* A)", "denominator",
     "-((I - (V R V + R) / n) (I_n ⊗ diag((H 𝟏) ⊘ s)) + D R V + V R D) (I_n ⊗ U) / n  where "
     f"Y = layernorm_rows(X), V = diag(vec(Y)), R = (𝟏_n 𝟏_nᵀ) ⊗ I_m, H = A ⊙ Y, {_SX}, "
     f"U = diag(1 ⊘ s), {_G}"),
    ("norm2(layernorm_rows(X) - T)^2", "numerator",
     "2 V U V U - (2/n) V ((I_n ⊗ diag((H 𝟏) ⊘ s)) U + D P Q + Q P D)  where "
     f"{_SX}, R = diag(1 ⊘ s), V = I_n ⊗ R, Y = layernorm_rows(X), Q = diag(vec(Y)), "
     f"P = (𝟏_n 𝟏_nᵀ) ⊗ I_m, U = I - (Q P Q + P) / n, H = Y ⊙ (Y - T), {_GN}"),
    ("norm2(layernorm_rows(X) - T)^2", "denominator",
     "2 U V U V - (2/n) (U (I_n ⊗ diag((H 𝟏) ⊘ s)) + D P Q + Q P D) V  where "
     "Y = layernorm_rows(X), Q = diag(vec(Y)), P = (𝟏_n 𝟏_nᵀ) ⊗ I_m, "
     f"U = I - (Q P Q + P) / n, {_SX}, R = diag(1 ⊘ s), V = I_n ⊗ R, H = Y ⊙ (Y - T), {_GN}"),
]
SQUARE = {"X": "matrix(m,n)", "A": "matrix(m,n)", "T": "matrix(m,n)"}
SQUARE_SHAPES = {"X": (3, 4), "A": (3, 4), "T": (3, 4)}


@pytest.mark.parametrize("expr, layout, shown", HESSIANS)
def test_hessians_print_the_row_wise_rule(expr, layout, shown, rng):
    """−(I ⊗ diag(1 ⊘ s)) (Γ R D + D R Γ + (I ⊗ diag((A ⊙ Y) 𝟏)) J) / n for a constant A,
    and 2 J² plus that with A = 2 (Y − T) for the squared distance (J = (I ⊗ diag(1 ⊘ s)) U,
    the rows' blocks of the vector's (I − (𝟏 𝟏ᵀ + y yᵀ) / n) / s)."""
    h = hessian(expr, "X", SQUARE, layout=layout)
    assert str(h) == shown
    check_second(derive(expr, "X", SQUARE, layout="denominator"), h, {"m": 3, "n": 4}, None, rng)
    point = {name: rng.normal(size=SQUARE_SHAPES[name]) for name in h.variables}
    for text in (str(h), h.text(ascii=True)):
        assert np.allclose(value(text, h.declarations, **point), h.evaluate(**point))
    check_generated(h, expr, {"m": 3, "n": 4}, None, SQUARE, (), rng, INSTALLED)


@pytest.mark.parametrize("expr", ["sum(layernorm_rows(X W) .* A)",
                                  "norm2(layernorm_rows(X W) - T)^2"])
@pytest.mark.parametrize("wrt", ["X", "W"])
def test_hessians_through_a_product_use_the_rule(expr, wrt, rng):
    """Through Z = X W the rule's form sits between the product's Jacobians (I ⊗ Xᵀ) ...
    (I ⊗ X), checked against central differences of the gradient and the generated code."""
    h = hessian(expr, wrt, VARS)
    assert "D R V + V R D" in str(h) or "D P Q + Q P D" in str(h)
    check_second(derive(expr, wrt, VARS, layout="denominator"), h, SIZES, None, rng)
    check_generated(h, expr, SIZES, None, VARS, (), rng, INSTALLED)


def test_the_row_wise_rule_is_a_step():
    shown = str(hessian("sum(layernorm_rows(X) .* A)", "X", SQUARE).steps())
    assert "layer norm's second-order rule" in shown and "of each row by rows" in shown


@pytest.mark.parametrize("sign, used", [("+", True), ("-", False)])
def test_only_a_true_gradient_is_taken_whole(sign, used, rng):
    """diag(1 ⊘ s) (A − (Y ⊙ ((A ⊙ Y) 𝟏 𝟏ᵀ) ± A 𝟏 𝟏ᵀ) / n) written by hand is taken as the
    gradient J*[A] (its differential by the rule) only with the true sign, +; with − the
    term-by-term rules differentiate it. Both agree with central differences."""
    y = "layernorm_rows(X)"
    expr = (f"diag(1 ./ sqrt((X - X ones ones' / n).^2 ones / n + 1e-5)) (A - ({y} .* ((A .* "
            f"{y}) ones ones') {sign} A ones ones') / n)")
    d = check_derivative(expr, "X", SQUARE, {"m": 3, "n": 4}, None, "numerator", rng=rng)
    assert ("D R V + V R D" in str(d)) is used, str(d)


@pytest.mark.parametrize("expr, wrt, vars, pair", [
    # σ(Y) (I − 𝟏 𝟏ᵀ / n) − ...: a and its mean folded together in the gradient
    ("sum(log(1 + exp(layernorm_rows(X))))", "X", SQUARE, "D P Q + Q P D"),
    # numbers for sizes: the gradient's sums gathered differently, Y (4 I − 𝟏 𝟏ᵀ) + ...
    ("norm2(layernorm_rows(X) - T)^2", "X", {"X": "matrix(3,4)", "T": "matrix(3,4)"},
     "D P Q + Q P D"),
    ("sum(layernorm_rows(X) .* A)", "X", {"X": "matrix(3,4)", "A": "matrix(3,4)"},
     "D R V + V R D"),
    # and of a vector: ((uᵀ y) y + sum(u) 𝟏 + 4 y − 4 t) / (2 s)
    ("norm2(layernorm(x) - t)^2", "x", {"x": "vector(4)", "t": "vector(4)"}, "u yᵀ - 4 y uᵀ"),
])
def test_gradients_written_otherwise_are_found(expr, wrt, vars, pair, rng):
    """The gradient's sum is multiplied out before its projections are told apart (and they
    are checked multiplied out), so a gradient the simplifier wrote with its sums gathered is
    taken whole too (its g yᵀ + y gᵀ pair shows it); its Hessian agrees with central
    differences of the gradient and with the generated code."""
    h = hessian(expr, wrt, vars)
    assert pair in str(h), str(h)
    check_second(derive(expr, wrt, vars, layout="denominator"), h, {"m": 3, "n": 4}, None, rng)
    check_generated(h, expr, {"m": 3, "n": 4}, None, vars, (), rng, INSTALLED)
