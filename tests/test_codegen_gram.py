"""Mᵀ diag(d) M with provably nonnegative weights d becomes Rᵀ R, R = diag(√d) M, in numpy (one
BLAS syrk, half a GEMM's flops); a weight of unknown sign keeps the general product. The sign
facts of codegen/signs.py are checked against numbers, including saturated arguments; generated
values against `evaluate` (1e-10 relative) and against central differences of the gradient, for
every installed backend (jax and torch keep the GEMM: they have no symmetric product).
"""
from __future__ import annotations

import importlib.util
from fractions import Fraction

import numpy as np
import pytest
from numeric import numerical_jacobian

from matcalc import derive, hessian
from matcalc.codegen import Output, compile_function, generate
from matcalc.codegen.signs import FIXED, RULES, bounds, nonnegative
from matcalc.core import build as b
from matcalc.core.expr import mk
from matcalc.derivative import returned as _returned
from matcalc.evaluate import Env, evaluate
from matcalc.shapes import Dim, Shape

BACKENDS = [name for name in ("numpy", "jax", "torch")
            if name == "numpy" or importlib.util.find_spec(name) is not None]
VARS = {"X": "matrix(N,n)", "w": "vector(n)", "y": "vector(N)", "A": "matrix(n,N)",
        "x": "vector(n)", "S": "spd(N)", "W1": "matrix(h,n)", "W2": "matrix(N,h)"}
SIZES = {"N": 7, "n": 3}

GRAM = {  # (text, variable, how the numpy code forms the Hessian)
    "logistic (cross-entropy)":
        ("-sum(y .* log(sigmoid(X w)) + (1 - y) .* log(1 - sigmoid(X w)))", "w", "t2.T @ t2"),
    "logistic (softplus)": ("sum(softplus(X w)) - y' X w", "w", "t2.T @ t2"),
    "exponential weights": ("sum(exp(X w))", "w", "t1.T @ t1"),
    "quartic": ("sum((X w).^4)", "w", "t1.T @ t1"),
    "M diag(d) Mᵀ": ("sum(log(1 + exp(A' x)))", "x", "t2 @ t2.T"),
    "spd diagonal": ("x' A diag(diag(S)) A' x", "x", "t1 @ t1.T"),
    "weights times a constant": ("sum(exp(X w)) + 3 sum(softplus(X w))", "w", ".T @ t"),
    "a negative constant outside": ("-sum(exp(X w)) / 2", "w", "t1.T @ t1"),
}
GEMM = {  # weights of unknown sign: the general product stays
    "diag(X w)": ("sum((X w).^3)", "w"),
    "tanh": ("sum(tanh(X w))", "w"),
    "cos": ("sum(cos(X w))", "w"),
    "diag(A' x) on the other side": ("sum((A' x).^3)", "x"),
}
OTHER = {  # products whose factors codegen computes before the chain (scaled, Kronecker)
    "MLP by W1": ("norm2(W2 tanh(W1 x) - y)^2", "W1"),
}


def _point(rng) -> dict:
    s = rng.normal(size=(SIZES["N"], SIZES["N"]))
    return {"X": rng.normal(size=(7, 3)), "w": rng.normal(size=3), "y": rng.uniform(size=7),
            "A": rng.normal(size=(3, 7)), "x": rng.normal(size=3), "S": s @ s.T + 7 * np.eye(7),
            "W1": rng.normal(size=(2, 3)), "W2": rng.normal(size=(7, 2))}


def _as_numpy(value) -> np.ndarray:
    return np.asarray(value.detach().numpy() if hasattr(value, "detach") else value, dtype=float)


def _backend_ready(name: str) -> None:
    if name == "jax":
        import jax
        jax.config.update("jax_enable_x64", True)


