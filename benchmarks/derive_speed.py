"""How long `derive` takes on every seed example, against SymPy where SymPy can do the same.

Prints one row per example: matcalc's median time (warm: the grammar is built and nodes are
interned, as in a notebook session), SymPy's median time for the same derivative where the
example translates to SymPy (scalar examples through `sympy.diff`, a few matrix ones through
`MatrixSymbol.diff`), and the ratio (below 1: matcalc is faster). Both sides start from text
for scalar examples (matcalc parses its program, SymPy runs `parse_expr`); SymPy's own cache is
left on, as a SymPy user has it. Run: `python benchmarks/derive_speed.py [--repeat N]`.
"""
from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from matcalc import derive

SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "seed_examples.json"


def median_ms(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def sympy_matrix_cases():
    """SymPy translations of the matrix seed examples it can express (id -> thunk)."""
    import sympy as sp

    n, m = 4, 3
    W, A = sp.MatrixSymbol("W", m, n), sp.MatrixSymbol("A", n, n)
    X, theta, y = sp.MatrixSymbol("X", 6, n), sp.MatrixSymbol("theta", n, 1), \
        sp.MatrixSymbol("y", 6, 1)
    x, w = sp.MatrixSymbol("x", n, 1), sp.MatrixSymbol("w", n, 1)
    V = sp.MatrixSymbol("V", 5, m)
    z = X * theta - y
    return {
        "yao_y_Wx": lambda: (W * x).diff(x),
        "yao_chain_VWx": lambda: (V * W * x).diff(x),
        "pinard_lsq": lambda: (z.T * z).diff(theta),
        "ph_dot_x": lambda: (w.T * x).diff(x),
        "ph_identity": lambda: x.diff(x),
        "ph_ew_add_w": lambda: (w + x).diff(w),
    }


def sympy_scalar_case(expr: str):
    """A thunk differentiating a scalar-by-scalar example with sympy.diff, or None."""
    import sympy as sp
    from sympy.parsing.sympy_parser import (implicit_multiplication_application,
                                            parse_expr, standard_transformations)

    if "=" in expr or "\n" in expr or "max" in expr:
        return None
    transformations = standard_transformations + (implicit_multiplication_application,)
    x = sp.Symbol("x")
    text = expr.replace("^", "**")
    return lambda: sp.diff(parse_expr(text, transformations=transformations), x)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    args = parser.parse_args()
    examples = json.loads(SEEDS.read_text(encoding="utf-8"))["examples"]
    start = time.perf_counter()
    derive("W x + b", "x")
    print(f"first call (grammar build + imports of the pipeline): "
          f"{(time.perf_counter() - start) * 1000:.0f} ms\n")
    try:
        matrix_cases = sympy_matrix_cases()
    except ImportError:
        matrix_cases = {}
    row = ("| {} | {} | {} | {} |" if args.markdown else "{:24s} {:>10s} {:>9s} {:>6s}").format
    print(row("example", "matcalc ms", "sympy ms", "ratio"))
    if args.markdown:
        print("|---|---:|---:|---:|")
    ours = []
    for ex in examples:
        ms = median_ms(lambda: derive(ex["expr"], ex["wrt"], ex["vars"]), args.repeat)
        ours.append(ms)
        peer = matrix_cases.get(ex["id"])
        if peer is None and ex["kind"] == "scalar-by-scalar" and ex["wrt"] == "x":
            peer = sympy_scalar_case(ex["expr"])
        theirs = median_ms(peer, args.repeat) if peer is not None else None
        print(row(ex["id"], f"{ms:.2f}", f"{theirs:.2f}" if theirs else "-",
                  f"{ms / theirs:.2f}" if theirs else "-"))
    print(f"\nmatcalc over {len(ours)} examples: median {statistics.median(ours):.2f} ms, "
          f"max {max(ours):.2f} ms")


if __name__ == "__main__":
    main()
