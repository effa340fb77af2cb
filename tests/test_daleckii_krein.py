"""The Daleckii–Krein form of L_f(S, E) at a symmetric S, and its ops eigbasis and divdiff_f.

By a variable declared symmetric(n) or spd(n), a derivative through expm, logm or sqrtm prints
Q (F ⊙ (Qᵀ E Q)) Qᵀ  where Q = eigbasis(S), F = divdiff_f(eigvals(S)). Each printed form is
pinned (text, ASCII, LaTeX; both layouts) and checked against central finite differences along
symmetric directions at random symmetric points, at S = I and at an S with a repeated
eigenvalue, where eigvecs(S) would be refused but the Fréchet derivative is defined; the
printed text read back, the generated code of every installed backend and an independent
jax.grad reference give the same numbers. The new ops' refusals are tested too.
"""
from __future__ import annotations

import numpy as np
import pytest
from numeric import check_derivative
from test_codegen import INSTALLED, ready

from matcalc import derive, hessian, value
from matcalc.errors import OutsideDomainError, ShapeError, UnsupportedError

VARS = {"u": "vector(n)", "v": "vector(n)", "A": "matrix(n,n)"}
SIZES = {"n": 4}
SCALAR = {"expm": "exp", "logm": "log", "sqrtm": "sqrt"}
# the symmetrised direction E of each program, as printed (text, ASCII, LaTeX)
DIRECTIONS = {
    "u' {f}(S) v": ("u vᵀ + v uᵀ", "u v^T + v u^T",
                    "\\mathbf{u} \\mathbf{v}^{\\top} + \\mathbf{v} \\mathbf{u}^{\\top}"),
    "tr({f}(S) A)": ("A + Aᵀ", "A + A^T", "\\mathbf{A} + \\mathbf{A}^{\\top}"),
}
CASES = [(program.format(f=f), f, structure, layout)
         for program in DIRECTIONS for f in SCALAR for structure in ("symmetric", "spd")
         for layout in ("numerator", "denominator")]
IDS = [f"{expr} {structure} {layout}" for expr, _, structure, layout in CASES]


def _vars(structure: str) -> dict[str, str]:
    return {**VARS, "S": f"{structure}(n)"}


def _printed(expr: str, f: str) -> tuple[str, str, str]:
    """The three printed forms of the derivative of `expr` (the same in both layouts: it is
    symmetric)."""
    text, ascii, latex = DIRECTIONS[expr.replace(f, "{f}")]
    scalar = SCALAR[f]
    head = {"exp": "\\exp", "log": "\\log", "sqrt": "\\sqrt{\\cdot}"}[scalar]
    return (f"Q (F ⊙ (Qᵀ ({text}) Q)) Qᵀ / 2  where Q = eigbasis(S), "
            f"F = divdiff_{scalar}(eigvals(S))",
            f"Q (F .* (Q^T ({ascii}) Q)) Q^T / 2  where Q = eigbasis(S), "
            f"F = divdiff_{scalar}(eigvals(S))",
            f"\\frac{{\\mathbf{{Q}} \\left(\\mathbf{{F}} \\odot \\left(\\mathbf{{Q}}^{{\\top}} "
            f"\\left({latex}\\right) \\mathbf{{Q}}\\right)\\right) \\mathbf{{Q}}^{{\\top}}}}{{2}} "
            f"\\quad \\text{{where }} \\mathbf{{Q}} = \\operatorname{{eigbasis}}\\left("
            f"\\mathbf{{S}}\\right), \\; \\mathbf{{F}} = {head}^{{[1]}}\\left("
            f"\\operatorname{{eigvals}}\\left(\\mathbf{{S}}\\right)\\right)")


def _points(rng) -> list[np.ndarray]:
    """S = I, an S with a repeated eigenvalue (in a random basis), and a random spd S."""
    q, _ = np.linalg.qr(rng.standard_normal((4, 4)))
    m = rng.standard_normal((4, 4))
    return [np.eye(4), q @ np.diag([0.5, 2.0, 2.0, 3.0]) @ q.T, m @ m.T / 4 + np.eye(4)]


def _others(rng) -> dict[str, np.ndarray]:
    return {"u": rng.standard_normal(4), "v": rng.standard_normal(4),
            "A": rng.standard_normal((4, 4))}


def _symmetric_differences(expr: str, vars: dict, point: dict, rng, h: float = 1e-5):
    """(H, central difference of the function along a random symmetric direction H)."""
    m = rng.standard_normal((4, 4))
    direction = (m + m.T) / 2
    at = {k: val for k, val in point.items() if k in ("u", "v", "A", "S")}
    plus = value(expr, vars=vars, **{**at, "S": point["S"] + h * direction})
    minus = value(expr, vars=vars, **{**at, "S": point["S"] - h * direction})
    return direction, (plus - minus) / (2 * h)


