"""The values a declared function's scalar parameter may take: huber's δ positive (huber(u, δ)
is defined for δ > 0 only), layer normalisation's ε not negative (the variance plus ε is
square-rooted).

A number is checked as the program is read (lower/functions.py). A computed parameter (a
variable, an expression) is checked wherever the program or a derivative of it is computed:
`value`, `evaluate` and generated code, since a derivative's closed form need not contain the
function at all (huber′(u, δ) = max(min(u, δ), −δ) holds no huber).
"""
from __future__ import annotations

from .elementwise import FUNCTIONS
from .expr import Expr, postorder
from .vector_functions import VECTOR_FUNCTIONS

# op -> (its call as messages show it, its parameter's name, whether the parameter must be
# positive (else not negative))
BOUNDS: dict[str, tuple[str, str, bool]] = {
    **{f.name: (f"{f.name}(u, {f.parameter.name})", f.parameter.name, True)
       for f in FUNCTIONS.values() if f.parameter},
    **{f.name: (f"{f.spelling}(x, {f.parameter.name})", f.parameter.name, False)
       for f in VECTOR_FUNCTIONS.values() if f.parameter},
}


def computed_parameters(*exprs: Expr) -> list[Expr]:
    """The nodes of `exprs` of a function whose parameter is not a number, each once."""
    return list(dict.fromkeys(n for e in exprs for n in postorder(e)
                              if n.op in BOUNDS and n.args[1].op != "const"))


def positive(op: str) -> bool:
    """Whether `op`'s parameter must be positive (else: not negative)."""
    return BOUNDS[op][2]


def allowed(op: str, value: float) -> bool:
    """Whether `value` is a parameter `op` takes (NaN is not)."""
    return value > 0 if positive(op) else value >= 0


def requirement(op: str) -> str:
    """What `op` requires of its parameter: 'huber(u, δ): δ must be positive'."""
    call, name, strict = BOUNDS[op]
    return f"{call}: {name} must {'be positive' if strict else 'not be negative'}"


def refusal(op: str, value: float) -> str:
    """Why `op` does not take the parameter `value`."""
    return f"{requirement(op)}, got {value!r}"
