"""Random text for front-end fuzzing, and the probe that judges one input.

`random_text(seed)` draws one string from one of several families: printable noise, the
language's tokens shuffled, Unicode (combining marks, zero-width characters, NUL, other
scripts), huge and tiny numbers, and near-valid programs with one character changed. `probe`
runs the whole pipeline on it (derive, the three notations); anything but a `MatcalcError` or
a result is a failure, and so is an input that takes longer than `TIME_LIMIT` seconds.
Used by tests/test_fuzz.py (a few hundred inputs) and benchmarks/fuzz.py (100,000).
"""
from __future__ import annotations

import random
import re
import string
import time
from dataclasses import dataclass

from matcalc import DeclarationError, MatcalcError, derive

TIME_LIMIT = 5.0  # CPU seconds per input (3.6 s for the slowest, 100,000 lines)

TOKENS = ["x", "y", "A", "B", "W", "X", "s", "θ", "I", "eye", "ones", "𝟏", "0", "1", "2.5",
          "1e3", "+", "-", "*", "@", ".*", "./", "/", "^", ".^", "'", "ᵀ", "⁻¹", "^T", "⊙",
          "⊘", "⊗", "kron", ">", "(", ")", ",", ";", "=", "\n", "sin", "exp", "log", "tr",
          "det", "inv", "diag", "sum", "norm2", "softmax", "max", "relu", "sigmoid", "f",
          "logsumexp", "dot", "vec", "mean", "sqrt", "abs", "sign", "logdet", "norm1"]
ODD = ["\x00", "\u200b", "\u200d", "\ufeff", "\u0301", "\u0308", "\u202e", "\t", "\r",
       "\x7f", "😀", "中", "ｘ", "Ａ", "ℝ", "∑", "√", "·", "×", "\\", "\"", "`", "$", "#"]
PROGRAMS = ["W x + b", "x' A x", "log(det(X))", "y = A x; z = tanh(y); sum(z)",
            "norm2(A x - b)^2", "softmax(W x)", "tr(A X B)", "sum(softplus(X w)) - y' X w",
            "inv(X) b", "max(0, dot(w, x) + b)", "exp(tr(A X))", "f(A X + B)"]


def _number(rng: random.Random) -> str:
    mantissa = rng.choice(["0", "1", "9" * rng.randint(1, 120), "0.000001", ".5",
                           "123456789" * rng.randint(1, 15)])
    exponent = rng.choice(["", f"e{rng.randint(-500, 500)}", f"e{'9' * rng.randint(1, 30)}",
                           f"e-{'9' * rng.randint(1, 30)}"])
    return mantissa + exponent


FAMILIES = {
    "printable": lambda rng: "".join(rng.choice(string.printable)
                                     for _ in range(rng.randint(0, 60))),
    "tokens": lambda rng: rng.choice([" ", ""]).join(rng.choice(TOKENS)
                                                     for _ in range(rng.randint(1, 25))),
    "unicode": lambda rng: "".join(rng.choice(TOKENS + ODD) if rng.random() < 0.6
                                   else chr(rng.randint(0, 0x2FFFF))
                                   for _ in range(rng.randint(1, 20))),
    "numbers": lambda rng: " ".join(rng.choice([_number(rng), rng.choice(TOKENS)])
                                    for _ in range(rng.randint(1, 8))),
    "mutated": lambda rng: _mutated(rng, rng.choice(PROGRAMS)),
}


def _mutated(rng: random.Random, program: str) -> str:
    at = rng.randrange(len(program) + 1)
    change = rng.choice(TOKENS + ODD + [""])
    return program[:at] + change + program[at + rng.randint(0, 2):]


def random_text(seed: int) -> tuple[str, str]:
    """(family, text) drawn deterministically from `seed`."""
    rng = random.Random(seed)
    family = rng.choice(sorted(FAMILIES))
    return family, FAMILIES[family](rng)


_NAME = re.compile(r"[A-Za-zα-ωΑ-Ω_][A-Za-z0-9_α-ωΑ-Ω]*")


@dataclass
class Outcome:
    kind: str  # "result", "error" (a MatcalcError), "crash" (anything else), "slow"
    detail: str
    seconds: float


def probe(text: str) -> Outcome:
    """Derive `text` by its first name (or x) and render the result in all notations."""
    names = list(dict.fromkeys(_NAME.findall(text)))[:4] or ["x"]
    start = time.thread_time()  # CPU time of this thread: other processes' load does not count
    try:
        for wrt in names:  # the first name that is a variable of the program
            try:
                d = derive(text, wrt)
                break
            except DeclarationError:
                if wrt == names[-1]:
                    raise
        d.text(), d.text(ascii=True), d.latex()
        kind, detail = "result", ""
    except MatcalcError as err:
        str(err)  # the message itself must render
        kind, detail = "error", type(err).__name__
    except Exception as err:  # noqa: BLE001 - the point is to catch anything
        kind, detail = "crash", f"{type(err).__name__}: {err}"[:300]
    seconds = time.thread_time() - start
    if kind != "crash" and seconds > TIME_LIMIT:
        kind, detail = "slow", f"{seconds:.1f} s"
    return Outcome(kind, detail, seconds)
