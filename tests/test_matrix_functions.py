"""The matrix functions expm, logm, sqrtm and their Fréchet derivatives L_f(X, E).

Each derivative is checked against central finite differences (numeric.check_derivative), its
printed forms are pinned and read back, generated code agrees with evaluate, and jax.grad
through jax.scipy.linalg.expm is an independent reference. logm and sqrtm are drawn at points
off the closed negative real axis (numeric.DOMAINS["off_cut"]).
"""
from __future__ import annotations

import numpy as np
import pytest
from numeric import check_derivative
from test_codegen import INSTALLED, check_generated, ready

from matcalc import derive, hessian, value
from matcalc.errors import OutsideDomainError, ShapeError, UnsupportedError
from matcalc.report import build

SQ = {"X": "matrix(n,n)", "A": "matrix(n,n)", "B": "matrix(n,n)", "u": "vector(n)",
      "v": "vector(n)", "t": "scalar"}
SIZES = {"n": 3}
CUT = {"X": "off_cut"}
BRANCH = "X has no eigenvalue on the closed negative real axis"

# (expression, variable, domains, numerator, denominator) as printed
CASES = [
    ("u' expm(X) v", "X", None, "L_exp(X, v uᵀ)", "L_exp(Xᵀ, u vᵀ)"),
    ("tr(A expm(X))", "X", None, "L_exp(X, A)", "L_exp(X, A)ᵀ"),
    ("tr(expm(X))", "X", None, "expm(X)", "expm(X)ᵀ"),
    ("logdet(expm(X))", "X", None, "I_n", "I_n"),
    ("det(expm(X))", "X", None, "det(expm(X)) I_n", "det(expm(X)) I_n"),
    ("expm(t A)", "t", None, "A expm(t A)", "expm(t A)ᵀ Aᵀ"),
    ("tr(expm(X + t B))", "t", None, "tr(expm(t B + X) B)", "tr(expm(t B + X) B)"),
    ("expm(X)", "X", None, "J_exp(X)", "J_exp(X)ᵀ"),
    ("tr(logm(X))", "X", CUT, "X⁻¹", "X⁻ᵀ"),
    ("u' logm(X) v", "X", CUT, "L_log(X, v uᵀ)", "L_log(Xᵀ, u vᵀ)"),
    ("logm(X)", "X", CUT, "J_log(X)", "J_log(X)ᵀ"),
    ("tr(sqrtm(X))", "X", CUT, "sqrtm(X)⁻¹ / 2", "sqrtm(X)⁻ᵀ / 2"),
    ("u' sqrtm(X) v", "X", CUT, "L_sqrt(X, v uᵀ)", "L_sqrt(Xᵀ, u vᵀ)"),
    ("sqrtm(X)", "X", CUT, "J_sqrt(X)", "J_sqrt(X)ᵀ"),
    ("tr(A L_exp(X, B))", "B", None, "L_exp(X, A)", "L_exp(X, A)ᵀ"),
]
IDS = [f"{expr} d/d{wrt}" for expr, wrt, *_ in CASES]


@pytest.mark.parametrize("expr, wrt, domains, numerator, denominator", CASES, ids=IDS)
def test_printed_and_checked(expr, wrt, domains, numerator, denominator, rng):
    for layout, printed in (("numerator", numerator), ("denominator", denominator)):
        d = check_derivative(expr, wrt, SQ, SIZES, domains, layout, rng=rng)
        assert str(d) == printed


@pytest.mark.parametrize("expr, wrt, domains, numerator, denominator", CASES, ids=IDS)
def test_read_back(expr, wrt, domains, numerator, denominator, rng):
    """The ASCII form reads back to the value evaluate gives."""
    from numeric import DOMAINS
    d = derive(expr, wrt, vars=SQ, layout="denominator")
    point = {"X": DOMAINS["off_cut"](rng, (3, 3)), "A": rng.standard_normal((3, 3)),
             "B": rng.standard_normal((3, 3)), "u": rng.standard_normal(3),
             "v": rng.standard_normal(3), "t": 0.7}
    used = {k: point[k] for k in d.variables}
    back = value(d.text(ascii=True), vars=d.declarations, **used)
    assert np.allclose(back, d.evaluate(**used), rtol=1e-10, atol=1e-12)


def test_three_notations():
    d = derive("u' expm(X) v", "X", layout="denominator")
    assert (str(d), d.text(ascii=True)) == ("L_exp(Xᵀ, u vᵀ)", "L_exp(X^T, u v^T)")
    assert d.latex() == "L_{\\exp}\\left(\\mathbf{X}^{\\top}, \\mathbf{u} " \
                        "\\mathbf{v}^{\\top}\\right)"
    assert derive("expm(X)", "X").latex() == "J_{\\exp}\\left(\\mathbf{X}\\right)"
    assert derive("tr(logm(X))", "X").latex() == "\\mathbf{X}^{-1}"


