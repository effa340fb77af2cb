"""Speed of matcalc's generated numpy code against hand-written NumPy, JAX and PyTorch.

Six problems (`CASES` of generated_code_cases.py), each differentiated by matcalc from its
text, at every size n of --sizes, float64 on the CPU: the gradient (shaped like its variable)
and the Hessian (n × n for a vector variable, the column-major vec Hessian mn × mn for a matrix
one). The network layers of generated_code_layers.py (attention by Q, K, V and the three at
once, layer norm, softmax cross-entropy by Z and by W) are gradients only, each at its own
sizes, in a table of their own. Columns:

- hand: a hand-written NumPy closed form (what a careful person writes, `HAND_GRAD`/`HAND_HESS`);
- matcalc: `derive(expr, wrt, vars, layout="denominator").to_function("numpy")` for the gradient,
  `hessian(expr, wrt, vars).to_function("numpy")` for the Hessian, called with keyword arrays;
  v&g: `value_and_grad(expr, [wrt], vars, backend="numpy")`, which also returns the value;
  mc jax: `jax.jit(derive(...).to_function("jax"))`, matcalc's jax code compiled by XLA;
  evaluate: matcalc's interpreter, `d.evaluate(**arrays)`, for reference;
- jax: `jax.jit(jax.grad(f))` / `jax.jit(jax.hessian(f))` with x64 on, compiled before timing,
  `.block_until_ready()` inside the timed call; its (m, n, m, n) Hessian of a matrix variable is
  reshaped to the vec Hessian outside the timing;
- torch: `torch.func.grad(f)` / `torch.func.hessian(f)` (eager) on float64 CPU tensors.

Before timing, every implementation's result is compared with the hand-written one
(`np.allclose`, rtol 1e-8, atol 1e-10 × the largest entry), and every hand-written gradient
with jax.grad's (the same test; a disagreement stops the run) and with a directional central
difference of the value; a disagreement prints MISMATCH on
stderr, shows FAIL in the table and makes the exit status 1. Times are per call, warm: the best
of --repeat repeats, each the mean of a loop long enough to take ≥ 20 ms (timeit's method),
the repeats going round the implementations. numpy's BLAS, XLA and torch get --threads threads
(default 1, set through the environment: the script re-executes itself once). Ratios are
against hand-written NumPy in the same run; jax/mc is jax's time over matcalc's (torch/mc,
jax/mcjax likewise). The summary checks the goals: gradients within 1.2× of hand-written
NumPy, Hessians at least 5× faster than jax.hessian at the largest size, the layers' numpy
code within 1.2× of the hand-written backward pass and faster than jax.grad and
torch.func.grad. Columns whose library (or matcalc API) is missing show "-".

Each Hessian also gets a floor, the least time any implementation could take here: max(least
flops (`floor_flops`) / the fastest library's 1000³ float64 GEMM rate, the time of storing a
result-sized array), timed in the row's rotation (same load); jax/floor is jax.hessian's time
over it, the most any implementation could beat jax by (benchmarks/README.md).

Run: `python benchmarks/generated_code.py [--sizes 100 1000] [--repeat R] [--threads T]
[--only PROBLEM ...] [--timer wall|cpu] [--markdown]` (--sizes: the six problems'; `--only
attention "attention written out" "layer norm" "layer norm written out" cross-entropy` runs the
layers alone, `--matrix` the matrix functions of generated_code_matrix.py, gradients through expm
against jax.grad through jax.scipy.linalg.expm and torch.func.grad through
torch.linalg.matrix_exp, and the factorisations of generated_code_factorisations.py, gradients
through chol and solve (logdet, a Gaussian-process likelihood), each row with its closed form's
flop count).
"""
from __future__ import annotations

import argparse
import os
import platform
import sys
import time
import timeit
from typing import Callable

import numpy as np
from generated_code_cases import (
    CASES,
    Case,
    describe_shapes,
    hand_of,
    make_arrays,
    numpy_ops,
    value_of,
)
from generated_code_factorisations import FACTORISATION_CASES
from generated_code_factorisations import ops as factorisation_ops
from generated_code_layers import LAYER_CASES
from generated_code_layers import ops as layer_ops
from generated_code_matrix import MATRIX_CASES
from generated_code_matrix import ops as matrix_ops
from generated_code_report import print_tables, summary

import matcalc

