"""At the points where a function is not differentiable matcalc takes the subgradient numpy and
jax use (docs/language.md, "Kinks"), and never raises or returns NaN there."""
from __future__ import annotations

import numpy as np
import pytest

from matcalc import derive

AT_ZERO = np.array([0.0, -1.0, 2.0])


@pytest.mark.parametrize("expr, want", [
    ("relu(x)", np.diag([0.0, 0.0, 1.0])),          # relu′(0) = 0
    ("max(0, x)", np.diag([0.0, 0.0, 1.0])),
    ("abs(x)", np.diag([0.0, -1.0, 1.0])),          # abs′(0) = sign(0) = 0
    ("sign(x)", np.zeros((3, 3))),
    ("x > 0", np.zeros((3, 3))),
])
def test_derivative_at_zero(expr, want):
    np.testing.assert_array_equal(derive(expr, "x").evaluate(x=AT_ZERO), want)


def test_max_follows_the_second_argument_at_ties():
    d_u, d_v = derive("max(u, v)", "u"), derive("max(u, v)", "v")
    u = v = np.array([1.0, 2.0])
    np.testing.assert_array_equal(d_u.evaluate(u=u, v=v), np.zeros((2, 2)))
    np.testing.assert_array_equal(d_v.evaluate(u=u, v=v), np.eye(2))


def test_norm_at_zero_is_not_silently_finite():
    # ‖x‖ has no derivative at 0: the closed form xᵀ / ‖x‖ evaluates to NaN, never a number
    value = derive("norm2(x)", "x").evaluate(x=np.zeros(3))
    assert np.isnan(value).all()