def test_a_symmetric_variable(rng):
    """By a symmetric S the two directions of the adjoint are one, L_exp(S, A + Aᵀ) / 2, shown
    in the Daleckii–Krein form (tests/test_daleckii_krein.py)."""
    for layout in ("numerator", "denominator"):
        d = check_derivative("tr(A expm(S))", "S", {"S": "symmetric(n)", "A": "matrix(n,n)"},
                             SIZES, None, layout, rng=rng)
        assert str(d) == "Q (F ⊙ (Qᵀ (A + Aᵀ) Q)) Qᵀ / 2  where Q = eigbasis(S), " \
                         "F = divdiff_exp(eigvals(S))"


@pytest.mark.parametrize("name", ["expm", "logm", "sqrtm"])
def test_daleckii_krein_is_the_general_frechet_derivative(name, rng):
    """At a symmetric X (an eigenvalue repeated too) evaluate's eigendecomposition form
    Q (F ⊙ (Qᵀ E Q)) Qᵀ is the Fréchet derivative of the general method (a nonsymmetric X)."""
    from matcalc.core import matrix_functions as mf
    general = {"expm": mf._expm_frechet, "logm": mf._logm_frechet, "sqrtm": mf._sqrtm_frechet}
    b = rng.standard_normal((4, 4))
    e = rng.standard_normal((4, 4))
    q, _ = np.linalg.qr(b)
    for s in (b @ b.T + np.eye(4), q @ np.diag([1.0, 1.0, 2.0, 3.0]) @ q.T):
        s = (s + s.T) / 2
        assert np.allclose(mf.MATRIX_FUNCTIONS[name].frechet(s, e), general[name](s, e),
                           rtol=1e-9, atol=1e-11)


@pytest.mark.parametrize("name", ["logm", "sqrtm"])
def test_a_symmetric_argument_on_the_cut_is_refused(name):
    from matcalc.core.matrix_functions import MATRIX_FUNCTIONS
    with pytest.raises(OutsideDomainError, match="eigenvalue -2"):
        MATRIX_FUNCTIONS[name].frechet(np.diag([1.0, -2.0]), np.eye(2))


def test_jax_grad_through_expm_is_the_reference(rng):
    """jax.grad of u' expm(X) v (jax.scipy.linalg.expm) is the denominator closed form."""
    jax = pytest.importorskip("jax")
    ready("jax")
    import jax.numpy as jnp
    x, u, v = rng.standard_normal((3, 3)), rng.standard_normal(3), rng.standard_normal(3)
    grad = jax.grad(lambda m: jnp.dot(u, jax.scipy.linalg.expm(m) @ v))(jnp.asarray(x))
    d = derive("u' expm(X) v", "X", layout="denominator")
    assert np.allclose(d.evaluate(X=x, u=u, v=v), np.asarray(grad), rtol=1e-10, atol=1e-12)
    trace = jax.grad(lambda m: jnp.trace(jnp.asarray(x.T) @ jax.scipy.linalg.expm(m)))(
        jnp.asarray(x))
    d = derive("tr(A expm(X))", "X", layout="denominator")
    assert np.allclose(d.evaluate(X=x, A=x.T), np.asarray(trace), rtol=1e-10, atol=1e-12)


# -- conditions and refusals ------------------------------------------------------------------

def test_conditions_are_stated():
    assert derive("tr(logm(X))", "X").conditions == (BRANCH,)
    assert derive("u' sqrtm(A X) v", "X").conditions == \
        ("A X has no eigenvalue on the closed negative real axis",)
    assert derive("tr(expm(X))", "X").conditions == ()
    assert build("tr(logm(X))", "X")["conditions"] == [BRANCH]
    assert f"holds when:\n  {BRANCH}" in str(derive("tr(logm(X))", "X").steps())


def test_the_command_line_says_where_it_holds(capsys):
    from matcalc.cli import main
    assert main(["tr(logm(X))", "--wrt", "X"]) == 0
    assert capsys.readouterr().out == f"X⁻¹\nholds when {BRANCH}\n"
    assert f"X⁻¹\n        holds when {BRANCH}\n" in derive("tr(logm(X))", "X").to_source()


@pytest.mark.parametrize("expr", ["logm(X)", "sqrtm(X)", "L_log(X, B)", "J_sqrt(X)"])
def test_evaluate_refuses_the_branch_cut(expr):
    with pytest.raises(OutsideDomainError, match="closed negative real axis"):
        value(expr, X=np.diag([2.0, -1.0]), **({"B": np.ones((2, 2))} if "B" in expr else {}))


