"""A condition another stated condition (or a declaration) implies is left unstated, and the
result is right, by central differences, at points where only the stated conditions hold:
expm(X) is non-singular everywhere (det expm(X) = e^tr X); sqrtm(X) wherever X has no eigenvalue
on the closed negative real axis (0 is on it); a variable declared spd(n) or orthogonal(n) is
non-singular; "S is symmetric positive definite" implies "S is symmetric", non-singular and off
the branch cut; full rank and nonzero singular values make a square M non-singular. A needed
condition stays: logm(X) is singular where X has the eigenvalue 1."""
from __future__ import annotations

import numeric as nm
import numpy as np
import pytest
import scipy.linalg

from matcalc import derive, value
from matcalc.core.factorisations import FULL_COLUMN_RANK, NONSINGULAR, SPD
from matcalc.core.spectral import SPECTRAL
from matcalc.domain import _IMPLIES, DISTINCT_NONZERO, FULL_RANK, OFF_CUT, SYMMETRIC
from matcalc.errors import OutsideDomainError

CUT = "X has no eigenvalue on the closed negative real axis"


def _near_zero_off_cut(rng, n: int = 3) -> np.ndarray:
    """A real X with the eigenvalues 0.05 ± 0.3i and 0.1: off the closed negative real axis
    but close to 0, so that sqrtm(X) is close to singular."""
    block = np.array([[0.05, 0.3, 0.0], [-0.3, 0.05, 0.0], [0.0, 0.0, 0.1]])[:n, :n]
    v = np.linalg.qr(rng.standard_normal((n, n)))[0] + 0.3 * rng.standard_normal((n, n))
    return v @ block @ np.linalg.inv(v)


def _assert_along(expr: str, wrt: str, vars: dict | None, point: dict, direction) -> None:
    """tr(M E) of the numerator-layout derivative M against the central difference along E
    (a direction that keeps the point inside the function's domain)."""
    h = 1e-6
    along = [value(expr, vars, **{**point, wrt: point[wrt] + t * direction}) for t in (h, -h)]
    want = (along[0] - along[1]) / (2 * h)
    got = np.trace(np.asarray(derive(expr, wrt, vars=vars).evaluate(**point)) @ direction)
    assert abs(got - want) <= 1e-6 * max(1.0, abs(want)), (expr, got, want)


def _assert_right_at(expr: str, wrt: str, vars: dict | None, point: dict) -> None:
    """The derivative, in both layouts, against central differences at `point`."""
    for layout in ("numerator", "denominator"):
        d = derive(expr, wrt, vars=vars, layout=layout)
        want = nm.reference(expr, wrt, vars, point, layout)
        got = nm.as_displayed(d.evaluate(**point), want)
        nm.assert_close(got, want, 1e-5, 1e-6, f"d/d{wrt} of {expr!r} ({layout})")


@pytest.mark.parametrize("expr, before, after", [
    ("logdet(expm(X))", ("expm(X) is non-singular",), ()),
    ("tr(inv(expm(X)))", ("expm(X) is non-singular",), ()),
    ("tr(sqrtm(X))", (CUT, "sqrtm(X) is non-singular"), (CUT,)),
    ("logdet(sqrtm(X))", (CUT, "sqrtm(X) is non-singular"), (CUT,)),
    ("tr(inv(sqrtm(X)))", (CUT, "sqrtm(X) is non-singular"), (CUT,)),
])
def test_a_matrix_function_non_singular_where_defined(expr, before, after, rng):
    """`before` was stated; `after` is: the dropped clause follows from the others (expm
    always; sqrtm off the cut), shown at random X (expm) and at X off the cut with eigenvalues
    near 0 (sqrtm)."""
    d = derive(expr, "X")
    assert d.conditions == after and set(after) < set(before)
    for _ in range(2):
        x = _near_zero_off_cut(rng) if after else rng.standard_normal((3, 3))
        _assert_right_at(expr, "X", None, {"X": x})


@pytest.mark.parametrize("expr, vars", [
    ("logdet(S)", {"S": "spd(n)"}),
    ("tr(inv(S))", {"S": "spd(n)"}),
    ("tr(logm(S))", {"S": "spd(n)"}),
    ("tr(sqrtm(S))", {"S": "spd(n)"}),
    ("u' solve(S, v)", {"S": "spd(n)"}),
])
def test_a_declaration_guarantees_non_singular(expr, vars, rng):
    """Was "S is non-singular" ("sqrtm(S) is non-singular"): a declared spd S is
    non-singular, its value checked when evaluated; checked at declared (spd) points."""
    wrt = next(iter(vars))
    assert derive(expr, wrt, vars=vars).conditions == ()
    for layout in ("numerator", "denominator"):
        nm.check_derivative(expr, wrt, vars, {"n": 3}, None, layout, rng=rng)


