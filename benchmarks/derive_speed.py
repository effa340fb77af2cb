"""How long `derive` takes on every identity-table case and seed example, against SymPy and
tensorgrad on the cases they can express.

matcalc: `derive(expr, wrt, vars, layout)` from text in both layouts, warm (one untimed call per
case first; the grammar is built once per process; repeated calls find the parsed and lowered
program and the simplified nodes matcalc remembers), median of --repeat calls, and in numerator
layout also "fresh", that memory cleared (untimed) before every call, against cold SymPy; the
time of `str(d)` (rendering) is measured apart. SymPy: the same case translated mechanically
(`sympy_build` of benchmarks/common.py, shared with closed_forms.py): building the expression
(compiled from the translated source, symbols included) plus `f.diff(wrt)`; "cold" clears
SymPy's cache (`sympy.core.cache.clear_cache()`, untimed) before every call, "warm" leaves it on
(then repeated calls are mostly cache hits). A case is shared when SymPy returns a derivative
(not an error, an unevaluated Derivative or a 0 for a nonzero form). tensorgrad, when importable:
16 hand-translated cases (`tensorgrad_cases`), expression built + `grad` + `full_simplify`.
Speedup = other tool's median / matcalc's (numerator layout; cold SymPy against fresh
matcalc); the goal is >= 10 against SymPy on the median of the shared cases.

The 10 slowest matcalc cases are profiled (cProfile over `str(derive(...))`, fresh: the
memory cleared before each call, outside the profile): self time is
charged to the pipeline stage of its function's package (matcalc/syntax: parse, lower,
diff: differentiate, simplify, render); time in shared code (matcalc/core, lark, builtins) is
charged to the stages of its callers in proportion to the time spent under each call site
(gprof's approximation). Each stage lists its top 3 functions by time charged to it.

Run: `python benchmarks/derive_speed.py [--repeat N] [--markdown]` (--markdown adds the table
of every case).
"""
from __future__ import annotations

import argparse
import gc
import os
import platform
import statistics
import subprocess
import time
import warnings

from common import (
    ROOT,
    identity_cases,
    seed_cases,
    sympy_build,
    sympy_outcome,
    sympy_program,
    table,
)
from stage_profile import COLUMNS, forget_matcalc, label, profile

from matcalc import derive

LAYOUTS = ("numerator", "denominator")
def median_ms(fn, repeat: int, setup=None) -> float:
    times = []
    for _ in range(repeat):
        if setup is not None:
            setup()
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def time_matcalc(case, repeat: int) -> dict:
    """Median ms of derive in each layout and of str(d) (numerator)."""
    _, _, expr, wrt, vars, _ = case
    out = {}
    for layout in LAYOUTS:
        str(derive(expr, wrt, vars, layout))  # warm
        derives, renders = [], []
        for _ in range(repeat):
            start = time.perf_counter()
            d = derive(expr, wrt, vars, layout)
            mid = time.perf_counter()
            str(d)
            derives.append((mid - start) * 1000)
            renders.append((time.perf_counter() - mid) * 1000)
        out[layout] = statistics.median(derives)
        if layout == "numerator":
            out["render"] = statistics.median(renders)
            out["fresh"] = median_ms(lambda: derive(expr, wrt, vars, layout), repeat,
                                     forget_matcalc)
    return out


def time_sympy(case, repeat: int) -> dict:
    """{"status": ...} and, for a shared case, median ms "cold" and "warm"."""
    from sympy.core.cache import clear_cache

    _, _, expr, wrt, vars, textbook = case
    try:
        program = sympy_program(expr)
        f, x = sympy_build(program, vars, wrt)
    except Exception:
        return {"status": "-"}
    try:
        status = sympy_outcome(f.diff(x), textbook)  # also the untimed first call
    except Exception as e:
        return {"status": f"error ({type(e).__name__})"}
    if status != "ok":
        return {"status": status}

    def run():
        f, x = sympy_build(program, vars, wrt)
        f.diff(x)
    return {"status": status, "cold": median_ms(run, repeat, clear_cache),
            "warm": median_ms(run, repeat)}