def test_check_draws_points_off_the_cut():
    result = derive("u' logm(X) v", "X").check()
    assert result.ok and result.points == 3


def test_second_frechet_derivatives_are_refused():
    with pytest.raises(UnsupportedError, match="second Fréchet derivative of expm"):
        hessian("u' expm(X) v", "X")


def test_a_hessian_through_a_closed_form(rng):
    """tr(expm(X)) has the gradient expm(X)ᵀ, whose derivative is a vec Jacobian again."""
    d = hessian("tr(expm(X))", "X")
    assert str(d) == "K_{m_X,m_X} J_exp(X)"
    assert d.check().ok


def test_shapes_are_checked():
    with pytest.raises(ShapeError, match="expm needs a square matrix"):
        derive("sum(expm(W))", "W", vars={"W": "matrix(2,3)"})
    with pytest.raises(ShapeError, match="L_exp"):
        derive("sum(L_exp(X, B))", "X", vars={"X": "matrix(2,2)", "B": "matrix(3,3)"})


def test_a_scalar_argument_is_the_scalar_function():
    assert str(derive("expm(a)", "a", vars={"a": "scalar"})) == "exp(a)"


# -- generated code ---------------------------------------------------------------------------

CODE_CASES = [("u' expm(X) v", "X", None), ("expm(X)", "X", None), ("tr(A expm(X))", "X", None),
              ("u' sqrtm(X) v", "X", CUT), ("sqrtm(X)", "X", CUT), ("u' logm(X) v", "X", CUT),
              ("tr(logm(X) A)", "X", CUT), ("logm(X)", "X", CUT)]


@pytest.mark.parametrize("expr, wrt, domains", CODE_CASES, ids=[c[0] for c in CODE_CASES])
@pytest.mark.parametrize("layout", ["numerator", "denominator"])
def test_generated_code_agrees(expr, wrt, domains, layout, rng):
    """Every backend computes each matrix function and its Fréchet derivative (jax and torch
    logm and sqrtm by codegen/matrix_roots.py); evaluate is checked against differences."""
    d = check_derivative(expr, wrt, SQ, SIZES, domains, layout, rng=rng)
    check_generated(d, expr, SIZES, domains, SQ, (), rng, INSTALLED)


@pytest.mark.parametrize("expr", ["u' expm(S) v", "tr(A expm(S))"])
@pytest.mark.parametrize("layout", ["numerator", "denominator"])
def test_generated_code_for_a_symmetric_argument_uses_one_eigh(expr, layout, rng):
    """L_exp(S, E) with S symmetric by structure is shown and generated as the Daleckii–Krein
    form (one eigh), also where eigenvalues repeat (F's diagonal limit e^λ) or are far
    apart."""
    vars = {"S": "symmetric(n)", "A": "matrix(n,n)", "u": "vector(n)", "v": "vector(n)"}
    d = derive(expr, "S", vars=vars, layout=layout)
    for backend in INSTALLED:
        assert d.to_source(backend).count("_eigh(S)") == 1
    m = rng.standard_normal((4, 4))
    spread = np.diag([-30.0, 0.0, 0.0, 5.0])
    for s in ((m + m.T) / 2, np.eye(4), spread):
        point = {"S": s, "A": rng.standard_normal((4, 4)), "u": rng.standard_normal(4),
                 "v": rng.standard_normal(4)}
        point = {k: val for k, val in point.items() if k in d.variables}
        want = d.evaluate(**point)
        for backend in INSTALLED:
            got = d.to_function(ready(backend))(**point)
            assert np.allclose(np.asarray(got), want, rtol=1e-10, atol=1e-12), backend
    check_derivative(expr, "S", vars, layout=layout, sizes={"n": 4}, rng=rng)


def test_each_matrix_function_declares_its_code_on_every_backend():
    """A `MatrixCode` whose helpers the backend defines, or the reason it has none (the
    refusals above print it)."""
    from matcalc.codegen.backends import BACKENDS
    from matcalc.core.matrix_functions import MATRIX_FUNCTIONS, MatrixCode
    for f in MATRIX_FUNCTIONS.values():
        assert set(f.code) == set(BACKENDS), f.name
        for name, code in f.code.items():
            if isinstance(code, str):
                assert code.startswith(f"{name} has no "), (f.name, name)
                continue
            assert isinstance(code, MatrixCode) and "{0}" in code.value
            helpers = BACKENDS[name].helpers
            assert all(h in helpers for h in (code.frechet, code.frechet_symmetric) if h), \
                (f.name, name)
