"""`where` clauses: a subexpression repeated in a result is printed once, under a short name,
when that makes the result shorter: diag(s) - s sᵀ  where s = softmax(x).

Display only: the expression evaluated is unchanged (the name stands for exactly that
subexpression). The choice is one pass over the DAG, parents before children, so it costs the
number of distinct nodes: a node is named when the tokens its repetitions take (counted on the
DAG, render/length.py, parentheses included) exceed those of its clause by SAVING. A clause's
own definition uses the other clauses' names, so the text of a deep chain stays linear in its
length. The clauses follow one `where`, separated by commas, each after the clauses it uses:
`… where h1 = tanh(W1 x), h2 = tanh(W2 h1)`. An abstract symbol shows its argument with the
clauses' names (∂f/∂(s ⊙ y)  where s = σ(W x)); `Where.shown` says how each node is shown.
"""
from __future__ import annotations

from typing import NamedTuple

from ..core import build as b
from ..core.expr import Expr, postorder
from ..core.factorisations import FACTORISATIONS
from ..core.matrix_functions import DIVIDED
from ..core.rebuild import rebuild
from ..core.spectral import SPECTRAL
from ..core.vector_functions import VECTOR_FUNCTIONS
from ..shapes import GENERATED, Dim
from .length import counted, printed_parts
from .notation import LATEX, UNICODE, Notation
from .printer import render

SAVING = 2  # tokens a where clause must save to be worth the reader's detour
CLAUSE = 3  # tokens a clause adds besides its definition: "where", the name, "="
_LETTERS = ("u", "v", "r", "q", "p")
# the factors of a decomposition, named by their declared textbook letters wherever they
# repeat: v vᵀ  where v = eigvec_max(S); the letter's case follows the shape (V = eigvecs(S))
_FACTORS = {f.name: f.letter for f in SPECTRAL.values() if f.letter}
_FIRST = {**{f.name: f.letter for f in VECTOR_FUNCTIONS.values() if f.letter},  # y = layernorm(x)
          **{f.name: f.letter for f in FACTORISATIONS.values() if f.letter},  # L = chol(S)
          **_FACTORS, **{op: "f" for op in DIVIDED}}
# the F of Q (F ⊙ (Qᵀ E Q)) Qᵀ  where Q = eigbasis(S), F = divdiff_exp(eigvals(S)): named even
# where it appears once, beside its eigenbasis (the Daleckii–Krein form, as textbooks write it);
# (values op, basis op) as the basis's declaration gives them
_DALECKII_KREIN = {(f.daleckii_krein, f.name) for f in SPECTRAL.values() if f.daleckii_krein}


def _factor_transposed(node: Expr) -> bool:
    """Whether node is the transpose of a factor (Qᵀ of Q = eigbasis(A + Aᵀ)): the factor is
    named, and its transpose then prints as Qᵀ."""
    return node.op == "transpose" and node.arg.op in _FACTORS


def _beside_its_basis(node: Expr, nodes: set[Expr]) -> bool:
    """Whether node is divdiff_f(eigvals(S)), a factor of a Hadamard product, in an expression
    that also has eigbasis(S) (the Daleckii–Krein form's values and basis as declared)."""
    return node.op in DIVIDED and \
        any(node.arg.op == values and b.mk(basis, node.arg.arg) in nodes
            for values, basis in _DALECKII_KREIN) and \
        any(n.op == "hadamard" and node in n.args for n in nodes)


_PRINTED = {"I", "K"}  # the identity and commutation matrices print as these: no name's


def _name(node: Expr, taken: set[str]) -> str:
    first = _FIRST.get(node.op) or (node.op[0] if node.op.isalpha() and node.op not in
                                    ("mul", "add") else "u")
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


def _chosen(expr: Expr, known: frozenset[Expr] = frozenset()) -> list[Expr]:
    """The subexpressions worth naming: parents first, each node's uses are counted in the text
    left once its named ancestors are printed as names (a named node's definition is printed
    once). A `known` node is worth its name wherever it repeats, the text showing that name
    already (∂f/∂P, P = softmax_rows(Z) bound by the program)."""
    parts = printed_parts(expr)
    nodes = set(postorder(expr))
    uses: dict[Expr, int] = {expr: 1}
    parens: dict[Expr, int] = {}
    chosen = []
    for node in reversed(list(postorder(expr))):
        n = uses.get(node, 0)
        if node is not expr and n > 0 and _beside_its_basis(node, nodes) or \
                node is not expr and n > 1 and node.weight >= 2 and not _factor_transposed(node) \
                and (node in known or node.op in _FACTORS
                     or _saving(node, n, parens.get(node, 0)) >= SAVING):
            chosen.append(node)
            n = 1
        for part, wrapped in parts.get(node, ()):
            uses[part] = uses.get(part, 0) + n
            parens[part] = parens.get(part, 0) + n * wrapped
    return chosen


