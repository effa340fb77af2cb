"""The catalogue of matrix functions, spectral functions, factorisations, solves and structured
variables, facet by facet, checked by numbers: for each function the differential form
(`differential`) is the directional derivative along an admissible direction (central
differences of `value`); `steps()` states the result's conditions and its last line has the
value of `evaluate`; the printed forms read back to that value; `check()` compares at points
where the conditions hold; generated numpy / jax / torch code agrees with `evaluate` (where
the backend computes the function); jax.grad through jnp.linalg / jax.scipy.linalg, projected
on the variable's tangent space, is an independent reference for the gradients; every LaTeX
form (derivative in both layouts, differential, steps) is read by KaTeX; and `evaluate`
refuses a point outside the function's domain even when the closed form no longer shows the
operator whose domain it is (tr(logm(X)) → X⁻ᵀ); the command's text and --json state the conditions.
"""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from types import SimpleNamespace

import numeric as nm
import numpy as np
import pytest
from program_checks import read_back
from test_codegen_backends import backend as required_backend

from matcalc import derive, differential, value
from matcalc.api import _lowered
from matcalc.cli import main
from matcalc.errors import MatcalcError
from matcalc.evaluate import Env, bind, evaluate

SIZES = {"n": 3, "m": 4}
# (id, expression, variable, declarations, domains of undeclared variables)
CASES = [
    ("expm", "u' expm(X) v", "X", {}, {}),
    ("expm-trace", "tr(expm(X) A)", "X", {}, {}),
    ("expm-scalar", "expm(t A)", "t", {"t": "scalar"}, {}),
    ("logm", "u' logm(X) v", "X", {}, {"X": "off_cut"}),
    ("logm-trace", "tr(logm(X))", "X", {}, {"X": "off_cut"}),
    ("sqrtm", "u' sqrtm(X) v", "X", {}, {"X": "off_cut"}),
    ("sqrtm-trace", "tr(sqrtm(X))", "X", {}, {"X": "off_cut"}),
    ("expm-spd", "u' expm(S) v", "S", {"S": "spd(n)"}, {}),
    ("eigvals", "y' eigvals(S)", "S", {"S": "symmetric(n)"}, {}),
    ("eigmax", "eigmax(A' S A)", "S", {"S": "symmetric(n)", "A": "matrix(n,n)"}, {}),
    ("eigmin", "eigmin(S)", "S", {"S": "symmetric(n)"}, {}),
    ("svals", "y' svals(X)", "X", {"X": "matrix(4,3)"}, {}),
    ("specnorm", "specnorm(X)", "X", {"X": "matrix(m,n)"}, {}),
    ("nucnorm", "nucnorm(A X)", "X", {"X": "matrix(n,n)", "A": "matrix(n,n)"}, {}),
    ("chol", "tr(A chol(S))", "S", {"S": "spd(n)"}, {}),
    ("chol-logdet", "sum(log(diag(chol(S))))", "S", {"S": "spd(n)"}, {}),
    ("solve-matrix", "u' solve(A, v)", "A", {}, {"A": "well_conditioned"}),
    ("solve-vector", "u' solve(A, v)", "v", {}, {"A": "well_conditioned"}),
    ("gp-nll", "y' solve(K, y) / 2 + sum(log(diag(chol(K))))", "K", {"K": "spd(n)"}, {}),
    ("pinv", "u' pinv(X) w", "X", {"X": "matrix(m,n)", "w": "vector(m)"}, {}),
    ("symmetric", "tr(A S)", "S", {"S": "symmetric(n)"}, {}),
    ("diagonal", "logdet(D)", "D", {"D": "diagonal(n)"}, {}),
    ("lowertri", "u' L L' u", "L", {"L": "lowertri(n)"}, {}),
    ("orthogonal", "u' Q v", "Q", {"Q": "orthogonal(n)"}, {}),
]
IDS = [c[0] for c in CASES]


def _structured(kind: str, x: np.ndarray, rng) -> np.ndarray:
    """x made a value of the declared kind (spd and symmetric drawn spd by `numeric`)."""
    if kind.startswith("diagonal"):
        return np.diag(rng.uniform(0.5, 2.0, x.shape[0]))
    if kind.startswith("lowertri"):
        return np.tril(x) + 2 * np.eye(x.shape[0])
    if kind.startswith("orthogonal"):
        return np.linalg.qr(x)[0]
    return x


def _point(expr: str, vars: dict, domains: dict, rng) -> dict:
    here = nm.variables(SimpleNamespace(program=_lowered(expr, vars or None)), SIZES)
    spd = {v.name: "spd" for v in here if nm.structured(vars, v.name)}
    point = nm.draw_point(here, {**spd, **domains}, rng)
    return {k: _structured(vars.get(k, ""), x, rng) if np.ndim(x) == 2 else x
            for k, x in point.items()}


