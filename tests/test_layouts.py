"""Every combination of output kind (scalar, vector, matrix) and variable kind, in both layouts,
checked against finite differences with the shapes language.md defines."""
from __future__ import annotations

import numpy as np
import pytest
from numeric import check_derivative

from matcalc import derive

VARS = {"a": "scalar", "x": "vector(n)", "X": "matrix(m,n)", "A": "matrix(p,m)",
        "B": "matrix(n,q)", "y": "vector(m)"}
SIZES = {"m": 3, "n": 4, "p": 2, "q": 3}
CASES = [  # (expression, variable, numerator shape)
    ("a^3", "a", (1, 1)),                      # scalar by scalar
    ("sum(exp(a x))", "x", (1, 4)),            # scalar by vector: a row
    ("y' X x", "X", (4, 3)),                   # scalar by matrix X (m × n): n × m
    ("tanh(a x)", "a", (4, 1)),                # vector by scalar: a column
    ("X tanh(x)", "x", (3, 4)),                # vector by vector: the Jacobian
    ("X' y", "X", (4, 12)),                    # vector by matrix: d vec / d vec(X)ᵀ
    ("a^2 X", "a", (3, 4)),                    # matrix by scalar: the tangent matrix
    ("X diag(x)", "x", (12, 4)),               # matrix by vector: d vec(F) / dxᵀ
    ("A X B", "X", (6, 12)),                   # matrix by matrix
]


@pytest.mark.parametrize("layout", ["numerator", "denominator"])
@pytest.mark.parametrize("expr, wrt, shape", CASES, ids=[c[0] for c in CASES])
def test_layout_shapes_and_values(expr, wrt, shape, layout, rng):
    d = check_derivative(expr, wrt, VARS, SIZES, layout=layout, rng=rng)
    point = {"a": 0.7, "x": np.ones(4), "X": np.ones((3, 4)), "A": np.ones((2, 3)),
             "B": np.ones((4, 3)), "y": np.ones(3)}
    got = np.atleast_2d(d.evaluate(**{k: v for k, v in point.items() if k in d.variables}))
    want = shape if layout == "numerator" else shape[::-1]
    assert got.size == want[0] * want[1]
    if 1 not in want:
        assert got.shape == want


def test_unused_variable_gives_a_zero_of_the_right_shape():
    d = derive("W x", "y", vars={"W": "matrix(2,3)", "y": "vector(4)"})
    assert str(d) == "0_{2×4}" and d.text(ascii=True) == "0_{2,4}"
    value = d.evaluate(W=np.ones((2, 3)), x=np.ones(3), y=np.ones(4))
    assert value.shape == (2, 4) and not value.any()
