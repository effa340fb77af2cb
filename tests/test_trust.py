"""Trust shown with the answer: d.check() against finite differences, equivalent() on a user's
own derivation, and the --check / --claim options."""
from __future__ import annotations

import pytest

from matcalc import Derivative, derive, equivalent, hessian
from matcalc.cli import main


@pytest.mark.parametrize("expr, wrt, vars", [
    ("x' A x", "x", None), ("Y = A X + B; f(Y)", "X", None), ("logdet(S)", "S", {"S": "spd"}),
    ("log(W x)", "x", None), ("A X B", "X", None), ("tanh(a x)", "a", None),
    ("sum(log(1 + exp(-y .* (X w))))", "w", None),
])
@pytest.mark.parametrize("layout", ["numerator", "denominator"])
def test_check_agrees_on_correct_derivatives(expr, wrt, vars, layout):
    result = derive(expr, wrt, vars, layout=layout).check()
    assert result.ok and result.points == 3 and "agrees" in str(result)


def test_check_of_a_hessian():
    assert hessian("x' A x", "x").check().ok


def test_check_catches_a_wrong_closed_form():
    d = derive("x' A x", "x")
    wrong = Derivative(d.program, d.variable, d.layout, derive("2 x' A x", "x").expr)
    result = wrong.check()
    assert not result.ok and "DISAGREES" in str(result)


@pytest.mark.parametrize("claim, expr, wrt, layout, vars, verdict", [
    ("x' (A + A')", "x' A x", "x", "numerator", None, "proves"),
    ("A' x + A x", "x' A x", "x", "denominator", None, "proves"),
    ("2 (X theta - y)' X", "z = X theta - y; z' z", "theta", "numerator",
     {"theta": "vector"}, "proves"),
    ("z I", "x z", "x", "numerator", {"z": "scalar"}, "proves"),
    ("A' df_dY", "Y = A X + B; f(Y)", "X", "denominator", None, "proves"),
    ("W' ⊗ I", "X W", "X", "numerator", {"X": "matrix(n,m)"}, "proves"),
    ("(A + A') x", "x' A x", "x", "numerator", None, "transpose"),
    ("-W", "W x", "x", "numerator", None, "opposite sign"),
    ("4 x' A", "x' A x", "x", "numerator", {"A": "symmetric"}, "factor 2"),
    ("2 A x", "x' A x", "x", "numerator", None, "shape"),
    ("x' A", "x' A x", "x", "numerator", None, "differs"),
    ("q", "W x", "x", "numerator", None, "does not have"),
    ("A df_dY", "Y = A X + B; f(Y)", "X", "numerator", None, "do not fit"),
])
def test_equivalent(claim, expr, wrt, layout, vars, verdict):
    result = equivalent(claim, expr, wrt, vars, layout)
    assert verdict in str(result)
    assert bool(result) == (verdict in ("proves", "equal at"))


def test_cli_check_and_claim(capsys):
    assert main(["x' A x", "--wrt", "x", "--check", "--claim", "x' (A + A')"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "xᵀ (A + Aᵀ)" and out[1].startswith("claim: equal")
    assert out[2].startswith("check: agrees")
    assert main(["x' A x", "--wrt", "x", "--claim", "2 x' A"]) == 1
    assert "claim: your answer differs" in capsys.readouterr().out
