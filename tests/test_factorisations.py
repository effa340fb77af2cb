"""The factorisations and solves chol(S), solve(A, B), pinv(X) and the Cholesky derivative's map
Φ = tril_half.

Every pinned printed form is checked against central finite differences
(numeric.check_derivative; chol's argument is declared spd(n), so it is drawn symmetric positive
definite and differenced along symmetric directions), reads back to evaluate's value, and
generated code agrees with evaluate; jax.grad through jnp.linalg.cholesky and jnp.linalg.solve
is an independent reference.
"""
from __future__ import annotations

import re

import numpy as np
import pytest
from numeric import check_derivative
from test_codegen import INSTALLED, check_generated, ready

from matcalc import derive, hessian, value
from matcalc.errors import OutsideDomainError, ParseError, ShapeError, UnsupportedError
from matcalc.report import build

VARS = {"S": "spd(n)", "K": "spd(n)", "A": "matrix(n,n)", "B": "matrix(n,n)",
        "C": "matrix(n,n)", "u": "vector(n)", "v": "vector(n)", "y": "vector(n)",
        "X": "matrix(m,n)", "w": "vector(m)"}
SIZES = {"n": 3, "m": 5}
WELL = {"A": "well_conditioned"}  # (a tall Gaussian X has full column rank)
SPD = "S is symmetric positive definite"
MURRAY = "L⁻ᵀ (U + Uᵀ) L⁻¹ / 2  where L = chol(S), U = tril_half(Lᵀ {})"
GP = "y' solve(K, y) / 2 + sum(log(diag(chol(K))))"

# (expression, variable, numerator, denominator) as printed
CASES = [
    ("tr(A chol(S))", "S", MURRAY.format("Aᵀ"), MURRAY.format("Aᵀ")),
    ("u' chol(S) v", "S", MURRAY.format("u vᵀ"), MURRAY.format("u vᵀ")),
    ("sum(log(diag(chol(S))))", "S", "S⁻¹ / 2", "S⁻¹ / 2"),
    ("2 sum(log(diag(chol(S))))", "S", "S⁻¹", "S⁻¹"),
    (GP, "K", "(K⁻¹ - solve(K, y) solve(K, y)ᵀ) / 2", "(K⁻¹ - solve(K, y) solve(K, y)ᵀ) / 2"),
    ("sum(log(diag(chol(A A' + I))))", "A", "Aᵀ (A Aᵀ + I)⁻¹", "(A Aᵀ + I)⁻¹ A"),
    ("u' solve(A, v)", "A", "-solve(A, v) solve(Aᵀ, u)ᵀ", "-solve(Aᵀ, u) solve(A, v)ᵀ"),
    ("u' solve(A, v)", "v", "solve(Aᵀ, u)ᵀ", "solve(Aᵀ, u)"),
    ("tr(B solve(A, C))", "A", "-solve(A, C) solve(Aᵀ, Bᵀ)ᵀ", "-solve(Aᵀ, Bᵀ) solve(A, C)ᵀ"),
    ("tr(B solve(A, C))", "C", "solve(Aᵀ, Bᵀ)ᵀ", "solve(Aᵀ, Bᵀ)"),
    ("solve(A, v)", "v", "A⁻¹", "A⁻ᵀ"),
    ("u' pinv(X) w", "X", "X⁺ ((X⁺)ᵀ u wᵀ (I - X X⁺)ᵀ - w uᵀ X⁺)",
     "((w - X P w) uᵀ P - Pᵀ u wᵀ) Pᵀ  where P = X⁺"),
    ("tr(A tril_half(B))", "B", "tril_half(Aᵀ)ᵀ", "tril_half(Aᵀ)"),
]
IDS = [f"{expr} d/d{wrt}" for expr, wrt, *_ in CASES]


@pytest.mark.parametrize("expr, wrt, numerator, denominator", CASES, ids=IDS)
def test_printed_and_checked(expr, wrt, numerator, denominator, rng):
    for layout, printed in (("numerator", numerator), ("denominator", denominator)):
        d = check_derivative(expr, wrt, VARS, SIZES, WELL, layout, rng=rng)
        assert str(d) == printed


@pytest.mark.parametrize("expr, wrt", [("chol(S)", "S"), ("pinv(X)", "X"), ("solve(A, v)", "A"),
                                       ("solve(S, v)", "S"), ("tril_half(B)", "B")])
def test_jacobians_are_checked(expr, wrt, rng):
    for layout in ("numerator", "denominator"):
        check_derivative(expr, wrt, VARS, SIZES, WELL, layout, rng=rng)


