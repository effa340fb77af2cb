"""Structured variables. By a symmetric S, matcalc gives the derivative on the space of
symmetric matrices (the symmetric part of the unconstrained one): df = tr(G dS) for every
symmetric dS with G symmetric (so logdet(S) gives S⁻¹, Cookbook (57) restricted to symmetric
directions). Checked against finite differences along random symmetric directions. Likewise
for diagonal, lower triangular and orthogonal variables (the Riemannian gradient on O(n))."""
from __future__ import annotations

import numpy as np
import pytest
from numeric import assert_close, draw_point, variables, vec
from test_codegen_backends import backend as required_backend

from matcalc import DeclarationError, EvaluationError, derive, hessian, value
from matcalc.cli import main
from matcalc.core.ops import commutation_matrix
from matcalc.core.structural import _SYMMETRIC_STRUCTURES
from matcalc.lower.structures import SYMMETRIC

CASES = [  # (expression, declarations, numerator form)
    ("logdet(S)", {"S": "spd(n)"}, "S⁻¹"),
    ("log(det(S))", {"S": "spd(n)"}, "S⁻¹"),
    ("tr(A S)", {"S": "symmetric(n)"}, "(A + Aᵀ) / 2"),
    ("x' S x", {"S": "symmetric(n)"}, "x xᵀ"),
    ("tr(S S)", {"S": "symmetric(n)"}, "2 S"),
    ("x' inv(S) x", {"S": "spd(n)"}, "-S⁻¹ x xᵀ S⁻¹"),
    ("0.5 logdet(S) + 0.5 (x - mu)' inv(S) (x - mu)", {"S": "spd(n)", "mu": "vector(n)"},
     "S⁻¹ (I - u uᵀ S⁻¹) / 2  where u = x - μ"),                      # Gaussian NLL, Bishop (2.118)
    ("A S", {"S": "symmetric(n)"}, "(I_n ⊗ A) (K_{n,n} + I) / 2"),
    ("S x", {"S": "symmetric(n)"}, "(xᵀ ⊗ I_n) (K_{n,n} + I) / 2"),
]
SIZES = {"n": 3}


def _symmetric_direction(rng, n):
    e = rng.standard_normal((n, n))
    return e + e.T


@pytest.mark.parametrize("layout", ["numerator", "denominator"])
@pytest.mark.parametrize("expr, vars, shown", CASES, ids=[c[0] for c in CASES])
def test_derivative_along_symmetric_directions(expr, vars, shown, layout, rng):
    d = derive(expr, "S", vars, layout=layout)
    if layout == "numerator":
        assert str(d) == shown
    for _ in range(2):
        point = draw_point(variables(d, SIZES), {"S": "spd"}, rng, [], vars)
        n = point["S"].shape[0]
        e, h = _symmetric_direction(rng, n), 1e-6
        plus = value(expr, vars, **{**point, "S": point["S"] + h * e})
        minus = value(expr, vars, **{**point, "S": point["S"] - h * e})
        directional = vec((np.asarray(plus) - np.asarray(minus)) / (2 * h))
        g = np.atleast_2d(d.evaluate(**point))
        if np.ndim(plus) == 0:  # scalar f: df = tr(G dS), G symmetric
            assert_close(g, g.T)
            assert_close(np.array([[np.trace(g @ e)]]), directional)
        else:  # d vec F = J vec(dS), J K = J
            jac = g if layout == "numerator" else g.T
            assert_close(jac @ vec(e), directional)
            assert_close(jac @ commutation_matrix(n, n), jac)


def test_a_symmetric_value_is_required():
    d = derive("logdet(S)", "S", {"S": "spd"})
    with pytest.raises(EvaluationError, match="symmetric"):
        d.evaluate(S=np.array([[2.0, 1.0], [0.0, 2.0]]))
    with pytest.raises(EvaluationError, match="positive definite"):
        d.evaluate(S=np.array([[1.0, 2.0], [2.0, 1.0]]))


def test_structured_declarations_are_square():
    d = derive("S x", "x", {"S": "symmetric(4)"})
    assert d.variables == {"S": "symmetric(4)", "x": "vector(4)"}
    assert str(derive("S'", "x", {"S": "spd", "x": "vector"})) == "0_{m_S m_S×n_x}"


# -- diagonal, lower triangular and orthogonal variables --------------------------------------
# By a structured X the derivative is the projection of the unconstrained one onto the tangent
# space: checked along admissible directions (the derivative agrees with finite differences)
# and along normal ones (it vanishes there), independently of matcalc's own projections.

