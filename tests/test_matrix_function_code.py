"""The generated jax and torch code of logm and sqrtm of a general (nonsymmetric) X
(codegen/matrix_roots.py): its values against scipy.linalg, its derivatives against evaluate
(tests/test_matrix_functions.py checks evaluate against finite differences), jax.jit and
jax.grad through it, and its refusal where X has an eigenvalue on the closed negative real axis.
"""
from __future__ import annotations

import numpy as np
import pytest
import scipy.linalg
from numeric import DOMAINS, check_derivative
from test_codegen import INSTALLED, ready

from matcalc import derive, value
from matcalc.errors import OutsideDomainError

SQ = {"X": "matrix(n,n)", "A": "matrix(n,n)", "u": "vector(n)", "v": "vector(n)"}
CUT = {"X": "off_cut"}
ON_CUT = "has an eigenvalue on the closed negative real axis"
BACKENDS = [b for b in INSTALLED if b != "numpy"]


def _helpers(backend: str) -> dict:
    """The generated module's namespace holding _logm and _sqrtm in `backend`."""
    d = derive("u' logm(X) v + u' sqrtm(X) v", "X", vars=SQ)
    return d.to_function(ready(backend)).__globals__


def _array(backend: str, x: np.ndarray):
    if backend == "torch":
        import torch
        return torch.as_tensor(x, dtype=torch.float64)
    import jax.numpy as jnp
    return jnp.asarray(x)


def _numpy(value) -> np.ndarray:
    return np.asarray(value.detach().numpy() if hasattr(value, "detach") else value)


def _random(n: int, rng) -> np.ndarray:
    """c I + a random part with its eigenvalues in the right half plane, off the cut."""
    return 3.0 * np.eye(n) + 1.5 * rng.standard_normal((n, n)) / np.sqrt(n)


def _agree_with_scipy(backend: str, n: int, rng) -> None:
    helpers = _helpers(backend)
    x = _random(n, rng)
    for name, want in (("_sqrtm", scipy.linalg.sqrtm(x)), ("_logm", scipy.linalg.logm(x))):
        got = _numpy(helpers[name](_array(backend, x)))
        want = np.real(want)
        assert np.abs(got - want).max() <= 1e-10 * np.abs(want).max(), (backend, name, n)


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("n", [1, 2, 7, 40])
def test_the_roots_and_logarithm_are_scipys(backend, n, rng):
    _agree_with_scipy(backend, n, rng)


@pytest.mark.slow
@pytest.mark.parametrize("backend", BACKENDS)
def test_the_roots_and_logarithm_are_scipys_at_200(backend, rng):
    _agree_with_scipy(backend, 200, rng)


@pytest.mark.parametrize("expr", ["u' logm(X) v", "logm(X)", "u' sqrtm(X) v"])
@pytest.mark.parametrize("layout", ["numerator", "denominator"])
def test_generated_jax_code_runs_under_jit(expr, layout, rng):
    jax = pytest.importorskip("jax")
    ready("jax")
    d = check_derivative(expr, "X", SQ, {"n": 3}, CUT, layout, rng=rng)
    point = _point(d, DOMAINS["off_cut"](rng, (3, 3)), rng)
    got = jax.jit(d.to_function("jax"))(**point)
    assert np.allclose(np.asarray(got), d.evaluate(**point), rtol=1e-9, atol=1e-11)


@pytest.mark.parametrize("name, expr", [("_logm", "u' logm(X) v"), ("_sqrtm", "u' sqrtm(X) v")])
def test_jax_grad_through_the_generated_function(name, expr, rng):
    """jax.grad (and jax.jit of it) of u' f(X) v through the generated jax f is evaluate's
    denominator-layout gradient L_f(Xᵀ, u vᵀ)."""
    jax = pytest.importorskip("jax")
    f = _helpers("jax")[name]
    x, u, v = _random(4, rng), rng.standard_normal(4), rng.standard_normal(4)
    want = derive(expr, "X", vars=SQ, layout="denominator").evaluate(X=x, u=u, v=v)
    grad = jax.grad(lambda m: u @ f(m) @ v)
    for through in (grad, jax.jit(grad)):
        assert np.allclose(np.asarray(through(jax.numpy.asarray(x))), want, rtol=1e-9,
                           atol=1e-11)