def test_an_orthogonal_variable_is_non_singular(rng):
    """Was "Q is non-singular": Q⁻¹ = Qᵀ of a declared orthogonal Q; its derivative along the
    tangent directions Q K (K skew: the curve Q expm(t K) stays orthogonal), at Q of
    determinant −1 and 1, against central differences."""
    expr, vars = "tr(inv(Q) A) + logdet(Q)", {"Q": "orthogonal(n)", "A": "matrix(n,n)"}
    d = derive(expr, "Q", vars=vars)
    assert d.conditions == ()
    a, h = rng.standard_normal((3, 3)), 1e-6
    for sign in (-1.0, 1.0):
        q = np.linalg.qr(rng.standard_normal((3, 3)))[0] @ np.diag([sign, 1.0, 1.0])
        k = rng.standard_normal((3, 3))
        k = k - k.T
        along = [value(expr, vars, Q=q @ scipy.linalg.expm(t * k), A=a) for t in (h, -h)]
        want = (along[0] - along[1]) / (2 * h)
        got = np.trace(np.asarray(d.evaluate(Q=q, A=a)) @ q @ k)
        assert abs(got - want) <= 1e-6 * max(1.0, abs(want)) and abs(want) > 1e-3


@pytest.mark.parametrize("expr, before, after", [
    ("eigmax(S) + tr(chol(S))", ("S is symmetric positive definite", "S is symmetric",
                                 "the largest eigenvalue of S is simple"),
     ("S is symmetric positive definite", "the largest eigenvalue of S is simple")),
    ("nucnorm(X) + logdet(X)", ("X is non-singular", "X has full rank"), ("X has full rank",)),
    ("u' pinv(X) v + logdet(X)", ("X has full column rank", "X is non-singular"),
     ("X has full column rank",)),
    ("tr(logm(X X' + I)) + tr(chol(X X' + I))",
     ("X Xᵀ + I is symmetric positive definite",
      "X Xᵀ + I has no eigenvalue on the closed negative real axis"),
     ("X Xᵀ + I is symmetric positive definite",)),
])
def test_a_stated_condition_implies_another(expr, before, after, rng):
    """The weaker clause is left out; checked at points where the remaining ones hold."""
    wrt = "S" if "S" in expr else "X"
    d = derive(expr, wrt)
    assert d.conditions == after and set(after) < set(before)
    for _ in range(2):
        if wrt == "S":  # (chol reads S as symmetric: symmetric directions)
            e = rng.standard_normal((3, 3))
            _assert_along(expr, "S", None, {"S": nm.sampler("spd")(rng, (3, 3))}, e + e.T)
            continue
        point = {"X": nm.sampler("well_conditioned")(rng, (3, 3))}
        point.update({k: rng.standard_normal(3) for k in ("u", "v") if f"{k}'" in expr
                      or f" {k}" in expr})
        _assert_right_at(expr, wrt, None, point)


def test_nonzero_singular_values_imply_full_rank_and_non_singular(rng):
    expr = "y' svals(X) + nucnorm(X) + logdet(X)"
    vars = {"X": "matrix(n,n)", "y": "vector(n)"}
    d = derive(expr, "X", vars=vars)
    assert d.conditions == ("the singular values of X are distinct and nonzero",)
    for _ in range(2):
        point = {"X": nm.sampler("well_conditioned")(rng, (3, 3)), "y": rng.standard_normal(3)}
        _assert_right_at(expr, "X", vars, point)


def test_logm_non_singular_is_still_stated():
    """logm(X) is singular where X has the eigenvalue 1 (off the cut): its inverse needs it."""
    x = np.diag([1.0, 2.0, 3.0])  # off the cut, logm(X) = diag(0, log 2, log 3)
    assert np.linalg.matrix_rank(value("logm(X)", X=x)) == 2
    for expr in ("logdet(logm(X))", "tr(inv(logm(X)))"):
        d = derive(expr, "X")
        assert d.conditions == (CUT, "logm(X) is non-singular")
        with pytest.raises(OutsideDomainError, match="logm\\(X\\) is singular"):
            d.evaluate(X=x)


def test_the_implications_are_between_declared_sentences():
    """Each sentence of the implication table is a condition some declaration states (a
    reworded declaration would otherwise silently stop an implication)."""
    declared = {SPD, NONSINGULAR, FULL_COLUMN_RANK, OFF_CUT, SYMMETRIC,
                *(f.condition for f in SPECTRAL.values())}
    assert {FULL_RANK, DISTINCT_NONZERO} <= declared
    for stronger, weakers in _IMPLIES.items():
        assert {stronger, *weakers} <= declared


@pytest.mark.parametrize("expr, stated", [
    ("tr(chol(expm(X)))", ("expm(X) is symmetric positive definite",)),
    ("tr(chol(sqrtm(X)))", ("X has no eigenvalue on the closed negative real axis",
                            "sqrtm(X) is symmetric positive definite")),
    ("tr(chol(chol(S)))", ("S is symmetric positive definite",
                           "chol(S) is symmetric positive definite"))])
def test_a_value_non_singular_where_defined_still_needs_the_other_conditions(expr, stated):
    """expm(X) is non-singular for every X, not symmetric positive definite: chol of it keeps
    its condition (only non-singularity and full column rank follow from invertibility), and
    evaluate refuses a point where it fails."""
    wrt = "X" if "X" in expr else "S"
    d = derive(expr, wrt, {wrt: "matrix"})
    assert d.conditions == stated
    if wrt == "X":
        with pytest.raises(OutsideDomainError):
            d.evaluate(X=np.array([[0.0, 1.0], [0.0, 0.0]]))  # expm: [[1, 1], [0, 1]]
