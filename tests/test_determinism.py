"""Determinism and safety: byte-identical output across processes and hash seeds, the same
results from 8 threads as sequentially, memory that does not grow over many derivations, and
names that could reach Python (`__import__`, `os`, keywords, dunders) staying plain names."""
from __future__ import annotations

import gc
import os
import subprocess
import sys
import tracemalloc
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
from test_identities import CASES

import matcalc
from matcalc import MatcalcError, derive

PROGRAMS = [("softmax(x)", "x"), ("Y = A X + B; f(Y)", "X"), ("log(det(X)) + tr(inv(X) A)", "X"),
            ("norm2(W2 tanh(W1 x) - y)^2", "W1"), ("x' A x", "x")]
SCRIPT = """
import matcalc
for expr, wrt in {programs!r}:
    for layout in ("numerator", "denominator"):
        d = matcalc.derive(expr, wrt, layout=layout)
        print(d, d.text(ascii=True), d.latex(), d.steps(), d.to_source(), sep="\\n")
"""


def test_output_is_byte_identical_across_processes_and_hash_seeds():
    script = SCRIPT.format(programs=PROGRAMS)
    outs = {subprocess.run([sys.executable, "-c", script], capture_output=True, check=True,
                           env={**os.environ, "PYTHONHASHSEED": seed}).stdout
            for seed in ("0", "1", "4242", "random")}
    assert len(outs) == 1 and len(next(iter(outs))) > 1000


def _all_forms(case) -> str:
    try:
        return "\n".join(str(derive(case.expr, case.wrt, vars=case.vars, layout=layout))
                         for layout in ("numerator", "denominator"))
    except MatcalcError as err:  # the same error each time is as deterministic
        return f"error: {err}"


def test_eight_threads_give_the_sequential_results():
    cases = CASES[::3]
    sequential = [_all_forms(c) for c in cases]
    with ThreadPoolExecutor(max_workers=8) as pool:
        concurrent = list(pool.map(_all_forms, cases))
    assert concurrent == sequential


def _distinct(k: int) -> str:
    return str(derive(f"{k} * x' A x + sum(sin({k + 1} x)) + {k % 5} dot(x, y)", "x"))


def _growth(count: int) -> float:
    """MB traced after `count` distinct derivations, beyond a warmed-up start."""
    for k in range(100):
        _distinct(k)
    gc.collect()
    tracemalloc.start()
    try:
        start = tracemalloc.get_traced_memory()[0]
        for k in range(100, 100 + count):
            _distinct(k)
        gc.collect()
        return (tracemalloc.get_traced_memory()[0] - start) / 1e6
    finally:
        tracemalloc.stop()


def test_many_distinct_derivations_keep_memory_flat():
    assert _growth(500) < 1.0


@pytest.mark.slow
def test_twenty_thousand_distinct_derivations_keep_memory_flat():
    count = int(os.environ.get("MATCALC_MEMORY_DERIVATIONS", "20000"))
    assert _growth(count) < 2.0


@pytest.mark.parametrize("name", ["__import__", "os", "sys", "eval", "exec", "lambda", "class",
                                  "__builtins__", "__class__", "None", "True", "import"])
def test_python_names_are_plain_variables(name, rng):
    """Such names parse as variables or are refused with a MatcalcError; they never reach
    Python, in evaluate or in generated code."""
    try:
        d = derive(f"{name}' A x", "x", vars={name: "vector(n)", "x": "vector(n)"})
    except MatcalcError:
        return
    point = {name: rng.normal(size=3), "A": rng.normal(size=(3, 3)), "x": rng.normal(size=3)}
    want = point[name] @ point["A"]
    assert np.allclose(d.evaluate(**point), want)
    assert np.allclose(d.to_function()(*point.values()), want)
    assert matcalc.value(f"{name}' A x", vars={name: "vector(n)", "x": "vector(n)"},
                         **point) == pytest.approx(float(want @ point["x"]))
