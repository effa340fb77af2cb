"""The spectral functions: eigvals, eigmax, eigmin of a symmetric matrix, svals, specnorm,
nucnorm, and the factors their derivatives print (eigvecs, eigvec_max, svecs_left, polar, ...).

Each derivative is checked against central finite differences at symmetric points (a variable
declared symmetric(n), or A + Aᵀ) in both layouts, its printed forms are pinned, generated code
agrees with evaluate on every installed backend, and jax.grad through jnp.linalg.eigh / svd is
an independent reference. The refusals are tested: a non-symmetric value, a repeated eigenvalue
where the derivative needs it simple, a derivative through eigenvectors. Every declaration has
the facets its derivative is written and printed with (a value's factors, a vector op's letter
and refusal), and one lacking a facet fails, naming it.
"""
from __future__ import annotations

import numpy as np
import pytest
from numeric import check_derivative
from test_codegen import INSTALLED, check_generated, ready

from matcalc import derive, value
from matcalc.errors import OutsideDomainError, ShapeError, UnsupportedError

VARS = {"S": "symmetric(n)", "X": "matrix(n,n)", "W": "matrix(4,3)", "A": "matrix(n,n)",
        "u": "vector(n)", "y": "vector(3)", "t": "scalar"}
SIZES = {"n": 3}

# (expression, variable, numerator, denominator) as printed
CASES = [
    ("eigmax(S)", "S", "v vᵀ  where v = eigvec_max(S)", "v vᵀ  where v = eigvec_max(S)"),
    ("eigmin(S)", "S", "v vᵀ  where v = eigvec_min(S)", "v vᵀ  where v = eigvec_min(S)"),
    ("u' eigvals(S)", "S", "V diag(u) Vᵀ  where V = eigvecs(S)",
     "V diag(u) Vᵀ  where V = eigvecs(S)"),
    ("sum(eigvals(S))", "S", "V Vᵀ  where V = eigvecs(S)", "V Vᵀ  where V = eigvecs(S)"),
    ("eigmax(X + X')", "X", "2 v vᵀ  where v = eigvec_max(X + Xᵀ)",
     "2 v vᵀ  where v = eigvec_max(X + Xᵀ)"),
    ("eigmax(A' S A)", "S", "A v vᵀ Aᵀ  where v = eigvec_max(Aᵀ S A)",
     "A v vᵀ Aᵀ  where v = eigvec_max(Aᵀ S A)"),
    ("eigmax(S + t A' A)", "t", "vᵀ Aᵀ A v  where v = eigvec_max(t Aᵀ A + S)", None),
    ("specnorm(W)", "W", "svec_max_right(W) svec_max_left(W)ᵀ",
     "svec_max_left(W) svec_max_right(W)ᵀ"),
    ("nucnorm(W)", "W", "polar(W)ᵀ", "polar(W)"),
    ("y' svals(W)", "W", "svecs_right(W) diag(y) svecs_left(W)ᵀ",
     "svecs_left(W) diag(y) svecs_right(W)ᵀ"),
    ("nucnorm(X) + specnorm(X)", "X", None, None),
]
IDS = [f"{expr} d/d{wrt}" for expr, wrt, *_ in CASES]


@pytest.mark.parametrize("expr, wrt, numerator, denominator", CASES, ids=IDS)
def test_printed_and_checked(expr, wrt, numerator, denominator, rng):
    for layout, printed in (("numerator", numerator), ("denominator", denominator)):
        d = check_derivative(expr, wrt, VARS, SIZES, None, layout, rng=rng)
        if printed is not None:
            assert str(d) == printed
        assert d.check().ok, d.check()


@pytest.mark.parametrize("expr, wrt, numerator, denominator", CASES, ids=IDS)
def test_read_back(expr, wrt, numerator, denominator, rng):
    """The ASCII form (where clauses substituted) reads back to the value evaluate gives."""
    d = derive(expr, wrt, vars=VARS, layout="denominator")
    a = rng.standard_normal((3, 3))
    point = {"S": a + a.T, "X": rng.standard_normal((3, 3)), "A": rng.standard_normal((3, 3)),
             "W": rng.standard_normal((4, 3)), "u": rng.standard_normal(3),
             "y": rng.standard_normal(3), "t": 0.7}
    used = {k: v for k, v in point.items() if k in d.variables}
    text = d.text(ascii=True, where=False)
    back = value(text, vars={k: VARS[k] for k in used}, **used)
    assert np.allclose(back, d.evaluate(**used), atol=1e-10)