def _tangent(kind: str, x, rng):
    """A random admissible direction at x for a variable of the declared kind."""
    if np.ndim(x) == 0:
        return 0.7
    e = rng.standard_normal(np.shape(x))
    if kind.startswith(("symmetric", "spd")):
        return e + e.T
    if kind.startswith("diagonal"):
        return np.diag(np.diag(e))
    if kind.startswith("lowertri"):
        return np.tril(e)
    if kind.startswith("orthogonal"):
        return x @ (e - e.T)  # Q Ω with Ω skew: the tangent space of O(n) at Q
    return e


def _moved(kind: str, x, step):
    """x + step on the variable's set (the orthogonal group: the polar factor of x + step)."""
    if kind.startswith("orthogonal"):
        u, _, vt = np.linalg.svd(x + step)
        return u @ vt
    return x + step


@pytest.mark.parametrize("cid, expr, wrt, vars, domains", CASES, ids=IDS)
def test_differential_is_the_directional_derivative(cid, expr, wrt, vars, domains):
    """df = D f(X)[dX], evaluated at an admissible dX, is (f(X + h dX) − f(X − h dX)) / 2h."""
    rng = np.random.default_rng(20)
    point = _point(expr, vars, domains, rng)
    kind = vars.get(wrt, "")
    e = _tangent(kind, point[wrt], rng)
    df = differential(expr, wrt, vars or None)
    got = np.asarray(df.evaluate(**point, **{f"d{wrt}": e}), dtype=float)
    h = 1e-6
    up = value(expr, vars or None, **{**point, wrt: _moved(kind, point[wrt], h * e)})
    down = value(expr, vars or None, **{**point, wrt: _moved(kind, point[wrt], -h * e)})
    want = (np.asarray(up, dtype=float) - np.asarray(down, dtype=float)) / (2 * h)
    nm.assert_close(got.reshape(want.shape), want, 1e-5, 1e-6, f"{df} along d{wrt}")


@pytest.mark.parametrize("layout", ["numerator", "denominator"])
@pytest.mark.parametrize("cid, expr, wrt, vars, domains", CASES, ids=IDS)
def test_steps_state_the_conditions_and_end_at_the_value(cid, expr, wrt, vars, domains, layout):
    d = derive(expr, wrt, vars or None, layout)
    s = d.steps()
    text, ascii_text = s.text(), s.text(ascii=True)
    for sentence, ascii_sentence in zip(d.conditions, d.ascii_conditions):
        assert sentence in text and ascii_sentence in ascii_text
    last = [line for _, lines in s.sections for line in lines if line.right is not None][-1]
    point = _point(expr, vars, domains, np.random.default_rng(21))
    values, sizes = bind(d.program.variables, point, d.program.kinds)
    got = evaluate(last.right, Env(values, sizes, {}, layout))
    want = np.asarray(d.evaluate(**point), dtype=float)
    nm.assert_close(np.asarray(got, dtype=float).reshape(want.shape), want, 1e-9, 1e-9,
                    f"the last step of {expr} by {wrt}")


@pytest.mark.parametrize("layout", ["numerator", "denominator"])
@pytest.mark.parametrize("cid, expr, wrt, vars, domains", CASES, ids=IDS)
def test_printed_forms_read_back(cid, expr, wrt, vars, domains, layout):
    """Each printed form (Unicode and ASCII, with and without where clauses), read back with
    the declarations, has the value of `evaluate` (a structured value of its kind)."""
    d = derive(expr, wrt, vars or None, layout)
    failures: list = []
    assert read_back(d, _point(expr, vars, domains, np.random.default_rng(25)), failures) is None
    assert not failures, "\n".join(f.detail for f in failures)


@pytest.mark.parametrize("layout", ["numerator", "denominator"])
@pytest.mark.parametrize("cid, expr, wrt, vars, domains", CASES, ids=IDS)
def test_check_compares_at_points_where_the_conditions_hold(cid, expr, wrt, vars, domains,
                                                            layout):
    """check() finds points in each function's domain (spd, off the branch cut, a simple top
    eigenvalue, full rank, orthogonal) and agrees with the differences there."""
    result = derive(expr, wrt, vars or None, layout).check(points=2, seed=1)
    assert result.points == 2 and result.ok, result


