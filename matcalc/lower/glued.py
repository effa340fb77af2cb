"""Glued names: `x'Ax` where `x' A x` was meant.

An undeclared name of several letters is glued when it reads as a product of names: it splits
into two or more parts, every part but at most one is a name the program uses elsewhere (as a
value, a binding or a declaration), the remaining part is a single letter (with an optional
numeric subscript, `W1`), and the parts multiply by their kinds (a column vector is never
followed by a vector or matrix). So `Ax` beside `x` is glued (A x), `Xbeta` beside `beta` is
(X beta), `xy` alone is not (no part used elsewhere), `xs` beside `x` is not (x s is no
product), and neither are names with `_`, Greek names, function names or numbered names
such as `W1` beside `W`. The parts are found here; the typer's name checks (naming.py) call
the name glued only when the program read with the product types as matrix products (`x' Sx
x` is not `x' S x x`, `tr(Kx)` not tr of the vector `K x`), or when the program as written
does not type either.
"""
from __future__ import annotations

import re

from ..names import canonical, greek_stem

_FREE_PART = re.compile(r"[A-Za-z][0-9]*")
_LONGEST = 64  # longer names are never split (a typed product is shorter)


def glued_parts(name: str, used: set[str], kind_of) -> list[str] | None:
    """The names `name` may be glued from (`['A', 'x']`), or None; `used` are the names the
    program uses (canonical: `theta`, not θ), `kind_of(part)` gives a part's kind (scalar,
    vector, matrix)."""
    if len(name) < 2 or len(name) > _LONGEST or "_" in name or not name.isalnum() or \
            greek_stem(name) is not None:
        return None
    # splits[end][free]: the split of name[:end] into fewest parts, `free` of them not used
    splits: list[list[list[str] | None]] = [[None, None] for _ in range(len(name) + 1)]
    splits[0][0] = []
    for end in range(1, len(name) + 1):
        for start in range(end == len(name), end):  # a part shorter than the name
            part = name[start:end]
            new = canonical(part) not in used
            if new and not _FREE_PART.fullmatch(part):
                continue
            for free in range(2 - new):
                before, after = splits[start][free], splits[end][free + new]
                if before is not None and (after is None or len(before) + 1 < len(after)):
                    splits[end][free + new] = before + [part]
    for parts in splits[len(name)]:  # no new part first
        if parts is not None and len(parts) >= 2 and _multiplies([kind_of(p) for p in parts]):
            return parts
    return None


def _multiplies(kinds: list[str]) -> bool:
    """Whether factors of these kinds make a matrix product (scalars scale anything)."""
    left = None
    for kind in kinds:
        if kind not in ("scalar", "vector", "matrix"):  # a declared function: no factor
            return False
        if kind == "scalar":
            continue
        if left == "vector":
            return False
        left = kind if left is None else kind if left == "matrix" else left
    return True
