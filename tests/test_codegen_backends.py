"""The public face of code generation: value_and_grad, Hessians, names, safety, determinism, the
CLI's --code, and the jax (jit, vmap, grad) and torch (torch.func, torch.compile) backends.

jax and torch tests skip when the library is not installed, unless MATCALC_REQUIRE_BACKENDS
names it (.ci/run sets it, so that CI cannot pass by skipping them).
"""
from __future__ import annotations

import importlib.util
import inspect
import os
import subprocess
import sys

import numpy as np
import pytest
from numeric import as_displayed, assert_close, reference
from test_codegen import assert_agrees

import matcalc
from matcalc import DeclarationError, ShapeError, derive, hessian, value, value_and_grad
from matcalc.cli import main

REQUIRED = {b for b in os.environ.get("MATCALC_REQUIRE_BACKENDS", "").split(",") if b}
LOGISTIC = "sum(softplus(X w)) - y' X w"
LOGISTIC_VARS = {"X": "matrix(N,n)", "w": "vector(n)", "y": "vector(N)"}


def backend(name: str):
    if importlib.util.find_spec(name) is None:
        if name in REQUIRED:
            pytest.fail(f"{name} is required (MATCALC_REQUIRE_BACKENDS) but not installed")
        pytest.skip(f"{name} is not installed")
    module = importlib.import_module(name)
    if name == "jax":
        module.config.update("jax_enable_x64", True)
    return module


def logistic_point(rng, rows: int = 7, cols: int = 3) -> dict:
    return {"X": rng.normal(size=(rows, cols)), "w": rng.normal(size=cols),
            "y": (rng.uniform(size=rows) > 0.5).astype(float)}


def test_required_backends_are_installed():
    missing = [b for b in REQUIRED if importlib.util.find_spec(b) is None]
    assert not missing, f"MATCALC_REQUIRE_BACKENDS names uninstalled backends: {missing}"


def test_value_and_grad_several_variables(rng):
    point = logistic_point(rng)
    f = value_and_grad(LOGISTIC, ["w", "X"], vars=LOGISTIC_VARS)
    got_value, (grad_w, grad_x) = f(**point)
    assert got_value == pytest.approx(value(LOGISTIC, vars=LOGISTIC_VARS, **point), rel=1e-12)
    for name, got in (("w", grad_w), ("X", grad_x)):
        want = derive(LOGISTIC, name, LOGISTIC_VARS, layout="denominator").evaluate(**point)
        assert got.shape == np.shape(point[name]) and np.allclose(got, want, rtol=1e-12)


def test_value_and_grad_computes_shared_work_once(rng):
    f = value_and_grad(LOGISTIC, ["w", "X"], vars=LOGISTIC_VARS)
    source = inspect.getsource(f)
    assert source.count("X @ w") == 1, source
    one = value_and_grad(LOGISTIC, "w", vars=LOGISTIC_VARS)
    point = logistic_point(rng)
    got_value, grad = one(**point)  # one variable: (value, gradient), not a 1-tuple
    assert isinstance(got_value, float) and grad.shape == (3,)


def test_value_and_grad_needs_a_scalar():
    with pytest.raises(ShapeError, match="scalar"):
        value_and_grad("A x", "x")


def test_hessian_code_scales_rows_instead_of_forming_diag(rng):
    h = hessian(LOGISTIC, "w", LOGISTIC_VARS)
    source = h.to_source()
    assert "np.diag" not in source, source
    point = logistic_point(rng)
    assert np.allclose(h.to_function()(**point), h.evaluate(**point), rtol=1e-12)


def test_unknown_backend():
    with pytest.raises(DeclarationError, match="unknown backend 'fortran'"):
        derive("x' x", "x").to_source("fortran")


@pytest.mark.parametrize("name", ["lambda", "def", "os", "np", "float", "t1", "import"])
def test_python_names_as_variables(name, rng):
    d = derive(f"{name}' A x + sum(x)", "x", vars={name: "vector(n)", "x": "vector(n)"})
    params = list(inspect.signature(d.to_function()).parameters)
    assert all(p.isidentifier() for p in params) and len(params) == 3
    point = {name: rng.normal(size=3), "A": rng.normal(size=(3, 3)), "x": rng.normal(size=3)}
    got = d.to_function()(*point.values())
    assert np.allclose(got, d.evaluate(**point))


