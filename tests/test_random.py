"""Random well-typed expressions (hypothesis) against finite differences, in both layouts.

Expressions are grown from typed pieces, vectors of size n, n × n and m × n matrices, scalars,
so every one is well formed; each is differentiated by a vector or a matrix variable and the
closed form is compared with central finite differences. The default run draws a few dozen;
`MATCALC_RANDOM_EXAMPLES` (set by .ci/run for the slow suite) draws more.
"""
from __future__ import annotations

import os

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from numeric import check_derivative

VARS = {"x": "vector(n)", "y": "vector(n)", "A": "matrix(n,n)", "B": "matrix(n,n)",
        "W": "matrix(m,n)", "s": "scalar"}
SIZES = {"n": 3, "m": 2}
EXAMPLES = int(os.environ.get("MATCALC_RANDOM_EXAMPLES", "40"))

SMOOTH = ("exp", "sin", "cos", "tanh", "sigmoid", "softplus")


def vectors(depth: int) -> st.SearchStrategy[str]:
    """Expressions of shape n × 1."""
    leaves = st.sampled_from(["x", "y", "A x", "A' y", "x .* y"])
    if depth == 0:
        return leaves
    inner = vectors(depth - 1)
    return st.one_of(
        leaves,
        st.builds(lambda f, v: f"{f}({v})", st.sampled_from(SMOOTH), inner),
        st.builds(lambda m, v: f"({m}) ({v})", matrices(depth - 1), inner),
        st.builds(lambda a, b: f"({a}) .* ({b})", inner, inner),
        st.builds(lambda a, b: f"({a}) + ({b})", inner, inner),
        st.builds(lambda c, v: f"({c}) ({v})", scalars(depth - 1), inner),
        st.builds(lambda v: f"softmax({v})", inner),
    )


def matrices(depth: int) -> st.SearchStrategy[str]:
    """Expressions of shape n × n."""
    leaves = st.sampled_from(["A", "B", "A'", "x y'", "W' W"])
    if depth == 0:
        return leaves
    inner = matrices(depth - 1)
    return st.one_of(
        leaves,
        st.builds(lambda a, b: f"({a}) ({b})", inner, inner),
        st.builds(lambda a, b: f"({a}) + ({b})", inner, inner),
        st.builds(lambda a: f"({a})'", inner),
        st.builds(lambda v: f"diag({v})", vectors(depth - 1)),
        st.builds(lambda a, b: f"({a}) .* ({b})", inner, inner),
    )


def scalars(depth: int) -> st.SearchStrategy[str]:
    """Expressions of shape 1 × 1."""
    leaves = st.sampled_from(["s", "x' y", "sum(x)", "tr(A)"])
    if depth == 0:
        return leaves
    return st.one_of(
        leaves,
        st.builds(lambda v: f"sum({v})", vectors(depth - 1)),
        st.builds(lambda a, b: f"({a})' ({b})", vectors(depth - 1), vectors(depth - 1)),
        st.builds(lambda m: f"tr({m})", matrices(depth - 1)),
        st.builds(lambda v: f"norm2({v})^2", vectors(depth - 1)),
        st.builds(lambda v: f"logsumexp({v})", vectors(depth - 1)),
        st.builds(lambda f, c: f"{f}({c})", st.sampled_from(SMOOTH), leaves),
    )


CASES = st.tuples(st.one_of(scalars(2), vectors(2), matrices(2)), st.sampled_from(["x", "A"]),
                  st.sampled_from(["numerator", "denominator"]))


@settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(CASES)
def test_random_expression(case):
    expr, wrt, layout = case
    check_derivative(expr, wrt, VARS, SIZES, layout=layout, points=1,
                     rng=np.random.default_rng(len(expr)))


@pytest.mark.slow
@settings(max_examples=EXAMPLES * 5, deadline=None, suppress_health_check=list(HealthCheck))
@given(CASES)
def test_random_expression_more(case):
    expr, wrt, layout = case
    check_derivative(expr, wrt, VARS, SIZES, layout=layout, points=2,
                     rng=np.random.default_rng(len(expr)))