@pytest.mark.parametrize("backend", ["numpy", "jax", "torch"])
@pytest.mark.parametrize("cid, expr, wrt, vars, domains", CASES, ids=IDS)
def test_generated_code_agrees_with_evaluate(cid, expr, wrt, vars, domains, backend):
    required_backend(backend)
    d = derive(expr, wrt, vars or None, "denominator")
    function = d.to_function(backend)
    point = _point(expr, vars, domains, np.random.default_rng(22))
    got = function(**point)
    got = np.asarray(got.detach().numpy() if hasattr(got, "detach") else got, dtype=float)
    want = np.asarray(d.evaluate(**point), dtype=float)
    nm.assert_close(got.reshape(want.shape), want, 1e-8, 1e-8, f"{backend} code of {expr}")


def _jax_references():
    import jax.numpy as jnp
    import jax.scipy.linalg as jsl

    def svals(x):
        return jnp.linalg.svd(x, compute_uv=False)

    return {
        "expm": lambda p: p["u"] @ jsl.expm(p["X"]) @ p["v"],
        "expm-trace": lambda p: jnp.trace(jsl.expm(p["X"]) @ p["A"]),
        "expm-spd": lambda p: p["u"] @ jsl.expm(p["S"]) @ p["v"],
        "eigvals": lambda p: p["y"] @ jnp.linalg.eigvalsh(p["S"]),
        "eigmax": lambda p: jnp.linalg.eigvalsh(p["A"].T @ p["S"] @ p["A"])[-1],
        "eigmin": lambda p: jnp.linalg.eigvalsh(p["S"])[0],
        "svals": lambda p: p["y"] @ svals(p["X"]),
        "specnorm": lambda p: svals(p["X"])[0],
        "nucnorm": lambda p: jnp.sum(svals(p["A"] @ p["X"])),
        "chol": lambda p: jnp.trace(p["A"] @ jnp.linalg.cholesky(p["S"])),
        "chol-logdet": lambda p: jnp.sum(jnp.log(jnp.diag(jnp.linalg.cholesky(p["S"])))),
        "solve-matrix": lambda p: p["u"] @ jnp.linalg.solve(p["A"], p["v"]),
        "solve-vector": lambda p: p["u"] @ jnp.linalg.solve(p["A"], p["v"]),
        "gp-nll": lambda p: (p["y"] @ jnp.linalg.solve(p["K"], p["y"]) / 2
                             + jnp.sum(jnp.log(jnp.diag(jnp.linalg.cholesky(p["K"]))))),
        "pinv": lambda p: p["u"] @ jnp.linalg.pinv(p["X"]) @ p["w"],
        "symmetric": lambda p: jnp.trace(p["A"] @ p["S"]),
        "diagonal": lambda p: jnp.linalg.slogdet(p["D"])[1],
        "lowertri": lambda p: p["u"] @ p["L"] @ p["L"].T @ p["u"],
        "orthogonal": lambda p: p["u"] @ p["Q"] @ p["v"],
    }


def _projected(kind: str, g: np.ndarray, x: np.ndarray) -> np.ndarray:
    """The unconstrained gradient g projected on the tangent space of the declared kind
    (the orthogonal group: the Riemannian gradient with the embedded metric)."""
    if kind.startswith(("symmetric", "spd")):
        return (g + g.T) / 2
    if kind.startswith("diagonal"):
        return np.diag(np.diag(g))
    if kind.startswith("lowertri"):
        return np.tril(g)
    if kind.startswith("orthogonal"):
        return (g - x @ g.T @ x) / 2
    return g


JAX_CASES = [c for c in CASES if not any(f in c[1] for f in ("logm", "sqrtm", "expm(t"))]


@pytest.mark.parametrize("cid, expr, wrt, vars, domains", JAX_CASES,
                         ids=[c[0] for c in JAX_CASES])
def test_jax_grad_is_the_reference(cid, expr, wrt, vars, domains):
    jax = required_backend("jax")
    reference = _jax_references()[cid]
    point = _point(expr, vars, domains, np.random.default_rng(23))
    arrays = {k: jax.numpy.asarray(x) for k, x in point.items()}
    g = np.asarray(jax.grad(lambda x: reference({**arrays, wrt: x}))(arrays[wrt]))
    want = _projected(vars.get(wrt, ""), g, point[wrt])
    got = np.asarray(derive(expr, wrt, vars or None, "denominator").evaluate(**point))
    nm.assert_close(got.reshape(want.shape), want, 1e-7, 1e-9, f"jax.grad of {expr}")


KATEX = Path(__file__).resolve().parents[1] / "matcalc" / "web" / "static" / "katex" / \
    "katex.min.js"
_KATEX_SCRIPT = """
const katex = require(process.argv[1]);
const forms = JSON.parse(require("fs").readFileSync(0, "utf8"));
const failed = [];
for (const f of forms) {
  try { katex.renderToString(f, {throwOnError: true}); } catch (e) { failed.push([f, e.message]); }
}
process.stdout.write(JSON.stringify(failed));
"""


