"""The README's "Not supported yet" table: every workaround is derived and checked against
central finite differences, computes the function it stands for (against numpy / scipy), and
every name in the table is refused by matcalc (an UnsupportedError naming it) unless declared
`function`.

The names come from the README's table. matcalc keeps its own list of refused names in
matcalc/lower/; `refused_names()` reads it, and then the README must list exactly those names.
"""
from __future__ import annotations

import re

import numpy as np
import pytest
import scipy.special as sps
from documentation import README
from numeric import check_derivative, draw, variables

from matcalc import UnsupportedError, derive, value

SECTION = README.read_text(encoding="utf-8").split("\n## Not supported yet\n")[1].split("\n## ")[0]
TABLE_ROW = re.compile(r"^\| (.+?) \| (.+?) \|$", re.M)
CALL = re.compile(r"`((\w+)\(([^`]*)\))`")
ROWS = [(CALL.findall(left), right) for left, right in TABLE_ROW.findall(SECTION)[2:]]
CALLS = [(call, name, [a.strip() for a in args.split(",")])
         for calls, _ in ROWS for call, name, args in calls]
NAMES = sorted({name for _, name, _ in CALLS})
# (the first call of a row, its argument names, the workaround) where the row has one
WORKAROUNDS = [(calls[0][1], [a.strip() for a in calls[0][2].split(",")],
                re.match(r"`([^`]+)`", right).group(1))
               for calls, right in ROWS if right.startswith("`")]

# What each workaround computes, written independently of matcalc (numpy and scipy).
REFERENCE = {
    "log1p": np.log1p,
    "expm1": np.expm1,
    "square": np.square,
    "sinh": np.sinh,
    "cosh": np.cosh,
    "arcsinh": np.arcsinh,
    "softsign": lambda u: u / (1 + np.abs(u)),
    "logsigmoid": lambda u: np.log(sps.expit(u)),
    "huber": lambda u: np.where(np.abs(u) <= 1, u ** 2 / 2, np.abs(u) - 1 / 2),
    "min": np.minimum,
    "norm": np.linalg.norm,
    "solve": np.linalg.solve,
    "pinv": np.linalg.pinv,
    "log_softmax": sps.log_softmax,
    "cross_entropy": lambda z, y: -y @ sps.log_softmax(z),
    "logsumexp_rows": lambda Z: sps.logsumexp(Z, axis=1),
    "softmax_rows": lambda Z: sps.softmax(Z, axis=1),
    "log_softmax_rows": lambda Z: sps.log_softmax(Z, axis=1),
    "layernorm": lambda x: (x - x.mean()) / np.sqrt(x.var() + 1e-5),
}
VARS = {"pinv": {"X": "matrix(5,3)"}}  # full column rank: X' X invertible
DOMAINS = {"log1p": {"u": "uniform(-0.9,3)"}, "solve": {"A": "well_conditioned"},
           "huber": {"u": "uniform(-3,3)"}}
# The names the issue behind this table asks matcalc to refuse at the least.
REQUIRED = set("""eig eigh eigvals svd qr lu chol expm logm sqrtm pinv solve norm min argmax argmin
    sort erf gelu arcsin arccos arctan sinh cosh log1p expm1 square softsign huber log_softmax
    cumsum conv einsum""".split())


def refused_names() -> frozenset[str] | None:
    """matcalc's own table of the names it refuses, or None while matcalc/lower/ has none."""
    try:
        from matcalc.lower.unsupported import UNSUPPORTED  # the one list of refused names
    except ImportError:
        return None
    return frozenset(UNSUPPORTED)


PENDING = pytest.mark.xfail(
    refused_names() is None, strict=True,
    reason="matcalc/lower/ has no table of refused names yet; when it lands, point "
           "refused_names() at it (this mark then turns itself off)")


def test_the_table_is_read():
    assert len(WORKAROUNDS) >= 19 and len(NAMES) >= 50
    assert {name for name, _, _ in WORKAROUNDS} == set(REFERENCE)


def test_the_table_lists_the_refused_names():
    listed = set(NAMES)
    assert REQUIRED <= listed, sorted(REQUIRED - listed)
    refused = refused_names()
    if refused is not None:
        assert listed == refused, (sorted(listed - refused), sorted(refused - listed))


@pytest.mark.parametrize("call", [call for call, _, _ in CALLS])
@PENDING
def test_a_name_not_supported_yet_is_refused(call):
    name = call.split("(")[0]
    wrt = next(a.strip() for a in call[len(name) + 1:-1].split(","))
    with pytest.raises(UnsupportedError, match=rf"\b{name}\b"):
        derive(call, wrt)


@pytest.mark.parametrize("name", [name for call, name, args in CALLS if len(args) == 1])
def test_a_name_declared_function_is_an_abstract_function(name):
    assert str(derive(f"{name}(x)", "x", vars={name: "function"})) == f"∂{name}/∂x"


@pytest.mark.parametrize("name, args, workaround", WORKAROUNDS,
                         ids=[name for name, _, _ in WORKAROUNDS])
def test_workaround_derivative_agrees_with_finite_differences(name, args, workaround, rng):
    for wrt in args:
        for layout in ("numerator", "denominator"):
            check_derivative(workaround, wrt, vars=VARS.get(name), domains=DOMAINS.get(name),
                             layout=layout, rng=rng)


@pytest.mark.parametrize("name, args, workaround", WORKAROUNDS,
                         ids=[name for name, _, _ in WORKAROUNDS])
def test_workaround_computes_the_function(name, args, workaround, rng):
    shapes = {v.name: v for v in variables(derive(workaround, args[0], vars=VARS.get(name)))}
    domains = DOMAINS.get(name, {})
    for _ in range(3):
        point = {a: draw(shapes[a], domains.get(a, "normal"), rng) for a in args}
        want = REFERENCE[name](*(point[a] for a in args))
        got = value(workaround, vars=VARS.get(name), **point)
        np.testing.assert_allclose(np.reshape(got, np.shape(want)), want, rtol=1e-10,
                                   atol=1e-12, err_msg=f"{workaround} for {name}")
