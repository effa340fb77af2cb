"""The tables and the summary of generated_code.py: per-call milliseconds, ratios measured in
the same run, and the goals (gradients within 1.2x of hand-written NumPy, Hessians 5x faster
than jax.hessian, the layers faster than jax.grad and torch.func.grad).
"""
from __future__ import annotations

from common import table


def cell(row: dict, name: str) -> str:
    if name in row["failed"]:
        return "FAIL"
    ms = row["ms"].get(name)
    if ms is None:
        return "-"
    return f"{ms:.3f}" if ms < 1 else f"{ms:.2f}" if ms < 100 else f"{ms:.0f}"


def ratio(row: dict, top: str, bottom: str) -> str:
    a, b = row["ms"].get(top), row["ms"].get(bottom)
    return "-" if a is None or b is None else f"{a / b:.2f}"


TABLES = (("grad", "", "Gradients"), ("grad", "layer", "Gradients of network layers"),
          ("grad", "matrix", "Gradients of matrix functions"), ("hess", "", "Hessians"))


def print_tables(rows: list[dict], markdown: bool) -> None:
    for kind, group, title in TABLES:
        sel = [r for r in rows if r["kind"] == kind and r["group"] == group]
        if not sel:
            continue
        hess = kind == "hess"
        names = ["hand", "matcalc", *(["v&g", "mc jax"] if not hess else []), "evaluate", "jax",
                 "torch", *(["floor"] if hess else [])]
        ratios = [("matcalc", "hand"), *([] if hess else [("mc jax", "hand")]), ("jax", "hand"),
                  ("torch", "hand"), ("jax", "matcalc"),
                  *([("jax", "floor")] if hess else [("torch", "matcalc"), ("jax", "mc jax")])]
        short = {"matcalc": "mc", "mc jax": "mcjax"}
        flops = ["GFlop"] if group == "matrix" else []  # the closed form's, beside the times
        headers = ["problem", "d/d", "n", "shapes", *flops, *(f"{m} ms" for m in names),
                   *(f"{short.get(a, a)}/{short.get(b, b)}" for a, b in ratios)]
        body = [[r["problem"], r["wrt"], r["n"], r["shapes"],
                 *([f"{r['flops'] / 1e9:.3g}"] if flops else []), *(cell(r, m) for m in names),
                 *(ratio(r, a, b) for a, b in ratios)] for r in sel]
        print(f"### {title}\n" if markdown else f"{title}:")
        table(headers, body, markdown)