@pytest.mark.parametrize("expr, wrt, numerator, denominator", CASES, ids=IDS)
def test_generated_code_agrees(expr, wrt, numerator, denominator, rng):
    for layout in ("numerator", "denominator"):
        d = derive(expr, wrt, vars=VARS, layout=layout)
        check_generated(d, expr, SIZES, None, VARS, (), rng)


def test_conditions_are_stated():
    stated = {expr: derive(expr, wrt, vars=VARS).conditions for expr, wrt in [
        ("eigmax(S)", "S"), ("eigmin(S)", "S"), ("u' eigvals(S)", "S"), ("nucnorm(W)", "W"),
        ("specnorm(W)", "W"), ("y' svals(W)", "W")]}
    assert stated == {
        "eigmax(S)": ("the largest eigenvalue of S is simple",),
        "eigmin(S)": ("the smallest eigenvalue of S is simple",),
        "u' eigvals(S)": ("the eigenvalues of S are distinct",),
        "nucnorm(W)": ("W has full rank",), "specnorm(W)": ("σ₁(W) > σ₂(W)",),
        "y' svals(W)": ("the singular values of W are distinct and nonzero",)}
    general = derive("u' eigvals(X)", "X", vars=VARS)
    assert general.conditions == ("X is symmetric", "the eigenvalues of X are distinct")
    assert "holds when" in str(general.steps())


@pytest.mark.skipif("jax" not in INSTALLED, reason="jax is not installed")
@pytest.mark.parametrize("expr, wrt, reference", [
    ("eigmax(S)", "S", lambda s: jnp_linalg().eigvalsh(s)[-1]),
    ("eigmin(S) + 2 eigmax(S)", "S",
     lambda s: jnp_linalg().eigvalsh(s)[0] + 2 * jnp_linalg().eigvalsh(s)[-1]),
    ("sum(eigvals(S) .^ 3)", "S", lambda s: (jnp_linalg().eigh(s)[0] ** 3).sum()),
    ("specnorm(W)", "W", lambda w: jnp_linalg().svd(w, compute_uv=False)[0]),
    ("nucnorm(W)", "W", lambda w: jnp_linalg().svd(w, compute_uv=False).sum()),
])
def test_jax_grad_through_eigh_and_svd_agrees(expr, wrt, reference, rng):
    """jax differentiates eigh and svd: its gradient (symmetrised for a symmetric S, whose
    gradient matcalc gives on symmetric matrices) is matcalc's denominator-layout one."""
    import jax
    ready("jax")
    shape = (3, 3) if wrt == "S" else (4, 3)
    x = rng.standard_normal(shape)
    x = x + x.T if wrt == "S" else x
    want = np.asarray(jax.grad(reference)(x))
    if wrt == "S":
        want = (want + want.T) / 2
    got = derive(expr, wrt, vars=VARS, layout="denominator").evaluate(**{wrt: x})
    assert np.allclose(got, want, atol=1e-10)


def jnp_linalg():
    import jax.numpy as jnp
    return jnp.linalg


# -- refusals ---------------------------------------------------------------------------------

def test_a_non_symmetric_value_is_refused(rng):
    x = rng.standard_normal((3, 3))
    with pytest.raises(OutsideDomainError, match=r"^eigmax\(X\) needs a symmetric matrix .*: "
                       r"X is not symmetric here$"):
        value("eigmax(X)", vars={"X": "matrix(3,3)"}, X=x)
    d = derive("eigmax(X)", "X", vars={"X": "matrix(3,3)"})
    with pytest.raises(OutsideDomainError, match="X is not symmetric"):
        d.evaluate(X=x)
    assert value("eigmax(X)", vars={"X": "matrix(3,3)"}, X=x + x.T) == pytest.approx(
        np.linalg.eigvalsh(x + x.T)[-1])


