"""Derivative.evaluate computes the function's nodes that carry a condition (to refuse a point
outside the function's domain) and the closed form with one memo: a decomposition they share
runs once (eigmax(S) and v = eigvec_max(S): one eigh; nucnorm(X) and polar(X): one SVD), and
the refusals are those of the function's nodes, as before."""
from __future__ import annotations

import numeric as nm
import numpy as np
import pytest

from matcalc import derive
from matcalc.errors import OutsideDomainError


def _counting(monkeypatch, name: str) -> list:
    calls = []
    original = getattr(np.linalg, name)

    def counted(*args, **kwargs):
        calls.append(name)
        return original(*args, **kwargs)
    monkeypatch.setattr(np.linalg, name, counted)
    return calls


@pytest.mark.parametrize("expr, wrt, vars, decomposition", [
    ("eigmax(S)", "S", {"S": "symmetric(n)"}, "eigh"),
    ("u' eigvals(S)", "S", {"S": "symmetric(n)"}, "eigh"),
    ("u' expm(S) v", "S", {"S": "symmetric(n)"}, "eigh"),
    ("nucnorm(X)", "X", {"X": "matrix(n,n)"}, "svd"),
])
def test_one_decomposition_per_evaluation(expr, wrt, vars, decomposition, monkeypatch, rng):
    d = nm.check_derivative(expr, wrt, vars, {"n": 20}, None, "numerator", points=1, rng=rng)
    a = rng.standard_normal((20, 20))
    point = {"S": a + a.T, "X": a, "u": rng.standard_normal(20), "v": rng.standard_normal(20)}
    point = {k: v for k, v in point.items() if k in d.variables}
    want = d.evaluate(**point)
    calls = _counting(monkeypatch, decomposition)
    assert np.array_equal(d.evaluate(**point), want)
    assert calls == [decomposition]


def test_the_function_still_refuses_first():
    """tr(logm(X)) by X is X⁻ᵀ, defined where logm(X) is not: logm(X) is refused; eigmax of a
    non-symmetric X names eigmax, not its eigenvector."""
    with pytest.raises(OutsideDomainError, match=r"^logm\(X\) is not defined here"):
        derive("tr(logm(X))", "X").evaluate(X=-np.eye(3))
    s = np.arange(9.0).reshape(3, 3)
    with pytest.raises(OutsideDomainError, match=r"^eigmax\(X\) needs a symmetric matrix"):
        derive("eigmax(X)", "X").evaluate(X=s)
