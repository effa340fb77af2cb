"""Derivations: steps() for every seed example in both layouts ends in the closed form, its
read-off in terms of the intermediates agrees numerically with the closed form, and the seed
texts' order is followed (Parr & Howard's neuron: u = w·x + b, then max(0, u))."""
from __future__ import annotations

import re

import numpy as np
import pytest
from numeric import draw_point, variables
from test_seeds import EXAMPLES, SIZES

from matcalc import derive
from matcalc.cli import main
from matcalc.evaluate import Env, evaluate

NEURON = """\
expression:
  u = wᵀ x + b    [scalar]
  f = relu(u)    [scalar]
  w: vector(n), x: vector(n), b: scalar    [differentiate by w, numerator layout]
differentials:
  du = dwᵀ x    [sum rule: d(A + B) = dA + dB; product rule: d(A B) = dA B + A dB; \
linear: d(Uᵀ) = (dU)ᵀ]
  df = du (u > 0)    [elementwise: d relu(u) = (u > 0) ⊙ du]
chain rule:
  df = (u > 0) (dwᵀ x)    [substitute the differentials]
read off:
  ∂f/∂w = (u > 0) xᵀ    [df = M dw ⇒ ∂f/∂w = M (numerator layout)]
  ∂f/∂w = (wᵀ x + b > 0) xᵀ    [substitute u = wᵀ x + b]
  ∂f/∂w = (wᵀ x + b > 0) xᵀ    [closed form, numerator layout]"""


def test_parr_howard_neuron_follows_the_text():
    ex = EXAMPLES["ph_neuron_w"]
    assert str(derive(ex["expr"], ex["wrt"], ex["vars"]).steps()) == NEURON


@pytest.mark.parametrize("layout", ["numerator", "denominator"])
@pytest.mark.parametrize("seed_id", list(EXAMPLES))
def test_steps_end_in_the_closed_form_and_agree_numerically(seed_id, layout, rng):
    ex = EXAMPLES[seed_id]
    d = derive(ex["expr"], ex["wrt"], ex["vars"], layout=layout)
    steps = d.steps()
    last = steps.sections[-1][1][-1]
    assert last.right is d.expr and "closed form" in last.note
    assert steps.latex().startswith("\\begin{aligned}") and steps.text(ascii=True).isascii()
    read_off = steps.sections[-1][1][0].right  # in terms of the intermediates, numerator layout
    statements = [(line.left, line.right) for line in steps.sections[0][1] if line.right]
    if "abstract" in ex or len(statements) < 2:
        return
    point = draw_point(variables(d, SIZES), ex.get("domains"), rng, [], ex["vars"])
    values = {k: np.atleast_2d(np.asarray(v, dtype=float)) for k, v in point.items()}
    values = {k: v.T if v.shape[0] == 1 and v.shape[1] > 1 else v for k, v in values.items()}
    sizes = {s: n for name, node in d.program.variables.items() for dim, n in
             zip((node.shape.rows, node.shape.cols), values[name].shape) for s in dim.symbols}
    env = Env(values, sizes)
    for name, expr in statements[:-1]:  # the intermediates' values, in order
        env.values[name] = evaluate(expr, env)
    numerator = derive(ex["expr"], ex["wrt"], ex["vars"]).expr
    np.testing.assert_allclose(evaluate(read_off, env), evaluate(numerator, env), rtol=1e-9,
                               atol=1e-12)


def test_cli_steps(capsys):
    assert main(["max(0, dot(w, x) + b)", "--wrt", "w", "--steps", "--var", "w:vector(n)",
                 "--var", "x:vector(n)"]) == 0
    assert capsys.readouterr().out.strip() == NEURON


def test_a_deep_chain_of_shared_subexpressions_prints_its_dag_not_its_tree():
    """y_{k+1} = sin(y_k) ⊙ cos(y_k): printed as a tree, the differentials double with every
    binding (680 MB of text at 12 bindings); long forms are shown with where clauses."""
    program = "; ".join(["y1 = x"] + [f"y{i + 1} = sin(y{i}) .* cos(y{i})" for i in range(1, 12)]
                        + ["sum(y12)"])
    shown = derive(program, "x").steps()
    text, latex = str(shown), shown.latex()
    assert len(text) < 200_000 and len(latex) < 250_000
    assert "where" in text and "closed form, numerator layout" in text


@pytest.mark.parametrize("seed_id", list(EXAMPLES))
def test_latex_notes_line_up_in_the_fourth_column(seed_id):
    """`left &= right && note`: a row with a note has three column breaks, also when it has
    no `= right` (a rewrite, the list of variables), so KaTeX lines up every note."""
    ex = EXAMPLES[seed_id]
    rows = derive(ex["expr"], ex["wrt"], ex["vars"]).steps().latex().split(" \\\\\n")
    noted = [row for row in rows if "&& \\text{" in row]
    assert len(noted) >= 2
    for row in noted:
        assert len(re.findall(r"(?<!\\)&", row)) == 3, row
