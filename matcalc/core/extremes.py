"""The largest and smallest entry of a vector or matrix, max(x) and min(x): one declaration
each, read by every stage (as core/elementwise.py's are).

max(x) is spelled as the elementwise max(u, v) with one operand. Its derivative is the
subgradient jax's and torch's max take, ties split equally:

    d max(x) = sum(ismax(x) ⊙ dx),   ismax(x) = [x = max(x)] / #{i : xᵢ = max(x)},

so ∂max(x)/∂x = ismax(x)ᵀ (numerator layout), the unit vector e_{argmax(x)}ᵀ where the largest
entry is unique. `ismax(x)` is a function of the language too (it reads back), piecewise constant:
its derivative is 0, so the second derivative of max(x) is 0 away from ties.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .expr import Expr, postorder


@dataclass(frozen=True)
class Extreme:
    name: str  # the op name of the reduction
    spelling: str  # max: the language's and the printers' name
    meaning: str  # "the largest entry"
    which: str  # "largest"
    numpy: Callable[[np.ndarray], float]
    code: dict[str, str]  # backend -> the value's template over the argument's code {0}
    indicator: str  # the op name and spelling of its weights, ismax
    indicator_meaning: str
    helpers: dict[str, dict[str, str]]  # backend -> {marker: def} (the weights' code)
    example: tuple[str, str, str]  # (expression, variable, derivative printed): the docs' row
    indicator_example: tuple[str, str, str]  # the docs' row of the weights

    @property
    def note(self) -> str:
        """What a result that differentiates it says (its subgradient at ties)."""
        return (f"{self.indicator}(x) weighs the {self.which} entries of x equally (1/k each "
                f"of k ties, as jax and torch do): at a tie {self.spelling}(x) has no derivative "
                f"and this is a subgradient")

    def weights(self, x: np.ndarray) -> np.ndarray:
        """[x = max(x)] / #ties: 1 at the unique largest entry, 1/k at each of k ties."""
        hits = (x == self.numpy(x)).astype(float)
        return hits / hits.sum()


def _weights_code(name: str, module: str, reduce: str, cast: str) -> dict[str, str]:
    return {f"_{name}": f"def _{name}(x):  # 1/k at each of the k entries equal to {reduce}(x)\n"
                        f"    hits = (x == {module}.{reduce}(x)){cast}\n"
                        f"    return hits / hits.sum()"}


def _declare(name: str, spelling: str, meaning: str, numpy, reduce: str, indicator: str,
             which: str, example: tuple[str, str, str],
             indicator_example: tuple[str, str, str]) -> Extreme:
    """max or min in each library (torch's amax, whose gradient splits ties as jax's max's)."""
    spelled = {"numpy": ("np", reduce, ".astype(float)"), "jax": ("jnp", reduce, ".astype(float)"),
               "torch": ("torch", f"a{reduce}", ".to(torch.float64)")}
    return Extreme(
        name, spelling, meaning, which, numpy,
        {backend: f"{module}.{fn}({{0}})" for backend, (module, fn, _) in spelled.items()},
        indicator, f"the weights of the {which} entries of x: 1 / k at each of the k entries "
                   f"equal to {spelling}(x), 0 elsewhere",
        {backend: _weights_code(indicator, module, fn, cast)
         for backend, (module, fn, cast) in spelled.items()}, example, indicator_example)


DECLARED = (
    _declare("amax", "max", "the largest entry", np.max, "max", "ismax", "largest",
             ("max(A x)", "x", "ismax(A x)ᵀ A"), ("ismax(x)' y", "y", "ismax(x)ᵀ")),
    _declare("amin", "min", "the smallest entry", np.min, "min", "ismin", "smallest",
             ("min(x)", "x", "ismin(x)ᵀ"), ("ismin(x)' y", "y", "ismin(x)ᵀ")),
)
EXTREMES: dict[str, Extreme] = {e.name: e for e in DECLARED}
BY_SPELLING: dict[str, Extreme] = {e.spelling: e for e in DECLARED}
INDICATORS: dict[str, Extreme] = {e.indicator: e for e in DECLARED}


def subgradient_notes(expr: Expr) -> tuple[str, ...]:
    """The note of each extreme that `expr` takes (max(x) or its weights ismax(x)): its
    derivative is a subgradient at ties."""
    used = {node.op for node in postorder(expr)}
    return tuple(e.note for e in DECLARED if e.name in used or e.indicator in used)
