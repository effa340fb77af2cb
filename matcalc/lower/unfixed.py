"""Constants whose size nothing fixes: `sum(ones)` is n for an n that no variable gives.

`ones` and `I` (`eye`) take their size from their neighbours (`onesᵀ x`, `A + I`); where no
variable fixes it, the size stays the constant's own generated symbol (`~n_ones`), a name the
user never wrote, that nothing can evaluate and that reads back as nothing. If the program's
value depends on such a size, the program is refused with a caret at the constant; a size the
user named (`ones_n`, `I_3`) is an ordinary size and is kept.
"""
from __future__ import annotations

from ..core.expr import Expr, postorder
from ..errors import ShapeError
from ..shapes import Dim
from .typed import T

_SPELLINGS = {"ones": ("all-ones vector", "ones_3", "ones_n"),
              "identity": ("identity matrix", "I_3", "I_n")}


def refuse_unfixed_constants(root: T, expr: Expr, text: str) -> None:
    """Raise a ShapeError at the first unsized constant whose own size `expr` depends on."""
    unfixed = _unfixed_constants(root)
    if not unfixed:
        return
    used = _size_symbols(expr)
    for symbol, node in sorted(unfixed.items(), key=lambda item: item[1].span.start):
        if symbol in used:
            what, numbered, named = _SPELLINGS[node.op]
            source = text[node.span.start:node.span.end]
            raise ShapeError(
                f"the size of '{source}' (an {what}) is not fixed by any variable, yet the "
                f"value depends on it; write the size, as in {numbered}, or {named} with n a "
                f"size of a declaration (vector(n))", node.span)


def _unfixed_constants(root: T) -> dict[str, T]:
    """Generated size symbol -> the first constant (in source order) that has it, for the
    `ones`/`I` below `root` whose size only other such constants met (weak roots)."""
    out: dict[str, T] = {}
    seen: set[int] = set()
    stack = [root]
    while stack:
        t = stack.pop()
        if id(t) in seen:
            continue
        seen.add(id(t))
        stack.extend(t.args)
        size = t.rows.find()
        if t.op in _SPELLINGS and t.span is not None and size.rank < 0:
            symbol = size.value
            if symbol not in out or t.span.start < out[symbol].span.start:
                out[symbol] = t
    return out


def _size_symbols(expr: Expr) -> set[str]:
    """The size symbols of every node's shape and sizes (a `dim` leaf: n of 1/n) in `expr`."""
    out: set[str] = set()
    for node in postorder(expr):
        out.update(node.shape.rows.symbols + node.shape.cols.symbols)
        for _, value in node.attrs:
            if isinstance(value, Dim):
                out.update(value.symbols)
    return out
