"""A vector spread by a product with ones (u 𝟏ᵀ, 𝟏 vᵀ) is the library's broadcast of the vector
inside sums and elementwise products, functions and powers of it are taken of the vector
(codegen/spread.py); a matrix whose transpose is computed too is that transpose's transpose
(codegen/transposes.py); elementwise products sharing their first factors compute them once;
Mᵀ v is v M.
Generated values are checked against `evaluate` (1e-10 relative) on every installed backend, and
`evaluate` against central differences; the numpy source is checked for what it no longer forms.
"""
from __future__ import annotations

import importlib.util
import inspect

import numpy as np
import pytest
from numeric import check_derivative, numerical_jacobian

from matcalc import derive, value, value_and_grad
from matcalc.codegen.transposes import shared_transposes
from matcalc.core import build as b
from matcalc.shapes import Dim, Shape

BACKENDS = [name for name in ("numpy", "jax", "torch")
            if name == "numpy" or importlib.util.find_spec(name) is not None]
VARS = {"Z": "matrix(m,n)", "G": "matrix(m,n)", "Y": "matrix(m,n)", "X": "matrix(m,n)",
        "A": "matrix(m,n)", "x": "vector(m)", "y": "vector(n)", "c": "scalar",
        "Q": "matrix(m,k)", "K": "matrix(m,k)", "V": "matrix(m,k)", "H": "matrix(m,k)"}
SIZES = {"m": 5, "n": 4, "k": 3}
ATTENTION = "E = exp(Q K' / 2); P = E ./ (E ones ones'); tr(H' P V)"

PROGRAMS = {  # name -> (program, variable, whether numpy's code still forms an outer product)
    "softmax of rows": ("E = exp(Z); sum(G .* (E ./ (E ones ones')))", "Z", False),
    "softmax of columns": ("E = exp(Z); sum(G .* (E ./ (ones ones' E)))", "Z", False),
    "layer norm": ("C = X - (X ones_n) ones_n' / (ones_n' ones_n); "
                   "s = sqrt((C .^ 2) ones_n / (ones_n' ones_n) + 0.00001); "
                   "sum(G .* (C ./ (s ones_n')))", "X", False),
    "layer norm as a function": ("sum(G .* layernorm_rows(X))", "X", False),
    "layer norm by its trace": ("C = X - (X ones_n) ones_n' / (ones_n' ones_n); "
                                "s = sqrt((C .^ 2) ones_n / (ones_n' ones_n) + 0.00001); "
                                "N = C ./ (s ones_n'); tr(G' N)", "X", False),
    "cross-entropy": ("-sum(Y .* (Z - log(exp(Z) ones) ones'))", "Z", False),
    "a function of a spread": ("sum(A .* tanh(x ones_n'))", "x", False),
    "a power of a spread": ("sum(A .* (exp(x) ones_n') .^ c)", "x", False),
    "a spread subtracted": ("sum(exp(A - 3 x ones_n'))", "x", False),
    "attention by Q": (ATTENTION, "Q", False),
    "attention by K": (ATTENTION, "K", False),
    "only spreads (an outer product)": ("sum(Z .* ((x ones_n') .* (ones_m y')))", "Z", True),
}


def _point(rng) -> dict:
    m, n, k = SIZES["m"], SIZES["n"], SIZES["k"]
    return {**{name: rng.normal(size=(m, n)) for name in ("Z", "G", "X", "A")},
            "Y": rng.uniform(size=(m, n)), "x": rng.normal(size=m), "y": rng.normal(size=n),
            "c": float(rng.uniform(0.5, 2.0)),
            **{name: rng.normal(size=(m, k)) for name in ("Q", "K", "V", "H")}}


def _as_numpy(out) -> np.ndarray:
    return np.asarray(out.detach().numpy() if hasattr(out, "detach") else out, dtype=float)


def _ready(backend: str) -> None:
    if backend == "jax":
        import jax
        jax.config.update("jax_enable_x64", True)


def _declared(text: str) -> dict:
    names = set(text.replace("(", " ").replace(")", " ").replace("'", " ").split())
    return {k: v for k, v in VARS.items() if k in names}


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("name", list(PROGRAMS))
def test_generated_gradient_agrees(name: str, backend: str, rng) -> None:
    text, wrt, _ = PROGRAMS[name]
    _ready(backend)
    vars = _declared(text)
    d = derive(text, wrt, vars, layout="denominator")
    point = {k: v for k, v in _point(rng).items() if k in vars}
    want = d.evaluate(**point)
    got = _as_numpy(d.to_function(backend)(**point))
    assert np.allclose(got, want, rtol=1e-10, atol=1e-10 * np.abs(want).max()), \
        d.to_source(backend)
    fd = numerical_jacobian(lambda p: value(text, vars, **p), point, wrt)
    assert np.allclose(np.ravel(want, order="F"), fd.ravel(), rtol=1e-5,
                       atol=1e-6 * np.abs(fd).max())


@pytest.mark.parametrize("name", list(PROGRAMS))
def test_spreads_are_broadcast_not_formed(name: str) -> None:
    text, wrt, formed = PROGRAMS[name]
    source = derive(text, wrt, _declared(text), layout="denominator").to_source("numpy")
    assert ("np.outer(" in source) == formed, source


