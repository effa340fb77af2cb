"""Sizes typed as results print them mean one thing everywhere: in a program as in a claim,
`n_x` is the length of the program's vector x and `m_X`, `n_X` are the rows and columns of its
matrix X (declared or inferred, merged sizes too: n_N of a square N is m_N). A variable named
like a size (n_x beside an x) needs a declaration. Every derivative pinned here is checked
against central finite differences (tests/numeric.py).
"""
from __future__ import annotations

import numpy as np
import pytest
from numeric import check_derivative

from matcalc import derive, equivalent, value
from matcalc.cli import main


@pytest.mark.parametrize("layout, shown", [("numerator", "𝟏_{n_x}ᵀ / n_x"),
                                           ("denominator", "𝟏_{n_x} / n_x")])
def test_n_x_in_a_program_is_the_length_of_x(layout, shown, rng):
    d = check_derivative("sum(x) / n_x", "x", layout=layout, rng=rng)
    assert str(d) == shown == str(derive("mean(x)", "x", layout=layout))
    assert d.variables == {"x": "vector(n_x)"}
    assert equivalent("ones_{n_x}^T / n_x", "sum(x) / n_x", "x")
    x = rng.normal(size=5)
    assert np.isclose(value("sum(x) / n_x", x=x), x.mean())


def test_a_size_read_before_its_variable_is_that_variable_s(rng):
    """n_x * sum(x): n_x comes first; by x in denominator layout it is n_x 𝟏 (n_x read as a
    vector variable of its own printed 𝟏_{n_x} n_xᵀ)."""
    d = check_derivative("n_x * sum(x)", "x", layout="denominator", rng=rng)
    assert str(d) == "n_x 𝟏_{n_x}"
    assert list(d.program.variables) == ["x"]
    assert np.allclose(d.evaluate(x=np.ones(4)), np.full(4, 4.0))


def test_a_size_of_a_variable_in_a_constant_s_subscript(rng, capsys):
    """a sum(ones_{n_x}) + sum(x) by a is n_x: --check runs, --code takes n_x from x."""
    expr = "a * sum(ones_{n_x}) + sum(x)"
    d = check_derivative(expr, "a", rng=rng)
    assert str(d) == "n_x"
    assert d.evaluate(a=0.5, x=np.ones(3)) == 3.0
    assert d.check().ok
    assert d.to_function()(0.5, np.ones(7)) == 7.0
    assert main([expr, "--wrt", "a", "--check"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "n_x" and out[1].startswith("check: agrees"), out
    assert main([expr, "--wrt", "a", "--code", "numpy"]) == 0
    assert "n_x = x.shape[0]" in capsys.readouterr().out


@pytest.mark.parametrize("expr, wrt, vars, shown", [
    ("sum(X) / (m_X n_X)", "X", None, "𝟏_{n_X} 𝟏_{m_X}ᵀ / (m_X n_X)"),
    ("n_S tr(S)", "S", {"S": "spd"}, "m_S I_{m_S}"),                # n_S = m_S: merged
    ("sum(m_x .* x)", "x", None, None),                          # m_x names no size of x
    ("n_x x", "x", {"x": "vector(k)"}, "k I_k"),                  # a declared size
    ("n_x x", "x", {"x": "vector(3)"}, "3 I_3"),
])
def test_the_sizes_of_matrices_and_declared_variables(expr, wrt, vars, shown, rng):
    d = check_derivative(expr, wrt, vars, rng=rng)
    if shown is not None:
        assert str(d) == shown
    else:
        assert "m_x" in d.program.variables  # a vector variable, as before


def test_a_declared_n_x_is_a_variable(rng):
    d = check_derivative("n_x * sum(x)", "x", {"n_x": "scalar"}, rng=rng)
    assert str(d) == "n_x 𝟏_{n_x}ᵀ"
    assert d.variables == {"n_x": "scalar", "x": "vector(n_x)"}
    assert np.allclose(d.evaluate(n_x=2.5, x=np.ones(3)), np.full(3, 2.5))
    assert np.allclose(value(str(d), d.declarations, n_x=2.5, x=np.ones(3)), np.full(3, 2.5))
    vector = check_derivative("n_x * sum(x)", "x", {"n_x": "vector"}, rng=rng)
    assert vector.variables == {"n_x": "vector(n_n_x)", "x": "vector(n_x)"}


def test_without_its_variable_n_x_is_a_variable(rng):
    d = check_derivative("sum(n_x .* y)", "y", rng=rng)
    assert d.variables == {"n_x": "vector(n_n_x)", "y": "vector(n_n_x)"}


def test_a_claim_names_either_size_of_a_square_matrix(rng, capsys):
    """tr(N - a) by a is -m_N; N is square, so n_N is the same size."""
    d = check_derivative("tr(N - a)", "a", rng=rng)
    assert str(d) == "-m_N"
    for claim in ("-n_N", "-m_N", "tr(-ones_{n_N} ones_{m_N}^T)"):
        assert equivalent(claim, "tr(N - a)", "a"), claim
        assert main(["tr(N - a)", "--wrt", "a", f"--claim={claim}"]) == 0
        assert "claim: equal" in capsys.readouterr().out
    assert "factor 2" in str(equivalent("-2 n_N", "tr(N - a)", "a"))
    assert equivalent("I_{n_X}", "tr(X)", "X")
    assert equivalent("I_{m_X}", "tr(X)", "X")
