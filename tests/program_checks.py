"""The properties every random program of tests/program_gen.py must have, for every variable and
both layouts: its derivative agrees with central finite differences, the simplified and the
unsimplified derivative have one value, every printed form reads back (`value`, with
`d.declarations`) to that value and is claimed equal (`equivalent`), `d.evaluate` takes the
abstract symbols' values under the names each printed form shows them by (where names
included), and a scalar program's Hessian is symmetric, agrees with central differences of
the gradient and reads back.
`check(program)` runs them on one program and returns its failures (tests/test_properties.py,
benchmarks/fuzz.py); `COUNTS` counts the programs, read-backs and claims.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from types import SimpleNamespace

import numeric as nm
import numpy as np
from program_gen import Program

from matcalc import MatcalcError, UnsupportedError, derive, equivalent, hessian, value
from matcalc.api import _lowered  # (lowers as `value` does: errors carry the text)
from matcalc.core.expr import postorder
from matcalc.diff.readout import LAYOUTS, in_layout, numerator_jacobian
from matcalc.evaluate import Env, bind, evaluate, symbol_names

FD, SIMPLIFY, READBACK, HESSIAN, NO_POINT, CLAIM, SHOWN_NAMES = (
    "finite differences", "simplified != unsimplified", "read-back", "Hessian",
    "no point", "claim of a printed form", "evaluate under the shown names")
SAME = 1e-8  # tolerance of values that must agree up to rounding


@dataclass
class Failure:
    kind: str  # one of the kinds above, or "raised <ErrorType>"
    wrt: str
    layout: str
    detail: str
    category: str = ""  # read-back failures: what the printed form shows (identity, kron, ...)


def _function(text: str, vars: dict):
    """point -> the 2-D value of `text` (lowered once; `value` lowers at each call)."""
    program = _lowered(text, vars)

    def fun(point):
        values, sizes = bind(program.variables, {k: point[k] for k in program.variables})
        return evaluate(program.expr, Env(values, sizes))
    fun.names = set(program.variables)
    return fun


def _finer_agrees(fun, point, name, sym, f_shape, layout, got, noise: float,
                  coarse=None) -> bool:
    """A very steep F (sin of a sixth power): the fourth-order differences at a quarter of the
    step, whose truncation error is 256 times smaller, agree with `got`. Where even they do not
    agree with the `coarse` fourth-order differences, F varies faster than float64 differences
    can follow at this point (sin of values near 10⁵): no difference judges it, and the point
    counts as passed (the other points and the unsimplified form still judge the program)."""
    finer = nm.numerical_jacobian(fun, point, name, step=nm.STEP / 4, symmetric=sym, order=4)
    want = nm.arrange(finer, f_shape, nm.shape2d(point[name]), layout)
    return _close(got, want, noise) or coarse is not None and not _close(want, coarse, noise)


def _close(got, want, noise: float) -> bool:
    try:
        nm.assert_close(got, want, atol=nm.ATOL + noise)
    except AssertionError:
        return False
    return True


def _attempt(failures: list, kind: str, wrt: str, layout: str, run) -> None:
    try:
        run()
    except AssertionError as err:
        failures.append(Failure(kind, wrt, layout, str(err)[:400]))
    except Exception as err:  # noqa: BLE001 - any other exception is a finding too
        failures.append(Failure(f"raised {type(err).__name__}", wrt, layout,
                                f"{kind}: {err}"[:400]))


def unsimplified(d) -> object:
    """The derivative before any simplification, in d's layout (the read-out's raw form)."""
    return in_layout(numerator_jacobian(d.function, d.variable), d.layout)


CATEGORIES = (  # what a printed form that does not read back shows (the printer's known gaps)
    ("commutation", r"K_"), ("unvec", r"vec⁻¹|unvec"), ("identity", r"(?<!\w)I(?!\w)|I_"),
    ("ones", r"n_ones"), ("kron", r"kron|⊗"), ("zero", r"(?<![\w.])0(?![\w.])"),
    ("call-postfix", r"\w \(.*\)(?:\^T|ᵀ|'|⁻¹|\^|\.\^)"),
    ("size", r"(?<!\w)[nm](?:_\w+)?(?!\w)"))


def _category(text: str) -> str:
    return next((name for name, pattern in CATEGORIES if re.search(pattern, text)), "other")


FORMS = [(ascii, where) for ascii in (True, False) for where in (False, True)]


def printed_forms(d) -> list[str]:
    """d's distinct printed texts: ASCII and Unicode, each with and without where clauses."""
    return list(dict.fromkeys(d.text(ascii=ascii, where=where) for ascii, where in FORMS))


COUNTS: Counter = Counter()  # programs checked, forms read back and claimed (the properties)


def as_shown(d, arrays: dict, ascii: bool, where: bool) -> dict:
    """`arrays` (abstract symbols' values under their full ASCII names) with each symbol's
    value under the name d's printed form (ascii, where) shows it by: df_d(s .* y) for
    ∂f/∂(y ⊙ σ(W x)) in `… where s = sigmoid(W x)`."""
    out = dict(arrays)
    for symbol in d.symbols():
        if symbol.ascii in out:
            names = symbol.shown if where else tuple(symbol)
            out[names[1] if ascii else names[0]] = out.pop(symbol.ascii)
    return out