def tensorgrad_cases() -> dict:
    """Hand translations into tensorgrad (edges named i, j, k, ...) of representative cases:
    case id -> builder of (f, variable). Raises ImportError when tensorgrad is not installed."""
    import sympy as sp
    import tensorgrad as tg
    import tensorgrad.functions as F

    n, m, p, q, N = sp.symbols("n m p q N")
    V = tg.Variable

    def tr_inv():
        X = V("X", i=n, j=n)
        return F.inverse(X) @ V("A", j=n, i=n), X

    def lsq():
        x = V("x", j=n)
        r = V("A", i=m, j=n) @ x - V("b", i=m)
        return r @ r, x

    def frob():
        X = V("X", i=m, j=n)
        r = V("A", k=p, i=m) @ X - V("B", k=p, j=n)
        return r @ r, X

    def logistic():
        w, y = V("w", i=n), V("y", k=N)
        return F.sum(F.log(F.exp(F.prod(-y, V("X", k=N, i=n) @ w)) + 1)), w

    def mlp():
        W1 = V("W1", k=q, j=n)
        h = F.relu(W1 @ V("x", j=n) + V("b1", k=q))
        return F.sum(F.pow(V("W2", i=m, k=q) @ h + V("b2", i=m) - V("y", i=m), 2)), W1

    def on_X(make, **edges):
        def build():
            X = V("X", **edges)
            return make(X), X
        return build

    def on_x(make, name="x", **edges):
        def build():
            x = V(name, **edges)
            return make(x), x
        return build

    square = {"i": n, "j": n}
    return {
        "trace: tr(A X) d/dX": on_X(lambda X: V("A", j=n, i=m) @ X, i=m, j=n),
        "trace2: tr(X' A X) d/dX": on_X(lambda X: X @ V("A", i=n, k=n) @ X.rename(i="k"),
                                        i=n, j=m),
        "trace2: tr(inv(X) A) d/dX": tr_inv,
        "det: det(X) d/dX": on_X(F.det, **square),
        "det: logdet(X) d/dX": on_X(lambda X: F.log(F.det(X)), **square),
        "bilinear: norm2(A X - B)^2 d/dX": frob,
        "quadratic: x' A x d/dx": on_x(lambda x: x @ V("A", i=n, j=n) @ x.rename(i="j"), i=n),
        "quadratic: norm2(A x - b)^2 d/dx": lsq,
        "vec: A X B d/dX": on_X(lambda X: V("A", k=p, i=m) @ X @ V("B", j=n, l=q), i=m, j=n),
        "vecbymat: W x d/dW": on_x(lambda W: W @ V("x", j=n), "W", i=m, j=n),
        "elementwise: tanh(W x + b) d/dx": on_x(
            lambda x: F.tanh(V("W", i=m, j=n) @ x + V("b", i=m)), j=n),
        "softmax: softmax(x) d/dx": on_x(lambda x: F.softmax(x, dim="i"), i=n),
        "softmax: logsumexp(W x + b) d/dW": on_x(
            lambda W: F.log(F.sum(F.exp(W @ V("x", j=n) + V("b", i=m)))), "W", i=m, j=n),
        "loss: sum(log(1 + exp(-y .* (X w)))) d/dw": logistic,
        "loss: h = relu(W1 x + b1); o = W2 h + b2; sum((o - y).^2) d/dW1": mlp,
        "composition: exp(tr(A X)) d/dX": on_X(lambda X: F.exp(V("A", j=n, i=m) @ X), i=m, j=n),
    }


def time_tensorgrad(build, repeat: int) -> float | str:
    def run():
        f, x = build()
        return f.grad(x).full_simplify()
    try:
        run()  # warm, and a check that the translation works
    except Exception as e:
        return f"error ({type(e).__name__})"
    return median_ms(run, repeat)


def pct(part: float, whole: float) -> str:
    return f"{100 * part / whole:.0f} %" if whole else "-"


def ms(v) -> str:
    return f"{v:.2f}" if isinstance(v, float) else (v or "-")