def test_a_repeated_eigenvalue_is_refused_where_the_derivative_needs_it_simple():
    s = np.diag([1.0, 2.0, 2.0])
    assert value("eigmax(S)", vars=VARS, S=s) == pytest.approx(2.0)  # the value is defined
    d = derive("eigmax(S)", "S", vars=VARS)
    with pytest.raises(OutsideDomainError, match="largest eigenvalue of S is repeated"):
        d.evaluate(S=s)
    assert np.allclose(derive("eigmin(S)", "S", vars=VARS).evaluate(S=s),
                       np.diag([1.0, 0.0, 0.0]))  # the smallest one is simple
    with pytest.raises(OutsideDomainError, match="repeated eigenvalue"):
        derive("u' eigvals(S)", "S", vars=VARS).evaluate(S=s, u=np.ones(3))


def test_a_repeated_top_singular_value_is_refused():
    with pytest.raises(OutsideDomainError, match="largest singular value of X is repeated"):
        derive("specnorm(X)", "X", vars=VARS).evaluate(X=np.eye(3))
    with pytest.raises(OutsideDomainError, match="does not have full rank"):
        derive("nucnorm(X)", "X", vars=VARS).evaluate(X=np.diag([1.0, 1.0, 0.0]))
    assert np.allclose(derive("nucnorm(X)", "X", vars=VARS, layout="denominator").evaluate(
        X=np.eye(3)), np.eye(3))  # U Vᵀ is unique where X has full rank


@pytest.mark.parametrize("expr", ["sum(eigvecs(S))", "u' eigvec_max(S)", "sum(svecs_left(X))",
                                  "sum(polar(X))", "u' svec_max_right(X)"])
def test_no_derivative_through_eigenvectors(expr):
    with pytest.raises(UnsupportedError, match="defined only up to sign"):
        derive(expr, expr.split("(")[-1][0], vars=VARS)


def test_shapes():
    with pytest.raises(ShapeError, match="eigmax needs a square matrix"):
        derive("eigmax(W)", "W", vars=VARS)
    with pytest.raises(ShapeError, match="needs a matrix"):
        derive("eigvals(u)", "u", vars=VARS)
    with pytest.raises(ShapeError, match="is not a size matcalc can name"):
        derive("sum(svals(Z))", "Z", vars={"Z": "matrix(m,n)"})
    assert derive("svals(W)", "W", vars=VARS).function.shape.rows.number == 3


def test_values_and_signs(rng):
    """eigvals ascending, svals descending, eigenvectors signed (largest entry positive)."""
    a = rng.standard_normal((4, 4))
    s, w = a + a.T, rng.standard_normal((4, 3))
    lam = value("eigvals(S)", vars={"S": "symmetric(4)"}, S=s)
    assert np.allclose(lam, np.linalg.eigvalsh(s)) and np.all(np.diff(lam) > 0)
    sigma = value("svals(W)", vars=VARS, W=w)
    assert np.allclose(sigma, np.linalg.svd(w, compute_uv=False))
    v = value("eigvecs(S)", vars={"S": "symmetric(4)"}, S=s)
    assert np.allclose(v @ np.diag(lam) @ v.T, s)
    assert np.all(v[np.abs(v).argmax(axis=0), range(4)] > 0)
    u, vr = (value(f"svecs_{side}(W)", vars=VARS, W=w) for side in ("left", "right"))
    assert np.allclose(u @ np.diag(sigma) @ vr.T, w)
    assert value("nucnorm(W)", vars=VARS, W=w) == pytest.approx(sigma.sum())
    assert value("specnorm(W)", vars=VARS, W=w) == pytest.approx(sigma[0])


def test_generated_code_shares_one_decomposition():
    d = derive("eigmax(S) + eigmin(S) + u' eigvals(S)", "S", vars=VARS)
    for backend in INSTALLED:
        assert d.to_source(backend).count("_eigh(S)") == 1
    source = derive("eigmax(S) + eigmin(S)", "S", vars=VARS).function_source("numpy") \
        if hasattr(d, "function_source") else None
    assert source is None or "eigvalsh" in source


@pytest.mark.parametrize("expr", ["eigmax(X)", "u' eigvals(X) + sum(X .* A)", "eigmin(X)"])
def test_check_draws_a_general_argument_symmetric(expr):
    """An undeclared X under an eigenvalue function is drawn symmetric and moved along
    symmetric directions by check() (evaluate refuses a non-symmetric one)."""
    d = derive(expr, "X")
    assert "X is symmetric" in d.conditions
    result = d.check()
    assert result.ok and result.points == 3, result


