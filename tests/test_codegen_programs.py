"""Generated code runs wherever `evaluate` runs: every program of the property generator
(tests/program_gen.py), by every variable, in both layouts, its Hessians and its
`value_and_grad`, through `to_function` for numpy and for jax and torch where installed
(float64: jax in x64 mode), against `evaluate` at the point test_properties draws.

The generated functions are called with exactly the keywords `evaluate` takes: the variables
and the abstract symbols, by their ASCII names in one layout and their printed names in the
other. The default run takes the programs of seeds 0 .. MATCALC_PROPERTY_EXAMPLES - 1 (500,
those of test_properties.test_seeded_programs) and a fifth of them again with every size 1
(all arrays 1 × 1, passed as (1, 1) arrays), every program in numpy and torch in both layouts
and in jax in one layout (in turn: jax's eager compilations are most of the time); the slow
suite MATCALC_SLOW_PROPERTY_EXAMPLES (default ten times as many), deeper, and the rest of the
first fifth of those with sizes 1, every layout in every backend. `test_tally` prints the
counts (pytest -s).
"""
from __future__ import annotations

import inspect
import os
import re
import zlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from types import SimpleNamespace

import numeric as nm
import numpy as np
import pytest
from program_checks import _draw, _function, _symbols
from program_gen import Program
from program_gen import program_of_seed as _program_of_seed
from test_codegen import INSTALLED, assert_agrees, ready

from matcalc import MatcalcError, derive, hessian, value, value_and_grad
from matcalc.api import _lowered
from matcalc.core.expr import postorder
from matcalc.evaluate import symbol_names


def program_of_seed(seed: int, max_depth: int = 3) -> Program:
    """A program of the original vocabulary: generated code of the newer pieces (expm, eigmax,
    chol, ...) over random programs is not checked here."""
    return _program_of_seed(seed, max_depth, newer=0)


EXAMPLES = int(os.environ.get("MATCALC_PROPERTY_EXAMPLES", "500"))
SLOW_EXAMPLES = int(os.environ.get("MATCALC_SLOW_PROPERTY_EXAMPLES", EXAMPLES * 10))
BLOCK = 50
LAYOUTS = ("numerator", "denominator")


@dataclass
class Tally:
    """What one suite compared: programs, and generated functions per backend and kind."""

    programs: int = 0
    no_point: int = 0  # programs without a point clear of their kinks (u - u)
    functions: Counter = field(default_factory=Counter)  # (backend, kind) -> count

    def __str__(self) -> str:
        agreed = ", ".join(f"{b} {kind} {n}" for (b, kind), n in sorted(self.functions.items()))
        return (f"{self.programs} programs ({self.no_point} without a point clear of kinks); "
                f"generated functions that agree with evaluate: {agreed}")


TALLIES: dict[str, Tally] = defaultdict(Tally)  # suite -> its counts


def _set_up(program) -> tuple[list, dict]:
    """(the program's variables, a point inside its domains clear of its kinks), as
    program_checks.check draws them."""
    vars = program.vars
    here = nm.variables(SimpleNamespace(program=_lowered(program.text, vars)), program.sizes)
    domains = {**{v.name: "spd" for v in here if nm.structured(vars, v.name)},
               **program.domains}
    names = {v.name for v in here}
    kinks = [f for k in program.kinks
             for f in [_function(nm.concrete_all(k, program.abstract), vars)] if f.names <= names]
    rng = np.random.default_rng(zlib.crc32(program.text.encode()))
    return here, _draw(here, domains, rng, kinks)


def _printed_names(expr, arrays: dict) -> dict:
    """`arrays` with each abstract symbol's value passed by its printed name (∂f/∂Y)."""
    printed = {ascii: unicode for n in postorder(expr) if n.op in ("absgrad", "apply")
               for unicode, ascii in [symbol_names(n)]}
    return {printed.get(k, k): v for k, v in arrays.items()}


def rounding_noise(evaluate, arrays: dict, want) -> float:
    """Ten times the most `evaluate(**arrays)` moves when every input moves by a relative
    1e-14 (a few units in the last place; symmetric inputs symmetrically): the rounding noise
    of the closed form at this point, within which code computing the same form in another
    order may differ. (Seed 4162, the Hessian of det(M Mᵀ + 2I) with M a cube of 3 × 3
    matrices: evaluate is off by 4e-8 of the largest entry from a 60-digit reference, its
    nudges move it by 1e-7, the generated code is within 3e-12.)"""
    rng = np.random.default_rng(0)
    moved = 0.0
    for _ in range(3):
        nudged = {}
        for name, value_ in arrays.items():
            a = np.asarray(value_, dtype=float)
            e = rng.uniform(-1.0, 1.0, a.shape)
            if a.ndim == 2 and a.shape[0] == a.shape[1] and np.array_equal(a, a.T):
                e = (e + e.T) / 2
            nudged[name] = a * (1.0 + 1e-14 * e)
        moved = max(moved, float(np.max(np.abs(np.asarray(evaluate(**nudged)) - want))))
    return 10.0 * moved