@pytest.mark.parametrize("backend_name", ["jax", "torch"])
def test_a_library_may_import_while_the_generated_code_runs(backend_name):
    """In a fresh process, jax's compiled dispatch of jnp.greater(1.0, 0.0) imports numpy and
    ml_dtypes through the calling (generated) code's builtins; the generated module's own
    imports stay limited to the backend's modules."""
    backend(backend_name)
    script = ("import jax; jax.config.update('jax_enable_x64', True)\n" * (backend_name == "jax")
              + "import matcalc\n"
              "d = matcalc.derive('relu(softmax(z)) + z', 'z', vars={'z': 'vector(1)'})\n"
              f"print(float(d.to_function({backend_name!r})(z=[0.5])))")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    assert out.returncode == 0 and out.stdout.strip() == "1.0", out.stderr[-2000:]


def test_generated_code_has_no_general_builtins():
    f = derive("x' A x", "x").to_function()
    assert set(f.__globals__["__builtins__"]) == {"float", "isinstance", "TypeError",
                                                  "ValueError", "__import__"}
    with pytest.raises(ImportError, match="may not import 'os'"):
        f.__globals__["__builtins__"]["__import__"]("os")


def test_docstring_states_the_closed_form_and_layout():
    d = derive("x' A x", "x", layout="denominator")
    doc = inspect.getdoc(d.to_function())
    assert str(d) in doc and "denominator layout" in doc and "x: vector(n_A)" in doc


def test_source_is_deterministic_across_processes():
    script = ("import matcalc; print(matcalc.derive('log(det(X)) + tr(inv(X) A)', 'X')"
              ".to_source('numpy'))")
    outs = {subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                           env={**os.environ, "PYTHONHASHSEED": seed}, check=True).stdout
            for seed in ("0", "1", "12345")}
    assert len(outs) == 1


def test_cli_prints_code_that_runs(capsys, rng):
    assert main(["norm2(A x - b)^2", "--wrt", "x", "--var", "b:vector", "--layout",
                 "denominator", "--code", "numpy"]) == 0
    source = capsys.readouterr().out
    namespace: dict = {}
    exec(compile(source, "<cli output>", "exec"), namespace)  # the test runs matcalc's output
    point = {"A": rng.normal(size=(4, 3)), "x": rng.normal(size=3), "b": rng.normal(size=4)}
    want = derive("norm2(A x - b)^2", "x", {"b": "vector"}, layout="denominator")
    assert np.allclose(namespace["d_dx"](**point), want.evaluate(**point))


def test_cli_code_does_not_combine_with_steps(capsys):
    assert main(["x' x", "--wrt", "x", "--code", "numpy", "--steps"]) == 2
    assert "does not combine" in capsys.readouterr().err


# -- jax -------------------------------------------------------------------------------------

def test_jax_jit_vmap_grad(rng):
    jax = backend("jax")
    import jax.numpy as jnp
    d = derive("x' A x + log(det(S))", "x", vars={"S": "spd(n)"}, layout="denominator")
    f = d.to_function("jax")
    a, x = rng.normal(size=(3, 3)), rng.normal(size=3)
    s = a @ a.T + 3 * np.eye(3)
    assert np.allclose(jax.jit(f)(x, a, s), d.evaluate(x=x, A=a, S=s))
    batch = rng.normal(size=(5, 3))
    mapped = jax.vmap(f, in_axes=(0, None, None))(batch, a, s)
    assert np.allclose(mapped, [d.evaluate(x=row, A=a, S=s) for row in batch])
    h = hessian("x' A x + log(det(S))", "x", vars={"S": "spd(n)"})
    grad = jax.grad(lambda v: jnp.sum(f(v, a, s)))(x)
    assert np.allclose(grad, h.evaluate(x=x, A=a, S=s).sum(axis=0))


def test_jax_shared_factorisation_under_jit(rng):
    jax = backend("jax")
    d = derive("log(det(X)) + tr(inv(X) A)", "X")
    source = d.to_source("jax")
    assert source.count("lu_factor") == 1, source
    x, a = rng.normal(size=(4, 4)) + 4 * np.eye(4), rng.normal(size=(4, 4))
    assert np.allclose(jax.jit(d.to_function("jax"))(x, a), d.evaluate(X=x, A=a))


