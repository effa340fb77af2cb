"""Every simplification rule fires on its example and keeps the value: both sides of each rewrite
are evaluated at random points."""
from __future__ import annotations

import numpy as np
import pytest

from matcalc import derive
from matcalc.closed_form import jacobian
from matcalc.core.expr import postorder
from matcalc.diff.readout import LAYOUTS
from matcalc.evaluate import Env, evaluate
from matcalc.lower.structures import STRUCTURES
from matcalc.render import token_count
from matcalc.simplify import simplify
from matcalc.simplify.rules import RULES

SIZES = {"n": 3, "m": 4}


def _random_env(rng, *exprs) -> Env:
    """Random sizes and values; a structured variable's value of its structure."""
    sizes, values = {}, {}
    for expr in exprs:
        for node in postorder(expr):
            for dim in (node.shape.rows, node.shape.cols):
                for symbol in dim.symbols:
                    sizes.setdefault(symbol, int(rng.integers(2, 5)))
    for expr in exprs:
        for node in postorder(expr):
            if node.op == "var":
                shape = (node.shape.rows.value(sizes), node.shape.cols.value(sizes))
                value = rng.uniform(0.5, 1.5, shape)
                structure = STRUCTURES.get(node.attr("structure"))  # (Qᵀ Q = I holds on them)
                values[node.attr("name")] = structure.draw(value) if structure else value
    return Env(values, sizes)


@pytest.mark.parametrize("rule", RULES, ids=[r.name for r in RULES])
def test_rule_fires_on_its_example_and_keeps_the_value(rule):
    rng = np.random.default_rng(sum(map(ord, rule.name)))
    expr, wrt, vars = rule.example
    d = derive(expr, wrt, vars)
    trace: list = []
    for layout in LAYOUTS:
        jacobian(d.function, d.variable, layout, trace)
    fired = [(before, after) for name, before, after in trace if name == rule.name]
    assert fired, f"{rule.name} does not fire on its example {rule.example}"
    for before, after in fired:
        assert before.shape == after.shape
        for _ in range(2):
            env = _random_env(rng, before, after)
            np.testing.assert_allclose(evaluate(after, env), evaluate(before, env),
                                       rtol=1e-10, atol=1e-12)


def test_simplify_is_idempotent():
    for rule in RULES:
        d = derive(*rule.example)
        assert simplify(d.expr) is d.expr


# Rules allowed to lengthen: 𝟏ᵀ v → sum(v) is one token longer, the textbooks' spelling;
# tr(A ⊗ B) → tr(A) tr(B) and sum(A ⊗ B) → sum(A) sum(B) are two longer, the factors apart
# (n + m entries summed instead of n m); (diag(d) A) ⊙ B → diag(d) (A ⊙ B) is two longer (the
# parentheses), which lets factor-left take diag(d) out of a sum (layer normalisation's rows).
# L_f(S, E) → Q (F ⊙ (Qᵀ E Q)) Qᵀ (daleckii-krein, only in the form shown) spells out how
# the Fréchet derivative at a symmetric S is computed: one eigendecomposition.
LONGER_RULES = {"ones-sum", "trace-kron", "sum-kron", "diag-out-of-hadamard", "daleckii-krein"}


@pytest.mark.parametrize("rule", RULES, ids=[r.name for r in RULES])
def test_rule_never_lengthens(rule):
    expr, wrt, vars = rule.example
    d = derive(expr, wrt, vars)
    trace: list = []
    for layout in LAYOUTS:
        jacobian(d.function, d.variable, layout, trace)
    for name, before, after in trace:
        if name == rule.name and name not in LONGER_RULES:
            assert token_count(after) <= token_count(before), (name, before, after)


FUZZED = ("t0 = (ones / tr(inv(X)) + 2) / tr(inv(S.^2ᵀ)); t1 = dot((v + dot(v, y) max(0, x)), "
          "exp(u / 3).^a); t2 = sigmoid(y' x); sum(S v) + t2")


def test_symbolic_exponents_do_not_break_the_exp_sigmoid_rule(rng):
    # found by fuzzing: a symbolic exponent a in exp(u/3).^a raised a TypeError in the rule
    assert str(derive(FUZZED, "x")) == str(derive("sum(S v) + sigmoid(y' x)", "x"))
    from numeric import check_derivative
    check_derivative("exp(u).^a .* sigmoid(-u)", "u", domains={"a": "uniform(0.5,2)"}, rng=rng)