RTOL = 1e-8
MIN_LOOP_S = 0.02
TIMER = {"wall": time.perf_counter, "cpu": time.process_time}  # --timer
timer = TIMER["wall"]
CODEGEN = hasattr(matcalc.Derivative, "to_function")
VALUE_AND_GRAD = CODEGEN and hasattr(matcalc, "value_and_grad")


# ---- implementations: name -> zero-argument callable, or None when unavailable ----------------

jax = jnp = torch = None  # imported by `load_libraries` once the thread count is pinned


def pin_threads(threads: int, kernel: str | None) -> None:
    """Give numpy's BLAS, XLA and torch `threads` threads through the environment (read when
    the libraries load), re-executing the script once if it had other values, and the process
    `threads` CPUs: XLA's GEMM runs on two threads despite its flags when a second core is free
    (wall time half its CPU time). `kernel`: OpenBLAS's kernel set (OPENBLAS_CORETYPE)."""
    cpus = sorted(os.sched_getaffinity(0))
    if threads and len(cpus) > threads:
        os.sched_setaffinity(0, cpus[-threads:])
    want = {"OPENBLAS_CORETYPE": kernel} if kernel else {}
    if threads:
        want |= {"OPENBLAS_NUM_THREADS": str(threads), "OMP_NUM_THREADS": str(threads),
                 "MKL_NUM_THREADS": str(threads),
                 "XLA_FLAGS": f"--xla_cpu_multi_thread_eigen={str(threads > 1).lower()} "
                              f"intra_op_parallelism_threads={threads}"}
    if any(os.environ.get(k) != v for k, v in want.items()):
        os.environ.update(want)
        os.execv(sys.executable, [sys.executable, *sys.argv])


def load_libraries(threads: int) -> None:
    global jax, jnp, torch
    try:
        import jax
        import jax.numpy as jnp

        jax.config.update("jax_enable_x64", True)
    except ImportError:
        pass
    try:
        import torch

        if threads:
            torch.set_num_threads(threads)
    except ImportError:
        pass


def namespace(library: str):
    """The array namespace the scalar functions are written over, for `library` (numpy, jax or
    torch): the six problems' functions and the layers' row-wise ones."""
    if library == "numpy":
        own = numpy_ops()
    elif library == "jax":
        own = argparse.Namespace(sum=jnp.sum, tanh=jnp.tanh, logsumexp=jax.nn.logsumexp,
                                 softplus=jax.nn.softplus)
    else:
        own = argparse.Namespace(sum=torch.sum, tanh=torch.tanh,
                                 softplus=torch.nn.functional.softplus,
                                 logsumexp=lambda z: torch.logsumexp(z, 0))
    return argparse.Namespace(**{**vars(layer_ops(library)), **vars(matrix_ops(library)),
                                 **vars(factorisation_ops(library)), **vars(own)})


def positional(case: Case, ops) -> Callable:
    """The value as a function of the arrays in declaration order (for jax.grad, torch.func)."""
    names, value = list(case.vars), value_of(case)
    return lambda *vals: value(ops, **dict(zip(names, vals)))