def test_jax_value_and_grad_matches_jax_grad(rng):
    jax = backend("jax")
    f = value_and_grad(LOGISTIC, ["w", "X"], vars=LOGISTIC_VARS, backend="jax")
    point = logistic_point(rng)
    value_fn = lambda w, X: f(X, w, point["y"])[0]  # noqa: E731
    want = jax.grad(value_fn, argnums=(0, 1))(point["w"], point["X"])
    _, (grad_w, grad_x) = jax.jit(f)(**point)
    assert np.allclose(grad_w, want[0]) and np.allclose(grad_x, want[1])


# -- torch -----------------------------------------------------------------------------------

def test_torch_func_grad_of_generated_code(rng):
    torch = backend("torch")
    f = value_and_grad(LOGISTIC, "w", vars=LOGISTIC_VARS, backend="torch")
    point = {k: torch.as_tensor(v) for k, v in logistic_point(rng).items()}
    _, grad = f(**point)
    want = torch.func.grad(lambda w: f(point["X"], w, point["y"])[0])(point["w"])
    assert torch.allclose(grad, want)


@pytest.mark.slow
def test_torch_compile(rng):
    torch = backend("torch")
    d = matcalc.hessian(LOGISTIC, "w", LOGISTIC_VARS)
    compiled = torch.compile(d.to_function("torch"))
    point = logistic_point(rng)
    got = compiled(**{k: torch.as_tensor(v) for k, v in point.items()})
    assert np.allclose(got.numpy(), d.evaluate(**point))


# -- generated code runs wherever evaluate runs ------------------------------------------------

BACKENDS = ("numpy", "jax", "torch")
N = np.array([[2.0, 0.3], [-0.2, 1.5]])  # det 3.06: logdet(N) ≈ 1.12, clear of max's kink 1.5
KRON_POINT = {"c": 0.7, "v": np.array([0.5, -1.0]), "h": np.array([1.0, 0.2, -0.4]),
              "C": np.array([[1.0, 2.0], [0.5, -1.0]]),
              "D": np.array([[0.3, -0.2, 1.0], [0.1, 0.4, -0.5], [2.0, 0.0, 1.0]]),
              "w": np.arange(1.0, 7.0)}
WHERE_EVALUATE_RUNS = {  # name: (expression, by, declarations, values)
    "matrix(1,1) passed as (1, 1)": ("A^2 x + sum(A) x", "x", {"A": "matrix(1,1)"},
                                     {"A": np.array([[2.0]]), "x": np.array([-2.0])}),
    "symmetric(1) passed as (1, 1)": ("logdet(S) + tr(S) a", "S", {"S": "symmetric(1)"},
                                      {"S": np.array([[3.0]]), "a": 0.5}),
    "spd(1) passed as (1,)": ("inv(S) b", "S", {"S": "spd(1)"},
                              {"S": np.array([4.0]), "b": 2.0}),
    "a / abs(4)": ("a / abs(4)", "a", None, {"a": 1.5}),
    "(4 > c) c": ("(4 > c) c", "c", None, {"c": 1.5}),
    "h ./ sigmoid(2)": ("h ./ sigmoid(2)", "h", None, {"h": np.array([1.0, -2.0, 0.5])}),
    "max(1.5, logdet(N))": ("max(1.5, logdet(N))", "N", None, {"N": N}),
    "max(1.5, logdet(N)) below": ("max(1.5, logdet(N))", "N", None, {"N": 0.5 * N}),
    "a scalar through Kronecker reshapes": ("c kron(v, h)' kron(C, D) w", "c", None,
                                            KRON_POINT),
    "the row of it": ("c kron(v, h)' kron(C, D)", "c", None,
                      {k: v for k, v in KRON_POINT.items() if k != "w"}),
    "relu(softmax(z)), z: vector(1)": ("relu(softmax(z)) + z", "z", {"z": "vector(1)"},
                                        {"z": np.array([0.5])}),  # (softmax(z) = 1 here)
}


