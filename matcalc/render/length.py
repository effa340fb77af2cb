"""The printed length of an expression in tokens, without printing it whole.

`token_count(e)` equals `len(text_tokens(render(e, UNICODE)))`, but is computed on the DAG: each
node is printed once with its (already counted) arguments standing as one placeholder token,
and its count is that short text's tokens plus its arguments' counts. Counts are cached per
node, so the cost is linear in the number of distinct nodes even when the printed form is
exponentially long (a shared subexpression is counted once per use, not printed once per use).
"""
from __future__ import annotations

import re
import weakref

from ..core.expr import Expr, postorder, postorder_new
from .notation import UNICODE
from .printer import ADD, Printer
from .tokens import text_tokens

_MARK = "ꙮ"  # a letter no name uses: a placeholder reads as one name token
_PLACEHOLDER = re.compile(_MARK + r"(\d+)")
_COUNTS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # node -> (tokens, prec)


class _Counting(Printer):
    """The Unicode printer, with every counted node that has arguments printed as a
    placeholder for its tokens (leaves are printed: names, numbers, 𝟏)."""

    def __init__(self):
        super().__init__(UNICODE)
        self.sizes: list[int] = []
        self.nodes: list[Expr] = []
        self.wrapped: set[int] = set()  # placeholders printed in parentheses

    def __call__(self, e: Expr) -> tuple[str, int]:
        cached = _COUNTS.get(e) if e.args else None
        if cached is None:
            return super().__call__(e)
        self.sizes.append(cached[0])
        self.nodes.append(e)
        return f"{_MARK}{len(self.sizes) - 1}", cached[1]

    def at(self, e: Expr, least: int) -> str:
        text, prec = self(e)
        if prec >= least:
            return text
        found = _PLACEHOLDER.fullmatch(text)
        if found:
            self.wrapped.add(int(found.group(1)))
        return f"({text})"

    def local(self, node: Expr) -> tuple[int, list[tuple[Expr, bool]]]:
        """The tokens `node` prints itself (its counted subexpressions aside) and those
        subexpressions, each with whether it is printed in parentheses."""
        text = self.rule(node)(node)[0]
        own, inside = 0, []
        for token in text_tokens(text):
            found = _PLACEHOLDER.fullmatch(token)
            if found:
                i = int(found.group(1))
                inside.append((self.nodes[i], i in self.wrapped))
            else:
                own += 1
        return own, inside

    def measure(self, text: str) -> int:
        """Tokens of `text` with each placeholder counted as the tokens it stands for."""
        total = 0
        for token in text_tokens(text):
            found = _PLACEHOLDER.fullmatch(token)
            total += self.sizes[int(found.group(1))] if found else 1
        return total


def token_count(expr: Expr) -> int:
    """The number of tokens (names, numbers, symbols) of the printed form: its length."""
    printer = _Counting()
    for node in postorder_new(expr, _COUNTS):
        if node.args:
            text, prec = printer(node)
            _COUNTS[node] = (printer.measure(text), prec)
    return printer.measure(printer.at(expr, ADD))


def printed_parts(expr: Expr) -> dict[Expr, list[tuple[Expr, bool]]]:
    """For every node of `expr` with arguments, the subexpressions its printed form shows
    (usually its arguments, once each), each with whether it stands in parentheses."""
    token_count(expr)
    printer = _Counting()
    return {node: printer.local(node)[1] for node in postorder(expr) if node.args}


def counted(node: Expr) -> int:
    """The token count of a node of an expression already measured by `token_count`."""
    return _COUNTS[node][0] if node.args else token_count(node)