@pytest.mark.parametrize("expr, numerator, denominator", [
    ("tr((X^3)^4)", "12 X^11", "12 (X^11)ᵀ"),          # (X³)⁴ = X¹²
    ("tr((X^-2)^3)", "-6 X^-7", "-6 (X^-7)ᵀ"),         # (X⁻²)³ = X⁻⁶
    ("tr((X^2)^-3)", "-6 X^-7", "-6 (X^-7)ᵀ"),
    ("tr((X^3)^4 X^2)", "14 X^13", "14 (X^13)ᵀ"),       # X¹² X² = X¹⁴
    ("tr(((X')^2)^3)", "6 X^5", "6 (X^5)ᵀ"),
])
def test_a_power_of_a_power_is_one_power(expr, numerator, denominator, rng):
    from numeric import check_derivative
    for layout, shown in (("numerator", numerator), ("denominator", denominator)):
        d = check_derivative(expr, "X", vars={"X": "matrix(3,3)"}, layout=layout, rng=rng,
                             domains={"X": "well_conditioned"})
        assert str(d) == shown


def test_the_transpose_of_a_scalar_is_the_scalar():
    """Scalar leaves (a size used as a value, a number, a scalar variable, a scalar function
    value) are their own transposes, in the constructor and in deep transposition."""
    from matcalc.core import build as b
    from matcalc.core.transpose import transposed
    from matcalc.shapes import Dim, Shape
    x = b.var("x", Shape.of("~n_x", 1))
    for leaf in (b.dim(Dim.of("~n_x")), b.dim(Dim.of("n")), b.const(3), b.var("a", Shape.of(1, 1)),
                 b.reduce_sum(x), b.apply("exp", b.var("a", Shape.of(1, 1)))):
        assert b.transpose(leaf) is leaf and transposed(leaf) is leaf, leaf
    assert str(derive("n_x * sum(x)", "x", layout="denominator")) == "n_x 𝟏_{n_x}"


def test_the_values_of_log_softmax_and_logsumexp_are_computed_stably():
    """log(softmax(u)) and log(sum(exp(u))) are the simplifier's one nodes, which `value` and
    generated code compute without overflow."""
    from matcalc import value, value_and_grad
    u = np.array([1000.0, -1000.0, 998.0])
    lse = 1000.0 + np.log1p(np.exp(-2.0) + np.exp(-2000.0))
    assert value("log(sum(exp(u)))", u=u) == pytest.approx(lse, rel=1e-12)
    np.testing.assert_allclose(value("log(softmax(u))", u=u), u - lse, rtol=1e-12)
    got, grad = value_and_grad("log(sum(exp(u)))", "u")(u)
    assert got == pytest.approx(lse, rel=1e-12)
    np.testing.assert_allclose(grad, np.exp(u - lse), rtol=1e-12)


@pytest.mark.parametrize("expr, wrt, vars", [
    ("u' (x.^-1) + w' (x.^-2)", "x", {"u": "vector(n)", "w": "vector(n)", "x": "vector(n)"}),
    ("u' (A.^-1) w + w' (A.^-2) u", "A", {"u": "vector(n)", "w": "vector(n)",
                                          "A": "matrix(n,n)"}),
])
def test_common_denominator_takes_scalar_bases_only(expr, wrt, vars, rng):
    """x.^−1 and x.^−2 inside inner products are entrywise powers of a vector, no common
    denominator of the scalar terms (the rule multiplied a 1 × 1 term by x.^2 and failed):
    the function's value and derivative are right (finite differences, both layouts)."""
    from numeric import check_derivative
    for layout in LAYOUTS:
        check_derivative(expr, wrt, vars, {"n": 3}, {"x": "positive", "A": "positive"},
                         layout, rng=rng)


def test_common_denominator_leaves_the_function_alone(rng):
    """The rule shapes the derivative shown, not the function differentiated: (aᵀ x) / u² +
    1 / u, u = 1 + xᵀ x, is differentiated as written (over one denominator its derivative
    multiplied out into five terms)."""
    from numeric import check_derivative
    vars = {"x": "vector(n)", "a": "vector(n)"}
    d = check_derivative("(a'x)/(1+(x'x))^2 + 1/(1+x'x)", "x", vars, {"n": 3}, None, rng=rng)
    assert str(d) == "(a - 2 x)ᵀ / u^2 - 4 (aᵀ x) xᵀ / u^3  where u = xᵀ x + 1"