def agrees(got, want, backend: str, source, evaluate, arrays: dict) -> None:
    """`got` is `want` to rounding, or else within the rounding noise of `evaluate` there."""
    try:
        assert_agrees(got, want, backend, source)
    except AssertionError:
        assert_agrees(got, want, backend, source, rounding_noise(evaluate, arrays, want))


def _backends(program: Program, layout: str, every_layout: bool) -> list[str]:
    """The installed backends a derivative in `layout` goes through: all, except that jax,
    whose eager calls compile each operation anew for each shape (three quarters of this
    test's time), takes one layout per program, in turn, unless `every_layout`."""
    turn = LAYOUTS[zlib.crc32(program.text.encode()) % len(LAYOUTS)]
    return [b for b in INSTALLED if b != "jax" or every_layout or layout == turn]


def _compare(d, arrays: dict, want, kind: str, failures: list, tally: Tally,
             backends: list[str]) -> None:
    """d's generated function for each of `backends`, called with `arrays`, against
    evaluate's `want`."""
    for backend in backends:
        try:
            got = d.to_function(ready(backend))(**arrays)
            agrees(got, want, backend, lambda b=backend: d.to_source(b), d.evaluate, arrays)
        except Exception as err:  # noqa: BLE001 - any way of not agreeing is a finding
            failures.append(f"{kind} d/d{d.wrt} ({d.layout}), {backend}: "
                            f"{type(err).__name__}: {str(err)[:1500]}")
        else:
            tally.functions[backend, kind] += 1


def _compare_value_and_grad(program, point: dict, grads: list, failures: list,
                            tally: Tally) -> None:
    """value_and_grad of a scalar program by all its variables (their gradients `grads`),
    against value and evaluate, in one backend (in turn, by the program's text: the value
    and gradients are the derivatives' code again, bar the value)."""
    names = [g.wrt for g in grads]
    symbols = [_symbols(g, program, point) for g in grads]
    applied = _symbols(grads[0], program, point, grads[0].function)  # the values of f(Y)
    want_value = value(program.text, program.vars, **point, **applied)
    wants = [g.evaluate(**point, **s) for g, s in zip(grads, symbols)]
    arrays = {**point, **applied, **{k: v for s in symbols for k, v in s.items()}}
    for backend in [INSTALLED[zlib.crc32(program.text.encode()) % len(INSTALLED)]]:
        try:
            f = value_and_grad(program.text, names, program.vars, backend=ready(backend))
            got_value, got_grads = f(**arrays)
            source = lambda f=f: inspect.getsource(f)  # noqa: E731
            of_value = lambda **a: value(program.text, program.vars, **a)  # noqa: E731
            agrees(got_value, want_value, backend, source, of_value, {**point, **applied})
            for g, s, got, want in zip(grads, symbols, got_grads, wants):
                agrees(got, want, backend, source, g.evaluate, {**point, **s})
        except Exception as err:  # noqa: BLE001
            failures.append(f"value_and_grad by {names}, {backend}: "
                            f"{type(err).__name__}: {str(err)[:1500]}")
        else:
            tally.functions[backend, "value_and_grad"] += 1


def run(program: Program, tally: Tally, as_arrays: bool = False,
        every_layout: bool = True) -> list[str]:
    """Every generated function of `program` that disagrees with evaluate (or raises); with
    `as_arrays`, scalar values are passed as (1, 1) arrays; `every_layout`: see _backends."""
    try:
        here, point = _set_up(program)
    except RuntimeError:  # no point clear of the kinks: not a program to compare
        tally.no_point += 1
        return []
    if as_arrays:
        point = {k: np.reshape(v, (1, 1)) if np.size(v) == 1 else v for k, v in point.items()}
    tally.programs += 1
    failures: list[str] = []
    scalar = _lowered(program.text, program.vars).expr.is_scalar
    grads = []
    for var in here:
        for layout in LAYOUTS:
            d = derive(program.text, var.name, program.vars, layout)
            arrays = {**point, **_symbols(d, program, point)}
            if layout == "denominator":
                grads.append(d)
                arrays = _printed_names(d.expr, arrays)
            try:
                want = d.evaluate(**arrays)
            except MatcalcError:
                continue  # (evaluate does not run here: nothing to compare)
            _compare(d, arrays, want, "derivative", failures, tally,
                     _backends(program, layout, every_layout))
        if scalar and not program.abstract:
            h = hessian(program.text, var.name, program.vars)
            _compare(h, point, h.evaluate(**point), "Hessian", failures, tally, INSTALLED)
    if scalar:
        _compare_value_and_grad(program, point, grads, failures, tally)
    return failures