N = 3
STRUCTURED_CASES = [  # (expression, declaration of X, numerator form)
    ("tr(A X)", "diagonal(n)", "diag(diag(A))"),
    ("logdet(X)", "diagonal(n)", "diag(diag(X⁻¹))"),
    ("x' X y", "diagonal(n)", "diag(diag(y xᵀ))"),
    ("A X", "diagonal(n)", "(I_n ⊗ A) diag(vec(I_n))"),
    ("tr(A X)", "lowertri(n)", "tril(Aᵀ)ᵀ"),
    ("logdet(X)", "lowertri(n)", "tril(X⁻ᵀ)ᵀ"),
    ("x' X y", "lowertri(n)", "tril(x yᵀ)ᵀ"),
    ("inv(X) y", "lowertri(n)", "-((yᵀ X⁻ᵀ) ⊗ X⁻¹) diag(vec(tril(𝟏_n 𝟏_nᵀ)))"),
    ("tr(A X)", "orthogonal(n)", "(A - Xᵀ Aᵀ Xᵀ) / 2"),
    ("x' X y", "orthogonal(n)", "(y xᵀ - Xᵀ x yᵀ Xᵀ) / 2"),
    ("norm2(A X - B)^2", "orthogonal(n)", "Xᵀ Aᵀ (B Xᵀ - A) + (A X - B)ᵀ A"),  # Procrustes
    ("X x", "orthogonal(n)", "(xᵀ ⊗ I_n) (I - (Xᵀ ⊗ X) K_{n,n}) / 2"),
    ("X' A X", "orthogonal(n)",
     "(((Xᵀ Aᵀ) ⊗ I_n) K_{n,n} + I_n ⊗ (Xᵀ A)) (I - (Xᵀ ⊗ X) K_{n,n}) / 2"),
    ("X' X", "orthogonal(n)", "0_{n n×n n}"),  # Xᵀ X = I on O(n)
]


def _expm(a: np.ndarray) -> np.ndarray:
    """The matrix exponential by its series (a is small: the finite-difference step)."""
    term, total = np.eye(len(a)), np.eye(len(a))
    for k in range(1, 30):
        term = term @ a / k
        total = total + term
    return total


def _structured_value(kind: str, rng) -> np.ndarray:
    m = rng.standard_normal((N, N))
    if kind == "diagonal":
        return np.diag(rng.uniform(0.5, 1.5, N))
    if kind == "lowertri":
        return np.tril(m) + N * np.eye(N)
    q, r = np.linalg.qr(m)
    return q * np.sign(np.diag(r))


def _directions(kind: str, x: np.ndarray, rng) -> tuple[np.ndarray, np.ndarray, callable]:
    """An admissible direction E, a normal one (orthogonal to every admissible direction) and
    the path t ↦ X(t) with X(0) = X, X'(0) = E that stays in the structure."""
    m, w = rng.standard_normal((N, N)), rng.standard_normal((N, N))
    if kind == "orthogonal":  # tangent Q Ω (Ω skew), normal Q S (S symmetric); geodesic
        omega = w - w.T
        return x @ omega, x @ (m + m.T), lambda t: x @ _expm(t * omega)
    tangent = np.diag(np.diag(w)) if kind == "diagonal" else np.tril(w)
    return tangent, m - (np.diag(np.diag(m)) if kind == "diagonal" else np.tril(m)), \
        lambda t: x + t * tangent


def _structured_point(expr: str, kind: str, rng) -> dict:
    point = {"X": _structured_value(kind, rng)}
    for name in ("A", "B"):
        if name in expr:
            point[name] = rng.standard_normal((N, N))
    for name in ("x", "y"):
        if name in expr:
            point[name] = rng.standard_normal(N)
    return point


@pytest.mark.parametrize("layout", ["numerator", "denominator"])
@pytest.mark.parametrize("expr, declared, shown", STRUCTURED_CASES,
                         ids=[f"{c[0]} by {c[1]}" for c in STRUCTURED_CASES])
def test_derivative_along_admissible_directions(expr, declared, shown, layout, rng):
    vars = {"X": declared}
    kind = declared.split("(")[0]
    d = derive(expr, "X", vars, layout=layout)
    if layout == "numerator":
        assert str(d) == shown
    for _ in range(2):
        point = _structured_point(expr, kind, rng)
        tangent, normal, path = _directions(kind, point["X"], rng)
        h = 1e-5
        plus = value(expr, vars, **{**point, "X": path(h)})
        minus = value(expr, vars, **{**point, "X": path(-h)})
        directional = vec((np.asarray(plus) - np.asarray(minus)) / (2 * h))
        shown_value = np.atleast_2d(d.evaluate(**point))
        numerator = shown_value if layout == "numerator" else shown_value.T
        jac = numerator.T.reshape(1, -1, order="F") if np.ndim(plus) == 0 else numerator
        assert_close(jac @ vec(tangent), directional, rtol=1e-6, atol=1e-8)
        assert_close(jac @ vec(normal), np.zeros_like(directional))
        if np.ndim(plus) == 0:  # the gradient G (denominator) is itself admissible
            g = numerator.T
            if kind == "orthogonal":
                assert_close(point["X"].T @ g, -(point["X"].T @ g).T)
            else:
                assert_close(g, np.diag(np.diag(g)) if kind == "diagonal" else np.tril(g))