def test_murray_form_is_half_the_inverse_for_the_log_determinant(rng):
    """sum(log(diag(chol(S)))) = logdet(S) / 2: its printed gradient evaluates to S⁻¹ / 2."""
    b = rng.standard_normal((4, 4))
    s = b @ b.T + 4 * np.eye(4)
    d = derive("sum(log(diag(chol(S))))", "S", vars=VARS)
    assert np.allclose(d.evaluate(S=s), np.linalg.inv(s) / 2, rtol=1e-10, atol=1e-12)


def test_the_log_determinant_through_chol_is_named_and_keeps_its_condition():
    """2 sum(log(diag(chol(S)))) is logdet(S) by a named rule, shown in the steps; the
    function's condition (S symmetric positive definite) is still the one stated."""
    d = derive("2 sum(log(diag(chol(S))))", "S", vars=VARS)
    steps = str(d.steps())
    assert "[half-logdet-cholesky: sum(log(diag(chol(S)))) → logdet(S) / 2]" in steps
    assert d.conditions == (SPD,)
    assert derive(GP, "K", vars=VARS).conditions == ("K is symmetric positive definite",)


def test_a_general_argument_through_chol(rng):
    """chol(B Bᵀ + I) by B: any direction of B keeps the argument symmetric."""
    for layout in ("numerator", "denominator"):
        d = check_derivative("tr(A chol(B B' + I))", "B", VARS, SIZES, None, layout, rng=rng)
    assert d.conditions == ("B Bᵀ + I is symmetric positive definite",)


@pytest.mark.parametrize("expr, wrt, numerator, denominator", CASES, ids=IDS)
def test_read_back(expr, wrt, numerator, denominator, rng):
    """The Unicode and ASCII forms (where clauses included) read back to evaluate's value."""
    d = derive(expr, wrt, vars=VARS, layout="denominator")
    point = _point(rng)
    used = {k: point[k] for k in d.variables}
    for text in (str(d), d.text(ascii=True)):
        back = value(text, vars=d.declarations, **used)
        assert np.allclose(back, d.evaluate(**used), rtol=1e-9, atol=1e-11), text


def _point(rng) -> dict:
    def spd(n):
        b = rng.standard_normal((n, n))
        return b @ b.T + n * np.eye(n)
    q, _ = np.linalg.qr(rng.standard_normal((3, 3)))
    return {"S": spd(3), "K": spd(3), "A": q + 2 * np.eye(3), "B": rng.standard_normal((3, 3)),
            "C": rng.standard_normal((3, 3)), "u": rng.standard_normal(3),
            "v": rng.standard_normal(3), "y": rng.standard_normal(3),
            "X": rng.standard_normal((5, 3)), "w": rng.standard_normal(5)}


def test_three_notations():
    d = derive("u' solve(A, v)", "A", vars=VARS, layout="denominator")
    assert d.text(ascii=True) == "-solve(A^T, u) solve(A, v)^T"
    assert d.latex() == "-\\left(\\mathbf{A}^{-\\top} \\mathbf{u}\\right) " \
                        "\\left(\\mathbf{A}^{-1} \\mathbf{v}\\right)^{\\top}"
    d = derive("u' pinv(X) w", "X", vars=VARS)
    assert d.text(ascii=True) == \
        "pinv(X) (pinv(X)^T u w^T (I - X pinv(X))^T - w u^T pinv(X))"
    assert d.latex().startswith("\\mathbf{X}^{+} \\left(\\left(\\mathbf{X}^{+}\\right)^{\\top}")
    d = derive("tr(A chol(S))", "S", vars=VARS)
    assert d.text(ascii=True) == \
        "(L^-1)^T (U + U^T) L^-1 / 2  where L = chol(S), U = tril_half(L^T A^T)"
    assert "\\operatorname{chol}\\left(\\mathbf{S}\\right)" in d.latex()
    assert "\\Phi\\left(\\mathbf{L}^{\\top} \\mathbf{A}^{\\top}\\right)" in d.latex()


def test_the_pseudo_inverse_mark_reads_back(rng):
    x = rng.standard_normal((5, 3))
    assert np.allclose(value("X⁺", X=x), np.linalg.pinv(x))
    shapes = {"A": "matrix(n,m)", "X": "matrix(n,m)"}
    assert str(derive("tr(A X⁺)", "X", vars=shapes)) == \
        str(derive("tr(A pinv(X))", "X", vars=shapes))


