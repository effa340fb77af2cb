"""Symmetric and spd variables. By a symmetric S, matcalc gives the derivative on the space of
symmetric matrices (the symmetric part of the unconstrained one): df = tr(G dS) for every
symmetric dS with G symmetric (so logdet(S) gives S⁻¹, Cookbook (57) restricted to symmetric
directions). Checked against finite differences along random symmetric directions."""
from __future__ import annotations

import numpy as np
import pytest
from numeric import assert_close, draw_point, variables, vec

from matcalc import EvaluationError, derive, value
from matcalc.core.ops import commutation_matrix

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
