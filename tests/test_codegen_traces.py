"""A trace of a product is split where the outputs already form one side (codegen/traces.py):
the value of a training step, tr(Gᵀ P V), is Σ V ⊙ (Pᵀ G) beside the gradient by V, no product
of its own; a vector spread along a row or column sum is taken out of the sum (codegen/chains.py,
spread.py), (M ⊙ u 𝟏ᵀ) 𝟏 = u ⊙ (M 𝟏).
Generated values are checked against `evaluate` (1e-10 relative) on every installed backend, and
against central differences; the numpy source is checked for the products and broadcasts it no
longer computes.
"""
from __future__ import annotations

import importlib.util
import inspect
import re

import numpy as np
import pytest
from numeric import numerical_jacobian

from matcalc import derive, value, value_and_grad

BACKENDS = [name for name in ("numpy", "jax", "torch")
            if name == "numpy" or importlib.util.find_spec(name) is not None]
VARS = {"A": "matrix(m,n)", "B": "matrix(m,k)", "C": "matrix(k,n)", "Z": "matrix(m,n)",
        "G": "matrix(m,n)", "x": "vector(m)", "y": "vector(n)",
        "Q": "matrix(m,k)", "K": "matrix(m,k)", "V": "matrix(m,k)", "H": "matrix(m,k)"}
SIZES = {"m": 5, "n": 4, "k": 3}  # (m ≠ n ≠ k: a transposed factor's shape would not fit)
STEPS = {  # program -> matrix products in numpy's value_and_grad by Q, K and V
    "P = softmax_rows(Q K' / 2); tr(H' P V)": 5,
    "E = exp(Q K' / 2); P = E ./ (E ones ones'); tr(H' P V)": 5,
}
SUMS = {  # program -> a sum that no longer broadcasts its spread vector (numpy's code)
    "E = exp(Z); sum(G .* (E ./ (E ones ones')))": r"\.sum\(axis=1\) \* ",
    "E = exp(Z); sum(G .* (E ./ (ones ones' E)))": r"\.sum\(axis=0\) \* ",
    "sum(log((Z .* (x ones_n')) ones_n))": r"Z\.sum\(axis=1\) \* x",
    "sum(log(ones_m' (Z .* (ones_m y'))))": r"Z\.sum\(axis=0\) \* y",
}


def _declared(text: str) -> dict:
    names = set(re.findall(r"[A-Za-z_]\w*", text))
    return {k: v for k, v in VARS.items() if k in names}


def _point(rng, vars: dict) -> dict:
    point = {}
    for name, kind in vars.items():
        dims = [SIZES[d] for d in kind[kind.index("(") + 1:-1].split(",")]
        point[name] = rng.normal(size=dims)
    if "x" in point:  # (the log of row sums: kept positive)
        point["Z"], point["x"] = rng.uniform(0.5, 2, (5, 4)), rng.uniform(0.5, 2, 5)
    if "y" in point:
        point["Z"], point["y"] = rng.uniform(0.5, 2, (5, 4)), rng.uniform(0.5, 2, 4)
    return point


def _as_numpy(out) -> np.ndarray:
    return np.asarray(out.detach().numpy() if hasattr(out, "detach") else out, dtype=float)


def _ready(backend: str) -> None:
    if backend == "jax":
        import jax
        jax.config.update("jax_enable_x64", True)


def _check_value_and_grads(text: str, wrts: list[str], backend: str, rng) -> str:
    """value_and_grad's results against `evaluate` and central differences; its source."""
    _ready(backend)
    vars = _declared(text)
    f = value_and_grad(text, wrts, vars, backend=backend)
    point = _point(rng, vars)
    got_value, grads = f(**point)
    assert np.isclose(float(got_value), value(text, vars, **point), rtol=1e-12)
    for wrt, got in zip(wrts, grads):
        want = derive(text, wrt, vars, layout="denominator").evaluate(**point)
        assert np.allclose(_as_numpy(got), want, rtol=1e-10, atol=1e-10 * np.abs(want).max())
        fd = numerical_jacobian(lambda p: value(text, vars, **p), point, wrt)
        assert np.allclose(np.ravel(want, order="F"), fd.ravel(), rtol=1e-5,
                           atol=1e-6 * np.abs(fd).max())
    return inspect.getsource(f)


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_trace_takes_the_product_a_gradient_forms(backend: str, rng) -> None:
    """tr(Aᵀ B C) beside its gradients by C (Bᵀ A) and by B (A Cᵀ) is Σ C ⊙ (Bᵀ A):
    two matrix products in all, not three."""
    source = _check_value_and_grads("tr(A' B C)", ["B", "C"], backend, rng)
    assert source.count(" @ ") == 2, source


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("text", list(STEPS))
def test_the_attention_step_computes_no_product_for_its_value(text: str, backend: str,
                                                              rng) -> None:
    """The training step's value tr(Hᵀ P V) is Σ V ⊙ (Pᵀ H), Pᵀ H being the gradient by V:
    five matrix products (Q Kᵀ, H Vᵀ, Pᵀ H, dS K, dSᵀ Q), as the hand-written backward pass
    has, where the value took a sixth."""
    source = _check_value_and_grads(text, ["Q", "K", "V"], backend, rng)
    assert source.count(" @ ") == STEPS[text], source


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("text", list(SUMS))
def test_a_spread_vector_is_taken_out_of_a_sum(text: str, backend: str, rng) -> None:
    """(M ⊙ u 𝟏ᵀ) 𝟏 is u ⊙ (M 𝟏) and 𝟏ᵀ (M ⊙ 𝟏 vᵀ) is (𝟏ᵀ M) ⊙ vᵀ: the sum is taken of M
    and the vector multiplies the sums, not the matrix."""
    _ready(backend)
    vars = _declared(text)
    d = derive(text, "Z", vars, layout="denominator")
    point = _point(rng, vars)
    want = d.evaluate(**point)
    got = _as_numpy(d.to_function(backend)(**point))
    assert np.allclose(got, want, rtol=1e-10, atol=1e-10 * np.abs(want).max()), \
        d.to_source(backend)
    fd = numerical_jacobian(lambda p: value(text, vars, **p), point, "Z")
    assert np.allclose(np.ravel(want, order="F"), fd.ravel(), rtol=1e-5,
                       atol=1e-6 * np.abs(fd).max())
    source = d.to_source("numpy")
    assert re.search(SUMS[text], source), source
    assert not re.search(r"(\[:, None\]|\[None, :\])\)\.sum\(", source), source