def test_jax_grad_through_cholesky_and_solve_is_the_reference(rng):
    """jax.grad of the Gaussian-process negative log-likelihood (jnp.linalg.cholesky and
    jnp.linalg.solve) is the denominator closed form; and of tr(A chol(S))."""
    jax = pytest.importorskip("jax")
    ready("jax")
    import jax.numpy as jnp
    p = _point(rng)
    k, y, a = jnp.asarray(p["K"]), jnp.asarray(p["y"]), p["A"]

    def nll(m):
        return y @ jnp.linalg.solve(m, y) / 2 + jnp.sum(jnp.log(jnp.diag(jnp.linalg.cholesky(m))))
    d = derive(GP, "K", vars=VARS, layout="denominator")
    assert np.allclose(d.evaluate(K=p["K"], y=p["y"]), np.asarray(jax.grad(nll)(k)),
                       rtol=1e-9, atol=1e-11)
    grad = jax.grad(lambda m: jnp.trace(jnp.asarray(a) @ jnp.linalg.cholesky(m)))(k)
    d = derive("tr(A chol(S))", "S", vars=VARS, layout="denominator")
    assert np.allclose(d.evaluate(S=p["K"], A=a), np.asarray(grad), rtol=1e-9, atol=1e-11)
    grad = jax.grad(lambda m: p["u"] @ jnp.linalg.solve(m, p["v"]))(jnp.asarray(a))
    d = derive("u' solve(A, v)", "A", vars=VARS, layout="denominator")
    assert np.allclose(d.evaluate(A=a, u=p["u"], v=p["v"]), np.asarray(grad), rtol=1e-9)


# -- conditions and refusals ------------------------------------------------------------------

def test_conditions_are_stated():
    assert derive("tr(A chol(S))", "S", vars=VARS).conditions == (SPD,)
    assert derive(GP, "K", vars=VARS).conditions == ("K is symmetric positive definite",)
    assert derive("u' solve(A, v)", "A", vars=VARS).conditions == ("A is non-singular",)
    assert derive("u' pinv(X) w", "X", vars=VARS).conditions == ("X has full column rank",)
    assert derive("logdet(X)", "X").conditions == ("X is non-singular",)
    assert derive("det(X)", "X").conditions == ("X is non-singular",)
    assert derive("tr(A X)", "X").conditions == ()
    assert build("tr(A chol(S))", "S", vars=VARS)["conditions"] == [SPD]
    assert f"holds when:\n  {SPD}" in str(derive("tr(A chol(S))", "S", vars=VARS).steps())


def test_the_command_line_says_where_it_holds(capsys):
    from matcalc.cli import main
    assert main(["tr(inv(X) A)", "--wrt", "X"]) == 0
    assert capsys.readouterr().out == "-X⁻¹ A X⁻¹\nholds when X is non-singular\n"


@pytest.mark.parametrize("expr, values, message", [
    ("chol(S)", {"S": np.array([[1.0, 2.0], [0.0, 1.0]])}, "chol.*not symmetric"),
    ("chol(S)", {"S": np.array([[1.0, 2.0], [2.0, 1.0]])}, "chol.*not positive definite"),
    ("solve(A, v)", {"A": np.array([[1.0, 2.0], [2.0, 4.0]]), "v": np.ones(2)},
     "solve.*singular"),
    ("pinv(X)", {"X": np.array([[1.0, 2.0], [2.0, 4.0], [3.0, 6.0]])},
     "pinv.*full column rank"),
    ("pinv(X)", {"X": np.ones((2, 3))}, "pinv.*wider than tall"),
    ("inv(X)", {"X": np.array([[1.0, 2.0], [2.0, 4.0]])}, "inv.*singular"),
])
def test_evaluate_refuses_values_outside_the_domain(expr, values, message):
    with pytest.raises(OutsideDomainError, match=message):
        value(expr, **values)


SINGULAR = np.array([[1.0, 2.0], [2.0, 4.0]])
ASYMMETRIC = np.array([[1.0, 2.0], [0.0, 1.0]])
INDEFINITE = np.array([[1.0, 2.0], [2.0, 1.0]])


