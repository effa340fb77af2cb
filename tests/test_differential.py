"""The differential form: df = tr(M dX) / dF = ... / d²f, checked numerically against
directional finite differences: df(X; V) = (f(X + hV) − f(X − hV)) / 2h and
d²f(X; V) = (f(X + hV) − 2 f(X) + f(X − hV)) / h²."""
from __future__ import annotations

import numpy as np
import pytest
from numeric import draw_point, variables

from matcalc import derive, differential, value
from matcalc.cli import main

CASES = [  # (expression, variable, order, printed)
    ("x' A x", "x", 1, "df = xᵀ (A + Aᵀ) dx"),
    ("x' A x", "x", 2, "d²f = 2 (dxᵀ A dx)"),
    ("inv(X)", "X", 1, "dF = -X⁻¹ dX X⁻¹"),                       # Cookbook (40)
    ("A X B", "X", 1, "dF = A dX B"),
    ("logdet(X)", "X", 1, "df = tr(X⁻¹ dX)"),                      # Cookbook (43)
    ("norm2(A X)^2", "X", 1, "df = 2 tr((A X)ᵀ A dX)"),
    ("norm2(A X)^2", "X", 2, "d²f = 2 tr((A dX)ᵀ A dX)"),
    ("tr(X' A X)", "X", 1, "df = tr(Xᵀ (A + Aᵀ) dX)"),
    ("tanh(W x)", "x", 1, "dF = (W dx) ⊙ (1 - tanh(W x).^2)"),
    ("sum(log(1 + exp(X w)))", "w", 2, "d²f = sum(σ(X w) ⊙ (X dw).^2 ⊙ (1 - σ(X w)))"),
]
SQUARE = {"inv(X)", "logdet(X)", "tr(X' A X)"}  # X must be square and invertible there


@pytest.mark.parametrize("expr, wrt, order, printed", CASES,
                         ids=[f"{c[0]} d^{c[2]}" for c in CASES])
def test_differential(expr, wrt, order, printed, rng):
    d = differential(expr, wrt, order=order)
    assert str(d) == printed
    here = variables(derive(expr, wrt))
    for _ in range(2):
        point = draw_point(here, {"X": "well_conditioned"} if expr in SQUARE else None, rng,
                           [], None)
        direction = rng.standard_normal(np.shape(point[wrt]))
        h = 1e-4 if order == 2 else 1e-6

        def f(t):
            return np.asarray(value(expr, **{**point, wrt: point[wrt] + t * direction}))
        if order == 1:
            want = (f(h) - f(-h)) / (2 * h)
        else:
            want = (f(h) - 2 * f(0) + f(-h)) / h**2
        got = np.asarray(d.evaluate(**point, **{"d" + wrt: direction}))
        np.testing.assert_allclose(got.reshape(want.shape), want, rtol=1e-4, atol=1e-6)


def test_latex_and_ascii():
    d = differential("norm2(A X)^2", "X", order=2)
    assert d.text(ascii=True) == "d2f = 2 tr((A dX)^T A dX)"
    assert d.latex().startswith(r"\mathrm{d}^2 f = 2 \operatorname{tr}")


def test_cli_form_differential(capsys):
    assert main(["inv(X)", "--wrt", "X", "--form", "differential"]) == 0
    assert capsys.readouterr().out.strip() == "dF = -X⁻¹ dX X⁻¹\nholds when X is non-singular"
    assert main(["x' A x", "--wrt", "x", "--form", "differential", "--hessian"]) == 0
    assert capsys.readouterr().out.strip() == "d²f = 2 (dxᵀ A dx)"
