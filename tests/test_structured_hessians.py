"""Hessians by diagonal, lower triangular and symmetric variables in their short forms (rules
diagonal-selection, lower-selection, commutation-involution), checked against mixed central
differences of the function along admissible directions, independently of matcalc's
projections, in both layouts, and read back."""
from __future__ import annotations

import numpy as np
import pytest
from numeric import assert_close, vec

from matcalc import derive, hessian, value

N = 3
CASES = [  # (expression, variable, declaration, numerator Hessian)
    ("logdet(D)", "D", "diagonal(n)", "-diag(vec((D⁻¹).^2))"),
    ("tr(D D D)", "D", "diagonal(n)", "6 diag(vec(D))"),
    ("x' inv(D) x", "D", "diagonal(n)", "2 diag(vec(D⁻¹ ⊙ (D⁻¹ x xᵀ D⁻¹)))"),
    ("logdet(L)", "L", "lowertri(n)", "-diag(vec(L⁻¹ ⊙ L⁻ᵀ))"),
    ("tr(S A S B)", "S", "symmetric(n)", "U (Aᵀ ⊗ B + Bᵀ ⊗ A) U / 4  where U = K_{n,n} + I"),
]


def _point(expr: str, wrt: str, kind: str, rng) -> dict:
    m = rng.standard_normal((N, N))
    value_of = {"diagonal": np.diag(rng.uniform(0.5, 1.5, N)),
                "lowertri": np.tril(m) + N * np.eye(N), "symmetric": m + m.T}[kind]
    point = {wrt: value_of}
    for name in ("A", "B"):
        if f"{name} " in f"{expr} " or f"{name})" in expr:
            point[name] = rng.standard_normal((N, N))
    if "x" in expr:
        point["x"] = rng.standard_normal(N)
    return point


def _projected(kind: str, m: np.ndarray) -> np.ndarray:
    return {"diagonal": np.diag(np.diag(m)), "lowertri": np.tril(m),
            "symmetric": (m + m.T) / 2}[kind]


def _admissible(kind: str, rng) -> np.ndarray:
    return _projected(kind, rng.standard_normal((N, N)))


@pytest.mark.parametrize("layout", ["numerator", "denominator"])
@pytest.mark.parametrize("expr, wrt, declared, shown", CASES, ids=[c[0] for c in CASES])
def test_short_structured_hessians(expr, wrt, declared, shown, layout, rng):
    vars, kind = {wrt: declared}, declared.split("(")[0]
    hess = hessian(expr, wrt, vars, layout=layout)
    if layout == "numerator":
        assert str(hess) == shown
    for _ in range(2):
        point = _point(expr, wrt, kind, rng)
        e1, e2 = _admissible(kind, rng), _admissible(kind, rng)
        h = 1e-4

        def f(s, t):
            return float(value(expr, vars, **{**point, wrt: point[wrt] + s * e1 + t * e2}))
        mixed = (f(h, h) - f(h, -h) - f(-h, h) + f(-h, -h)) / (4 * h * h)
        matrix = np.asarray(hess.evaluate(**point))
        assert_close(vec(e1) @ matrix @ vec(e2), np.array(mixed), rtol=1e-5, atol=1e-6)
        m = rng.standard_normal((N, N))
        normal = m - _projected(kind, m)  # orthogonal to every admissible direction
        assert_close(matrix @ vec(normal), np.zeros(N * N))
        assert_close(np.asarray(value(str(hess), hess.declarations, **point)), matrix)
    assert hess.check().ok


def test_a_transpose_of_a_symmetric_argument_is_absorbed():
    """K (K + I) = K + I: the Jacobian of (S + A)ᵀ by a symmetric S is the projection."""
    vars = {"S": "symmetric(n)", "A": "matrix(n,n)"}
    d = derive("(S + A)'", "S", vars)
    assert str(d) == "(K_{n,n} + I) / 2"
    assert d.check().ok