@pytest.mark.parametrize("expr, values, message", [
    ("eigmax(X)", {"X": ASYMMETRIC}, "eigmax(X) needs a symmetric matrix"),
    ("eigmin(M)", {"M": ASYMMETRIC}, "eigmin(M) needs a symmetric matrix"),
    ("u' eigvals(W)", {"W": ASYMMETRIC, "u": np.ones(2)}, "eigvals(W) needs a symmetric"),
    ("eigvec_max(A + B)", {"A": ASYMMETRIC, "B": np.eye(2)}, "eigvec_max(A + B) needs a"),
    ("eigvec_max(Q)", {"Q": np.eye(2)}, "eigvec_max(Q) is not defined here: the largest "
                                        "eigenvalue of Q is repeated"),
    ("sum(polar(Y))", {"Y": SINGULAR}, "polar(Y) is not defined here: Y does not have full"),
    ("chol(X)", {"X": ASYMMETRIC}, "chol(X) is not defined here: X is not symmetric"),
    ("chol(B + K)", {"K": INDEFINITE, "B": np.zeros((2, 2))},
     "chol(B + K) is not defined here: B + K is not positive definite"),
    ("pinv(W)", {"W": np.vstack([SINGULAR, SINGULAR])},
     "pinv(W) is not defined here: W does not have full column rank"),
    ("pinv(Y')", {"Y": np.ones((3, 2))}, "pinv(Yᵀ) is not defined here: Yᵀ is 2 × 3"),
    ("solve(M, w)", {"M": SINGULAR, "w": np.ones(2)},
     "solve(M, w) is not defined here: M is singular or nearly so"),
    ("inv(B)", {"B": SINGULAR}, "inv(B) is not defined here: B is singular"),
])
def test_a_refusal_names_the_argument_as_written(expr, values, message):
    with pytest.raises(OutsideDomainError) as caught:
        value(expr, **values)
    assert str(caught.value).startswith(message), str(caught.value)


def test_a_refusal_of_a_derivative_names_the_argument_as_written():
    d = derive("u' solve(M, w)", "M")
    with pytest.raises(OutsideDomainError, match=r"^solve\(M, w\) is not defined here: M is"):
        d.evaluate(M=SINGULAR, u=np.ones(2), w=np.ones(2))


def test_check_draws_points_where_the_conditions_hold():
    """An undeclared S read only through chol is drawn spd and moved symmetrically."""
    assert derive("tr(A chol(S))", "S").check().ok
    assert derive("u' solve(A, v)", "A", vars=VARS).check().ok
    assert derive("u' pinv(X) w", "X", vars=VARS).check().ok


@pytest.mark.parametrize("expr, wrt", [
    ("logdet(S) + sum(chol(S))", "S"), ("tr(A chol(S)) + tr(S)", "S"),
    ("tr(A chol(S)) + tr(B S)", "S"), ("tr(A chol(S)) + tr(B S)", "A"),
    ("tr(A chol(S')) + eigmax(S)", "S"), (GP, "K")])
def test_check_draws_spd_points_for_a_variable_chol_takes_directly(expr, wrt):
    """S is read through chol and through other ops: the check draws it symmetric positive
    definite and moves it symmetrically; a wrong closed form (the derivative plus Sᵀ, B) still
    disagrees."""
    from matcalc.check import check
    from matcalc.core import build as b
    for layout in ("numerator", "denominator"):
        d = derive(expr, wrt, vars={"y": "vector"}, layout=layout)
        result = d.check()
        assert result.ok and result.points == 3, (layout, result)
        other = b.var("B", d.expr.shape)
        wrong = check(d.function, b.add(d.expr, other), d.variable,
                      {**d.program.variables, "B": other}, layout)
        assert wrong.points and not wrong.ok, wrong


def test_check_says_why_it_cannot_draw_a_symmetric_argument():
    result = derive("tr(A chol(S + B))", "S").check()
    assert not result.points and "the check draws symmetric values only for a variable that " \
        "chol takes directly, and B + S is not symmetric by its structure" in str(result)


def test_shapes_are_checked():
    with pytest.raises(ShapeError, match="chol needs a square matrix"):
        derive("sum(chol(W))", "W", vars={"W": "matrix(2,3)"})
    with pytest.raises(ShapeError, match="solve"):
        derive("sum(solve(A, v))", "A", vars={"A": "matrix(2,2)", "v": "vector(3)"})
    with pytest.raises(ParseError, match="solve takes 2 arguments"):
        derive("sum(solve(A))", "A")


def test_scalar_arguments():
    assert str(derive("chol(a)", "a", vars={"a": "scalar"})) == "1 / (2 sqrt(a))"
    assert str(derive("pinv(a)", "a", vars={"a": "scalar"})) == "-1 / a^2"
    assert str(derive("solve(a, c)", "c", vars={"a": "scalar", "c": "scalar"})) == "1 / a"


def test_cholesky_is_another_spelling():
    with pytest.raises(UnsupportedError, match="chol"):
        derive("sum(cholesky(S))", "S")


def test_hessians_through_the_factorisations(rng):
    """Second derivatives fall out of the first-order rules (solve, chol, Φ, pinv)."""
    for expr, wrt in (("u' solve(A, v)", "A"), ("tr(A chol(S))", "S"), ("u' pinv(X) w", "X")):
        d = hessian(expr, wrt, vars=VARS)
        assert d.check().ok, expr


