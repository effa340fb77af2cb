"""The constant pi (π): the number π unless declared or bound, printed π / pi / \\pi, read back,
evaluated, generated as code and converted to SymPy as π; never a variable or a function by
accident."""
from __future__ import annotations

import numpy as np
import pytest
from numeric import check_derivative
from program_checks import printed_forms
from test_codegen import INSTALLED, assert_agrees, ready

from matcalc import DeclarationError, EvaluationError, derive, value


@pytest.mark.parametrize("expr, wrt, shown", [
    ("pi * a^2", "a", "2 π a"),
    ("π x' x", "x", "2 π xᵀ"),
    ("sin(pi x)", "x", "π diag(cos(π x))"),
    ("pi(x + 1)", "x", "π I_{n_x}"),           # π times (x + 1), as a declared variable would
    ("2pi(x + 1)", "x", "2 π I_{n_x}"),
    ("exp(-a^2 / pi)", "a", "-2 a exp(-a^2 / π) / π"),
])
def test_pi_is_the_number(expr, wrt, shown, rng):
    d = check_derivative(expr, wrt, rng=rng)
    assert str(d) == shown and "pi" not in d.variables
    point = {"a": 0.7, "x": np.array([0.3, -0.2])}
    point = {k: v for k, v in point.items() if k in d.variables}
    want = d.evaluate(**point)
    for text in printed_forms(d):
        assert np.allclose(value(text, d.declarations, **point), want), text
    for backend in INSTALLED:
        assert_agrees(d.to_function(ready(backend))(**point), want, backend,
                      lambda b=backend: d.to_source(b))


def test_it_prints_in_each_notation():
    d = derive("pi * a^2", "a")
    assert (str(d), d.text(ascii=True), d.latex()) == ("2 π a", "2 pi a", "2 \\pi a")
    assert value("pi", {}) == np.pi


def test_declared_or_bound_it_is_a_variable(rng):
    d = check_derivative("pi * x", "pi", {"pi": "scalar"}, rng=rng)
    assert d.variables == {"pi": "scalar", "x": "vector(n_x)"}
    assert np.allclose(d.evaluate(pi=2.0, x=np.ones(2)), np.ones(2))
    assert str(derive("pi = 2 a; pi x", "a")) == "2 x"
    assert str(derive("pi(x)", "x", {"pi": "function"})) == "∂pi/∂x"


def test_it_is_not_a_variable_to_differentiate_by():
    with pytest.raises(DeclarationError, match=r"'pi' \(π\) is the number π.*vars=\{'pi'"):
        derive("pi * x", "pi")
    with pytest.raises(EvaluationError, match="pi is the number π: declare pi"):
        value("pi * 2", pi=3.0)


def test_sympy_reads_it_as_pi_and_writes_it_back():
    sp = pytest.importorskip("sympy")
    from matcalc.interop.to_sympy import to_sympy
    t, p = sp.Symbol("t"), sp.Symbol("pi")  # a SymPy symbol named pi is another name
    d = derive(p * t ** 2 + sp.pi * t, "t")
    assert "pi_1" in d.variables and "pi" not in d.variables
    assert np.isclose(d.evaluate(t=1.0, pi_1=2.0), 4.0 + np.pi)
    assert to_sympy(derive("pi * a^2", "a").expr).has(sp.pi)


# -- every named constant (core/constants.py) has every facet, and every stage reads it -------

def _constant_facets(c) -> dict[str, bool]:
    from matcalc.codegen.backends import BACKENDS
    from matcalc.codegen.signs import FIXED
    from matcalc.core import build as b
    from matcalc.core.ops import OPS
    from matcalc.domain import SMOOTH
    from matcalc.interop.to_sympy import _RULES as SYMPY
    from matcalc.names import canonical
    from matcalc.render import ASCII, LATEX, UNICODE, render
    node = b.apply(c.name)
    lo, hi = c.bounds[0]
    return {
        "meaning": bool(c.meaning),
        "spellings read as it": all(canonical(s) == c.name for s in c.spellings),
        "value (evaluate)": lo <= c.value <= hi and OPS[c.name].evaluate is not None,
        "printed in every notation":
            [render(node, n) for n in (UNICODE, ASCII, LATEX)] ==
            [c.printed[n] for n in ("unicode", "ascii", "latex")],
        "code on every backend": all(c.code.get(name) and backend.templates.get(c.name) ==
                                     c.code[name] for name, backend in BACKENDS.items()),
        "SymPy form": c.name in SYMPY and hasattr(__import__("sympy"), c.sympy),
        "bounds (codegen signs)": FIXED.get(c.name) == c.bounds,
        "domain (domain.py)": c.name in SMOOTH,
    }


def test_every_named_constant_has_every_facet():
    from matcalc.core.constants import CONSTANTS
    missing = {name: [f for f, ok in _constant_facets(c).items() if not ok]
               for name, c in CONSTANTS.items()}
    assert not any(missing.values()), missing


def test_a_missing_constant_facet_is_named():
    from dataclasses import replace

    from matcalc.core.constants import PI
    facets = _constant_facets(replace(PI, printed={**PI.printed, "latex": "pi"}))
    assert [f for f, ok in facets.items() if not ok] == ["printed in every notation"]