def implementations(case: Case, kind: str, arrays: dict) -> dict[str, Callable | None]:
    """The computations to time, each returning its result (converted later by `as_numpy`).
    A tuple of variables (`grad_wrt`) is a training step: the value and the gradients by all
    of them at once, (value, (gradient, ...)), from matcalc's `value_and_grad` with the list
    (so no "v&g" column), `jax.value_and_grad`, `torch.func.grad_and_value` (argnums the
    tuple) and the hand-written forward and backward pass."""
    wrt = case.grad_wrt if kind == "grad" else case.hess_wrt
    several = not isinstance(wrt, str)
    wrts = list(wrt) if several else [wrt]
    hand = hand_of(case, kind)
    impl: dict[str, Callable | None] = {"hand": lambda: hand(**arrays)}
    try:  # matcalc failing to derive is reported as a failure of its columns (see run_case)
        ds = ([matcalc.derive(case.expr, w, vars=case.vars, layout="denominator") for w in wrts]
              if kind == "grad" else [matcalc.hessian(case.expr, wrt, vars=case.vars)])
        mc = (matcalc_grads(case, wrts, "numpy") if several
              else ds[0].to_function(backend="numpy")) if CODEGEN else None
        vg = (matcalc_grads(case, wrts, "numpy")
              if VALUE_AND_GRAD and kind == "grad" and not several else None)
        mj = (jitted_matcalc(case, wrts, ds[0], several)
              if CODEGEN and jax is not None and kind == "grad" else None)
    except Exception as err:
        ds = [argparse.Namespace(evaluate=raising(err))]
        mc = vg = raising(err) if CODEGEN else None
        mj = raising(err) if CODEGEN and jax is not None and kind == "grad" else None
    impl["matcalc"] = None if mc is None else lambda: mc(**arrays)
    if kind == "grad":
        impl["v&g"] = None if vg is None else lambda: vg(**arrays)
        if mj is not None:
            jkw = {k: jnp.asarray(v) for k, v in arrays.items()}
            impl["mc jax"] = lambda: jax.block_until_ready(mj(**jkw))
        else:
            impl["mc jax"] = None
    impl["evaluate"] = ((lambda: (matcalc.value(case.expr, case.vars, **arrays),
                                  tuple(d.evaluate(**arrays) for d in ds))) if several
                        else lambda: ds[0].evaluate(**arrays))
    impl["jax"] = impl["torch"] = None
    names = list(case.vars)
    argnums = tuple(names.index(w) for w in wrts) if several else names.index(wrt)
    if jax is not None:
        gj = jax.jit((jax.value_and_grad if several else jax.grad if kind == "grad"
                      else jax.hessian)(positional(case, namespace("jax")), argnums=argnums))
        jargs = [jnp.asarray(arrays[k]) for k in names]
        impl["jax"] = lambda: jax.block_until_ready(gj(*jargs))
    if torch is not None:
        gt = (torch.func.grad_and_value if several else torch.func.grad if kind == "grad"
              else torch.func.hessian)(positional(case, namespace("torch")), argnums=argnums)
        targs = [torch.from_numpy(arrays[k]) for k in names]
        impl["torch"] = ((lambda: gt(*targs)[::-1]) if several else lambda: gt(*targs))
    return impl


def matcalc_grads(case: Case, wrts: list[str], backend: str) -> Callable:
    """matcalc's value_and_grad by the list `wrts`: (value, (gradient, ...))."""
    return matcalc.value_and_grad(case.expr, wrt=wrts, vars=case.vars, backend=backend)


def jitted_matcalc(case: Case, wrts: list[str], d, several: bool) -> Callable:
    """matcalc's jax code under jax.jit: the derivative's function, or value_and_grad for
    several variables."""
    if several:
        return jax.jit(matcalc_grads(case, wrts, "jax"))
    return jax.jit(d.to_function(backend="jax"))


def raising(err: Exception) -> Callable:
    def fn(*args, **kwargs):
        raise err
    return fn


def as_numpy(name: str, out, kind: str, shape: tuple[int, ...]) -> np.ndarray:
    """The result as the hand-written form gives it: v&g's gradient, vec Hessians column-major;
    a value and the gradients by several variables one after the other, each flattened."""
    if name == "v&g":
        out = out[1][0]
    if isinstance(out, (tuple, list)):
        return np.concatenate([as_numpy(name, g, kind, shape).ravel() for g in out])
    out = np.asarray(out.detach() if hasattr(out, "detach") else out, dtype=float)
    if kind == "hess" and len(shape) == 2:  # library Hessian (m, n, m, n) -> vec Hessian
        size = shape[0] * shape[1]
        if out.ndim == 4:
            out = out.transpose(1, 0, 3, 2).reshape(size, size)
    return out


def agrees(out: np.ndarray, ref: np.ndarray) -> bool:
    scale = float(np.abs(ref).max()) or 1.0
    return out.shape == ref.shape and np.allclose(out, ref, rtol=RTOL, atol=1e-10 * scale)


def best_ms(fns: dict[str, Callable], repeat: int) -> dict[str, float]:
    """Per-call ms of each warm function: the best of `repeat` loops, each long enough to take
    >= MIN_LOOP_S; each repeat goes round the functions (starting one further each time), so
    a burst of load hits them alike."""
    numbers = {}
    for name, fn in fns.items():
        start = time.perf_counter()
        fn()
        once = time.perf_counter() - start
        numbers[name] = max(1, min(100_000, int(MIN_LOOP_S / max(once, 1e-7))))
    best, names = dict.fromkeys(fns, float("inf")), list(fns)
    for r in range(repeat):
        for name in names[r % len(names):] + names[:r % len(names)]:  # rotated: no first place
            loop = timeit.timeit(fns[name], number=numbers[name], timer=timer) / numbers[name]
            best[name] = min(best[name], loop * 1000)
    return best


# ---- the floor: what no implementation can beat -----------------------------------------------

