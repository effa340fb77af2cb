"""Generated code computes what `evaluate` computes: every identity case and seed example, both
layouts, each installed backend (numpy always; jax and torch when installed, else skipped).

Points are drawn in each case's domains (positive for log, well-conditioned for inv/det, clear
of kinks); abstract symbols (∂f/∂Y, f(Y)) get random values of their shapes, passed to the
generated function under the parameter names `codegen.parameters` gives.
"""
from __future__ import annotations

import importlib.util

import numpy as np
import pytest
from numeric import concrete_all, draw_point, kink_programs, variables
from test_identities import CASES, SIZES
from test_seeds import EXAMPLES
from test_seeds import SIZES as SEED_SIZES

from matcalc import derive, hessian, value_and_grad
from matcalc.codegen import parameters
from matcalc.core.expr import postorder
from matcalc.errors import EvaluationError
from matcalc.evaluate import symbol_names

LAYOUTS = ("numerator", "denominator")
INSTALLED = [b for b in ("numpy", "jax", "torch")
             if b == "numpy" or importlib.util.find_spec(b) is not None]


def _point(d, expr, sizes, domains, vars, abstract, rng) -> tuple[dict, dict]:
    """(random values of the variables, the numbers of every size symbol)."""
    here = variables(d, sizes)
    numbers = dict(sizes)
    for v, node in zip(here, d.program.variables.values()):
        for dim, n in ((node.shape.rows, v.shape[0]), (node.shape.cols, v.shape[1])):
            if len(dim.symbols) == 1 and dim.coeff == 1:
                numbers.setdefault(dim.symbols[0], n)
    kinks = kink_programs(concrete_all(expr, abstract))
    structured = {v.name: "spd" for v in here
                  if str((vars or {}).get(v.name, "")).startswith(("spd", "symmetric"))}
    return draw_point(here, {**structured, **(domains or {})}, rng, kinks, vars), numbers


def _symbol_values(d, numbers: dict, rng) -> dict:
    """Random values of the closed form's abstract symbols, by the names evaluate takes."""
    out = {}
    for node in postorder(d.expr):
        if node.op in ("absgrad", "apply"):
            rows, cols = node.shape.rows.value(numbers), node.shape.cols.value(numbers)
            value = rng.normal(size=(rows, cols))
            name = node.attr("fname") if node.op == "apply" else symbol_names(node)[1]
            out[name] = (float(value[0, 0]) if rows == cols == 1 else
                         value.reshape(-1) if 1 in (rows, cols) else value)
    return out


def _as_numpy(value):
    if hasattr(value, "detach"):
        value = value.detach().numpy()
    return np.asarray(value, dtype=float)


def check_generated(d, expr, sizes, domains, vars, abstract, rng, backends=INSTALLED):
    point, numbers = _point(d, expr, sizes, domains, vars, abstract, rng)
    symbols = _symbol_values(d, numbers, rng)
    want = d.evaluate(**point, **symbols)
    names = parameters(d.program.variables, (d.expr,))
    arguments = {names[k]: v for k, v in {**point, **symbols}.items() if k in names}
    for backend in backends:
        got = d.to_function(ready(backend))(**arguments)
        assert_agrees(got, want, backend, lambda: d.to_source(backend))


def assert_refused_everywhere(expr: str, wrt: str, vars: dict, point: dict,
                              message: str) -> None:
    """Each derivative of `expr` (both layouts, the Hessian) refuses `point` in evaluate
    (EvaluationError) and in its generated code, as value_and_grad does (ValueError), with
    `message`, in every installed backend."""
    for d in (derive(expr, wrt, vars), derive(expr, wrt, vars, "denominator"),
              hessian(expr, wrt, vars)):
        with pytest.raises(EvaluationError) as info:
            d.evaluate(**point)
        assert message in str(info.value)
        for backend in INSTALLED:
            with pytest.raises(ValueError) as raised:
                d.to_function(ready(backend))(**point)
            assert message in str(raised.value), d.to_source(backend)
    for backend in INSTALLED:
        with pytest.raises(ValueError) as raised:
            value_and_grad(expr, wrt, vars, ready(backend))(**point)
        assert message in str(raised.value)


def ready(backend: str) -> str:
    """The backend's name, its library set to float64 (jax's x64 mode)."""
    if backend == "jax":
        import jax
        jax.config.update("jax_enable_x64", True)
    return backend


def assert_agrees(got, want, backend: str, source, noise: float = 0.0) -> None:
    """Generated code's result `got` is `evaluate`'s `want`: the same type for numpy (float
    or array), the same shape, the same values to rounding, or within `noise` of them
    (`source()` shown if not)."""
    if backend == "numpy":
        assert type(got) is type(want) or (isinstance(want, np.ndarray)
                                           and isinstance(got, np.ndarray)), (backend, source())
    got = _as_numpy(got)
    assert got.shape == np.shape(want), (backend, got.shape, np.shape(want), source())
    scale = max(1.0, float(np.max(np.abs(want), initial=0.0)))
    assert np.allclose(got, want, rtol=1e-8, atol=1e-10 * scale + noise, equal_nan=True), (
        f"{backend}: generated code disagrees with evaluate\n{source()}")


CASE_PARAMS = [pytest.param(c, layout, id=f"{c.id} ({layout})") for c in CASES
               for layout in LAYOUTS]


@pytest.mark.parametrize("case, layout", CASE_PARAMS)
def test_identity_codegen(case, layout, rng):
    d = derive(case.expr, case.wrt, vars=case.vars, layout=layout)
    check_generated(d, case.expr, SIZES, case.domains, case.vars, case.abstract, rng)


SEED_PARAMS = [pytest.param(sid, layout, id=f"{sid}-{layout}") for sid in EXAMPLES
               for layout in LAYOUTS]


@pytest.mark.parametrize("sid, layout", SEED_PARAMS)
def test_seed_codegen(sid, layout, rng):
    e = EXAMPLES[sid]
    d = derive(e["expr"], e["wrt"], vars=e["vars"], layout=layout)
    check_generated(d, e["expr"], SEED_SIZES, e.get("domains"), e["vars"],
                    e.get("abstract", ()), rng)


@pytest.mark.parametrize("sign", [1, -1])
def test_a_constant_past_float64s_range_is_infinite_everywhere(sign):
    """1e300 · 1e100 is exact in matcalc (1e400); as a float64 it rounds to ±inf, in value(),
    evaluate and the generated code alike (float() of it raises in Python)."""
    from matcalc import hessian, value

    c = "1e300 * 1e100" if sign > 0 else "(-1e300) * 1e100"
    assert value(f"{c} * x", vars={"x": "scalar"}, x=2.0) == sign * np.inf
    d = derive(f"{c} * x + x^2", "x", {"x": "scalar"})
    assert d.evaluate(x=2.0) == d.to_function(backend="numpy")(x=2.0) == sign * np.inf
    h = hessian(f"sum(exp(X w)) * {c}", "w", {"X": "matrix(m,n)", "w": "vector(n)"})
    point = {"X": np.eye(2) + 0.5, "w": np.array([0.5, -1.0])}
    got = h.to_function(backend="numpy")(**point)
    assert np.array_equal(got, h.evaluate(**point)) and (np.sign(got) == sign).all()
    assert np.isinf(got).all()