def _shown_by_name(expr: Expr, named: dict[Expr, str]) -> frozenset[Expr]:
    """The subexpressions the program names that expr's text shows by that name: the arguments
    of its abstract symbols (∂f/∂P)."""
    return frozenset(node.arg for node in postorder(expr)
                     if node.op == "absgrad" and node.arg in named)


def _bound_inside(node: Expr, named: dict[Expr, str]) -> Expr:
    """The node to name for a chosen one: the program's own name under a transpose (Pᵀ with
    P = softmax_rows(S) bound, rather than a new name for Pᵀ)."""
    return node.arg if node.op == "transpose" and node.arg in named else node


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


class Where(NamedTuple):
    """A result as printed with where clauses: `expr` with its named subexpressions as names,
    the `clauses` (name, definition) in dependency order (each after the ones it uses), and
    `shown`: each node of the result as its text shows it (∂f/∂(y ⊙ σ(W x)) as ∂f/∂(s ⊙ y)),
    a node not in it as itself."""

    expr: Expr
    clauses: list[tuple[str, Expr]]
    shown: dict[Expr, Expr]

    def render(self, notation: Notation | None = None) -> str:
        return render_with(self.expr, self.clauses, notation)


def where_clauses(expr: Expr, reserved: set[str] = frozenset(),
                  named: dict[Expr, str] | None = None) -> Where:
    """expr with repeated subexpressions named (the names' definitions alongside), or as is;
    `reserved`: names new ones must not take (the program's); `named`: the names the program
    itself gave some subexpressions (its bindings), used for them. Names are given heaviest
    first; the clauses come in dependency order (children before parents in the DAG)."""
    named = named or {}
    chosen = {_bound_inside(node, named): None
              for node in _chosen(expr, _shown_by_name(expr, named))}
    chosen = sorted(chosen, key=lambda n: (-n.weight, n.key))
    if not chosen:
        return Where(expr, [], {})
    taken = _names_in(expr) | set(reserved) | _PRINTED
    names: dict[Expr, Expr] = {}
    for node in chosen:
        name = named.get(node) or _name(node, taken)
        taken.add(name)
        names[node] = b.var(name, node.shape)
    shown = shown_with(expr, names)
    clauses = [(names[n].attr("name"), shown[n]) for n in postorder(expr) if n in names]
    return Where(shown[expr], clauses, shown)


def shown_with(expr: Expr, names: dict[Expr, Expr]) -> dict[Expr, Expr]:
    """Every node of expr with the subexpressions in `names` (node -> its name, a var) written
    as their names; a named node itself is its definition (its text in its clause)."""
    shown: dict[Expr, Expr] = {}
    sums = [(node, name) for node, name in names.items() if node.op == "add"]
    for node in postorder(expr):
        args = tuple(names.get(a) or shown[a] for a in node.args)
        if node.op == "add" and node not in names:
            args = _named_sums(node.args, args, sums)
        shown[node] = rebuild(node, args)
    return shown


def _named_sums(terms: tuple[Expr, ...], shown: tuple[Expr, ...],
                sums: list[tuple[Expr, Expr]]) -> tuple[Expr, ...]:
    """The terms of a sum as shown, those of a named sum among them written as its name (a
    sum of sums is one flat sum: W + I − V 𝟏 𝟏ᵀ / n  where V = W + I  shows V − V 𝟏 𝟏ᵀ / n)."""
    for total, name in sums:
        left = list(range(len(terms)))
        for term in total.args:
            at = next((i for i in left if terms[i] is term), None)
            if at is None:
                break
            left.remove(at)
        else:
            if left:
                return (name, *_named_sums(tuple(terms[i] for i in left),
                                           tuple(shown[i] for i in left), sums))
    return shown


def render_with(expr: Expr, clauses: list[tuple[str, Expr]], notation: Notation | None) -> str:
    """`E  where s = S, t = T` (LaTeX: `E \\quad \\text{where } s = S, \\; t = T`): one
    `where`, the clauses separated by commas."""
    notation = notation or UNICODE
    text = render(expr, notation)
    if not clauses:
        return text
    defined = [f"{render(b.var(name, node.shape), notation)} = {render(node, notation)}"
               for name, node in clauses]
    if notation is LATEX:
        return f"{text} \\quad \\text{{where }} " + ", \\; ".join(defined)
    return f"{text}  where " + ", ".join(defined)