@pytest.mark.parametrize("name", list(WHERE_EVALUATE_RUNS))
@pytest.mark.parametrize("backend_name", BACKENDS)
def test_generated_code_runs_where_evaluate_runs(name, backend_name):
    """Each computes what evaluate computes (itself checked against central differences),
    shaped as evaluate returns it (a scalar 0-d, a float from numpy)."""
    text, wrt, vars, point = WHERE_EVALUATE_RUNS[name]
    if backend_name != "numpy":
        backend(backend_name)
    for layout in ("numerator", "denominator"):
        d = derive(text, wrt, vars, layout)
        want = d.evaluate(**point)
        fd = reference(text, wrt, vars, point, layout)
        assert_close(as_displayed(want, fd), fd, what=f"{text} by {wrt}")
        got = d.to_function(backend_name)(**point)
        assert_agrees(got, want, backend_name, lambda: d.to_source(backend_name))
        positional = d.to_function(backend_name)(*(point[k] for k in d.variables))
        assert_agrees(positional, want, backend_name, lambda: d.to_source(backend_name))


@pytest.mark.parametrize("backend_name", BACKENDS)
def test_a_1x1_matrix_is_accepted_in_every_form_evaluate_takes(backend_name):
    if backend_name != "numpy":
        backend(backend_name)
    d = derive("x' A x + det(A)", "A", {"A": "matrix(1,1)", "x": "vector(1)"})
    f = d.to_function(backend_name)
    for a, x in ((2.0, 3.0), ([[2.0]], [3.0]), (np.array([2.0]), np.array([[3.0]]))):
        assert float(f(A=a, x=x)) == pytest.approx(d.evaluate(A=a, x=x)) == 9.0 + 1.0


NAMED = ("tr(f(A X + B)) + θ sum(X) + lambda tr(X)", "X", {"f": "function"})


@pytest.mark.parametrize("backend_name", BACKENDS)
def test_the_function_takes_every_name_evaluate_takes(backend_name, rng):
    """∂f/∂(A X + B) by its printed or ASCII name, θ as θ or theta, lambda as lambda or λ
    (its parameter is lambda_): called with exactly evaluate's keywords, it agrees."""
    if backend_name != "numpy":
        backend(backend_name)
    text, wrt, vars = NAMED
    d = derive(text, wrt, vars)
    f = d.to_function(backend_name)
    assert list(inspect.signature(f).parameters) == ["A", "X", "B", "theta", "lambda_",
                                                     "df_d_A_X_B"]
    point = {"A": rng.normal(size=(2, 3)), "X": rng.normal(size=(3, 3)),
             "B": rng.normal(size=(2, 3))}
    symbol = rng.normal(size=(3, 2))
    for theta, lam, df in (("θ", "lambda", "∂f/∂(A X + B)"), ("theta", "λ", "df_d(A X + B)"),
                           ("theta", "lambda_", "df_d_A_X_B")):
        arrays = {**point, theta: 0.5, lam: -2.0, df: symbol}
        evaluated = {("lambda" if k == "lambda_" else "df_d(A X + B)" if k == "df_d_A_X_B"
                      else k): v for k, v in arrays.items()}  # (parameter names: not evaluate's)
        want = d.evaluate(**evaluated)
        assert_agrees(f(**arrays), want, backend_name, lambda: d.to_source(backend_name))
        if backend_name == "jax":  # (jit traces the renamed call)
            import jax
            assert_agrees(jax.jit(f)(**arrays), want, "jax", lambda: d.to_source("jax"))
    doc = inspect.getdoc(f)
    assert "'∂f/∂(A X + B)' or 'df_d(A X + B)' for df_d_A_X_B" in doc, doc
    assert "'θ' for theta" in doc and "'lambda' or 'λ' for lambda_" in doc, doc
    with pytest.raises(TypeError, match="unexpected keyword argument 'Theta'"):
        f(**point, Theta=0.5, λ=1.0, df_d_A_X_B=symbol)


def test_a_function_without_such_names_is_not_wrapped():
    source = derive("x' A x", "x").to_source()
    assert "_with_evaluate_names" not in source and "Keywords also" not in source, source


def test_a_greek_function_name_is_taken_as_its_letter():
    """evaluate reads φ as phi (an abstract function's value here), and so does the code."""
    d = derive("phi(x) * sum(x)", "x", vars={"phi": "function"})
    arrays = {"x": np.array([1.0, 2.0]), "φ": 2.0, "∂phi/∂x": np.array([0.5, -1.0])}
    assert_agrees(d.to_function()(**arrays), d.evaluate(**arrays), "numpy", d.to_source)


