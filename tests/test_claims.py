"""Claims are never judged wrongly: matcalc's own printed answers, claimed back, are "equal".

Every derivative of the identity table and of the seeds, in both layouts, in Unicode and ASCII,
with and without where clauses, is claimed with `equivalent` exactly as a user would: with the
declarations it was derived with, or none (sizes written as matcalc writes them, n_x, m_N,
𝟏_{n_x}, I_{m n}, are the program's sizes; ∂f/∂Y is the program's symbol). The random programs
of tests/program_gen.py get the same property in tests/test_properties.py. The cases of the
report that found wrong verdicts are pinned with their values.
"""
from __future__ import annotations

import numpy as np
import pytest
import test_identities as identities
import test_seeds as seeds
from program_checks import printed_forms

from matcalc import MatcalcError, derive, equivalent
from matcalc.cli import main


def _cases() -> list:
    rows = [(f"identity: {c.id}", c.expr, c.wrt, c.vars or None) for c in identities.CASES]
    rows += [(f"seed: {sid}", e["expr"], e["wrt"], e["vars"] or None)
             for sid, e in seeds.EXAMPLES.items()]
    return [pytest.param(expr, wrt, vars, layout, id=f"{cid} ({layout})")
            for cid, expr, wrt, vars in rows for layout in ("numerator", "denominator")]


@pytest.mark.parametrize("expr, wrt, vars, layout", _cases())
def test_every_printed_form_is_claimed_equal(expr, wrt, vars, layout):
    """With the case's declarations, and with none (the naming defaults and inferred sizes)
    where the expression is well typed without them."""
    tried = 0
    for declared in ([vars, None] if vars else [None]):
        try:
            d = derive(expr, wrt, declared, layout)
        except MatcalcError:
            assert declared is None  # (a case may need its declarations)
            continue
        for form in printed_forms(d):
            verdict = equivalent(form, expr, wrt, declared, layout)
            assert verdict, f"{form!r} (vars={declared}): {verdict}"
            tried += 1
    assert tried


# -- the wrong verdicts of the report, by value -------------------------------------------------

def test_a_trace_of_a_broadcast_scalar_is_the_size(rng, capsys):
    d = derive("tr(N - a)", "a")
    assert str(d) == "-m_N"
    n, h = rng.normal(size=(3, 3)), 1e-6
    assert d.evaluate(N=n, a=0.7) == -3.0
    assert np.isclose((np.trace(n - 0.7 - h) - np.trace(n - 0.7 + h)) / (2 * h), -3.0)
    for claim in ("-m_N", "tr(-ones_{m_N} ones_{m_N}^T)", "tr(-𝟏_{m_N} 𝟏_{m_N}ᵀ)"):
        assert main(["tr(N - a)", "--wrt", "a", f"--claim={claim}"]) == 0
        assert "claim: equal" in capsys.readouterr().out
    assert "factor 2" in str(equivalent("-2 m_N", "tr(N - a)", "a"))


def test_the_size_of_a_mean_is_the_program_s_size(rng):
    d = derive("mean(x)", "x")
    assert str(d) == "𝟏_{n_x}ᵀ / n_x"
    x = rng.normal(size=5)
    assert np.allclose(d.evaluate(x=x), np.full(5, 0.2))
    assert equivalent("ones_{n_x}^T / n_x", "mean(x)", "x")
    assert "factor 0.5" in str(equivalent("ones_{n_x}^T / (2 n_x)", "mean(x)", "x"))
    assert "factor 2" in str(equivalent("2 ones_{n_x}^T / n_x", "mean(x)", "x"))


def test_a_kronecker_claim_in_ascii():
    d = derive("kron(Z, v')", "Z")
    assert d.text(ascii=True) == \
        "kron(I_{n_Z}, K_{n_v,m_Z}) kron(I_{m_Z n_Z}, vec(v^T))"
    assert equivalent(d.text(ascii=True), "kron(Z, v')", "Z").proved
    assert "transpose" in str(equivalent(d.text(ascii=True), "kron(Z, v')", "Z",
                                         layout="denominator"))


def test_a_declared_variable_the_expression_does_not_use():
    vars = {"x": "vector(n)", "M": "spd(p)"}
    assert equivalent("I_n", "x", "x", vars=vars).proved
    assert equivalent("eye", "x", "x", vars=vars).proved
    assert "shape" in str(equivalent("x", "x", "x", vars=vars))  # (it raised KeyError 'p')


def test_a_claim_of_a_symbol_in_a_where_form():
    vars = {"W": "matrix(2,3)", "x": "vector(3)", "y": "vector(2)"}
    d = derive("f(sigmoid(W x) .* y)", "x", vars)
    assert str(d) == "∂f/∂(s ⊙ y) diag(s ⊙ y ⊙ (1 - s)) W  where s = σ(W x)"
    for form in printed_forms(d):
        assert equivalent(form, "f(sigmoid(W x) .* y)", "x", vars).proved, form
    assert not equivalent("∂f/∂(s ⊙ y) diag(s ⊙ y ⊙ s) W  where s = σ(W x)",
                          "f(sigmoid(W x) .* y)", "x", vars)
    commuted = "∂f/∂(σ(W x) ⊙ y) diag(y ⊙ σ(W x) ⊙ (1 - σ(W x))) W"  # printed: y ⊙ σ(W x)
    assert equivalent(commuted, "f(sigmoid(W x) .* y)", "x", vars).proved
    wrong = equivalent("∂f/∂(s ⊙ x) diag(s ⊙ y ⊙ (1 - s)) W  where s = σ(W x)",
                       "f(sigmoid(W x) .* y)", "x", vars)  # f at another argument
    assert not wrong and "not declared" in str(wrong)
