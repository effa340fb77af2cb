"""Front-end fuzzing: random text through the whole pipeline, counted by family and outcome.

    python benchmarks/fuzz.py --frontend 100000 [--seed 0]

Each input is one of tests/fuzz_text.py's families (printable noise, shuffled tokens, Unicode,
huge and tiny numbers, mutated programs), derived by its first variable and rendered in all
three notations. Prints, per family, how many inputs gave a result, a MatcalcError, a crash
(any other exception) or took longer than the time limit, and lists every crash and slow
input with its seed (reproduce with `probe(random_text(seed)[1])`). Exit status 1 on any.
"""
from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from fuzz_text import FAMILIES, TIME_LIMIT, probe, random_text  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frontend", type=int, default=100_000, metavar="N",
                        help="number of random strings (default 100000)")
    parser.add_argument("--seed", type=int, default=0, help="first seed")
    args = parser.parse_args()
    counts: Counter = Counter()
    failures = []
    slowest = (0.0, None)
    start = time.perf_counter()
    for seed in range(args.seed, args.seed + args.frontend):
        family, text = random_text(seed)
        outcome = probe(text)
        counts[family, outcome.kind] += 1
        slowest = max(slowest, (outcome.seconds, seed))
        if outcome.kind in ("crash", "slow"):
            failures.append((seed, family, text, outcome.detail))
    elapsed = time.perf_counter() - start
    kinds = ("result", "error", "crash", "slow")
    print(f"{args.frontend} inputs in {elapsed:.0f} s (time limit {TIME_LIMIT} s per input; "
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


if __name__ == "__main__":
    sys.exit(main())