@pytest.mark.parametrize("expr, f, structure, layout", CASES, ids=IDS)
def test_printed_and_checked(expr, f, structure, layout, rng):
    """The three printed forms, and the closed form against central finite differences at
    random spd points (check_derivative), at S = I and at a repeated eigenvalue (here
    directional: tr(Gᵀ H) for symmetric directions H)."""
    vars = _vars(structure)
    d = check_derivative(expr, "S", vars, SIZES, None, layout, rng=rng)
    assert (str(d), d.text(ascii=True), d.latex()) == _printed(expr, f)
    assert d.conditions == (() if structure == "spd" or f == "expm" else
                            ("S has no eigenvalue on the closed negative real axis",))
    for s in _points(rng):
        point = {"S": s, **_others(rng)}
        used = {k: val for k, val in point.items() if k in d.variables}
        gradient = d.evaluate(**used)
        direction, want = _symmetric_differences(expr, vars, point, rng)
        assert np.sum(gradient * direction) == pytest.approx(want, rel=1e-6, abs=1e-8)


@pytest.mark.parametrize("expr, f, structure, layout", CASES[::2], ids=IDS[::2])
def test_read_back_and_generated_code(expr, f, structure, layout, rng):
    """The text and the ASCII read back (where clauses as bindings) to the value evaluate
    gives, and the generated code of every installed backend computes it, with one eigh, at
    S = I, at a repeated eigenvalue and at a random point."""
    d = derive(expr, "S", vars=_vars(structure), layout=layout)
    for backend in INSTALLED:
        assert d.to_source(backend).count("_eigh(S)") == 1
    for s in _points(rng):
        point = {k: val for k, val in {"S": s, **_others(rng)}.items() if k in d.variables}
        want = d.evaluate(**point)
        for text in (d.text(), d.text(ascii=True)):
            back = value(text, vars=d.declarations, **point)
            assert np.allclose(back, want, rtol=1e-12, atol=1e-12), text
        for backend in INSTALLED:
            got = np.asarray(d.to_function(ready(backend))(**point))
            assert np.allclose(got, want, rtol=1e-10, atol=1e-12), backend


@pytest.mark.parametrize("f", SCALAR)
def test_evaluate_is_the_general_frechet_derivative(f, rng):
    """At S = I, at a repeated eigenvalue and at a random point, the Daleckii–Krein form gives
    the numbers of L_f(X, E) by the general methods (expm_frechet, the block identity, the
    Sylvester equation) at that X."""
    from matcalc.core import matrix_functions as mf
    general = {"expm": mf._expm_frechet, "logm": mf._logm_frechet, "sqrtm": mf._sqrtm_frechet}
    d = derive(f"tr({f}(S) A)", "S", vars=_vars("symmetric"), layout="denominator")
    for s in _points(rng):
        a = rng.standard_normal((4, 4))
        assert np.allclose(d.evaluate(S=s, A=a), general[f](s, (a + a.T) / 2),
                           rtol=1e-9, atol=1e-11)


@pytest.mark.skipif("jax" not in INSTALLED, reason="jax is not installed")
@pytest.mark.parametrize("f", SCALAR)
def test_jax_grad_is_the_reference(f, rng):
    """jax.grad of u' f(S) v, f(S) computed from jnp.linalg.eigh (Q diag(f(λ)) Qᵀ; expm also
    by jax.scipy.linalg.expm), symmetrised, is the closed form at a random spd S."""
    import jax
    import jax.numpy as jnp
    ready("jax")
    s = _points(rng)[2]
    u, v = rng.standard_normal(4), rng.standard_normal(4)

    def by_eigh(m):
        lam, q = jnp.linalg.eigh((m + m.T) / 2)
        return q @ jnp.diag(getattr(jnp, SCALAR[f])(lam)) @ q.T

    references = [by_eigh] + ([lambda m: jax.scipy.linalg.expm((m + m.T) / 2)]
                              if f == "expm" else [])
    got = derive(f"u' {f}(S) v", "S", vars=_vars("spd"), layout="denominator").evaluate(
        S=s, u=u, v=v)
    for function in references:
        want = np.asarray(jax.grad(lambda m: u @ function(m) @ v)(jnp.asarray(s)))
        assert np.allclose(got, want, rtol=1e-9, atol=1e-11)


def test_divided_differences_are_stable(rng):
    """divdiff_f(λ): f′ on ties and nearly equal entries (no cancellation), far-apart entries
    without overflow before e^λ does, against the definition in exact-enough arithmetic."""
    lam = np.array([1.0, 1.0 + 1e-12, 2.0, 40.0])
    for f, fprime in (("exp", np.exp), ("log", lambda x: 1 / x),
                      ("sqrt", lambda x: 0.5 / np.sqrt(x))):
        got = value(f"divdiff_{f}(x)", x=lam)
        assert np.allclose(np.diag(got), fprime(lam), rtol=1e-14)
        assert got[0, 1] == pytest.approx(fprime(1.0), rel=1e-10)
        scalar = getattr(np, f)
        assert got[2, 3] == pytest.approx((scalar(40.0) - scalar(2.0)) / 38.0, rel=1e-14)
        assert np.array_equal(got, got.T)
    far = value("divdiff_exp(x)", x=np.array([-800.0, 700.0]))
    assert np.isfinite(far).all() and far[0, 1] == pytest.approx(np.exp(700.0) / 1500.0)