@pytest.mark.parametrize("layout", ["numerator", "denominator"])
@pytest.mark.parametrize("expr, declared, shown", STRUCTURED_CASES,
                         ids=[f"{c[0]} by {c[1]}" for c in STRUCTURED_CASES])
def test_structured_forms_read_back(expr, declared, shown, layout, rng):
    d = derive(expr, "X", {"X": declared}, layout=layout)
    point = _structured_point(expr, declared.split("(")[0], rng)
    for text in (str(d), d.text()):
        assert_close(np.atleast_2d(value(text, d.declarations, **point)),
                     np.atleast_2d(d.evaluate(**point)))


HESSIAN_CASES = [("tr(X A X B)", "diagonal(n)"), ("logdet(X)", "diagonal(n)"),
                 ("tr(X A X B)", "lowertri(n)"), ("logdet(X)", "lowertri(n)"),
                 ("norm2(A X)^2", "lowertri(n)")]


@pytest.mark.parametrize("layout", ["numerator", "denominator"])
@pytest.mark.parametrize("expr, declared", HESSIAN_CASES, ids=[" by ".join(c) for c in
                                                                HESSIAN_CASES])
def test_the_hessian_is_projected_on_both_sides(expr, declared, layout, rng):
    """H vec(E) is the derivative of the (admissible) gradient along an admissible E, and H
    vanishes on normal directions from both sides: P H P."""
    vars, kind = {"X": declared}, declared.split("(")[0]
    hess = hessian(expr, "X", vars, layout=layout)
    gradient = derive(expr, "X", vars, layout="denominator")
    point = _structured_point(expr, kind, rng)
    tangent, normal, path = _directions(kind, point["X"], rng)
    h = 1e-5
    directional = vec((gradient.evaluate(**{**point, "X": path(h)})
                       - gradient.evaluate(**{**point, "X": path(-h)})) / (2 * h))
    matrix = np.asarray(hess.evaluate(**point))
    assert_close(matrix @ vec(tangent), directional, rtol=1e-6, atol=1e-8)
    assert_close(matrix @ vec(normal), np.zeros((N * N, 1)))
    assert_close(vec(normal).T @ matrix, np.zeros((1, N * N)))


RIEMANNIAN_CASES = ["tr(A X)", "x' X y", "norm2(A X - B)^2", "tr(X' A X B)",
                    "logsumexp(X x)", "norm2(X x - y)^2"]


@pytest.mark.parametrize("layout", ["numerator", "denominator"])
@pytest.mark.parametrize("expr", RIEMANNIAN_CASES)
def test_the_riemannian_hessian_on_the_orthogonal_group(expr, layout, rng):
    """Along a geodesic γ(t) = Q expm(tΩ) of O(n) (Ω skew), (f∘γ)''(0) = ⟨ξ, Hess f[ξ]⟩ for
    ξ = Q Ω (γ'' is normal, so the gradient does not enter); Hess f is symmetric and vanishes
    on normal directions Q S (S symmetric) from both sides."""
    vars = {"X": "orthogonal(n)"}
    hess = hessian(expr, "X", vars, layout=layout)
    for _ in range(2):
        point = _structured_point(expr, "orthogonal", rng)
        matrix = np.asarray(hess.evaluate(**point))
        assert_close(matrix, matrix.T)
        tangent, normal, path = _directions("orthogonal", point["X"], rng)
        h = 1e-4
        second = (value(expr, vars, **{**point, "X": path(h)}) - 2 * value(expr, vars, **point)
                  + value(expr, vars, **{**point, "X": path(-h)})) / h ** 2
        assert_close(vec(tangent).T @ matrix @ vec(tangent), np.array([[second]]), rtol=1e-5,
                     atol=1e-6)
        assert_close(matrix @ vec(normal), np.zeros((N * N, 1)))
        assert hess.check().ok