def summary(rows: list[dict], codegen: bool, gemm_n: int) -> list[str]:
    lines = []
    grads = [r for r in rows if r["kind"] == "grad" and not r["group"] and "matcalc" in r["ms"]]
    if grads:
        within = [r for r in grads if r["ms"]["matcalc"] <= 1.2 * r["ms"]["hand"]]
        worst = max(grads, key=lambda r: r["ms"]["matcalc"] / r["ms"]["hand"])
        lines.append(f"goal 1, gradients within 1.2x of hand-written NumPy: {len(within)} of "
                     f"{len(grads)} (worst {worst['ms']['matcalc'] / worst['ms']['hand']:.2f}x, "
                     f"{worst['problem']} at n = {worst['n']})")
    lines += layer_summary([r for r in rows if r["group"] == "layer" and "matcalc" in r["ms"]])
    lines += matrix_summary([r for r in rows if r["group"] == "matrix" and "matcalc" in r["ms"]])
    big = max((r["n"] for r in rows if not r["group"]), default=0)
    hess = [r for r in rows if r["kind"] == "hess" and r["n"] == big
            and {"matcalc", "jax"} <= r["ms"].keys()]
    if hess:
        fast = [r for r in hess if r["ms"]["jax"] >= 5 * r["ms"]["matcalc"]]
        slow = min(hess, key=lambda r: r["ms"]["jax"] / r["ms"]["matcalc"])
        lines.append(f"goal 2, Hessians >= 5x faster than jax.hessian at n = {big}: {len(fast)} "
                     f"of {len(hess)} (least {slow['ms']['jax'] / slow['ms']['matcalc']:.1f}x, "
                     f"{slow['problem']})")
        floored = [r for r in hess if "floor" in r["ms"]]
        if floored:
            rates = {k: [r["rates"][k] / 1e9 for r in floored] for k in floored[0]["rates"]}
            lines.append(f"float64 {gemm_n}³ GEMM, GFLOP/s at n = {big} (least to most over "
                         "the rows; each row's floor uses its fastest): " + ", ".join(
                             f"{k} {min(v):.0f}–{max(v):.0f}" for k, v in rates.items()))
            reachable = [r for r in floored if r["ms"]["jax"] >= 5 * r["ms"]["floor"]]
            beyond = [r["problem"] for r in floored if r not in reachable]
            lines.append(f"goal 2 is reachable (jax/floor >= 5) on {len(reachable)} of "
                         f"{len(floored)} problems at n = {big} and met on "
                         f"{len([r for r in reachable if r in fast])} of them; beyond any "
                         f"implementation on this machine: {', '.join(beyond) or 'none'}")
    if not codegen:
        lines.append("matcalc codegen API (Derivative.to_function) absent: goals not measured")
    failed = sum(len(r["failed"]) for r in rows)
    lines.append(f"agreement with hand-written NumPy: {'all agree' if not failed else failed} "
                 f"{'' if not failed else 'FAILURES (see MISMATCH above)'}".rstrip())
    return lines


def layer_summary(rows: list[dict]) -> list[str]:
    """The layers' goals: within 1.2x of the hand-written backward pass, faster than jax.grad
    and torch.func.grad."""
    if not rows:
        return []
    def named(r):
        return f"{r['problem']} by {r['wrt']} at n = {r['n']}"
    within = [r for r in rows if r["ms"]["matcalc"] <= 1.2 * r["ms"]["hand"]]
    worst = max(rows, key=lambda r: r["ms"]["matcalc"] / r["ms"]["hand"])
    lines = [f"layers, matcalc's numpy gradients within 1.2x of the hand-written backward pass: "
             f"{len(within)} of {len(rows)} (worst "
             f"{worst['ms']['matcalc'] / worst['ms']['hand']:.2f}x, {named(worst)})"]
    for peer, title in (("jax", "jax.jit(jax.grad)"), ("torch", "torch.func.grad")):
        timed = [r for r in rows if peer in r["ms"]]
        if timed:
            faster = [r for r in timed if r["ms"]["matcalc"] < r["ms"][peer]]
            slow = min(timed, key=lambda r: r["ms"][peer] / r["ms"]["matcalc"])
            lines.append(f"layers, matcalc's numpy code faster than {title}: {len(faster)} of "
                         f"{len(timed)} (least {slow['ms'][peer] / slow['ms']['matcalc']:.2f}x, "
                         f"{named(slow)})")
    return lines


def matrix_summary(rows: list[dict]) -> list[str]:
    """The matrix functions' goal: matcalc's numpy code no slower than jax.jit(jax.grad) on any
    row (and, for reference, against torch.func.grad)."""
    lines = []
    for peer, title in (("jax", "jax.jit(jax.grad)"), ("torch", "torch.func.grad")):
        timed = [r for r in rows if peer in r["ms"]]
        if timed:
            fast = [r for r in timed if r["ms"]["matcalc"] <= r["ms"][peer]]
            slow = min(timed, key=lambda r: r["ms"][peer] / r["ms"]["matcalc"])
            lines.append(f"matrix functions, matcalc's numpy code no slower than {title}: "
                         f"{len(fast)} of {len(timed)} (least "
                         f"{slow['ms'][peer] / slow['ms']['matcalc']:.2f}x, {slow['problem']} "
                         f"by {slow['wrt']} at n = {slow['n']})")
    return lines
