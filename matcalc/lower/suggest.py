"""Near misses: a call of an unknown name one edit away from a built-in function (`sigmod`,
`sofmax`, `trace2`) is a typo until the user declares the name an abstract function."""
from __future__ import annotations

from .functions import FUNCTIONS


def _one_edit(a: str, b: str) -> bool:
    """Whether `a` becomes `b` by one insertion, deletion, substitution or swap of neighbours."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    if len(a) < len(b):
        return a[i:] == b[i + 1:]
    swapped = i + 1 < len(a) and a[i] == b[i + 1] and a[i + 1] == b[i] and a[i + 2:] == b[i + 2:]
    return swapped or a[i + 1:] == b[i + 1:]


def near_miss(name: str) -> str | None:
    """The built-in function `name` is probably a misspelling of, if any (shortest first)."""
    if len(name) < 3:  # f, g, h1 ... are abstract functions, not typos of tr
        return None
    close = [f for f in FUNCTIONS if f.isascii() and _one_edit(name, f)]
    return min(close, key=lambda f: (len(f), f)) if close else None
