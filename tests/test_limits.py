"""Bounded work and the small things a user trips on: matrix powers past the limit are refused
at once, a closed pipe ends the output quietly, an error in a huge input stays short, long sums
keep their natural order."""
from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from numeric import check_derivative

from matcalc import MatcalcError, ParseError, UnsupportedError, derive, equivalent, hessian
from matcalc.cli import main
from matcalc.core.matrix_power_chains import MAX_MATRIX_POWER
from matcalc.errors import EXCERPT
from matcalc.syntax import parser
from matcalc.syntax.parser import MAX_NESTING


@pytest.mark.parametrize("expr, column", [("X^100000", 2), ("tr(X^-101)", 5),
                                          (f"sum(X^{MAX_MATRIX_POWER + 1} x)", 6)])
def test_matrix_powers_past_the_limit_are_refused_at_once(expr, column):
    started = time.monotonic()
    with pytest.raises(UnsupportedError) as info:
        derive(expr, "X")
    assert time.monotonic() - started < 1
    err = info.value
    assert err.column == column and f"the exponent is beyond {MAX_MATRIX_POWER}" in str(err)
    assert "a sum of k terms" in str(err)


def test_the_largest_matrix_power_is_differentiated(rng):
    d = check_derivative(f"tr(X^{MAX_MATRIX_POWER})", "X", domains={"X": "well_conditioned"},
                         rng=rng)
    assert str(d) == f"{MAX_MATRIX_POWER} X^{MAX_MATRIX_POWER - 1}"
    check_derivative(f"sum(X^-{MAX_MATRIX_POWER} x)", "X", rng=rng,
                     domains={"X": "well_conditioned"})


def test_products_of_powers_stop_combining_at_the_limit(rng):
    """X^60 X^60 stays two factors, so its derivative has 120 terms, not an unbounded count."""
    d = check_derivative("sum(X^60 X^60 x)", "X", domains={"X": "well_conditioned"}, rng=rng)
    assert d.function.arg.args[0].op == "mpow" and len(d.function.arg.args) == 3


ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("options", [["--json"], ["--steps"], []])
def test_a_reader_that_stops_early_gets_no_traceback(options):
    """`matcalc ... | head -1`: the pipe is closed before matcalc writes anything."""
    command = [sys.executable, "-m", "matcalc", "x' A x", "--wrt", "x", *options]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, env={**os.environ, "PYTHONPATH": str(ROOT)})
    process.stdout.close()
    _, err = process.communicate(timeout=60)
    assert process.returncode == 0 and err == b""


def _raised(expr: str, wrt: str = "x") -> MatcalcError:
    with pytest.raises(MatcalcError) as info:
        derive(expr, wrt)
    return info.value


def _under_caret(err: MatcalcError) -> str:
    """The character of the shown line that the caret points at."""
    shown, carets = err.excerpt().split("\n")
    return shown[carets.index("^")] if carets.index("^") < len(shown) else "(end)"