def read_back(d, arrays: dict, failures: list) -> str | None:
    """Property 3: each printed form (ASCII and Unicode, with and without where clauses), with
    the abstract symbols' values passed under the names it shows them by, has d's value under
    `d.evaluate` and read back by `value` with the declarations `d.declarations`, nothing
    else. Returns why it was not tried, if it was not."""
    try:
        want = np.asarray(d.evaluate(**arrays), dtype=float)
    except MatcalcError:
        return "d cannot be evaluated at this point (counted by the other properties)"
    COUNTS["symbols shown by where names"] += sum(s.shown != tuple(s) for s in d.symbols())
    texts = {}  # (a form without where clauses may print as the one with them)
    for ascii, where in FORMS:
        texts.setdefault(d.text(ascii=ascii, where=where), (ascii, where))
    for text, (ascii, where) in texts.items():
        shown = as_shown(d, arrays, ascii, where)
        if d.symbols():
            COUNTS["evaluations under shown names"] += 1
            _attempt(failures, SHOWN_NAMES, d.wrt, d.layout, lambda shown=shown, text=text:
                     nm.assert_close(np.asarray(d.evaluate(**shown), dtype=float), want, SAME,
                                     SAME, f"d.evaluate with the names of {text!r}"))
        COUNTS["read-backs"] += 1
        try:
            got = value(text, vars=d.declarations, **shown)
            nm.assert_close(np.asarray(got, dtype=float).reshape(want.shape), want, SAME, SAME,
                            f"read back {text!r}")
        except Exception as err:  # noqa: BLE001 - every way of not reading back counts
            what = "mismatch" if isinstance(err, (AssertionError, ValueError)) else \
                type(err).__name__
            failures.append(Failure(READBACK, d.wrt, d.layout, f"{text!r}: {err}"[:300],
                                    f"{_category(f'{text} {err}')}: {what}"))
    return None


def claims(d, text: str, vars: dict | None, failures: list) -> None:
    """Property 5: every printed form of d, claimed as the derivative of `text` with the
    declarations d was derived with (no others: the sizes and symbols as printed), is judged
    equal by `equivalent`."""
    for form in printed_forms(d):
        COUNTS["claims"] += 1
        verdict = equivalent(form, text, d.wrt, vars, d.layout)
        if not verdict:
            failures.append(Failure(CLAIM, d.wrt, d.layout, f"{form!r}: {verdict}"[:300]))


GAPS = {  # a kink's prefix: which gaps between the sorted entries of its value are its values
    "top": lambda e: e[-1:] - e[-2:-1], "bottom": lambda e: e[1:2] - e[:1],
    "spread": lambda e: np.diff(e)}


def _kink(kink: str, vars: dict, abstract: list):
    """point -> the values of a kink program (program_gen's `_Grower.kink`) that must stay away
    from 0: its value, or with a prefix top/bottom/spread the gaps GAPS names (a tie)."""
    prefix, _, text = kink.rpartition(":")
    fun = _function(nm.concrete_all(text, abstract), vars)
    if not prefix:
        return fun

    def gaps(point):
        found = GAPS[prefix](np.sort(np.ravel(fun(point))))
        return found if found.size else np.array([np.inf])
    gaps.names = fun.names
    return gaps


def _clear(kink, point) -> bool:
    """The kink's values are at least KINK_MARGIN from 0 at `point` (not where it cannot be
    evaluated: eigvec_max at a repeated eigenvalue)."""
    try:
        return bool(np.min(np.abs(kink(point))) > nm.KINK_MARGIN)
    except MatcalcError:
        return False


def _draw(here, domains: dict, rng: np.random.Generator, kinks: list) -> dict:
    """A random point inside `domains` with every kink argument at least KINK_MARGIN from 0
    (numeric.draw_point's test, with kink programs that need not use every variable)."""
    for _ in range(nm.MAX_DRAWS):
        point = nm.draw_point(here, domains, rng)
        if all(_clear(k, point) for k in kinks):
            return point
    raise RuntimeError(f"no point with every kink argument away from 0 in {nm.MAX_DRAWS} draws")


def _symbols(d, program: Program, point: dict, expr=None) -> dict:
    """The values of the abstract symbols d shows, ∂f/∂U (in d's layout) and f(U), with f =
    numeric.CONCRETE_F at the argument U the symbol names (whatever the program called it)."""
    out: dict = {}
    values, sizes = bind(d.program.variables, {k: point[k] for k in d.program.variables})
    for node in postorder(d.expr if expr is None else expr):  # inner f(u) before g(f(u))
        if node.op not in ("absgrad", "apply"):
            continue
        _, ascii = symbol_names(node)
        u = evaluate(node.args[0], Env(values, sizes, out))
        if node.op == "apply":
            out[ascii] = float(np.sum(np.sin(u)) + np.sum(u ** 2) / 2)
            continue
        grad = np.cos(u) + u
        grad = grad.T if d.layout == "numerator" else grad
        out[ascii] = grad.reshape(-1) if 1 in grad.shape else grad
    return out


