"""Straight-line code: statements in SSA form, inlining, naming, and the module's text.

The emitter `let`s every computed quantity as a statement whose code refers to earlier ones by
placeholder; identical code is one statement (common subexpressions are computed once). When
the function is written out, a statement used once whose code is short is inlined into its user
(parenthesised unless atomic), statements nobody uses are dropped, and the rest are named t1,
t2, ... in order.
"""
from __future__ import annotations

import re

_REF = re.compile("\x01(\\d+)\x02")
_INLINE_LIMIT = 64  # characters: longer single-use expressions keep a name of their own


ATOM, POWER, UNARY, PRODUCT, SUM = 5, 4, 3, 2, 1  # how tightly an expression binds


def _top_level(code: str) -> str:
    """`code` with everything inside brackets removed."""
    out, depth = [], 0
    for ch in code:
        depth += ch in "([{"
        if depth == 0:
            out.append(ch)
        depth -= ch in ")]}"
    return "".join(out)


def precedence(code: str) -> int:
    """The binding strength of `code`'s loosest top-level operator (ATOM if none)."""
    top = _top_level(code)
    if " + " in top or " - " in top or "," in top:
        return SUM
    if " * " in top or " / " in top or " @ " in top:
        return PRODUCT
    if top.startswith("-"):
        return UNARY
    return POWER if " ** " in top else ATOM


def is_atomic(code: str) -> bool:
    """Whether `code` needs no parentheses as any operand."""
    return precedence(code) == ATOM


def wrap(code: str) -> str:
    return code if is_atomic(code) else f"({code})"


def _needed(before: str, after: str) -> int:
    """The precedence an operand needs between the texts `before` and `after` it."""
    left, right = before.rstrip()[-2:], after.lstrip()[:2]
    need = SUM
    if left.endswith(("*", "/", "@")):
        need = ATOM if left == "**" else UNARY
    elif left.endswith("-"):
        need = PRODUCT
    if right.startswith(("**", ".", "[", "(")):
        need = ATOM
    elif right[:1] in ("*", "/", "@"):
        need = max(need, PRODUCT)
    return need


class Builder:
    """Statements of one function; `let(code)` returns a placeholder for the code's value."""

    def __init__(self) -> None:
        self.codes: list[str] = []
        self._index: dict[str, int] = {}

    def let(self, code: str) -> str:
        if _REF.fullmatch(code):
            return code
        at = self._index.get(code)
        if at is None:
            at = self._index[code] = len(self.codes)
            self.codes.append(code)
        return f"\x01{at}\x02"

    def write(self, outputs: list[str], taken: set[str]) -> tuple[list[str], list[str]]:
        """(assignment lines, output expressions) with single-use short statements inlined."""
        uses = [0] * len(self.codes)
        live = [False] * len(self.codes)
        pending = [int(m) for out in outputs for m in _REF.findall(out)]
        for at in pending:
            uses[at] += 1
        for at in range(len(self.codes) - 1, -1, -1):  # a statement only refers to earlier ones
            if uses[at]:
                live[at] = True
                for ref in _REF.findall(self.codes[at]):
                    uses[int(ref)] += 1
        names: dict[int, str] = {}
        text: dict[int, str] = {}
        lines: list[str] = []
        prefix = "t"
        while any(n.startswith(prefix) and n[len(prefix):].isdigit() for n in taken):
            prefix += "t"

        def resolve(code: str) -> str:
            def operand(m: re.Match) -> str:
                at = int(m[1])
                if at in names:
                    return names[at]
                inner = text[at]
                fits = precedence(inner) >= _needed(code[:m.start()], code[m.end():])
                return inner if fits else f"({inner})"
            return _REF.sub(operand, code)

        returned = set(pending)  # a statement used once, by a result, goes into the return
        for at, code in enumerate(self.codes):
            if not live[at]:
                continue
            text[at] = resolve(code)
            if uses[at] > 1 or (len(text[at]) > _INLINE_LIMIT and at not in returned):
                names[at] = f"{prefix}{len(lines) + 1}"
                lines.append(f"{names[at]} = {text[at]}")
        return lines, [resolve(out) for out in outputs]
