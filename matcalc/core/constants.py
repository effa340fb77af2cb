"""The named constants of the language (π), declared once.

A `NamedConstant` says everything matcalc knows about one: its op name (also its name in the
language), its other spelling, its meaning, its float value, how each notation prints it, its
code per backend, its SymPy singleton, and the interval its float lies in. A constant is a
scalar leaf, exact wherever it is printed; it is positive, so roots of it merge with other
positive numbers (√2 √π = √(2 π)) and it leads the scalar factors of a product (2 π a).
Lowering (a name that is no declared variable), evaluate, the printers, code generation, the
sign facts of generated code, SymPy interop both ways and the refusals that name it read
`CONSTANTS`. A variable declared or bound with the same name is that variable instead.
"""
from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class NamedConstant:
    name: str  # the op name and its name in the language
    spellings: tuple[str, ...]  # its other names in the language
    meaning: str  # "the number π"
    value: float  # the float nearest it
    printed: dict[str, str]  # notation (unicode, ascii, latex) -> its text
    code: dict[str, str]  # backend -> its code
    sympy: str  # the name of its SymPy singleton (sp.pi)
    bounds: tuple[tuple[float, float], str]  # (an interval holding its float, the fact)


PI = NamedConstant(
    "pi", ("π",), "the number π", math.pi, {"unicode": "π", "ascii": "pi", "latex": "\\pi"},
    {"numpy": "np.pi", "jax": "jnp.pi", "torch": "torch.pi"}, "pi",
    ((3.14159, 3.1416), "π = 3.14159…"))

CONSTANTS: dict[str, NamedConstant] = {c.name: c for c in (PI,)}