@pytest.mark.parametrize("name", ["layer norm as a function", "layer norm by its trace"])
def test_layer_norm_gradients_multiply_no_matrices(name: str) -> None:
    """The centring I − 𝟏 𝟏ᵀ / n is applied as the subtraction of row means, never formed
    and multiplied."""
    text, wrt, _ = PROGRAMS[name]
    source = derive(text, wrt, _declared(text), layout="denominator").to_source("numpy")
    assert " @ " not in source and "np.eye" not in source and "np.ones" not in source, source


@pytest.mark.parametrize("backend", BACKENDS)
def test_attention_computes_its_scores_once(backend: str, rng) -> None:
    """exp(Q Kᵀ / 2) and exp(K Qᵀ / 2) are one exponential (the second its transpose), and
    the three gradients agree with `evaluate`'s."""
    _ready(backend)
    vars = _declared(ATTENTION)
    f = value_and_grad(ATTENTION, ["Q", "K", "V"], vars, backend=backend)
    point = {k: v for k, v in _point(rng).items() if k in vars}
    got_value, grads = f(**point)
    assert np.isclose(float(got_value), value(ATTENTION, vars, **point), rtol=1e-12)
    for wrt, got in zip("QKV", grads):
        want = derive(ATTENTION, wrt, vars, layout="denominator").evaluate(**point)
        assert np.allclose(_as_numpy(got), want, rtol=1e-10, atol=1e-10 * np.abs(want).max())
    if backend == "numpy":
        source = inspect.getsource(f)
        assert source.count("np.exp(") == 1 and source.count(" @ K.T") == 1, source


def test_a_transpose_is_shared_only_where_its_users_take_it_for_free() -> None:
    """exp(K Qᵀ) is exp(Q Kᵀ)ᵀ under a matrix product; under an elementwise product with an
    array in the other memory order it is computed again (numpy runs that product several
    times slower than the exponential)."""
    m, k = Dim.of("m"), Dim.of("k")
    Q, K, A = (b.var(name, Shape(m, k if name != "A" else m)) for name in ("Q", "K", "A"))
    scores = b.apply("exp", b.mul(Q, b.transpose(K)))
    again = b.apply("exp", b.mul(K, b.transpose(Q)))
    product = shared_transposes([scores, b.mul(again, Q)])[1]
    assert product is b.mul(b.transpose(scores), Q)
    elementwise = shared_transposes([scores, b.hadamard(again, A)])[1]
    assert elementwise is b.hadamard(again, A)


SYMBOL_OF_A_SHARED_ARGUMENT = {
    "numerator": "-∂f/∂Y1 Wᵀ (z ⊗ yᵀ) / 2", "denominator": "-(zᵀ ⊗ y) W ∂f/∂Y1 / 2"}


@pytest.mark.parametrize("layout", list(SYMBOL_OF_A_SHARED_ARGUMENT))
def test_an_abstract_symbol_keeps_its_argument_when_transposes_are_shared(layout, rng) -> None:
    """∂f/∂Y1 is an input of the code, kept as given: Y1's kron(z, yᵀ), whose transpose
    zᵀ ⊗ y the derivative computes, is not rewritten inside the symbol (which would name
    another input, one the code is not given)."""
    text = "Y1 = W' kron(z, yᵀ) (0.5 A); a - f(Y1)"
    vars = {"a": "scalar", "y": "vector(n)", "z": "vector(m)", "A": "matrix(n,n)",
            "W": "matrix(m,n)", "f": "function"}
    d = check_derivative(text, "A", vars, {"m": 3, "n": 4}, layout=layout, rng=rng,
                         abstract=[{"name": "f", "ascii": "df_dY1", "arg": "Y1"}])
    assert str(d) == SYMBOL_OF_A_SHARED_ARGUMENT[layout]
    point = {"W": rng.normal(size=(3, 4)), "z": rng.normal(size=3), "y": rng.normal(size=4),
             "A": rng.normal(size=(4, 4)), "a": 1.0, "df_dY1": rng.normal(size=(4, 4))}
    want = d.evaluate(**point)
    for backend in BACKENDS:
        _ready(backend)
        got = _as_numpy(d.to_function(backend)(**point))
        assert np.allclose(got, want, rtol=1e-12, atol=1e-12), d.to_source(backend)


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_transposed_matrix_times_a_vector_is_the_vector_times_the_matrix(backend, rng) -> None:
    """Mᵀ v is written v M (XLA forms Mᵀ for the first), with the same value."""
    _ready(backend)
    vars = {"A": "matrix(m,n)", "x": "vector(n)", "y": "vector(m)"}
    d = derive("norm2(A x - y)^2", "x", vars, layout="denominator")
    source = d.to_source(backend)
    assert "A.T" not in source and "@ A)" in source, source
    point = {"A": rng.normal(size=(5, 4)), "x": rng.normal(size=4), "y": rng.normal(size=5)}
    want = d.evaluate(**point)
    assert np.allclose(_as_numpy(d.to_function(backend)(**point)), want, rtol=1e-12)
    fd = numerical_jacobian(lambda p: value("norm2(A x - y)^2", vars, **p), point, "x")
    assert np.allclose(want, fd.ravel(), rtol=1e-6)