def test_every_latex_form_is_read_by_katex():
    """The LaTeX of each derivative (both layouts), differential and derivation parses."""
    node = shutil.which("node")
    if node is None or not KATEX.exists():
        pytest.skip("node or the bundled KaTeX is not available")
    forms = []
    for _, expr, wrt, vars, _ in CASES:
        for layout in ("numerator", "denominator"):
            d = derive(expr, wrt, vars or None, layout)
            forms += [d.latex(), d.latex(where=False)]
        forms.append(derive(expr, wrt, vars or None).steps().latex())
        forms.append(differential(expr, wrt, vars or None).latex())
    run = subprocess.run([node, "-e", _KATEX_SCRIPT, str(KATEX)], input=json.dumps(forms),
                         capture_output=True, text=True, timeout=120, check=True)
    assert json.loads(run.stdout) == []


def _repeated_negative(n: int = 3) -> np.ndarray:
    return np.diag([-1.0, 2.0, 3.0][:n])


OUTSIDE = [  # (expression, variable, declarations, point outside the function's domain)
    ("tr(logm(X))", "X", {}, {"X": _repeated_negative()}),
    ("sum(log(diag(chol(S))))", "S", {}, {"S": _repeated_negative()}),
]


@pytest.mark.parametrize("layout", ["numerator", "denominator"])
@pytest.mark.parametrize("expr, wrt, vars, point", OUTSIDE, ids=[o[0] for o in OUTSIDE])
def test_evaluate_refuses_a_point_outside_the_functions_domain(expr, wrt, vars, point, layout):
    """The closed form X⁻ᵀ (S⁻¹ / 2) is defined at X, but the function is not: refused."""
    d = derive(expr, wrt, vars or None, layout)
    assert d.conditions
    with pytest.raises(MatcalcError, match="not defined here"):
        d.evaluate(**point)


@pytest.mark.parametrize("expr", ["u' logm(X) v", "tr(sqrtm(X))"])
def test_generated_numpy_code_refuses_the_branch_cut(expr):
    """At an eigenvalue on (−∞, 0] the numpy code raises its own ValueError (as evaluate
    refuses), not a NameError from the restricted namespace it runs in."""
    d = derive(expr, "X", None, "denominator")
    rng = np.random.default_rng(24)
    point = {"X": _repeated_negative(), "u": rng.standard_normal(3), "v": rng.standard_normal(3)}
    with pytest.raises(ValueError, match="closed negative real axis"):
        d.to_function("numpy")(**{k: point[k] for k in d.variables})


@pytest.mark.parametrize("cid, expr, wrt, vars, domains", CASES, ids=IDS)
def test_the_command_states_the_conditions(cid, expr, wrt, vars, domains, capsys):
    """--json lists the conditions, and the text ends with them, as `derive` states them."""
    d = derive(expr, wrt, vars or None, "denominator")
    argv = [expr, "--wrt", wrt, "--layout", "denominator"]
    argv += [a for name, kind in vars.items() for a in ("--var", f"{name}:{kind}")]
    assert main(argv + ["--json"]) == 0
    assert json.loads(capsys.readouterr().out)["conditions"] == list(d.conditions)
    assert main(argv) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == d.text() and lines[1:] == ([d.holds_when()] if d.conditions else [])


def _with_singular_values(sigma) -> np.ndarray:
    rng = np.random.default_rng(26)
    u = np.linalg.qr(rng.standard_normal((4, 3)))[0]
    v = np.linalg.qr(rng.standard_normal((3, 3)))[0]
    return u @ np.diag(sigma) @ v.T


def test_singular_vectors_are_refused_at_a_repeated_singular_value():
    """y' svals(X) holds where the singular values are distinct: at σ = (2, 2, 1) U and V are
    not unique and evaluate refuses; the polar factor U Vᵀ (nucnorm's gradient) is unique
    there and is given, equal to the differences."""
    x = _with_singular_values([2.0, 2.0, 1.0])
    d = derive("y' svals(X)", "X", {"X": "matrix(4,3)"}, "denominator")
    assert "distinct" in d.holds_when()
    with pytest.raises(MatcalcError, match="repeated"):
        d.evaluate(X=x, y=np.array([1.0, 2.0, 3.0]))
    n = derive("nucnorm(X)", "X", {"X": "matrix(4,3)"}, "denominator")
    h, e = 1e-6, np.random.default_rng(27).standard_normal((4, 3))
    slope = (value("nucnorm(X)", X=x + h * e) - value("nucnorm(X)", X=x - h * e)) / (2 * h)
    assert np.isclose(np.sum(n.evaluate(X=x) * e), slope, rtol=1e-6)