GEMM_N = 1000
_GEMMS: dict[str, Callable] = {}


def floor_fns(shape: tuple[int, ...]) -> dict[str, Callable]:
    """Timed with a Hessian's implementations, in the same rotation (so under the same load):
    a GEMM_N × GEMM_N float64 product per library (2 GEMM_N³ flops), and storing every entry
    of a preallocated, paged-in array of the Hessian's shape."""
    if not _GEMMS:
        a = np.random.default_rng(0).standard_normal((GEMM_N, GEMM_N))
        _GEMMS["gemm numpy"] = lambda: a @ a
        if jax is not None:
            ja, mm = jnp.asarray(a), jax.jit(lambda x: x @ x)
            _GEMMS["gemm jax"] = lambda: mm(ja).block_until_ready()
        if torch is not None:
            ta = torch.from_numpy(a)
            _GEMMS["gemm torch"] = lambda: ta @ ta
    out = np.empty(shape)
    out.fill(0.0)
    return {**_GEMMS, "fill": lambda: out.fill(1.0)}


def add_floor(row: dict, case: Case, n: int) -> None:
    """Moves the floor's timings out of row["ms"]: the GEMM rates to row["rates"] and the floor,
    max(least flops / fastest rate, the store), to row["ms"]["floor"]."""
    ms = row["ms"]
    row["rates"] = {k[5:]: 2 * GEMM_N ** 3 / (ms.pop(k) / 1000) for k in list(ms)
                    if k.startswith("gemm ")}
    flops = case.floor_flops(case.hess_sizes(n))
    ms["floor"] = max(flops / max(row["rates"].values()) * 1000, ms.pop("fill"))


# ---- the run ---------------------------------------------------------------------------------

def run_case(case: Case, kind: str, n: int, repeat: int) -> dict:
    sizes = (case.grad_sizes if kind == "grad" else case.hess_sizes)(n)
    arrays = make_arrays(case, sizes)
    wrt = case.grad_wrt if kind == "grad" else case.hess_wrt
    wrts = [wrt] if isinstance(wrt, str) else list(wrt)
    row: dict = {"problem": case.name, "wrt": ", ".join(wrts), "n": n, "group": group_of(case),
                 "shapes": describe_shapes(case, arrays), "ms": {}, "failed": []}
    impl = implementations(case, kind, arrays)
    shape = arrays[wrts[0]].shape
    hand = impl["hand"]()
    ref = as_numpy("hand", hand, kind, shape)
    if kind == "grad":  # the hand-written gradient itself: central differences and jax.grad
        check_hand(case, arrays, wrts, as_numpy("hand", hand[1] if len(wrts) > 1 else hand,
                                                kind, shape))
    timed = {}
    for name, fn in sorted(impl.items(), key=lambda item: item[0] != "jax"):
        if fn is None:
            continue
        try:
            fn()  # warm-up (compiles jax)
            out = fn()
        except Exception as err:  # a broken implementation is a failure, not a crash
            fail(row, name, f"raised {type(err).__name__}: {err}")
            continue
        if name == "v&g":
            value = float(value_of(case)(namespace("numpy"), **arrays))
            if not np.isclose(float(out[0]), value, rtol=RTOL):
                fail(row, name, f"value {float(out[0])!r} != {value!r}")
                continue
        res = as_numpy(name, out, kind, shape)
        if name == "jax" and kind == "grad" and not agrees(ref, res):
            raise SystemExit(f"hand-written gradient of {case.name} by {row['wrt']} disagrees "
                             f"with jax.grad: max |difference| {np.abs(res - ref).max()}")
        if not agrees(res, ref):
            err = (float(np.abs(res - ref).max()) if res.shape == ref.shape
                   else f"shape {res.shape} vs {ref.shape}")
            fail(row, name, f"max |difference| {err}")
            continue
        timed[name] = fn
    timed = {name: timed[name] for name in impl if name in timed}  # the columns' order
    if case.flops:
        row["flops"] = case.flops(arrays)
    row["ms"] = best_ms({**timed, **(floor_fns(ref.shape) if kind == "hess" else {})}, repeat)
    if kind == "hess":
        add_floor(row, case, n)
    return row


def group_of(case: Case) -> str:
    """The table of a case's rows: "matrix" (a matrix function, with its flops), "layer" (a
    network layer, at its own sizes) or "" (the six problems)."""
    return "matrix" if case.flops else "layer" if case.sizes else ""