@pytest.mark.parametrize("backend_name", BACKENDS)
def test_a_determinant_keeps_its_digits(backend_name):
    """det(R Rᵀ + 2I) for R = 100 [1 2 3; 4 5 6; 7 8 9] (condition 1.4e6): jnp.linalg.det's
    3 × 3 cofactor formula cancels to a relative error of 1e-9; the generated code's goes
    through LU, as numpy's and torch's do (found by test_codegen_programs, seed 4162)."""
    if backend_name != "numpy":
        backend(backend_name)
    r = [[100 * (3 * i + j + 1) for j in range(3)] for i in range(3)]
    x = [[sum(r[i][k] * r[j][k] for k in range(3)) + 2 * (i == j) for j in range(3)]
         for i in range(3)]
    exact = sum(x[0][j] * (x[1][(j + 1) % 3] * x[2][(j + 2) % 3]
                           - x[1][(j + 2) % 3] * x[2][(j + 1) % 3]) for j in range(3))
    d = derive("det(X) y", "y")  # det(X) I: in integers, exact
    got = np.asarray(d.to_function(backend_name)(X=np.array(x, dtype=float), y=[1.0, 2.0]))
    assert abs(got[0, 0] - exact) / exact < 1e-11, (got[0, 0], exact)


@pytest.mark.parametrize("backend_name", ["numpy", "jax", "torch"])
def test_a_scalar_divisor_and_pi_read_as_written(backend_name):
    """2 exp(-a²) / sqrt(π) is generated with a division and the backend's π (not
    sqrt(3.14159…) ** (-1)), and computes the derivative of erf."""
    if backend_name != "numpy":
        backend(backend_name)
    d = derive("erf(a)", "a")
    prefix = {"numpy": "np", "jax": "jnp", "torch": "torch"}[backend_name]
    source = d.to_source(backend_name)
    assert f"/ {prefix}.sqrt(" in source and f"{prefix}.pi" in source and "** (-1)" not in source
    got = float(d.to_function(backend_name)(a=0.3))
    assert abs(got - 2 * np.exp(-0.09) / np.sqrt(np.pi)) < 1e-15
    assert "/ b ** 2" in derive("a / b", "b").to_source(backend_name)


UNUSED_Y = {"x": "vector(n)", "y": "vector(n)", "A": "matrix(n,n)"}


@pytest.mark.parametrize("backend_name", BACKENDS)
def test_the_parameters_are_the_functions_variables(backend_name, rng):
    """A declared variable the function does not use (y of max(x)) is no parameter: the code
    is called as evaluate is, without it, and accepts it by keyword, ignored; one the function
    uses stays a parameter though the derivative does not use it (A of sum(x) + y' A y by x).
    Each value is evaluate's, itself checked against central differences."""
    if backend_name != "numpy":
        backend(backend_name)
    point = {"x": rng.permutation(5).astype(float), "y": rng.normal(size=5),
             "A": rng.normal(size=(5, 5))}
    for text, wrt, params in (("max(x)", "x", ["x"]), ("sum(x) + y' A y", "x", ["x", "y", "A"]),
                              ("sum(y)", "x", ["y", "x"]), ("y' A y", "y", ["y", "A"])):
        d = derive(text, wrt, UNUSED_Y, "denominator")
        f = d.to_function(backend_name)
        assert list(inspect.signature(f).parameters) == params, d.to_source(backend_name)
        taken = {name: point[name] for name in params}
        want = d.evaluate(**taken)
        fd = reference(text, wrt, UNUSED_Y, point, "denominator")
        assert_close(as_displayed(want, fd), fd, what=f"{text} by {wrt}")
        for given in (taken, point):
            assert_agrees(f(**given), want, backend_name, lambda: d.to_source(backend_name))
            assert_agrees(d.evaluate(**given), want, "numpy", lambda: text)
        assert_agrees(f(*taken.values()), want, backend_name, lambda: d.to_source(backend_name))
    h = hessian("sum(x .^ 3)", "x", UNUSED_Y).to_function(backend_name)
    assert_agrees(h(x=point["x"]), np.diag(6 * point["x"]), backend_name, lambda: "Hessian")
    f = value_and_grad("max(x)", "x", UNUSED_Y, backend_name)
    for given in ({"x": point["x"]}, point):
        got_value, grad = f(**given)
        assert float(got_value) == 4.0
        assert_agrees(grad, np.eye(5)[np.argmax(point["x"])], backend_name, lambda: "grad")
