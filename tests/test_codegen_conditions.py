"""Generated code refuses the points evaluate refuses (codegen/conditions.py).

At a point outside a derivative's conditions (a rank-deficient X of pinv(X), a singular A of
solve(A, v) or A⁻¹, an S of chol(S) that is not symmetric positive definite, a repeated
eigenvalue or singular value where an eigenvector or singular vector is needed, a matrix that
is not symmetric where eigenvalues are taken) evaluate raises OutsideDomainError; the numpy and
torch code raise ValueError naming the expression and the condition as the conditions list
states it, and the jax code (traced by jax.jit, where Python cannot raise) returns NaN. At a
point inside, the code still agrees with evaluate.
"""
from __future__ import annotations

import re

import numpy as np
import pytest
from test_codegen import INSTALLED, assert_agrees, ready

from matcalc import derive
from matcalc.errors import OutsideDomainError

VARS = {"A": "matrix(3,3)", "B": "matrix(3,3)", "T": "symmetric(3)", "X": "matrix(5,3)",
        "u": "vector(3)", "v": "vector(3)", "w": "vector(5)"}
_RANK_DEFICIENT = np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 1.0], [2.0, 1.0, 3.0],
                            [1.0, 3.0, 4.0], [0.0, 2.0, 2.0]])  # third column = first + second
_SINGULAR = np.outer([1.0, 2.0, 3.0], [1.0, -1.0, 2.0]) + np.outer([0.0, 1.0, 1.0],
                                                                     [2.0, 1.0, 0.0])
_ASYMMETRIC = np.array([[2.0, 1.0, 0.0], [0.0, 3.0, 0.0], [0.0, 0.0, 5.0]])

# (name, expression, variable, its values at a bad point, the condition that fails there)
CASES = [
    ("pinv", "u' pinv(X) w", "X", {"X": _RANK_DEFICIENT}, "X has full column rank"),
    ("solve", "u' solve(A, v)", "A", {"A": _SINGULAR}, "A is non-singular"),
    ("inv", "u' inv(A) v", "A", {"A": _SINGULAR}, "A is non-singular"),
    ("logdet", "logdet(A)", "A", {"A": _SINGULAR}, "A is non-singular"),
    ("chol", "tr(B chol(T))", "T", {"T": np.diag([1.0, -1.0, 2.0])},
     "T is symmetric positive definite"),
    ("chol asymmetric", "tr(B chol(A))", "A", {"A": _ASYMMETRIC},
     "A is symmetric positive definite"),
    ("eigmax", "eigmax(T)", "T", {"T": np.diag([1.0, 2.0, 2.0])},
     "the largest eigenvalue of T is simple"),
    ("eigmin", "eigmin(T)", "T", {"T": np.diag([1.0, 1.0, 2.0])},
     "the smallest eigenvalue of T is simple"),
    ("eigvals", "u' eigvals(T)", "T", {"T": np.diag([1.0, 1.0, 2.0])},
     "the eigenvalues of T are distinct"),
    ("eigmax asymmetric", "eigmax(A)", "A", {"A": _ASYMMETRIC}, "A is symmetric"),
    ("specnorm", "specnorm(A)", "A", {"A": np.diag([2.0, 2.0, 1.0])}, "σ₁(A) > σ₂(A)"),
    ("svals", "u' svals(A)", "A", {"A": np.diag([2.0, 2.0, 1.0])},
     "the singular values of A are distinct and nonzero"),
    ("nucnorm", "nucnorm(A)", "A", {"A": np.diag([1.0, 1.0, 0.0])}, "A has full rank"),
]
IDS = [c[0] for c in CASES]


def _derivative(expr: str, wrt: str):
    return derive(expr, wrt, vars={k: t for k, t in VARS.items()
                                   if re.search(rf"\b{k}\b", expr)})


def _good(d, rng) -> dict:
    """A random point inside every condition: A well conditioned with distinct singular values,
    T symmetric positive definite with distinct eigenvalues, X of full column rank."""
    point = {}
    for name in d.program.variables:
        if name in ("A", "T"):
            q, _ = np.linalg.qr(rng.standard_normal((3, 3)))
            point[name] = q @ np.diag([1.0, 2.0, 3.5]) @ q.T
        elif name == "X":
            point[name] = rng.standard_normal((5, 3))
        else:
            point[name] = rng.standard_normal(VARS[name] == "vector(5)" and 5 or 3
                                              if VARS[name].startswith("vector") else (3, 3))
    return point


def _bad(d, bad: dict, rng) -> dict:
    return {**_good(d, rng), **bad}


@pytest.mark.parametrize("name, expr, wrt, bad, condition", CASES, ids=IDS)
def test_evaluate_and_the_code_refuse_the_same_point(name, expr, wrt, bad, condition, rng):
    d = _derivative(expr, wrt)
    point = _bad(d, bad, rng)
    with pytest.raises(OutsideDomainError):
        d.evaluate(**point)
    for backend in INSTALLED:
        f = d.to_function(ready(backend))
        if backend == "jax":
            import jax

            out = np.asarray(jax.jit(f)(**point))
            assert np.isnan(out).all(), (backend, out)
            continue
        with pytest.raises(ValueError) as caught:
            f(**point)
        assert f"the condition '{condition}' does not hold here" in str(caught.value), backend


