"""The differential form and the steps name repeated subexpressions as the result does
(Q (F ⊙ (Qᵀ E Q)) Qᵀ  where Q = eigbasis(S), F = divdiff_exp(eigvals(S)); v vᵀ  where
v = eigvec_max(S)), in text, ASCII, LaTeX and --json; each printed differential reads back to
its value, which is the directional derivative (central differences)."""
from __future__ import annotations

import json

import numpy as np
import pytest

from matcalc import derive, differential, value
from matcalc.cli import main

DK = "Q (F ⊙ (Qᵀ (u vᵀ + v uᵀ) Q)) Qᵀ"
DK_WHERE = "  where Q = eigbasis(S), F = divdiff_exp(eigvals(S))"
SYMMETRIC = {"S": "symmetric(n)", "u": "vector(n)", "v": "vector(n)"}
CASES = [  # (program, variable, declarations, order, the differential printed)
    ("u' expm(S) v", "S", SYMMETRIC, 1, f"df = tr({DK} dS) / 2{DK_WHERE}"),
    ("u' logm(S) v", "S", {**SYMMETRIC, "S": "spd(n)"}, 1,
     f"df = tr({DK} dS) / 2{DK_WHERE.replace('exp', 'log')}"),
    ("eigmax(S)", "S", {"S": "symmetric(n)"}, 1, "df = tr(v vᵀ dS)  where v = eigvec_max(S)"),
    ("eigmax(A' S A)", "A", {"S": "symmetric(n)", "A": "matrix(n,n)"}, 1,
     "df = 2 tr(v vᵀ Aᵀ S dA)  where v = eigvec_max(Aᵀ S A)"),
    ("u' layernorm(x)", "x", {"x": "vector(n)", "u": "vector(n)"}, 2, None),
]


def _point(vars: dict, rng) -> dict:
    point = {}
    for name, kind in vars.items():
        if kind.startswith("vector"):
            point[name] = rng.standard_normal(3)
        else:
            a = rng.standard_normal((3, 3))
            point[name] = a @ a.T + np.eye(3) if kind.startswith(("symmetric", "spd")) else a
    return point


@pytest.mark.parametrize("expr, wrt, vars, order, printed", CASES, ids=[c[0] for c in CASES])
def test_the_differential_names_as_the_result_and_reads_back(expr, wrt, vars, order, printed,
                                                             rng):
    d = differential(expr, wrt, vars, order=order)
    if printed is not None:
        assert str(d) == printed
    assert "where" in str(d) and "where" in d.latex() and "where" in d.text(ascii=True)
    point = _point(vars, rng)
    e = rng.standard_normal(np.shape(point[wrt]))
    e = e + e.T if vars[wrt].startswith(("symmetric", "spd")) else e
    got = float(d.evaluate(**point, **{f"d{wrt}": e}))
    h = 1e-4 if order == 2 else 1e-6
    f = [float(value(expr, vars, **{**point, wrt: point[wrt] + t * e})) for t in (-h, 0, h)]
    want = (f[2] - f[0]) / (2 * h) if order == 1 else (f[2] - 2 * f[1] + f[0]) / h**2
    assert abs(got - want) <= 1e-4 * max(1.0, abs(want))
    declared = {**vars, f"d{wrt}": vars[wrt].replace("spd", "symmetric")}
    for ascii in (False, True):
        for where in (False, True):
            right = d.text(ascii=ascii, where=where).split(" = ", 1)[1]
            assert np.isclose(float(value(right, declared, **point, **{f"d{wrt}": e})), got,
                              rtol=1e-9, atol=1e-12), right


def test_the_json_differential_and_steps_carry_the_where_form(capsys):
    args = ["u' expm(S) v", "--wrt", "S", "--var", "S:symmetric", "--json"]
    assert main([*args, "--form", "differential", "--steps"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["differential"]["text"] == f"df = tr({DK} dS) / 2{DK_WHERE}"
    assert out["differential"]["ascii"].endswith(DK_WHERE)
    assert "\\text{where }" in out["differential"]["latex"]
    assert f"∂f/∂S = {DK} / 2{DK_WHERE}    [closed form" in out["steps"]["text"]


@pytest.mark.parametrize("expr, wrt, vars", [c[:3] for c in CASES[:4]])
def test_the_steps_end_at_the_result_as_printed(expr, wrt, vars):
    """The closed-form line is the result's text (where clauses and all), in Unicode and ASCII;
    no line spells the eigenbasis or an eigenvector out more than once."""
    d = derive(expr, wrt, vars)
    steps = d.steps()
    text, ascii_text = steps.text(), steps.text(ascii=True)
    assert f"= {d.text()}    [closed form, numerator layout]" in text
    assert f"= {d.text(ascii=True)}    [closed form, numerator layout]" in ascii_text
    for line in text.splitlines():
        for factor in ("eigbasis(", "eigvec_max(", "divdiff_"):
            assert line.split("    [")[0].count(factor) <= 1, line
    if "expm" in expr:
        assert f"[daleckii-krein: L_exp(S, u vᵀ + v uᵀ) → {DK}{DK_WHERE}]" in text
