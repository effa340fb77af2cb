"""`where` clauses: a subexpression repeated in a result is printed once, under a short name,
when that makes the result shorter: diag(s) - s sᵀ  where s = softmax(x).

Display only: the expression evaluated is unchanged (the name stands for exactly that
subexpression).
"""
from __future__ import annotations

from ..core import build as b
from ..core.expr import Expr, postorder
from ..core.rebuild import substitute
from .notation import LATEX, Notation
from .printer import render
from .tokens import text_tokens

SAVING = 2  # tokens a where clause must save to be worth the reader's detour
_LETTERS = ("u", "v", "r", "q", "p")


def _occurrences(root: Expr) -> dict[Expr, int]:
    """How many times each node appears in the tree (shared nodes counted per use)."""
    order = list(postorder(root))
    count = {node: 0 for node in order}
    count[root] = 1
    for node in reversed(order):
        for arg in node.args:
            count[arg] += count[node]
    return count


def _name(node: Expr, taken: set[str]) -> str:
    first = node.op[0] if node.op.isalpha() and node.op not in ("mul", "add") else "u"
    for letter in (first, *_LETTERS):
        name = letter.upper() if node.shape.is_matrix else letter
        if name not in taken:
            return name
    return "u_1"


def where_clauses(expr: Expr, reserved: set[str] = frozenset(),
                  named: dict[Expr, str] | None = None) -> tuple[Expr, list[tuple[str, Expr]]]:
    """expr with repeated subexpressions named (the names' definitions alongside), or as is;
    `reserved`: names new ones must not take (the program's); `named`: the names the program
    itself gave some subexpressions (its bindings), used for them."""
    taken = {n.attr("name") for n in postorder(expr) if n.op == "var"} | set(reserved)
    count = _occurrences(expr)
    candidates = sorted((n for n, c in count.items() if c > 1 and n.weight >= 2),
                        key=lambda n: (-n.weight, n.key))
    best, clauses = expr, []
    for node in candidates[:6]:
        name = (named or {}).get(node) or _name(node, taken)
        shorter = substitute(best, {node: b.var(name, node.shape)})
        trial = clauses + [(name, node)]
        if _length(shorter, trial) + SAVING <= _length(best, clauses):
            best, clauses = shorter, trial
            taken.add(name)
    return best, clauses


def _length(expr: Expr, clauses: list[tuple[str, Expr]]) -> int:
    return len(text_tokens(render_with(expr, clauses, None)))


def render_with(expr: Expr, clauses: list[tuple[str, Expr]], notation: Notation | None) -> str:
    from .notation import UNICODE
    notation = notation or UNICODE
    text = render(expr, notation)
    for name, node in clauses:
        value = render(node, notation)
        var = render(b.var(name, node.shape), notation)
        text += f" \\quad \\text{{where }} {var} = {value}" if notation is LATEX else \
            f"  where {var} = {value}"
    return text