def _inputs(h, point: dict) -> dict:
    return {k: point[k] for k in h.variables}


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("name", list(GRAM) + list(GEMM) + list(OTHER))
def test_generated_hessian_agrees(name: str, backend: str, rng) -> None:
    text, wrt, *_ = {**GRAM, **GEMM, **OTHER}[name]
    vars = {k: v for k, v in VARS.items() if k in text}
    _backend_ready(backend)
    h = hessian(text, wrt, vars)
    point = _point(rng)
    got = _as_numpy(h.to_function(backend)(**_inputs(h, point)))
    want = h.evaluate(**_inputs(h, point))
    assert np.allclose(got, want, rtol=1e-10, atol=1e-10 * np.abs(want).max()), \
        h.to_source(backend)
    gradient = derive(text, wrt, vars, layout="denominator")
    fd = numerical_jacobian(lambda p: gradient.evaluate(**p), _inputs(h, point), wrt)
    assert np.allclose(got, fd, rtol=1e-5, atol=1e-6 * np.abs(fd).max())


@pytest.mark.parametrize("name", list(GRAM))
def test_nonnegative_weights_use_the_symmetric_product(name: str) -> None:
    text, wrt, gram = GRAM[name]
    h = hessian(text, wrt, {k: v for k, v in VARS.items() if k in text})
    source = h.to_source("numpy")
    assert gram in source and "np.sqrt(" in source and "np.diag(" not in source, source
    for other, prefix in (("jax", "jnp"), ("torch", "torch")):  # no symmetric product there
        code = h.to_source(other)
        assert "sqrt" not in code and f"{prefix}.diag(" not in code, code


@pytest.mark.parametrize("name", list(GEMM))
def test_weights_of_unknown_sign_keep_the_general_product(name: str) -> None:
    text, wrt = GEMM[name]
    source = hessian(text, wrt, {k: v for k, v in VARS.items() if k in text}).to_source()
    assert "sqrt" not in source and ".T @ t" not in source, source


# -- products built directly: the longer palindrome, a broadcast weight ------------------------

m, k, one = Dim.of("m"), Dim.of("k"), Dim.of(1)
P, Q, u, c = (b.var(name, Shape(rows, cols)) for name, rows, cols in
              (("P", m, k), ("Q", k, Dim.of("p")), ("u", m, one), ("c", one, one)))
DIRECT = {  # built without the simplifier: name -> (expression, code it contains)
    "Qᵀ Pᵀ diag(exp(u)) P Q": (mk("mul", b.transpose(Q), b.transpose(P),
                                  mk("diag", mk("exp", u)), P, Q), ".T @ t"),
    "Pᵀ diag(c 𝟏) P": (mk("mul", b.transpose(P), mk("diag", b.expand(c, Shape(m, one))), P),
                       "c * (P.T @ P)"),
    "Pᵀ diag(u) P": (mk("mul", b.transpose(P), mk("diag", u), P), "P.T * u @ P"),
}


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("name", list(DIRECT))
def test_direct_products(name: str, backend: str, rng) -> None:
    expr, code = DIRECT[name]
    _backend_ready(backend)
    sizes = {"m": 6, "k": 4, "p": 3}
    values = {"P": rng.normal(size=(6, 4)), "Q": rng.normal(size=(4, 3)),
              "u": rng.normal(size=(6, 1)), "c": rng.normal(size=(1, 1))}
    want = _returned(evaluate(expr, Env(values, sizes)), expr)
    variables = {"P": P, "Q": Q, "u": u, "c": c}
    source = generate(variables, Output((expr,)), backend, "f", "test")
    if backend == "numpy":
        assert code in source, source
    args = {"P": values["P"], "Q": values["Q"], "u": values["u"][:, 0],
            "c": float(values["c"][0, 0])}
    got = _as_numpy(compile_function(source, "f", backend)(**args))
    assert np.allclose(got, want, rtol=1e-10, atol=1e-10 * np.abs(want).max()), source


# -- the sign facts, against numbers --------------------------------------------------------