@pytest.mark.parametrize("expr, column, under", [
    ("x + " * 7000 + ")", 28001, ")"),
    ("a" * 1_000_000 + " +", 1_000_003, "(end)"),
    ("(" + "x + " * 500 + "x ** 2" + ")", 2004, "*"),
    ("x" + " + y" * 30 + " +", 124, "(end)"),
    ("sum(" + "x + " * 20 + "x) $ " + " + y" * 1000, 88, "$"),
])
def test_an_error_in_a_long_line_shows_a_window_around_the_caret(expr, column, under):
    err = _raised(expr)
    assert err.column == column and _under_caret(err) == under
    shown = err.excerpt().split("\n")[0]
    assert len(shown) <= 2 + EXCERPT + 2 and len(str(err)) < 400
    assert shown.startswith("  …") == (column > EXCERPT // 2 and len(expr) > EXCERPT)
    assert shown.endswith("…") == (len(expr) > EXCERPT and column < len(expr) - EXCERPT // 2)


def test_a_huge_name_is_elided_in_the_message(capsys):
    name = "a" * 1_000_000
    err = _raised(f"W x + {name}", "q")
    assert len(str(err)) < 200 and f"{name[:40]}…{name[:13]})" in str(err)
    assert main([f"W {name} +", "--wrt", "x", "--json"]) == 2
    out, err_text = capsys.readouterr()
    assert len(out) < 2000 and len(err_text) < 1000
    detail = json.loads(out)["error"]
    assert detail["column"] == 1_000_005 and detail["excerpt"].startswith("  …aaa")


@pytest.mark.parametrize("expr, column", [("x ** 2", 3), ("(x + y)**3", 8), ("x' A ** 2 x", 6)])
def test_a_python_power_suggests_the_caret(expr, column):
    err = _raised(expr)
    assert isinstance(err, ParseError) and err.column == column
    assert err.message == ("unexpected '**': matcalc writes a power with ^ (x^2, A^-1) and an "
                           "elementwise power with .^ (x .^ 2)")
    assert err.excerpt().split("\n")[1] == "  " + " " * (column - 1) + "^~"


def test_long_sums_print_in_natural_order_whatever_the_input_order(rng):
    """W0, W1, W2, ..., W10 (not the string order W0, W1, W10, W11, W2), and one form for all
    orders of the input."""
    terms = [f"W{i} x" for i in range(13)]
    want = " + ".join(f"W{i}" for i in range(13))
    for order in (terms, terms[::-1], list(rng.permutation(terms))):
        d = check_derivative(" + ".join(order), "x", rng=rng)
        assert str(d) == want
    d = check_derivative("sum(" + " .* ".join(f"x{i}" for i in range(12)) + ")", "x1", rng=rng)
    assert str(d) == "(" + " ⊙ ".join(f"x{i}" for i in range(12) if i != 1) + ")ᵀ"


def test_natural_order_keeps_equal_forms_provably_equal(rng):
    terms = [f"a{i} W{i} x" for i in range(12)]
    claim = " + ".join(f"a{i} W{i}" for i in rng.permutation(12))
    scalars = {f"a{i}": "scalar" for i in range(12)}
    verdict = equivalent(claim, " + ".join(terms), "x", vars=scalars)
    assert verdict.equal and "proves" in str(verdict)


DEEP = {"sums": lambda k: "sum(" + "(x + " * k + "x" + ")" * k + ")",
        "products": lambda k: "sum(" + "A (" * k + "x" + ")" * k + ")",
        "layers": lambda k: "sum(" + "tanh(W " * k + "x" + ")" * k + ")",
        "signs and transposes": lambda k: "sum(" + "-(" * k + "x" + ")'" * k + ")"}


@pytest.mark.parametrize("shape", DEEP)
def test_every_stage_survives_twice_the_nesting_limit(monkeypatch, shape):
    """The nesting limit protects lowering (recursive: at the default recursion limit it
    fails near 250 levels of nested sums); every later stage must take twice the limit."""
    monkeypatch.setattr(parser, "MAX_NESTING", 10**9)
    k = next(k for k in itertools.count(1)
             if parser.nesting(parser.parse(DEEP[shape](k)))[0] >= 2 * MAX_NESTING)
    d = derive(DEEP[shape](k), "x")
    assert d.text() and d.latex() and d.steps().text() and d.check().ok
    assert d.to_function() and hessian(DEEP[shape](k), "x").text()


def test_parentheses_add_no_level_and_the_message_says_so():
    assert str(derive("(" * 150 + "x" + ")" * 150, "x")) == "I_{n_x}"
    err = _raised("sum(" + "(x + " * MAX_NESTING + "x" + ")" * MAX_NESTING + ")")
    assert isinstance(err, ParseError) and err.message == (
        f"the expression is nested too deeply: {MAX_NESTING + 2} levels of calls and operators, "
        f"at most {MAX_NESTING} (split it with bindings name = ...; parentheses add no level, "
        f"a long sum or product counts as one)")