@pytest.mark.parametrize("name, expr, wrt, bad, condition", CASES, ids=IDS)
def test_the_code_agrees_with_evaluate_at_a_good_point(name, expr, wrt, bad, condition, rng):
    d = _derivative(expr, wrt)
    point = _good(d, rng)
    want = d.evaluate(**point)
    for backend in INSTALLED:
        got = d.to_function(ready(backend))(**point)
        assert_agrees(got, want, backend, lambda: d.to_source(backend))


def test_the_message_names_the_expression_and_its_condition():
    d = _derivative("u' pinv(X) w", "X")
    f = d.to_function("numpy")
    with pytest.raises(ValueError, match=r"^X⁺: the condition 'X has full column rank' does "
                                         r"not hold here$"):
        f(X=_RANK_DEFICIENT, u=np.ones(3), w=np.ones(5))
    assert "holds when X has full column rank" in d.to_source("numpy")


def test_the_tolerance_is_evaluates():
    """pinv(X) at condition numbers 1e14 and 1e9 (evaluate's bound is 1e12): both refuse the
    first and compute the second (the code bounds the spread of R's diagonal in X = Q R, a
    lower bound of the condition number, by evaluate's bound)."""
    u, _ = np.linalg.qr(np.arange(15.0).reshape(5, 3) ** 1.5 + np.eye(5, 3))
    v, _ = np.linalg.qr(np.array([[1.0, 2.0, 0.0], [0.0, 1.0, 3.0], [1.0, 0.0, 1.0]]))
    d = _derivative("u' pinv(X) w", "X")
    f = d.to_function("numpy")
    for smallest, refused in ((1e-14, True), (1e-9, False)):
        point = {"X": u @ np.diag([1.0, 0.5, smallest]) @ v.T, "u": np.ones(3), "w": np.ones(5)}
        if refused:
            with pytest.raises(OutsideDomainError):
                d.evaluate(**point)
            with pytest.raises(ValueError, match="full column rank"):
                f(**point)
        else:
            want = d.evaluate(**point)  # (of size 1e17: agreeing to its conditioning)
            assert np.allclose(f(**point), want, rtol=1e-4, atol=1e-4 * np.abs(want).max())


@pytest.mark.parametrize("expr, wrt", [("u' inv(A) v", "v"), ("u' solve(A, v)", "A"),
                                       ("logdet(A)", "A")])
def test_numpy_estimates_the_condition_number_as_evaluate_does(expr, wrt):
    """I minus the strict upper triangle of ones (n = 60) has unit pivots and condition number
    about 1e18: the pivots' spread (torch's and jax's check) misses it; evaluate and the numpy
    code estimate the condition number from the LU (LAPACK gecon) and both refuse it. A
    better-conditioned matrix with the same unit pivots (n = 20, about 1e6) is computed."""
    vars = {"A": "matrix(n,n)", "u": "vector(n)", "v": "vector(n)"}
    d = derive(expr, wrt, vars={k: t for k, t in vars.items() if re.search(rf"\b{k}\b", expr)})
    f = d.to_function("numpy")
    for n, refused in ((60, True), (20, False)):
        a = np.eye(n) - np.triu(np.ones((n, n)), 1)
        point = {name: value for name, value in
                 {"A": a, "u": np.ones(n), "v": np.ones(n)}.items() if name in d.variables}
        if refused:
            with pytest.raises(OutsideDomainError):
                d.evaluate(**point)
            with pytest.raises(ValueError, match="'A is non-singular' does not hold"):
                f(**point)
        else:
            want = d.evaluate(**point)
            assert np.allclose(f(**point), want, rtol=1e-8, atol=1e-8 * np.abs(want).max())


def test_a_structurally_symmetric_argument_is_not_checked_for_symmetry():
    """eigmax(A + Aᵀ) is symmetric by its form: the code checks only the eigenvalue gap."""
    source = _derivative("eigmax(A + A')", "A").to_source("numpy")
    assert "_symmetric(" not in source and "_simple(" in source
    assert "_symmetric(" in _derivative("eigmax(A)", "A").to_source("numpy")


def test_the_inverse_of_a_declared_spd_matrix_is_by_cholesky(rng):
    """logdet(S) by S is S⁻¹: numpy and torch compute it from S's Cholesky factor (n³ flops,
    the LU inverse's 2n³), agreeing with evaluate, and refuse an S that is not positive
    definite, as evaluate refuses the value."""
    d = derive("logdet(S)", "S", vars={"S": "spd(4)"})
    b = rng.standard_normal((4, 4))
    good, bad = b @ b.T + np.eye(4), np.diag([1.0, -1.0, 2.0, 3.0])
    with pytest.raises(Exception, match="declared spd"):
        d.evaluate(S=bad)
    for backend in INSTALLED:
        f = d.to_function(ready(backend))
        assert_agrees(f(S=good), d.evaluate(S=good), backend, lambda: d.to_source(backend))
        if backend != "jax":
            assert "_cho_inverse(S)" in d.to_source(backend)
            with pytest.raises(ValueError, match="'S is symmetric positive definite'"):
                f(S=bad)
