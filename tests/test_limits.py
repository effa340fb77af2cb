"""Bounded work and the small things a user trips on: matrix powers past the limit are refused
at once, a closed pipe ends the output quietly, long sums keep their natural order."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from numeric import check_derivative

from matcalc import UnsupportedError, derive
from matcalc.core.products import MAX_MATRIX_POWER


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