def fail(row: dict, name: str, why: str) -> None:
    row["failed"].append(name)
    print(f"\n*** MISMATCH *** {row['problem']} ({row['n']}): {name} disagrees with "
          f"hand-written NumPy: {why}\n", file=sys.stderr, flush=True)


def check_hand(case: Case, arrays: dict, wrts: list[str], grad: np.ndarray) -> None:
    """Guard the reference: a directional central difference of the value in numpy, moving
    every variable of `wrts` (`grad`: their gradients, flattened one after the other)."""
    ops, rng, value = namespace("numpy"), np.random.default_rng(1), value_of(case)
    directions = {w: rng.standard_normal(arrays[w].shape) for w in wrts}
    h = 1e-6 * max(1.0, *(float(np.abs(arrays[w]).max()) for w in wrts))

    def at(t):
        return float(value(ops, **{**arrays, **{w: arrays[w] + t * directions[w]
                                                for w in wrts}}))
    fd = (at(h) - at(-h)) / (2 * h)
    exact = float(grad.ravel() @ np.concatenate([directions[w].ravel() for w in wrts]))
    if not np.isclose(fd, exact, rtol=1e-5, atol=1e-6):
        raise SystemExit(f"hand-written gradient of {case.name} is wrong: {exact} vs fd {fd}")


def environment(repeat: int) -> str:
    clock = ("wall-clock" if timer is TIMER["wall"]
             else "CPU time of the process (all its threads)")
    blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"].get("name")
    env = {k: os.environ.get(k, "unset")
           for k in ("OPENBLAS_NUM_THREADS", "OPENBLAS_CORETYPE", "XLA_FLAGS")}
    parts = [f"Python {platform.python_version()}, {os.cpu_count()} cores (this process on "
             f"{len(os.sched_getaffinity(0))})",
             f"numpy {np.__version__} ({blas}, OPENBLAS_NUM_THREADS={env['OPENBLAS_NUM_THREADS']}, "
             f"OPENBLAS_CORETYPE={env['OPENBLAS_CORETYPE']})",
             f"jax {jax.__version__} (x64, {jax.devices()[0].platform}, "
             f"XLA_FLAGS={env['XLA_FLAGS']})" if jax else "jax absent",
             f"torch {torch.__version__} (get_num_threads() = {torch.get_num_threads()})" if torch
             else "torch absent", f"matcalc codegen {'present' if CODEGEN else 'absent'}"]
    return ("; ".join(parts) + f". float64; per-call ms ({clock}), best of {repeat} repeats, "
            f"each the mean of a loop of >= {MIN_LOOP_S * 1000:.0f} ms, warm.")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[100, 1000])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--threads", type=int, default=1,
                    help="threads of numpy's BLAS, XLA and torch (default 1; 0: their defaults)")
    ap.add_argument("--blas-kernel", metavar="NAME",
                    help="OpenBLAS's kernel set, OPENBLAS_CORETYPE (e.g. SkylakeX: AVX-512)")
    ap.add_argument("--only", nargs="+", help="problems to run (default: all)")
    ap.add_argument("--matrix", action="store_true",
                    help="run the matrix functions alone (generated_code_matrix.py)")
    ap.add_argument("--timer", choices=list(TIMER), default="wall",
                    help="wall: wall-clock time; cpu: the process's CPU time, which leaves out "
                         "the time other processes hold the CPU (on a loaded machine)")
    ap.add_argument("--markdown", action="store_true")
    args = ap.parse_args()
    global timer
    timer = TIMER[args.timer]
    pin_threads(args.threads, args.blas_kernel)
    load_libraries(args.threads)
    print(environment(args.repeat) + "\n")
    rows = []
    for kind in ("grad", "hess"):
        matrix = MATRIX_CASES + FACTORISATION_CASES
        for case in matrix if args.matrix else CASES + LAYER_CASES + matrix:
            if (args.only and case.name not in args.only
                    or kind == "hess" and case.hess_wrt is None):
                continue
            for n in case.sizes or args.sizes:
                start = time.perf_counter()
                rows.append({"kind": kind, **run_case(case, kind, n, args.repeat)})
                print(f"  {kind} {case.name} n = {n}: {time.perf_counter() - start:.1f} s",
                      file=sys.stderr, flush=True)
    print_tables(rows, args.markdown)
    for line in summary(rows, CODEGEN, GEMM_N):
        print(("- " if args.markdown else "") + line)
    if any(r["failed"] for r in rows):
        sys.exit(1)


if __name__ == "__main__":
    main()
