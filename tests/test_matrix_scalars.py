"""The scalar functions of a matrix (core/matrix_scalars.py: det, logdet, norm2, norm1): every
declaration has every facet, and every stage reads it; a missing facet is named."""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from matcalc.core import build as b
from matcalc.core.matrix_scalars import MATRIX_SCALARS
from matcalc.core.ops import OPS
from matcalc.diff.registry import JVP
from matcalc.shapes import Dim, Shape


def _declared_facets(s) -> dict[str, bool]:
    """Which facets the declaration `s` has, and which stages read it."""
    from matcalc.codegen.backends import BACKENDS
    from matcalc.codegen.emit import _ONE_BY_ONE
    from matcalc.codegen.signs import FIXED
    from matcalc.core.elementwise import FUNCTIONS as ELEMENTWISE
    from matcalc.domain import CONDITIONS, RULES, SMOOTH
    from matcalc.interop.from_sympy import _Writer
    from matcalc.interop.to_sympy import _RULES as SYMPY
    from matcalc.lower.functions import FUNCTIONS as NAMED
    from matcalc.lower.functions import MEANING
    from matcalc.render import ASCII, LATEX, UNICODE, render
    from matcalc.render.notation import LATEX_FUNCTIONS
    from matcalc.simplify.rules import RULES as SIMPLIFY
    from matcalc.vocabulary import matrix_scalar_table
    from matcalc.web.syntax import syntax
    panel = {g["name"]: g for c in syntax()["functions"] for g in c["functions"]}
    x = b.var("X", Shape(Dim.of(3), Dim.of(3)))
    node = b.apply(s.name, x)
    latex = f"\\{s.name}" if s.latex_command else f"\\operatorname{{{s.name}}}"
    identities = {rule.identity for rule in SIMPLIFY if rule.head == s.name}
    return {
        "spelling and meaning": bool(s.spelling and s.meaning) and s.spelling in MEANING,
        "typing rule (lower/functions.py)": s.spelling in NAMED,
        "numpy value": callable(s.numpy) and OPS[s.name].evaluate is not None,
        "differential": callable(s.differential) and s.name in JVP,
        "derivative text (steps)": s.derivative_text.startswith("d"),
        "second derivative stated": isinstance(s.second_derivative, bool),
        "printed form (text, ASCII, LaTeX)":
            render(node, UNICODE) == render(node, ASCII) == f"{s.spelling}(X)"
            and render(node, LATEX).startswith(latex + "\\left(")
            and s.latex_command == (s.name in LATEX_FUNCTIONS),
        "code on every backend": all(s.code.get(name) and backend.templates.get(s.name) ==
                                     s.code[name] for name, backend in BACKENDS.items()),
        "helpers its code names": all(marker in BACKENDS[name].helpers
                                      for name, markers in s.helpers.items()
                                      for marker in markers),
        "value of a 1 × 1 argument": s.name in _ONE_BY_ONE
                                     and all(fn in ELEMENTWISE for fn in s.of_one_by_one),
        "SymPy form": callable(s.sympy) and s.name in SYMPY,
        "read back from SymPy, or none claimed":
            not s.sympy_class or hasattr(_Writer, f"w_{s.sympy_class}"),
        "value interval (codegen signs) or none claimed": s.values is None or s.name in FIXED,
        "domain (domain.py)": s.name in SMOOTH or s.name in RULES,
        "condition (domain.py) or none claimed": not s.condition or s.name in CONDITIONS,
        "simplifier identities (of Xᵀ, of X⁻¹, log |f|) or none claimed":
            (not s.of_transpose or s.of_transpose in identities)
            and (not s.of_inverse or s.of_inverse[0] in identities)
            and (not s.log_abs_is or s.log_abs_is in OPS),
        "docs example": all(s.example) and f"`{s.example[0]}`" in matrix_scalar_table(),
        "syntax panel entry": panel.get(s.spelling, {}).get("example") == s.example[0],
    }


@pytest.mark.parametrize("name", sorted(MATRIX_SCALARS))
def test_every_matrix_scalar_has_every_facet(name):
    """A declaration of core/matrix_scalars.py that lacks a facet fails, naming it."""
    facets = _declared_facets(MATRIX_SCALARS[name])
    assert not [facet for facet, ok in facets.items() if not ok], (name, facets)


def test_a_missing_matrix_scalar_facet_is_named():
    det = MATRIX_SCALARS["det"]
    facets = _declared_facets(replace(det, example=("det(X)", "X", "")))
    assert [facet for facet, ok in facets.items() if not ok] == ["docs example"]
    facets = _declared_facets(replace(det, code={**det.code, "torch": "torch.det({0})"}))
    assert [facet for facet, ok in facets.items() if not ok] == ["code on every backend"]


@pytest.mark.parametrize("name", sorted(MATRIX_SCALARS))
def test_the_declared_value_is_what_evaluate_computes(name, rng):
    """evaluate of f(X) is the declared numpy value (of a square X, or of a vector)."""
    from matcalc import value
    s = MATRIX_SCALARS[name]
    x = rng.standard_normal((3, 3)) + 3 * np.eye(3)
    assert value(f"{name}(X)", vars={"X": "matrix(3,3)"}, X=x) == pytest.approx(s.numpy(x))