ON_THE_CUT = (np.diag([1.0, -2.0, 3.0]), np.array([[1.0, 5.0, 0], [0, 0, 1], [0, 0, 2]]))


def _point(d, x: np.ndarray, rng) -> dict:
    point = {"X": x, "A": rng.standard_normal((3, 3)), "u": rng.standard_normal(3),
             "v": rng.standard_normal(3)}
    return {k: point[k] for k in d.variables}


@pytest.mark.parametrize("expr", ["u' logm(X) v", "u' sqrtm(X) v", "tr(logm(X) A)",
                                  "logm(X)"])
def test_the_branch_cut_raises_in_generated_code(expr, rng):
    """numpy, torch and jax (outside jit) raise ValueError at an X with the eigenvalue −2 or 0
    as evaluate refuses it."""
    d = derive(expr, "X", vars=SQ)
    for x in ON_THE_CUT:
        point = _point(d, x, rng)
        with pytest.raises(OutsideDomainError, match="on the closed negative real axis"):
            d.evaluate(**point)
        for backend in INSTALLED:
            with pytest.raises(ValueError, match=ON_CUT):
                d.to_function(ready(backend))(**point)


def test_under_jax_jit_the_branch_cut_is_nan(rng):
    """Under jax.jit, where a traced value cannot raise, the result at the cut is NaN."""
    jax = pytest.importorskip("jax")
    d = derive("u' logm(X) v", "X", vars=SQ)
    function = jax.jit(d.to_function(ready("jax")))
    for x in ON_THE_CUT:
        assert np.all(np.isnan(np.asarray(function(**_point(d, x, rng)))))


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_complex_pair_near_the_cut_is_computed(backend):
    """Eigenvalues −1 ± 0.1i are off the cut: the principal logarithm and root are real."""
    x = np.array([[-1.0, 0.1], [-0.1, -1.0]])
    helpers = _helpers(backend)
    for name, want in (("_sqrtm", scipy.linalg.sqrtm(x)), ("_logm", scipy.linalg.logm(x))):
        got = _numpy(helpers[name](_array(backend, x)))
        assert np.allclose(got, np.real(want), rtol=1e-10, atol=1e-12), (backend, name)


def test_a_refusal_names_the_argument_as_written():
    vars = {"A": "matrix(2,2)", "B": "matrix(2,2)"}
    with pytest.raises(OutsideDomainError, match=r"^logm\(A \+ B\) is not defined here: A \+ B "
                                                 r"has the eigenvalue -2"):
        value("logm(A + B)", vars=vars, A=np.diag([1.0, -2.0]), B=np.zeros((2, 2)))
    with pytest.raises(OutsideDomainError, match=r"^sqrtm\(Aᵀ\) is not defined here: Aᵀ has"):
        value("sqrtm(A')", vars=vars, A=np.diag([1.0, -2.0]))


def test_torch_autograd_through_the_generated_function(rng):
    """torch.func.grad of u' logm(X) v differentiates the generated iteration step by step:
    evaluate's gradient L_log(Xᵀ, u vᵀ) to near rounding."""
    torch = pytest.importorskip("torch")
    f = _helpers("torch")["_logm"]
    x, u, v = _random(4, rng), rng.standard_normal(4), rng.standard_normal(4)
    want = derive("u' logm(X) v", "X", vars=SQ, layout="denominator").evaluate(X=x, u=u, v=v)
    tu, tv = torch.as_tensor(u), torch.as_tensor(v)
    got = torch.func.grad(lambda m: tu @ f(m) @ tv)(torch.as_tensor(x))
    assert np.allclose(got.numpy(), want, rtol=1e-8, atol=1e-10)


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_far_from_normal_argument_is_refused_not_misread(backend):
    """[[1, 10¹⁵], [0, 2]] needs about 50 square roots to approach I, whose factor 2⁵⁰ would
    magnify rounding to the size of the answer: logm refuses it; a milder one is computed."""
    helpers = _helpers(backend)
    with pytest.raises(ValueError, match="too far from normal"):
        helpers["_logm"](_array(backend, np.array([[1.0, 1e15], [0.0, 2.0]])))
    mild = np.array([[1.0, 1e3], [0.0, 2.0]])
    got = _numpy(helpers["_logm"](_array(backend, mild)))
    want = np.real(scipy.linalg.logm(mild))
    assert np.abs(got - want).max() <= 1e-13 * np.abs(want).max()