# -- generated code ---------------------------------------------------------------------------

CODE_CASES = [(GP, "K"), ("tr(A chol(S))", "S"), ("u' solve(A, v)", "A"), ("solve(A, C)", "C"),
              ("u' pinv(X) w", "X"), ("chol(S)", "S"), ("tr(A tril_half(B))", "B")]


@pytest.mark.parametrize("expr, wrt", CODE_CASES, ids=[c[0] for c in CODE_CASES])
@pytest.mark.parametrize("layout", ["numerator", "denominator"])
def test_generated_code_agrees(expr, wrt, layout, rng):
    d = derive(expr, wrt, vars=VARS, layout=layout)
    check_generated(d, expr, SIZES, WELL, VARS, (), rng, INSTALLED)


@pytest.mark.parametrize("rows, cols", [(5, 3), (4, 4), (6, 1), (3, 2)])
def test_pinv_is_the_least_squares_inverse_everywhere(rows, cols, rng):
    """evaluate and the three backends compute X⁺ = (XᵀX)⁻¹Xᵀ (by QR: R⁻¹Qᵀ): the SVD
    pseudo-inverse's value at random full-rank points; by A of tr(A X⁺) the code is X⁺ᵀ."""
    shapes = {"X": f"matrix({rows},{cols})", "A": f"matrix({rows},{cols})"}
    d = derive("tr(A pinv(X))", "A", vars=shapes, layout="denominator")
    for _ in range(3):
        x = rng.standard_normal((rows, cols))
        want = np.linalg.pinv(x)
        assert np.allclose(value("pinv(X)", vars=shapes, X=x), want, rtol=1e-10, atol=1e-12)
        assert np.allclose((want @ x), np.eye(cols), atol=1e-10)
        for backend in INSTALLED:
            got = np.asarray(d.to_function(ready(backend))(X=x, A=x)).reshape(want.T.shape)
            assert np.allclose(got, want.T, rtol=1e-10, atol=1e-12), backend


def test_pinv_refuses_a_nearly_rank_deficient_matrix(rng):
    """At condition number past 1e12 evaluate refuses rather than return the pseudo-inverse of
    a nearby matrix of lower rank; just below it, X⁺ X = I still holds to rounding."""
    u, _ = np.linalg.qr(rng.standard_normal((5, 3)))
    v, _ = np.linalg.qr(rng.standard_normal((3, 3)))
    for smallest, refused in ((1e-14, True), (1e-9, False)):
        x = u @ np.diag([1.0, 0.5, smallest]) @ v.T
        if refused:
            with pytest.raises(OutsideDomainError, match="does not have full column rank"):
                value("pinv(X)", vars={"X": "matrix(5,3)"}, X=x)
        else:
            p = value("pinv(X)", vars={"X": "matrix(5,3)"}, X=x)
            assert np.allclose(p @ x, np.eye(3), atol=1e-6)


def test_code_solves_rather_than_inverts():
    source = derive(GP, "K", vars=VARS).to_source("numpy")
    assert "cho_factor(K)" in source and "cho_solve" in source and "inv(" not in source
    source = derive("tr(A chol(S))", "S", vars=VARS).to_source("numpy")
    assert "solve_triangular" in source and "inv(" not in source
    assert "_cholesky(S)" in source and "np.linalg.cholesky(s)" in source
    assert "inv(" not in derive("u' solve(A, v)", "A", vars=VARS).to_source("numpy")


# -- SymPy forms ------------------------------------------------------------------------------

@pytest.mark.parametrize("expr, wrt", [("u' solve(A, v)", "A"), ("tr(B solve(A, C))", "C"),
                                       ("u' pinv(X) w", "X"), ("tr(A tril_half(B))", "B")])
def test_sympy_forms_have_the_value(expr, wrt, rng):
    """solve(A, B) is A⁻¹ B, pinv(X) is (Xᵀ X)⁻¹ Xᵀ, Φ the masked lower triangle."""
    from sympy_numeric import assert_same_value
    used = {name: kind for name, kind in VARS.items() if re.search(rf"\b{name}\b", expr)}
    for layout in ("numerator", "denominator"):
        d = derive(expr, wrt, vars=used, layout=layout)
        assert_same_value(d, rng, WELL, SIZES)


def test_chol_has_no_sympy_form():
    with pytest.raises(UnsupportedError, match="chol"):
        derive("tr(A chol(S))", "S", vars=VARS).to_sympy()