def git_state() -> str:
    """The commit matcalc is measured at, and whether matcalc/ has uncommitted changes."""
    def git(*cmd: str) -> str:
        return subprocess.run(["git", "-C", str(ROOT), *cmd], capture_output=True,
                              text=True).stdout.strip()
    try:
        head, dirty = git("rev-parse", "--short", "HEAD"), git("status", "--porcelain", "matcalc")
    except OSError:
        return "matcalc (no git)"
    return f"matcalc at {head or '?'}" + (" + uncommitted changes to matcalc/" if dirty else "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15, help="timed calls per case (median)")
    parser.add_argument("--profile-repeat", type=int, default=20)
    parser.add_argument("--markdown", action="store_true",
                        help="print Markdown tables, with the table of every case")
    args = parser.parse_args()
    md, rep = args.markdown, args.repeat
    code = (lambda s: f"`{s}`") if md else str

    start = time.perf_counter()
    derive("W x + b", "x")
    first = (time.perf_counter() - start) * 1000
    from matcalc.syntax.parser import build_parser
    start = time.perf_counter()
    build_parser.__wrapped__(strict=True)  # the tables built, as in a run without the cache
    tables = (time.perf_counter() - start) * 1000
    import sympy
    warnings.simplefilter("ignore")  # SymPy's deprecation warnings inside its array code
    try:
        builders, tg_status = tensorgrad_cases(), None
        from importlib.metadata import version
        tg_name = f"tensorgrad {version('tensorgrad')}"
    except ImportError as e:
        builders, tg_name = {}, "tensorgrad"
        tg_status = f"not installed ({e.name}): column skipped"
    print(f"{git_state()}; Python {platform.python_version()}, SymPy {sympy.__version__}, "
          f"{tg_name if tg_status is None else 'tensorgrad ' + tg_status}, "
          f"{os.cpu_count()} CPUs; {rep} repetitions, median\n")
    print(f"first matcalc call (imports of the pipeline, the grammar's tables loaded from the "
          f"user's cache folder): {first:.0f} ms; building the tables without it: "
          f"{tables:.0f} ms\n")

    rows = []
    for source, cases in (("identity", identity_cases()), ("seed", seed_cases())):
        for case in cases:
            gc.collect()
            row = {"source": source, "group": case[0], "id": case[1], "case": case,
                   **time_matcalc(case, rep), **time_sympy(case, rep)}
            if case[1] in builders:
                row["tensorgrad"] = time_tensorgrad(builders[case[1]], rep)
            rows.append(row)

    med = statistics.median
    shared = [r for r in rows if r["status"] == "ok"]
    num = med(r["numerator"] for r in rows)
    print(f"matcalc over all {len(rows)} cases: median {num:.2f} ms (numerator), "
          f"{med(r['denominator'] for r in rows):.2f} ms (denominator), max "
          f"{max(r['numerator'] for r in rows):.2f} ms; str(d) adds a median "
          f"{med(r['render'] for r in rows):.2f} ms")
    ours, cold = med(r["numerator"] for r in shared), med(r["cold"] for r in shared)
    warm, fresh = med(r["warm"] for r in shared), med(r["fresh"] for r in shared)
    print(f"shared with SymPy: {len(shared)} cases (of {sum(r['status'] != '-' for r in rows)} "
          f"translated); matcalc median {ours:.2f} ms ({fresh:.2f} ms with its memory cleared), "
          f"SymPy median {cold:.2f} ms cold ({warm:.2f} ms warm)")
    speed = med(r["cold"] / r["fresh"] for r in shared)
    verdict = ", ".join(f"{'meets' if t / m >= 10 else 'does NOT meet'} the 10x goal {how}"
                        for t, m, how in ((cold, fresh, "cold"), (warm, ours, "warm")))
    print(f"speedup over SymPy, ratio of the medians: {cold / fresh:.1f}x cold (both with "
          f"their memory cleared), {warm / ours:.1f}x warm (median of per-case ratios: "
          f"{speed:.1f}x cold); {verdict}\n")

    body = []
    for source in ("identity", "seed"):
        mine = [r for r in rows if r["source"] == source]
        for g in [*dict.fromkeys(r["group"] for r in mine), None]:
            grp = [r for r in mine if g in (None, r["group"])]
            sh = [r for r in grp if r["status"] == "ok"]
            cells = [ms(med(r["numerator"] for r in sh)), ms(med(r["cold"] for r in sh)),
                     ms(med(r["warm"] for r in sh)),
                     f"{med(r['cold'] for r in sh) / med(r['fresh'] for r in sh):.1f}"
                     ] if sh else ["-"] * 4
            name = g or (f"**all {source}**" if md else f"all {source}")
            body.append([name, len(grp), ms(med(r["numerator"] for r in grp)),
                         ms(med(r["denominator"] for r in grp)), len(sh), *cells])
    table(["family / kind", "cases", "matcalc ms", "matcalc ms (den.)", "shared",
           "matcalc ms (shared)", "SymPy ms cold", "SymPy ms warm", "speedup cold"], body, md)

    if builders:
        tg = [r for r in rows if "tensorgrad" in r]
        ok = [r for r in tg if isinstance(r["tensorgrad"], float)]
        print(f"{tg_name} on {len(tg)} hand-translated cases ({len(ok)} ran): median "
              f"{med(r['tensorgrad'] for r in ok):.2f} ms, matcalc on the same cases "
              f"{med(r['numerator'] for r in ok):.2f} ms\n")
        table(["case", "matcalc ms", "tensorgrad ms", "speedup"],
              [[code(r["id"]), ms(r["numerator"]), ms(r["tensorgrad"]),
                f"{r['tensorgrad'] / r['numerator']:.1f}" if r in ok else "-"] for r in tg], md)
    else:
        print(f"tensorgrad: {tg_status}\n")

    slow = sorted(rows, key=lambda r: -r["numerator"])[:10]
    profiles = [profile(r["case"], args.profile_repeat) for r in slow]
    total: tuple[dict, dict] = (dict.fromkeys(COLUMNS, 0.0), {s: {} for s in COLUMNS})
    for st, funcs in profiles:
        for stage in COLUMNS:
            total[0][stage] += st[stage]
            for f, t in funcs[stage].items():
                total[1][stage][f] = total[1][stage].get(f, 0.0) + t
    print(f"Slowest 10 matcalc cases (numerator layout); share of the profiled time of "
          f"str(derive(...)) by stage ({args.profile_repeat} fresh calls each under cProfile, "
          f"what matcalc remembers cleared before each):\n")
    table(["case", "ms", "render ms", *COLUMNS],
          [*([code(r["id"]), ms(r["numerator"]), ms(r["render"]),
              *(pct(st[c], sum(st.values())) for c in COLUMNS)]
             for r, (st, _) in zip(slow, profiles)),
           ["**all 10**" if md else "all 10", ms(sum(r["numerator"] for r in slow)),
            ms(sum(r["render"] for r in slow)),
            *(pct(total[0][c], sum(total[0].values())) for c in COLUMNS)]], md)
    print("Top 3 functions per stage (ms per call under the profiler; self time, shared code "
          "charged to its callers' stages):\n")
    for name, (st, funcs) in [("all 10 (summed)", total), *zip((r["id"] for r in slow), profiles)]:
        print(f"{'- ' if md else ''}{code(name)}")
        for stage in COLUMNS:
            top = sorted(funcs[stage].items(), key=lambda kv: -kv[1])[:3]
            if st[stage] >= 0.005:
                fns = ", ".join(f"{code(label(f))} {t:.2f}" for f, t in top)
                print(f"{'  - ' if md else '    '}{stage} {st[stage]:.2f} ms: {fns}")
    print()

    if md:
        print(f"All {len(rows)} cases (ms; SymPy '-': not translated)\n")
        table(["case", "matcalc", "matcalc den.", "str(d)", "SymPy cold", "SymPy warm",
               "speedup cold", "tensorgrad"],
              [[code(r["id"]), ms(r["numerator"]), ms(r["denominator"]), ms(r["render"]),
                ms(r.get("cold")) if r["status"] == "ok" else r["status"], ms(r.get("warm")),
                f"{r['cold'] / r['fresh']:.1f}" if r["status"] == "ok" else "-",
                ms(r.get("tensorgrad"))] for r in rows], md)


if __name__ == "__main__":
    main()
