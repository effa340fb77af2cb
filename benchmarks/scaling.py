"""How derivation scales with the depth of a program.

Two programs of L statements, for L = 10, 100, 1000:
- mlp:   h1 = tanh(W1 x); ...; hL = tanh(WL h{L-1}); norm2(hL - y)^2, derived by W1
         (x, y vector(n), Wk matrix(n,n));
- chain: y1 = sin(x) + x; ...; yL = sin(y{L-1}) + y{L-1}; sum(yL), derived by x (x vector(n)).

Per case: `matcalc.derive` seconds, its peak memory (tracemalloc, a separate run), the length of
`str(d)` in characters and the seconds it takes, and the seconds of `d.evaluate` at a random
point (n = 3). Every case runs in a fresh interpreter (nothing interned or cached from another
case; the grammar is built before timing). The evaluated value is checked against central finite
differences of `matcalc.value` (relative error in the last column). Linear growth means ratios
of about 10 from one L to the next (L=100/L=10, L=1000/L=100).

    python benchmarks/scaling.py [--markdown] [--sizes 10,100,1000]
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
import tracemalloc

import numpy as np

N = 3


def mlp(depth: int) -> tuple[str, str, dict[str, str]]:
    lines = [f"h{k} = tanh(W{k} {'x' if k == 1 else f'h{k - 1}'})" for k in range(1, depth + 1)]
    lines.append(f"norm2(h{depth} - y)^2")
    declared = {"x": f"vector({N})", "y": f"vector({N})"}
    declared |= {f"W{k}": f"matrix({N},{N})" for k in range(1, depth + 1)}
    return "\n".join(lines), "W1", declared


def chain(depth: int) -> tuple[str, str, dict[str, str]]:
    lines = [f"y{k} = sin({p}) + {p}" for k in range(1, depth + 1)
             for p in ['x' if k == 1 else f'y{k - 1}']]
    lines.append(f"sum(y{depth})")
    return "\n".join(lines), "x", {"x": f"vector({N})"}


PROGRAMS = {"mlp": mlp, "chain": chain}


def point(name: str, depth: int, declared: dict[str, str]) -> dict[str, np.ndarray]:
    """A point where the derivative is far from 0: small signals through orthogonal layers
    for the MLP; for the chain (whose iterates y + sin y race to π, where 1 + cos vanishes)
    x of order 2^-L, so that y_L is still of order 1."""
    rng = np.random.default_rng(depth)
    values = {k: np.linalg.qr(rng.normal(size=(N, N)))[0] if "matrix" in v
              else rng.normal(size=N) for k, v in declared.items()}
    if name == "chain":
        values["x"] = rng.uniform(0.5, 2.0, N) * 2.0 ** -depth
    else:
        values["x"] *= 0.3
    return values


def fd_error(d, source: str, wrt: str, declared: dict, values: dict) -> float:
    """Relative error of d.evaluate against central differences of matcalc.value."""
    import matcalc

    x = values[wrt]
    step = 1e-5 * np.abs(x).max()  # relative: the chain's x is of order 2^-L
    got = np.asarray(d.evaluate(**values))
    got = got.T if got.ndim == 2 else got  # numerator layout: d f / d W is n × m
    fd = np.zeros(x.size)
    for i in range(x.size):
        e = np.zeros(x.size)
        e[i] = step
        e = e.reshape(x.shape, order="F")
        up = matcalc.value(source, declared, **{**values, wrt: x + e})
        down = matcalc.value(source, declared, **{**values, wrt: x - e})
        fd[i] = (up - down) / (2 * step)
    return float(np.abs(got.reshape(-1, order="F") - fd).max() / np.abs(fd).max())


def run_case(name: str, depth: int, memory: bool) -> dict:
    """One case in this interpreter (called in a fresh one by `main`)."""
    import matcalc

    matcalc.derive("x", "x")  # the grammar and the imports, outside the measurement
    source, wrt, declared = PROGRAMS[name](depth)
    if memory:
        tracemalloc.start()
        matcalc.derive(source, wrt, vars=declared)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        return {"peak_mb": peak / 2 ** 20}
    start = time.perf_counter()
    d = matcalc.derive(source, wrt, vars=declared)
    derived = time.perf_counter()
    text = str(d)
    rendered = time.perf_counter()
    values = point(name, depth, declared)
    d.evaluate(**values)
    evaluated = time.perf_counter()
    return {"derive_s": derived - start, "chars": len(text), "render_s": rendered - derived,
            "evaluate_s": evaluated - rendered,
            "fd_error": fd_error(d, source, wrt, declared, values)}


def measure(name: str, depth: int) -> dict:
    out = {}
    for memory in (False, True):
        args = [sys.executable, __file__, "--case", name, str(depth)] + ["--memory"] * memory
        done = subprocess.run(args, capture_output=True, text=True, check=True)
        out.update(json.loads(done.stdout.splitlines()[-1]))
    return out


COLUMNS = [("derive_s", "derive s"), ("peak_mb", "peak MB"), ("chars", "printed chars"),
           ("render_s", "render s"), ("evaluate_s", "evaluate s")]


def _fmt(value: float) -> str:
    if isinstance(value, int):
        return str(value)
    return f"{value:.3f}" if value < 100 else f"{value:.0f}"


def table(results: dict[tuple[str, int], dict], sizes: list[int], markdown: bool) -> str:
    head = ["program", "L"] + [label for _, label in COLUMNS] + ["fd rel. error"]
    rows = []
    for name in PROGRAMS:
        for depth in sizes:
            r = results[name, depth]
            rows.append([name, str(depth)] + [_fmt(r[k]) for k, _ in COLUMNS] +
                        [f"{r['fd_error']:.1e}"])
        for small, big in zip(sizes, sizes[1:]):
            a, b = results[name, small], results[name, big]
            rows.append([name, f"ratio {big}/{small}"] +
                        [f"{b[k] / a[k]:.1f}" for k, _ in COLUMNS] + [""])
    if markdown:
        lines = ["| " + " | ".join(head) + " |", "|---|---|" + "---:|" * (len(head) - 2)]
        return "\n".join(lines + ["| " + " | ".join(r) + " |" for r in rows])
    widths = [max(len(r[i]) for r in rows + [head]) for i in range(len(head))]
    return "\n".join("  ".join(c.rjust(w) for c, w in zip(r, widths)) for r in [head] + rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--markdown", action="store_true")
    parser.add_argument("--sizes", default="10,100,1000")
    parser.add_argument("--case", nargs=2, metavar=("PROGRAM", "L"), help=argparse.SUPPRESS)
    parser.add_argument("--memory", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.case:
        print(json.dumps(run_case(args.case[0], int(args.case[1]), args.memory)))
        return 0
    sizes = [int(s) for s in args.sizes.split(",")]
    results = {(name, depth): measure(name, depth) for name in PROGRAMS for depth in sizes}
    print(f"Python {sys.version.split()[0]}, n = {N}, each case in a fresh interpreter\n")
    print(table(results, sizes, args.markdown))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