def test_hessians_are_computed_from_the_gradient_before_the_form_shown(rng):
    """A Hessian differentiates the simplified gradient (L_f), not its Daleckii–Krein form:
    tr(expm(S)) has one, as before; one that needs a second Fréchet derivative says so."""
    vars = _vars("symmetric")
    d = hessian("tr(expm(S))", "S", vars=vars)
    assert str(d) == "J_exp(S) (K_{n,n} + I) / 2" and d.check().ok
    assert str(hessian("tr(logm(S))", "S", vars=_vars("spd"))) == \
        "-(S⁻¹ ⊗ S⁻¹) (K_{n,n} + I) / 2"
    for expr in ("u' expm(S) v", "tr(sqrtm(S) A)"):
        with pytest.raises(UnsupportedError, match="second Fréchet derivative"):
            hessian(expr, "S", vars=vars)


def test_no_derivative_through_the_new_ops():
    vars = _vars("symmetric")
    with pytest.raises(UnsupportedError, match="no derivative through eigbasis"):
        derive("sum(eigbasis(S))", "S", vars=vars)
    for f in SCALAR.values():
        with pytest.raises(UnsupportedError, match=f"no derivative through divdiff_{f}"):
            derive(f"sum(divdiff_{f}(x))", "x")
    shown = derive("u' expm(S) v", "S", vars=vars)
    with pytest.raises(UnsupportedError, match="second Fréchet derivative"):
        derive(shown, "S")
    by_u = derive(shown, "u")  # Q and F are constants there
    assert by_u.check().ok, by_u.check()


def test_sympy_and_shapes_are_refused():
    pytest.importorskip("sympy")
    with pytest.raises(UnsupportedError, match="no SymPy form for divdiff_exp"):
        derive("tr(A divdiff_exp(x))", "A").to_sympy()
    with pytest.raises(UnsupportedError, match="no SymPy form for the spectral function "
                                               "'eigbasis'"):
        derive("tr(A eigbasis(S))", "A", vars=_vars("symmetric")).to_sympy()
    with pytest.raises(ShapeError, match="divdiff_exp needs a vector"):
        derive("sum(divdiff_exp(X))", "X")
    with pytest.raises(OutsideDomainError, match="divdiff_log.*positive"):
        value("divdiff_log(x)", x=np.array([1.0, -1.0]))


def test_eigbasis_at_a_repeated_eigenvalue():
    """eigbasis(S) is given where eigvecs(S) is refused, and is an orthonormal eigenbasis."""
    s = np.diag([1.0, 2.0, 2.0])
    vars = {"S": "symmetric(3)"}
    with pytest.raises(OutsideDomainError, match="repeated eigenvalue"):
        value("eigvecs(S)", vars=vars, S=s)
    q = value("eigbasis(S)", vars=vars, S=s)
    assert np.allclose(q.T @ q, np.eye(3))
    assert np.allclose(q @ np.diag(value("eigvals(S)", vars=vars, S=s)) @ q.T, s)
    assert derive("tr(A eigbasis(S))", "A", vars=vars).conditions == ()


def test_an_expression_symmetric_by_its_structure(rng):
    """A + Aᵀ is symmetric by its structure: the form at it, its Qᵀ printed as such."""
    for layout in ("numerator", "denominator"):
        d = check_derivative("u' expm(A + A') v", "A", VARS, SIZES, None, layout, rng=rng)
        assert str(d) == "Q (F ⊙ (Qᵀ (u vᵀ + v uᵀ) Q)) Qᵀ  where Q = eigbasis(A + Aᵀ), " \
                         "F = divdiff_exp(eigvals(A + Aᵀ))"


def test_eigbasis_and_eigvecs_agree_in_every_backend(rng):
    """eigbasis(S) is signed as eigvecs(S) is: its value is the same in evaluate and in the
    generated code of every backend (one eigh of S for both)."""
    d = derive("u' eigbasis(S) v + 2 u' eigvecs(S) v", "v",
               vars={"S": "symmetric(n)", "u": "vector(n)", "v": "vector(n)"})
    m = rng.standard_normal((4, 4))
    point = {"u": rng.standard_normal(4), "S": m + m.T, "v": rng.standard_normal(4)}
    want = d.evaluate(**point)
    for backend in INSTALLED:
        assert d.to_source(backend).count("_eigh(S)") == 1
        got = np.asarray(d.to_function(ready(backend))(**point))
        assert np.allclose(got, want, rtol=1e-12, atol=1e-12), backend