def _report(seed: int, program, failures: list[str]) -> str:
    return f"seed {seed}: {program}\n" + "\n".join(f"  {f}" for f in failures)


def _check(seeds, make, suite: str, sizes_one: bool = False, every_layout: bool = True) -> None:
    tally, found = TALLIES[suite], []
    for seed in seeds:
        program = make(seed)
        failures = _run_with_sizes_one(program, tally, every_layout) if sizes_one else \
            run(program, tally, every_layout=every_layout)
        if failures:
            found.append(_report(seed, program, failures))
    assert not found, "\n".join(found)


@pytest.mark.parametrize("start", range(0, EXAMPLES, BLOCK))
def test_generated_code_of_seeded_programs(start):
    _check(range(start, min(start + BLOCK, EXAMPLES)), program_of_seed, "seeded",
           every_layout=False)


@pytest.mark.slow
@pytest.mark.parametrize("start", range(0, SLOW_EXAMPLES, BLOCK * 10))
def test_generated_code_of_deeper_programs(start):
    """SLOW_EXAMPLES programs (ten times as many), one level deeper (as test_properties' slow
    suite), every layout in every backend."""
    _check(range(EXAMPLES + start, EXAMPLES + min(start + BLOCK * 10, SLOW_EXAMPLES)),
           lambda seed: program_of_seed(seed, max_depth=4), "deeper")


def with_sizes_one(program: Program) -> Program | None:
    """`program` with every declared size 1 (vector(1), matrix(1,1), spd(1)), so that all
    its arrays are 1 × 1; None when it declares no size."""
    if not any("(" in kind for kind in program.vars.values()):
        return None
    ones = {name: re.sub(r"\(([^)]*)\)", lambda m: "(" + ",".join("1" for _ in m[1].split(","))
                         + ")", kind) for name, kind in program.vars.items()}
    return replace(program, vars=ones, sizes={"n": 1, "m": 1})


def _run_with_sizes_one(program: Program | None, tally: Tally, every_layout: bool) -> list[str]:
    """(Every program with sizes 1 is one the front end takes, as it takes it with others.)"""
    if program is None:
        return []
    return run(program, tally, as_arrays=True, every_layout=every_layout)


@pytest.mark.parametrize("start", range(0, EXAMPLES // 5, BLOCK))
def test_generated_code_of_programs_with_sizes_one(start):
    """A fifth as many programs with every size 1 (vector(1) a vector, matrix(1,1) a matrix):
    their 1 × 1 values are scalars (0-d) in the code, whichever array evaluate accepts for
    them is passed."""
    _check(range(start, min(start + BLOCK, EXAMPLES // 5)),
           lambda seed: with_sizes_one(program_of_seed(seed)), "sizes one", sizes_one=True,
           every_layout=False)


@pytest.mark.slow
@pytest.mark.parametrize("start", range(EXAMPLES // 5, SLOW_EXAMPLES // 5, BLOCK * 4))
def test_generated_code_of_more_programs_with_sizes_one(start):
    _check(range(start, min(start + BLOCK * 4, SLOW_EXAMPLES // 5)),
           lambda seed: with_sizes_one(program_of_seed(seed)), "sizes one (slow)",
           sizes_one=True)


def test_tally():
    """The counts of the runs above, by suite (run alone, it runs the first block)."""
    if not TALLIES["seeded"].programs:
        test_generated_code_of_seeded_programs(0)
    seeded = TALLIES["seeded"]
    assert seeded.programs and all(seeded.functions[b, "derivative"] for b in INSTALLED)
    print("".join(f"\n{suite}: {tally}" for suite, tally in TALLIES.items()))


@pytest.mark.parametrize("seed", [670, 1082])
def test_programs_the_slow_run_found(seed):
    """Deeper programs whose code failed to build: a size only an unused variable gives
    (x − x), and a row scaling gathered from a sum a product distributes back to it."""
    _check([seed], lambda s: program_of_seed(s, max_depth=4), "deeper")
