"""Second derivatives: hessian() against finite differences of the gradient, the textbook Hessians,
and closure: derive(derive(e)) works for every operator, because every node a derivative rule
emits has its own rule."""
from __future__ import annotations

import pytest
from numeric import as_displayed, assert_close, draw_point, numerical_jacobian, variables
from test_ops_table import OP_CASES, SIZES, VARS

from matcalc import derive, hessian
from matcalc.core.expr import postorder
from matcalc.core.matrix_functions import MATRIX_FUNCTIONS
from matcalc.core.matrix_scalars import MATRIX_SCALARS
from matcalc.core.ops import LEAF, OPS
from matcalc.core.spectral import SPECTRAL
from matcalc.diff.registry import JVP
from matcalc.errors import UnsupportedError


def check_second(first, second, sizes, domains, rng, points=2):
    """second.evaluate = finite differences of first.evaluate (vec Jacobian, numerator)."""
    here = variables(first, sizes)
    for _ in range(points):
        point = draw_point(here, domains, rng, [], None)
        want = numerical_jacobian(lambda p: first.evaluate(**p), point, first.wrt)
        got = as_displayed(second.evaluate(**point), want)
        assert_close(got, want, what=f"second derivative of {first.source!r}")


@pytest.mark.parametrize("expr, wrt, vars, shown, domains", [
    ("x' A x", "x", {}, "A + Aᵀ", None),                                 # Cookbook (81)
    ("z = X theta - y; z' z", "theta", {"theta": "vector"}, "2 Xᵀ X", None),
    ("sum(log(1 + exp(-y .* (X w))))", "w", {},
     "Xᵀ diag(s ⊙ y.^2 ⊙ (1 - s)) X  where s = σ(-y ⊙ (X w))", None),
    ("s = sigmoid(X w); -sum(y .* log(s) + (1 - y) .* log(1 - s))", "w", {},
     "Xᵀ diag(σ(X w) ⊙ (1 - σ(X w))) X", {"y": "uniform(0,1)"}),      # Bishop PRML (4.97)
    ("logsumexp(x)", "x", {}, "diag(s) - s sᵀ  where s = softmax(x)", None),
    ("norm2(x)", "x", {}, "I / norm2(x) - x xᵀ / norm2(x)^3", None),
    ("norm2(A X)^2", "X", {}, "2 I_{n_X} ⊗ (Aᵀ A)", None),                       # vec Hessian
    ("x^3", "x", {"x": "scalar"}, "6 x", None),
    ("tr(X' X)", "X", {}, "2 I_{m_X n_X}", None),
    ("sum(arcsin(x))", "x", {}, "diag(x ⊘ sqrt(1 - x.^2).^3)", {"x": "uniform(-0.9,0.9)"}),
    ("sum(gelu(x))", "x", {}, "(2 diag(e) - diag(e ⊙ x.^2)) / sqrt(2 π)  where e = exp(-x.^2 / 2)",
     None),
])
def test_textbook_hessians(expr, wrt, vars, shown, domains, rng):
    h = hessian(expr, wrt, vars)
    assert str(h) == shown
    check_second(derive(expr, wrt, vars, layout="denominator"), h, {}, domains, rng)


def test_hessian_needs_a_scalar():
    with pytest.raises(Exception, match="scalar expression"):
        hessian("W x", "x")


def test_derive_of_a_derivative_is_the_second_derivative(rng):
    first = derive("x' A x", "x")
    second = derive(first, "x")
    assert str(second) == "A + Aᵀ"
    check_second(first, second, {}, None, rng)


# ∂f/∂Y has no derivative, nor L_f(X, E) in X (the second Fréchet derivative of expm, logm,
# sqrtm), nor an eigenvector or singular vector (the second derivative of eigmax, svals, ...),
# nor a scalar function of a matrix declared without a second derivative: each a clear error
NO_SECOND = {"apply", *MATRIX_FUNCTIONS, *SPECTRAL,
             *(name for name, s in MATRIX_SCALARS.items() if not s.second_derivative)}
SECOND = [c for c in OP_CASES if c.op not in NO_SECOND]


@pytest.mark.parametrize("case", [c for c in OP_CASES if c.op in SPECTRAL
                                  and not SPECTRAL[c.op].vectors], ids=lambda c: c.op)
def test_a_second_derivative_through_eigenvectors_is_refused(case):
    first = derive(case.expr, case.wrt, VARS)
    with pytest.raises(UnsupportedError, match="defined only up to sign"):
        derive(first, case.wrt)
    with pytest.raises(UnsupportedError, match="a Hessian"):
        hessian(case.expr, case.wrt, VARS)


@pytest.mark.parametrize("case", [c for c in OP_CASES if c.op in MATRIX_FUNCTIONS],
                         ids=lambda c: c.op)
def test_a_second_frechet_derivative_is_refused(case):
    first = derive(case.expr, case.wrt, VARS)
    with pytest.raises(UnsupportedError, match="second Fréchet derivative"):
        derive(first, case.wrt)


@pytest.mark.parametrize("case", SECOND, ids=lambda c: c.op)
def test_every_operator_differentiates_twice(case, rng):
    first = derive(case.expr, case.wrt, VARS)
    second = derive(first, case.wrt)
    check_second(first, second, SIZES, case.domains, rng, points=1)


def test_closure_every_node_of_every_derivative_has_a_rule():
    for case in OP_CASES:
        for layout in ("numerator", "denominator"):
            d = derive(case.expr, case.wrt, VARS, layout=layout)
            ops = {n.op for n in postorder(d.expr)}
            missing = {op for op in ops if op not in JVP and OPS[op].family != LEAF}
            assert not missing, f"{case.expr}: {missing}"


def test_evaluate_applies_inverses_by_solves():
    """The Hessian of det(M Mᵀ + 2I), M = ((A + B)(S + A))³, by A at a point where M Mᵀ + 2I
    has condition number ~1e8: with (M Mᵀ + 2I)⁻¹ formed explicitly, evaluate was off by
    1.3e-4 of the largest entry from jax.hessian (the generated code, and evaluate applying
    the inverse by solves, by 1.0e-6)."""
    jax = pytest.importorskip("jax")
    import numpy as np
    jax.config.update("jax_enable_x64", True)
    jnp = jax.numpy

    def f(A, B, S):
        M = jnp.linalg.matrix_power((A + B) @ (S + A), 3)
        return jnp.linalg.det(M @ M.T + 2 * jnp.eye(3))

    text = "M1 = ((A+B)(S+A))^3; det(M1 M1' + 2 eye)"
    rng = np.random.default_rng(3)
    S = rng.normal(size=(3, 3))
    point = {"S": S + S.T, "A": rng.normal(size=(3, 3)), "B": rng.normal(size=(3, 3))}
    h = hessian(text, "A", {"A": "matrix(n,n)", "B": "matrix(n,n)", "S": "symmetric(n)"})
    want = np.asarray(jax.hessian(f)(point["A"], point["B"], point["S"]))
    want = want.transpose(1, 0, 3, 2).reshape(9, 9)  # (vec is column-major)
    scale = np.max(np.abs(want))
    assert np.max(np.abs(h.evaluate(**point) - want)) < 1e-5 * scale
    assert np.max(np.abs(h.to_function()(**point) - want)) < 1e-5 * scale