def _second_agrees(program: Program, name: str, sym: bool, point: dict, h) -> None:
    """The Hessian `h` by `name` is the central differences of the gradient's closed form (its
    value checked against differences of the program by the first property), with the
    fourth-order stencil as the judge where the second-order one disagrees (a steep gradient)."""
    grad = derive(program.text, name, program.vars, "denominator")
    fun = lambda p: grad.evaluate(**p)  # noqa: E731
    want = nm.numerical_jacobian(fun, point, name, symmetric=sym)
    noise = 1e-7 * float(np.max(np.abs(want), initial=0.0))
    if _close(h, want, noise):
        return
    fine = nm.numerical_jacobian(fun, point, name, symmetric=sym, order=4)
    nm.assert_close(h, fine, atol=nm.ATOL + noise,
                    what=f"Hessian by {name} of {program.text!r} vs differences of the gradient")


def check(program: Program, rng: np.random.Generator | None = None, hessians: bool = True,
          readback: bool = True) -> list[Failure]:
    """Every property of `program`, for every variable and both layouts: its failures."""
    rng = rng if rng is not None else np.random.default_rng(0)
    vars, abstract, failures = program.vars, program.abstract, []
    COUNTS["programs"] += 1
    try:
        here = nm.variables(SimpleNamespace(program=_lowered(program.text, vars)), program.sizes)
        domains = {**{v.name: "spd" for v in here if nm.structured(vars, v.name)},
                   **program.domains}
        names = {v.name for v in here}  # (a kink of a piece the generator dropped is moot)
        kinks = [f for k in program.kinks for f in [_kink(k, vars, abstract)] if f.names <= names]
        point = _draw(here, domains, rng, kinks)
        fun = _function(nm.concrete_all(program.text, abstract), vars)
        value_at = fun(point)
        f_shape, noise = nm.shape2d(value_at), 1e-8 * float(np.max(np.abs(value_at)))
    except RuntimeError as err:
        return [Failure(NO_POINT, "", "", str(err))]
    except Exception as err:  # noqa: BLE001
        return [Failure(f"raised {type(err).__name__}", "", "", str(err)[:400])]
    for var in here:
        name, sym = var.name, nm.structured(vars, var.name)
        jac = nm.numerical_jacobian(fun, point, name, symmetric=sym)
        for layout in LAYOUTS:
            state = {}

            def first(layout=layout, name=name, jac=jac, state=state):
                d = state["d"] = derive(program.text, name, vars, layout)
                state["arrays"] = {**point, **_symbols(d, program, point)}
                want = nm.arrange(jac, f_shape, nm.shape2d(point[name]), layout)
                got = nm.as_displayed(d.evaluate(**state["arrays"]), want)
                what = f"d/d{name} of {program.text!r} ({layout})"
                try:
                    nm.assert_close(got, want, atol=nm.ATOL + noise, what=what)  # (noise: F's)
                except AssertionError:  # a steep F: judge by the fourth-order differences
                    fine = nm.numerical_jacobian(fun, point, name, symmetric=sym, order=4)
                    want = nm.arrange(fine, f_shape, nm.shape2d(point[name]), layout)
                    try:
                        nm.assert_close(got, want, atol=nm.ATOL + noise, what=what + ", 4th order")
                    except AssertionError:
                        if not _finer_agrees(fun, point, name, sym, f_shape, layout, got, noise,
                                             want):
                            raise

            def simplified(state=state):
                d = state["d"]
                raw = unsimplified(d)  # its symbols may differ: g(diag(x) u) for g(x ⊙ u)
                arrays = {**state["arrays"], **_symbols(d, program, point, raw)}
                env = Env(*bind(d.program.variables, {k: arrays[k] for k in d.program.variables}),
                          arrays, d.layout)
                want = evaluate(raw, env)
                nm.assert_close(evaluate(d.expr, env), want, SAME, SAME, f"{d} vs unsimplified")

            _attempt(failures, FD, name, layout, first)
            if "arrays" in state:
                _attempt(failures, SIMPLIFY, name, layout, simplified)
            if "arrays" in state and readback:
                read_back(state["d"], state["arrays"], failures)
                _attempt(failures, CLAIM, name, layout,
                         lambda state=state: claims(state["d"], program.text, vars, failures))
        if hessians and f_shape == (1, 1) and not abstract and var.kind != "scalar":
            def symmetric_hessian(name=name):
                try:
                    d2 = hessian(program.text, name, vars)
                except UnsupportedError:  # said so (through eigvec_max, L_exp): no answer
                    COUNTS["Hessians refused"] += 1
                    return
                h = np.atleast_2d(d2.evaluate(**point))
                nm.assert_close(h, h.T, SAME, SAME, f"Hessian by {name} of {program.text!r}")
                _second_agrees(program, name, sym, point, h)
                if readback:  # (its printed forms read back too)
                    read_back(d2, point, failures)
            _attempt(failures, HESSIAN, name, "numerator", symmetric_hessian)
    return failures
