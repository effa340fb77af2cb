"""`where` clauses: a subexpression repeated in a result is printed once, under a short name,
when that makes the result shorter: diag(s) - s sᵀ  where s = softmax(x).

Display only: the expression evaluated is unchanged (the name stands for exactly that
subexpression). The choice is one pass over the DAG, parents before children, so it costs the
number of distinct nodes: a node is named when the tokens its repetitions take (counted on the
DAG, render/length.py, parentheses included) exceed those of its clause by SAVING. A clause's
own definition uses the other clauses' names, so the text of a deep chain stays linear in its
length (h2 = tanh(W2 h1), ...).
"""
from __future__ import annotations

from ..core import build as b
from ..core.expr import Expr, postorder
from ..core.rebuild import rebuild
from ..shapes import GENERATED, Dim
from .length import counted, printed_parts
from .notation import LATEX, Notation
from .printer import render

SAVING = 2  # tokens a where clause must save to be worth the reader's detour
CLAUSE = 3  # tokens a clause adds besides its definition: "where", the name, "="
_LETTERS = ("u", "v", "r", "q", "p")
_PRINTED = {"I", "K"}  # the identity and commutation matrices print as these: no name's


def _name(node: Expr, taken: set[str]) -> str:
    first = node.op[0] if node.op.isalpha() and node.op not in ("mul", "add") else "u"
    for letter in (first, *_LETTERS):
        name = letter.upper() if node.shape.is_matrix else letter
        if name not in taken:
            return name
    base = "U" if node.shape.is_matrix else "u"
    return next(f"{base}_{i}" for i in range(1, len(taken) + 2) if f"{base}_{i}" not in taken)


def _saving(node: Expr, uses: int, parenthesised: int) -> int:
    """Tokens saved by printing `uses` occurrences of node (`parenthesised` of them in
    parentheses) as a name and defining it once."""
    size = counted(node)
    return (uses - 1) * size + 2 * parenthesised - uses - CLAUSE


def _chosen(expr: Expr) -> list[Expr]:
    """The subexpressions worth naming: parents first, each node's uses are counted in the text
    left once its named ancestors are printed as names (a named node's definition is printed
    once)."""
    parts = printed_parts(expr)
    uses: dict[Expr, int] = {expr: 1}
    parens: dict[Expr, int] = {}
    chosen = []
    for node in reversed(list(postorder(expr))):
        n = uses.get(node, 0)
        if node is not expr and n > 1 and node.weight >= 2 and \
                _saving(node, n, parens.get(node, 0)) >= SAVING:
            chosen.append(node)
            n = 1
        for part, wrapped in parts.get(node, ()):
            uses[part] = uses.get(part, 0) + n
            parens[part] = parens.get(part, 0) + n * wrapped
    return chosen


def _names_in(expr: Expr) -> set[str]:
    """The names expr's text shows, which a clause must not take: its variables, its abstract
    functions (f of f(Y) and ∂f/∂Y) and its sizes (n_x of 𝟏_{n_x}, n of 1/n)."""
    out: set[str] = set()
    for node in postorder(expr):
        if node.op == "var":
            out.add(node.attr("name"))
        elif node.op in ("apply", "absgrad"):
            out.add(node.attr("fname"))
        dims = [node.shape.rows, node.shape.cols] + [v for _, v in node.attrs
                                                      if isinstance(v, Dim)]
        out.update(s.lstrip(GENERATED) for dim in dims for s in dim.symbols)
    return out


def where_clauses(expr: Expr, reserved: set[str] = frozenset(),
                  named: dict[Expr, str] | None = None) -> tuple[Expr, list[tuple[str, Expr]]]:
    """expr with repeated subexpressions named (the names' definitions alongside), or as is;
    `reserved`: names new ones must not take (the program's); `named`: the names the program
    itself gave some subexpressions (its bindings), used for them. Clauses come heaviest first."""
    chosen = sorted(_chosen(expr), key=lambda n: (-n.weight, n.key))
    if not chosen:
        return expr, []
    taken = _names_in(expr) | set(reserved) | _PRINTED
    names: dict[Expr, Expr] = {}
    for node in chosen:
        name = (named or {}).get(node) or _name(node, taken)
        taken.add(name)
        names[node] = b.var(name, node.shape)
    body: dict[Expr, Expr] = {}  # each node with its named subexpressions printed as names
    for node in postorder(expr):
        body[node] = rebuild(node, tuple(names.get(a) or body[a] for a in node.args))
    return body[expr], [(names[n].attr("name"), body[n]) for n in chosen]


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
