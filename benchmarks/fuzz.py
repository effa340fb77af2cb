"""Fuzzing: random text through the front end, and random well-typed programs through the
properties of tests/test_properties.py.

    python benchmarks/fuzz.py --frontend 100000 [--seed 0]
    python benchmarks/fuzz.py --programs 20000 [--seed 0] [--depth 4]     (or --examples 20000)

`--frontend N`: each input is one of tests/fuzz_text.py's families (printable noise, shuffled
tokens, Unicode, huge and tiny numbers, mutated programs), derived by its first variable and
rendered in all three notations. Prints, per family, how many inputs gave a result, a
MatcalcError, a crash (any other exception) or took longer than the time limit, and lists every
crash and slow input with its seed (reproduce with `probe(random_text(seed)[1])`).

`--programs N`: N programs of tests/program_gen.py (`program_of_seed(seed)`), each checked for
every variable and both layouts by tests/program_checks.py (finite differences, simplified =
unsimplified, printed forms read back and claimed equal, Hessians symmetric and equal to
differences of the gradient). Prints the
counts of failures by kind (read-backs also by category) and the first failures with their
seeds (reproduce with
`check(program_of_seed(seed))`). Both options may be given; with neither, --frontend 100000.
Exit status 1 on any crash, slow input or program failure other than a read-back.
"""
from __future__ import annotations

import argparse
import sys
import time
import zlib
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from fuzz_text import FAMILIES, TIME_LIMIT, probe, random_text  # noqa: E402


def frontend(n: int, first: int) -> int:
    counts: Counter = Counter()
    failures = []
    slowest = (0.0, None)
    start = time.perf_counter()
    for seed in range(first, first + n):
        family, text = random_text(seed)
        outcome = probe(text)
        counts[family, outcome.kind] += 1
        slowest = max(slowest, (outcome.seconds, seed))
        if outcome.kind in ("crash", "slow"):
            failures.append((seed, family, text, outcome.detail))
    elapsed = time.perf_counter() - start
    kinds = ("result", "error", "crash", "slow")
    print(f"{n} inputs in {elapsed:.0f} s (time limit {TIME_LIMIT} s per input; "
          f"slowest {slowest[0]:.2f} s, seed {slowest[1]})\n")
    print("| family | " + " | ".join(kinds) + " |")
    print("|---|" + "---:|" * len(kinds))
    for family in sorted(FAMILIES):
        print(f"| {family} | " + " | ".join(str(counts[family, k]) for k in kinds) + " |")
    print("| all | " + " | ".join(str(sum(counts[f, k] for f in FAMILIES)) for k in kinds)
          + " |")
    for seed, family, text, detail in failures[:50]:
        print(f"\nseed {seed} ({family}): {text[:200]!r}\n  {detail}")
    return 1 if failures else 0


def programs(n: int, first: int, depth: int = 3, shown: int = 20) -> int:
    import numpy as np
    from program_checks import NO_POINT, READBACK, check
    from program_gen import program_of_seed

    kinds: Counter = Counter()
    readbacks: Counter = Counter()
    readback_example: dict = {}
    failing, first_failures, skipped, slowest = 0, [], 0, (0.0, None)
    start = time.perf_counter()
    for seed in range(first, first + n):
        began = time.perf_counter()
        try:
            program = program_of_seed(seed, depth)
        except Exception as err:  # noqa: BLE001 - a generator bug
            kinds[f"generator {type(err).__name__}"] += 1
            continue
        rng = np.random.default_rng(zlib.crc32(program.text.encode()))
        failures = check(program, rng)
        slowest = max(slowest, (time.perf_counter() - began, seed))
        if any(f.kind == NO_POINT for f in failures):
            skipped += 1
            continue
        real = [f for f in failures if f.kind != READBACK]
        readbacks.update(f.category for f in failures if f.kind == READBACK)
        for f in failures:
            if f.kind == READBACK and f.category not in readback_example:
                readback_example[f.category] = (seed, f.detail)
        kinds.update({f.kind for f in real})
        failing += bool(real)
        if real and len(first_failures) < shown:
            first_failures.append((seed, program, real))
    elapsed = time.perf_counter() - start
    print(f"{n} programs generated, {n - skipped} checked ({skipped} without a point away from "
          f"their kinks) in {elapsed:.0f} s, {1000 * elapsed / max(n, 1):.1f} ms per program "
          f"(slowest {slowest[0]:.2f} s, seed {slowest[1]}); {failing} programs failed\n")
    print("| failure (programs with at least one) | count |\n|---|---:|")
    for kind, count in sorted(kinds.items()):
        print(f"| {kind} | {count} |")
    print("\n| read-back failure (derivatives), category: error | count |\n|---|---:|")
    for cat, count in readbacks.most_common():
        print(f"| {cat} | {count} |")
    for cat, (seed, detail) in sorted(readback_example.items()):
        print(f"\nread-back, {cat}: seed {seed}: {detail[:300]}")
    for seed, program, real in first_failures:
        print(f"\nseed {seed}: {program}")
        for f in real[:4]:
            print(f"  {f.kind} (d/d{f.wrt}, {f.layout}): {f.detail[:300]}")
    return 1 if failing else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frontend", type=int, default=None, metavar="N",
                        help="number of random strings (default 100000 without --programs)")
    parser.add_argument("--programs", "--examples", dest="programs", type=int, default=None,
                        metavar="N", help="number of random well-typed programs to check")
    parser.add_argument("--seed", type=int, default=0, help="first seed")
    parser.add_argument("--depth", type=int, default=3, help="the programs' largest depth")
    args = parser.parse_args()
    if args.frontend is None and args.programs is None:
        args.frontend = 100_000
    status = 0
    if args.frontend:
        status |= frontend(args.frontend, args.seed)
    if args.programs:
        print() if args.frontend else None
        status |= programs(args.programs, args.seed, args.depth)
    return status


if __name__ == "__main__":
    sys.exit(main())