def test_orthogonal_products_cancel_in_hessians():
    """Qᵀ Q = Q Qᵀ = I (rule orthogonal-product) inside the projections: the Riemannian
    Hessian of ‖Q x − y‖² has no (Qᵀ ⊗ Q x)(xᵀ ⊗ I) term; ‖Q x‖² is constant on O(n)."""
    vars = {"X": "orthogonal(n)"}
    d = derive("norm2(X x - y)^2", "X", vars, layout="denominator")
    assert str(d) == "X x yᵀ X - y xᵀ"
    hess = hessian("norm2(X x - y)^2", "X", vars)
    assert str(hess) == ("(I - K_{n,n} (X ⊗ Xᵀ)) (I_n ⊗ (X x yᵀ) + (Xᵀ y xᵀ) ⊗ I_n) "
                         "(I - (Xᵀ ⊗ X) K_{n,n}) / 4")
    assert d.check().ok and hess.check().ok
    assert str(hessian("sum((X x) .^ 2)", "X", vars)) == "0_{n n×n n}"
    for layout in ("numerator", "denominator"):  # diag(X x) 𝟏 = X x, then (X x)ᵀ X = xᵀ
        assert str(derive("sum((X x) .^ 2)", "X", vars, layout=layout)) == "0_{n×n}"


@pytest.mark.parametrize("declared, bad, why", [
    ("diagonal", [[1.0, 0.0], [1e-6, 1.0]], "not diagonal"),
    ("lowertri", [[1.0, 1e-6], [0.0, 1.0]], "not lower triangular"),
    ("orthogonal", [[1.0, 0.0], [0.0, 1.0 + 1e-6]], "not orthogonal"),
    ("orthogonal", [[1.0, 1.0], [0.0, 1.0]], "not orthogonal"),
])
def test_evaluate_refuses_a_value_not_of_the_structure(declared, bad, why):
    d = derive("tr(A X)", "X", {"X": declared})
    with pytest.raises(EvaluationError, match=f"'X' is declared {declared} but its value is {why}"):
        d.evaluate(A=np.eye(2), X=np.array(bad))
    good = {"diagonal": np.diag([2.0, 3.0]), "lowertri": np.array([[1.0, 0.0], [2.0, 3.0]]),
            "orthogonal": np.array([[0.6, -0.8], [0.8, 0.6]])}[declared]
    d.evaluate(A=np.eye(2), X=good)  # accepted


@pytest.mark.parametrize("declared", ["diagonal", "lowertri", "orthogonal", "symmetric"])
def test_structured_declarations_take_one_size(declared):
    assert derive("X y", "y", {"X": f"{declared}(4)"}).variables == \
        {"X": f"{declared}(4)", "y": "vector(4)"}
    with pytest.raises(DeclarationError, match=f"a {declared} matrix \\(square\\) takes 1 size, "
                                               "got 2"):
        derive("tr(X)", "X", {"X": f"{declared}(2, 3)"})


def test_cli_orthogonal_variable(capsys):
    assert main(["tr(A X)", "--wrt", "X", "--var", "X:orthogonal(3)"]) == 0
    assert capsys.readouterr().out == "(A - Xᵀ Aᵀ Xᵀ) / 2\n"
    assert main(["tr(A X)", "--wrt", "X", "--var", "X:orthogonal(3)", "--layout",
                 "denominator"]) == 0
    assert capsys.readouterr().out == "(Aᵀ - X A X) / 2\n"


@pytest.mark.parametrize("declared", ["diagonal(n)", "lowertri(n)", "orthogonal(n)"])
def test_the_check_moves_along_the_structure(declared):
    for expr in ("tr(A X B X)", "A X y"):
        assert derive(expr, "X", {"X": declared}).check().ok


@pytest.mark.parametrize("backend", ["numpy", "jax", "torch"])
@pytest.mark.parametrize("expr, declared, shown", STRUCTURED_CASES,
                         ids=[f"{c[0]} by {c[1]}" for c in STRUCTURED_CASES])
def test_generated_code_computes_the_structured_derivative(expr, declared, shown, backend, rng):
    """(Generated code does not check a value's structure, as for symmetric variables.)"""
    if backend != "numpy":
        required_backend(backend)
    d = derive(expr, "X", {"X": declared}, layout="denominator")
    point = _structured_point(expr, declared.split("(")[0], rng)
    got = d.to_function(backend)(**point)
    assert_close(np.atleast_2d(np.asarray(got)), np.atleast_2d(d.evaluate(**point)))


def test_the_core_knows_the_symmetric_structures():
    """core/structural.py cannot read lower/structures.py (the pipeline is one-way): its list
    of the structures whose values are symmetric is the table's."""
    assert set(_SYMMETRIC_STRUCTURES) == set(SYMMETRIC)