def test_steps_of_a_factor_of_a_constant_argument():
    """The steps name A + B (an argument of eigmax) and differentiate by it only where it
    depends on the variable: eigvecs(A + B) is a constant factor, not differentiated."""
    d = derive("eigmax(A + B) + u' eigvecs(A + B) x", "x")
    text = d.steps().text()
    assert "∂f/∂x = uᵀ eigvecs(A + B)" in text and "holds when" in text


def test_each_spectral_function_declares_its_code():
    """Its code from the full decomposition, and from the values alone unless it needs the
    vectors (codegen/spectral.py reads both; check_generated above runs them)."""
    from matcalc.core.spectral import SPECTRAL
    for f in SPECTRAL.values():
        full, values = f.code
        assert "{0}" in full and (values == "") == f.vectors, f.name
        assert values == "" or "{0}" in values, f.name


# -- every spectral declaration has the facets its derivative is written and printed with ----

def _declared_facets(f) -> dict[str, bool]:
    """Which facets the declaration `f` (core/spectral.py) has, and whether the stages read
    them: a value names the vector ops its derivative is written with (diff/spectral.py) and
    that rule's title (steps); a vector op has its letter (render/where.py) and says why no
    derivative goes through it; the Daleckii–Krein basis names a declared values op."""
    from matcalc.core.spectral import SPECTRAL
    from matcalc.diff.registry import JVP, TITLES
    from matcalc.render.where import _FIRST
    value = not f.vectors
    through = f"sum({f.name}({f.placeholder}))"
    refused = ""
    if f.vectors:
        with pytest.raises(UnsupportedError) as refusal:
            derive(through, f.placeholder, vars={"S": "symmetric(3)", "X": "matrix(3,2)"})
        refused = str(refusal.value)
    return {
        "differential (diff/spectral.py)": f.name in JVP,
        "factors (the vector ops a value's derivative is written with)":
            not value or bool(f.factors) and all(
                op in SPECTRAL and SPECTRAL[op].vectors and SPECTRAL[op].argument == f.argument
                for op in f.factors),
        "derivative text (steps), a value's":
            not value or f.derivative_text.startswith(f"d {f.name}(") and
            TITLES[f.name] == f.derivative_text,
        "letter (where clauses), a vector op's only":
            f.letter == "" if value else
            len(f.letter) == 1 and f.letter.islower() and _FIRST.get(f.name) == f.letter,
        "refusal (why no derivative goes through a vector op)":
            value and not f.refusal or bool(f.refusal) and refused ==
            f"no derivative through {f.name}({f.placeholder}): {f.refusal}",
        "Daleckii–Krein values op declared, or none claimed":
            not f.daleckii_krein or f.vectors and f.daleckii_krein in SPECTRAL
            and not SPECTRAL[f.daleckii_krein].vectors,
    }


def _names():
    from matcalc.core.spectral import SPECTRAL
    return sorted(SPECTRAL)


@pytest.mark.parametrize("name", _names())
def test_every_spectral_declaration_has_every_facet(name):
    """A declaration of core/spectral.py that lacks a facet fails, naming it."""
    from matcalc.core.spectral import SPECTRAL
    facets = _declared_facets(SPECTRAL[name])
    assert not [facet for facet, ok in facets.items() if not ok], (name, facets)


def test_a_missing_spectral_facet_is_named():
    from dataclasses import replace

    from matcalc.core.spectral import SPECTRAL

    def missing(f):
        return [facet for facet, ok in _declared_facets(f).items() if not ok]
    assert missing(replace(SPECTRAL["eigmax"], factors=())) == [
        "factors (the vector ops a value's derivative is written with)"]
    assert missing(replace(SPECTRAL["svals"], factors=("svals",))) == [
        "factors (the vector ops a value's derivative is written with)"]
    assert missing(replace(SPECTRAL["nucnorm"], derivative_text="")) == [
        "derivative text (steps), a value's"]
    assert missing(replace(SPECTRAL["eigvec_max"], letter="")) == [
        "letter (where clauses), a vector op's only"]
    assert missing(replace(SPECTRAL["eigmax"], letter="e")) == [
        "letter (where clauses), a vector op's only"]
    assert missing(replace(SPECTRAL["polar"], refusal="")) == [
        "refusal (why no derivative goes through a vector op)"]
    assert missing(replace(SPECTRAL["eigbasis"], daleckii_krein="eigvecs")) == [
        "Daleckii–Krein values op declared, or none claimed"]
