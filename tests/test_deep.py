"""Deep programs: a chain of 1000 bindings and a 300-layer MLP derive
without RecursionError and evaluate to their central finite differences; the printed result
stays linear in the depth (where clauses name the layers); the DAG-cached token count equals the
printed one. benchmarks/scaling.py measures the same programs at L = 10, 100, 1000."""
from __future__ import annotations

import numpy as np
import pytest
from test_identities import CASES

import matcalc
from matcalc.core.expr import postorder
from matcalc.render import UNICODE, render, token_count
from matcalc.render.tokens import text_tokens
from matcalc.simplify.length import expression_length

N = 3


def chain(depth: int) -> tuple[str, dict[str, str]]:
    """y1 = sin(x) + x; ...; sum(yL)."""
    lines = [f"y{k} = sin({'x' if k == 1 else f'y{k - 1}'}) + {'x' if k == 1 else f'y{k - 1}'}"
             for k in range(1, depth + 1)]
    return "\n".join(lines + [f"sum(y{depth})"]), {"x": f"vector({N})"}


def mlp(depth: int) -> tuple[str, dict[str, str]]:
    """h1 = tanh(W1 x); ...; norm2(hL - y)^2."""
    lines = [f"h{k} = tanh(W{k} {'x' if k == 1 else f'h{k - 1}'})" for k in range(1, depth + 1)]
    declared = {"x": f"vector({N})", "y": f"vector({N})"}
    declared |= {f"W{k}": f"matrix({N},{N})" for k in range(1, depth + 1)}
    return "\n".join(lines + [f"norm2(h{depth} - y)^2"]), declared


def directional(source: str, declared: dict, point: dict, wrt: str, rng) -> tuple:
    """(a random direction v, the central difference of the program's value along v)."""
    x = point[wrt]
    v = rng.normal(size=x.shape)
    step = 1e-5 * np.abs(x).max()
    up = matcalc.value(source, declared, **{**point, wrt: x + step * v})
    down = matcalc.value(source, declared, **{**point, wrt: x - step * v})
    return v, (up - down) / (2 * step)


def test_chain_of_1000_bindings():
    source, declared = chain(1000)
    d = matcalc.derive(source, "x", vars=declared)
    rng = np.random.default_rng(0)
    # the iterates y + sin(y) race to π, where the derivative 1 + cos(y) vanishes: start at
    # x of order 2^-1000 so that y_1000 is still of order 1 and the gradient of order 2^1000
    point = {"x": rng.uniform(0.5, 2.0, N) * 2.0 ** -1000}
    v, expected = directional(source, declared, point, "x", rng)
    assert abs(expected) > 1e290
    np.testing.assert_allclose(d.evaluate(**point) @ v, expected, rtol=1e-6)
    assert len(str(d)) < 100 * 1000  # linear: about 65 characters a binding


def test_mlp_of_300_layers():
    source, declared = mlp(300)
    d = matcalc.derive(source, "W1", vars=declared)
    rng = np.random.default_rng(1)
    point = {k: np.linalg.qr(rng.normal(size=(N, N)))[0] if "matrix" in v
             else rng.normal(size=N) for k, v in declared.items()}
    point["x"] *= 0.3  # small signals through orthogonal layers: the gradient does not vanish
    got = np.asarray(d.evaluate(**point)).T  # numerator layout: d f / d W1 is W1ᵀ-shaped
    v, expected = directional(source, declared, point, "W1", rng)
    assert abs(expected) > 1e-3
    np.testing.assert_allclose(np.sum(got * v), expected, rtol=1e-6)
    text = str(d)
    assert text.endswith(", h299 = tanh(W299 h298), h300 = tanh(W300 h299)")  # in order
    assert "  where h2 = tanh(W2 tanh(W1 x)), h3 = tanh(W3 h2), " in text and len(text) < 60 * 300
    assert d.latex().count("where") == text.count("where") == 1


@pytest.mark.parametrize("program", [chain, mlp], ids=["chain", "mlp"])
def test_depth_10_checks_numerically(program):
    source, declared = program(10)
    d = matcalc.derive(source, "x" if program is chain else "W1", vars=declared)
    assert d.check().ok


def test_token_count_is_the_printed_length():
    for case in CASES:
        d = matcalc.derive(case.expr, case.wrt, vars=case.vars)
        for node in [d.expr, *postorder(d.expr)][:40]:
            assert token_count(node) == len(text_tokens(render(node, UNICODE))), case.id


def test_the_simplifiers_length_is_the_printed_length():
    """The simplifier counts tokens on the tree (it does not print): its count is the printed
    one on every node of the derivatives of the cases, raw and simplified, in both layouts."""
    from matcalc.diff.readout import in_layout, numerator_jacobian
    seen = set()
    for case in CASES:
        for layout in ("numerator", "denominator"):
            d = matcalc.derive(case.expr, case.wrt, vars=case.vars, layout=layout)
            raw = in_layout(numerator_jacobian(d.function, d.variable), layout)
            for node in {*postorder(d.expr), *postorder(raw), *postorder(d.function)} - seen:
                seen.add(node)
                assert expression_length(node) == token_count(node), (case.id, node)