n = Dim.of("n")
v1, v2 = b.var("a", Shape(n, one)), b.var("b", Shape(n, one))
S_spd = b.var("S", Shape(n, n), "spd")
BOUNDED = {  # expression -> what the analysis must prove: (lo at least, hi at most)
    "σ(a)": (mk("sigmoid", v1), (0, 1)),
    "1 - σ(a)": (mk("add", b.expand(b.const(1), v1.shape), mk("mul", b.const(-1),
                                                                mk("sigmoid", v1))), (0, 1)),
    "σ(a) ⊙ (1 - σ(a))": (mk("hadamard", mk("sigmoid", v1), mk(
        "add", b.expand(b.const(1), v1.shape), mk("mul", b.const(-1), mk("sigmoid", v1)))),
        (0, 1)),
    "1 - tanh(a)²": (mk("add", b.expand(b.const(1), v1.shape), mk(
        "mul", b.const(-1), mk("pow", mk("tanh", v1), b.const(2)))), (0, 1)),
    "tanh(a) ⊙ tanh(a)": (mk("hadamard", mk("tanh", v1), mk("tanh", v1)), (0, 1)),
    "exp(a)": (mk("exp", v1), (0, None)),
    "softplus(a)": (mk("softplus", v1), (0, None)),
    "|a| + relu(b)": (mk("add", mk("abs", v1), mk("relu", v2)), (0, None)),
    "2 √|a| ⊙ a⁻²": (mk("mul", b.const(2), mk("hadamard", mk("sqrt", mk("abs", v1)),
                                                 mk("pow", v1, b.const(-2)))), (0, None)),
    "a.^4": (mk("pow", v1, b.const(4)), (0, None)),
    "a bᵀ ⊙ a bᵀ": (mk("hadamard", mk("mul", v1, b.transpose(v2)),
                              mk("mul", v1, b.transpose(v2))), (0, None)),
    "exp(a) ⊗ softmax(b)": (mk("kron", mk("exp", v1), mk("softmax", v2)), (0, None)),
    "exp(a) 1ᵀ exp(b)": (mk("mul", mk("exp", v1), b.transpose(b.ones(n)), mk("exp", v2)),
                         (0, None)),
    "diag(exp(a)) + gt(a, b)": (mk("add", mk("diag", mk("exp", v1)),
                                   mk("diag", mk("gt", v1, v2))), (0, None)),
    "sum(exp(a)) / norm2(b)": (mk("mul", mk("sum", mk("exp", v1)), mk("inv", mk("norm2", v2))),
                               (0, None)),
    "max(a, exp(b))": (mk("maximum", v1, mk("exp", v2)), (0, None)),
    "diag(S)": (mk("diagpart", S_spd), (0, None)),
    "vec(exp(a)ᵀ)": (mk("vec", b.transpose(mk("exp", v1))), (0, None)),
    "logsoftmax(a)": (mk("logsoftmax", v1), (None, 0)),
}
HALF = b.expand(b.const(Fraction(1, 2)), v1.shape)
UNBOUNDED = {  # not provably ≥ 0
    "a": v1,
    "tanh(a)": mk("tanh", v1),
    "σ(a) - 1/2": mk("add", mk("sigmoid", v1), mk("mul", b.const(-1), HALF)),
    "a ⊙ b": mk("hadamard", v1, v2),
    "a.^3": mk("pow", v1, b.const(3)),
    "Sᵀ exp(a)": mk("mul", b.transpose(S_spd), mk("exp", v1)),
    "log(exp(a))": mk("log", mk("exp", v1)),
}


def _scales(rng):
    """Arguments small, moderate and saturating (σ and tanh round to 0, 1, ±1 there)."""
    for scale in (1e-3, 1.0, 30.0, 800.0):
        yield scale, rng.normal(size=(5, 1)) * scale, rng.normal(size=(5, 1)) * scale


@pytest.mark.parametrize("name", list(BOUNDED))
def test_bounds_are_proved_and_hold(name: str, rng) -> None:
    expr, (lo, hi) = BOUNDED[name]
    got_lo, got_hi = bounds(expr)
    assert (lo is None or got_lo >= lo) and (hi is None or got_hi <= hi), (got_lo, got_hi)
    s = rng.normal(size=(5, 5))
    for _, a, bb in _scales(rng):
        with np.errstate(all="ignore"):
            value = evaluate(expr, Env({"a": a, "b": bb, "S": s @ s.T + np.eye(5)}, {"n": 5}))
        finite = value[np.isfinite(value)]
        assert np.all(finite >= got_lo) and np.all(finite <= got_hi), (name, value)


@pytest.mark.parametrize("name", list(UNBOUNDED))
def test_unknown_signs_are_not_claimed(name: str) -> None:
    assert not nonnegative(UNBOUNDED[name])


def test_every_rule_states_its_fact() -> None:
    assert all(fact for _, fact in FIXED.values())
    assert all(rule.__doc__ and rule.__doc__.strip() for rule in RULES.values())
