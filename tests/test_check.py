"""d.check() and --check: points only where the function is defined and smooth, a clear sentence
when none is found, the arrays would be too large or a value cannot be computed (it never
raises); the exit status of --check is 1 when it disagrees."""
from __future__ import annotations

import json

import numpy as np
import pytest

import matcalc.check as check_module
from matcalc import Derivative, EvaluationError, derive, hessian
from matcalc.check import ALL_DIRECTIONS, MAX_ENTRIES, CheckResult
from matcalc.cli import main
from matcalc.core.ops import OPS
from matcalc.domain import RULES, SMOOTH, outside
from matcalc.evaluate import Env, bind, evaluate_nodes


@pytest.mark.parametrize("layout", ["numerator", "denominator"])
@pytest.mark.parametrize("order", [1, 2])
def test_logdet_of_a_gram_matrix_is_checked_where_it_is_defined(layout, order):
    """X wide makes Xᵀ X singular: such points are skipped, not judged (it said DISAGREES)."""
    d = (derive if order == 1 else hessian)("logdet(X' X)", "X", layout=layout)
    result = d.check()
    assert result.ok and result.points == 3, result


@pytest.mark.parametrize("expr", ["det(A X B)", "logdet(A X B)", "tr(inv(A X B))"])
def test_hessians_through_an_inverse_are_checked(expr):
    result = hessian(expr, "X").check()
    assert result.ok and result.points == 3, result


def test_no_point_in_the_domain_is_said_so():
    d = derive("logdet(X' X)", "X", vars={"X": "matrix(2,3)"})  # Xᵀ X is 3×3 of rank 2
    result = d.check()
    assert not result.ok and result.points == 0 and np.isnan(result.max_error)
    assert str(result).startswith("check: could not find points where the function")
    assert "Xᵀ X was singular or nearly so (in logdet(Xᵀ X))" in str(result)


def test_nested_abstract_functions_are_checked():
    for expr in ("f(f(x))", "g(w f(x) + x)"):
        assert derive(expr, "x").check().ok, expr


def test_a_large_variable_is_checked_along_random_directions():
    d = derive("sum(exp(x))", "x", vars={"x": "vector(100000)"})
    assert d.check().ok
    n = 2 * ALL_DIRECTIONS
    d = derive("x' A x", "x", vars={"x": f"vector({n})"})
    assert d.check().ok
    wrong = Derivative(d.program, d.variable, d.layout, derive("2 x' A x", "x", d.variables).expr)
    assert "DISAGREES" in str(wrong.check())


def test_arrays_past_the_limit_are_not_computed():
    d = derive("x' A x", "x", vars={"x": "vector(100000)"})
    result = d.check()
    assert result.points == 0 and not result.ok
    assert str(result) == (f"check: not run: A would have 10,000,000,000 entries; the check "
                           f"computes arrays of at most {MAX_ENTRIES:,} entries (declare "
                           f"smaller sizes to check)")
    jacobian = derive("exp(x)", "x", vars={"x": "vector(2000)"})  # 4,000,000 entries
    assert "d" in str(jacobian) and "not run:" in str(jacobian.check())


def test_cli_check_past_the_limit(capsys):
    argv = ["x' A x", "--wrt", "x", "--var", "x:vector(100000)", "--check"]
    assert main(argv) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == ["xᵀ (A + Aᵀ)", out[1]] and out[1].startswith("check: not run: A would")
    assert main([*argv, "--json"]) == 0
    obj = json.loads(capsys.readouterr().out)
    assert obj["check"] == {"max_error": None, "ok": False, "points": 0, "line": out[1]}


def test_cli_check_of_the_gram_hessian(capsys):
    assert main(["logdet(X' X)", "--wrt", "X", "--hessian", "--check"]) == 0
    assert capsys.readouterr().out.splitlines()[-1].startswith("check: agrees")


def test_every_operator_is_smooth_or_has_a_domain_rule():
    assert not SMOOTH & set(RULES)
    assert set(OPS) == SMOOTH | set(RULES)


@pytest.mark.parametrize("expr, wrt, point, reason", [
    ("logdet(X)", "X", {"X": np.ones((2, 2))}, "X was singular or nearly so (in logdet(X))"),
    ("sum(log(x))", "x", {"x": np.array([1.0, -1.0])}, "x was zero or negative somewhere"),
    ("sum(relu(x))", "x", {"x": np.array([1.0, 0.0])}, "x was at the kink 0 of relu(x)"),
    ("norm2(x)", "x", {"x": np.zeros(2)}, "x was at the kink 0 of norm2(x)"),
    ("sum(max(x, y))", "x", {"x": np.ones(2), "y": np.ones(2)}, "the two sides of max(x, y)"),
    ("a^-1", "a", {"a": 0.0}, "a was zero somewhere"),
    ("sqrt(a)", "a", {"a": 1e-9}, "a was zero or negative somewhere"),
    ("tan(a)", "a", {"a": np.pi / 2}, "a was at a pole of tan"),
    ("sum(exp(x))", "x", {"x": np.array([1.0, 1e4])}, "was not finite"),
    ("sum(exp(x))", "x", {"x": np.array([1.0, 2.0])}, None),
])
def test_domain_reasons(expr, wrt, point, reason):
    d = derive(expr, wrt)
    values, sizes = bind(d.program.variables, point)
    with np.errstate(all="ignore"):
        found = outside(evaluate_nodes(d.function, Env(values, sizes)))
    assert (found is None) if reason is None else (reason in found), found


def test_a_size_used_as_a_value_is_drawn_like_the_others():
    """∂/∂a of a sum(𝟏_n) + sum(x) is n, a size no variable has: the check draws it."""
    d = derive("a * sum(ones_n) + sum(x)", "a")
    assert str(d) == "n"
    result = d.check()
    assert result.ok and result.points == 3, result


def test_a_value_the_check_cannot_compute_is_not_run(monkeypatch, capsys):
    """The check never raises: an error computing a value is a check not run (exit status 0)."""
    def refuse(*args, **kwargs):
        raise EvaluationError("the size n is unknown")
    monkeypatch.setattr(check_module, "evaluate_nodes", refuse)
    result = derive("x' A x", "x").check()
    assert (result.points, result.ok, str(result)) == (0, False,
                                                       "check: not run: the size n is unknown")
    assert main(["x' A x", "--wrt", "x", "--check"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "check: not run: the size n is unknown"


@pytest.mark.parametrize("result, status", [(CheckResult(0.5, 3), 1), (CheckResult(1e-9, 3), 0),
                                            (CheckResult(float("nan"), 0, "not run: …"), 0)])
def test_the_exit_status_is_1_when_the_check_disagrees(monkeypatch, capsys, result, status):
    monkeypatch.setattr(Derivative, "check", lambda self, *a, **k: result)
    assert main(["x' A x", "--wrt", "x", "--check"]) == status
    assert capsys.readouterr().out.splitlines()[-1] == str(result)
    assert main(["x' A x", "--wrt", "x", "--check", "--json"]) == status
    assert json.loads(capsys.readouterr().out)["check"]["line"] == str(result)
    assert result.disagrees == (status == 1)
