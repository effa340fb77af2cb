"""Derivations shown step by step, the way the seed texts teach them.

`steps(d)` lays out how matcalc got `d`: the program as parsed, one statement per line with its
shape (the user's bindings, or else names matcalc gives the arguments of the outer functions,
as Parr & Howard do: u = w·x + b, then max(0, u)); the differential of each statement with
the rule applied; the chain rule, substituting the differentials back in; the read-off of the
derivative from the differential (df = tr(M dX) ⇒ M, dF = J dx ⇒ J); the layout; and the
simplifier's rewrites by name, ending in the closed form.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

from . import second_order
from .closed_form import hessian_of, jacobian
from .core import build as b
from .core.elementwise import BINARY, FUNCTIONS
from .core.expr import Expr, postorder
from .core.extremes import EXTREMES
from .core.matrix_functions import MATRIX_FUNCTIONS
from .core.matrix_powers import MATRIX_POWERS
from .core.matrix_scalars import MATRIX_SCALARS
from .core.rebuild import substitute
from .core.spectral import SPECTRAL
from .core.vector_functions import VECTOR_FUNCTIONS
from .diff.engine import differential
from .diff.readout import read_off
from .diff.registry import TITLES
from .names import unicode_name
from .render import ASCII, LATEX, UNICODE, Notation, render, to_text
from .render.where import Where, shown_with, where_clauses
from .shapes import describe
from .simplify import simplify
from .simplify.rules import RULES

_NAMED_ARGUMENT = {*(f.name for f in FUNCTIONS.values() if f.derivative), *MATRIX_SCALARS,
                   *(p.name for p in MATRIX_POWERS.values() if p.names_its_argument),
                   *VECTOR_FUNCTIONS, *MATRIX_FUNCTIONS, "apply",
                   *BINARY, *EXTREMES, "pow",
                   *(f.name for f in SPECTRAL.values() if not f.vectors)}  # (eigmax, not eigvecs)
IDENTITIES = {rule.name: rule.identity for rule in RULES}
_FRESH = ("u", "v", "t", "s", "r", "q", "p", "g", "h")


@dataclass(frozen=True)
class Line:
    """`left = right` (or a note alone when `right` is None), with a comment; `ascii_left`:
    the left side in the ASCII notation when a character table cannot make it (a sentence
    about expressions)."""

    left: str
    right: Expr | None
    note: str = ""
    ascii_left: str | None = None
    where: Where | None = None  # `right` with where clauses, as the result shows it
    reserved: frozenset[str] = frozenset()  # names its where clauses must not take

    def shown(self, notation: Notation) -> str:
        """The right side's text in `notation` ("" when there is none)."""
        if self.right is None:
            return ""
        return self.where.render(notation) if self.where else \
            _form(self.right, notation, self.reserved)


@dataclass(frozen=True)
class Steps:
    sections: tuple[tuple[str, tuple[Line, ...]], ...]

    def text(self, ascii: bool = False) -> str:
        out = []
        for title, lines in self.sections:
            out.append(f"{title}:")
            for line in lines:
                right = "" if line.right is None else \
                    " = " + line.shown(ASCII if ascii else UNICODE)
                note = f"    [{line.note}]" if line.note else ""
                left = f"  {line.left}"
                if ascii and line.ascii_left is not None:
                    left = f"  {line.ascii_left}"
                out.append(_ascii(left) + right + _ascii(note) if ascii else left + right + note)
        return "\n".join(out)

    def __str__(self) -> str:
        return self.text()

    def latex(self) -> str:
        """An aligned block: one row per line, section titles as text rows; every note in
        the fourth column (`left &= right && note`, a row without `= right` keeps its empty
        second column), so the notes line up."""
        rows = []
        for title, lines in self.sections:
            rows.append(f"&\\text{{{title}}}")
            for line in lines:
                right = " &" if line.right is None else f" &= {line.shown(LATEX)}"
                note = f" && \\text{{{_latex_text(line.note)}}}" if line.note else ""
                rows.append(f"{_latex_text(line.left, math=True)}{right}{note}")
        return "\\begin{aligned}\n" + " \\\\\n".join(rows) + "\n\\end{aligned}"

    def _repr_latex_(self) -> str:
        return f"$$\n{self.latex()}\n$$"


_ASCII = str.maketrans({"ᵀ": "^T", "⊙": ".*", "⊘": "./", "⊗": "(x)", "⇒": "=>", "→": "->",
                        "∂": "d", "−": "-", "𝟏": "ones", "‖": "||", "₁": "1",
                        "Σ": "sum", "ᵢ": "_i", "ⁱ": "^i", "ᵏ": "^k", "⁻": "^-", "¹": "1",
                        "θ": "theta", "μ": "mu", "–": "-", "≥": ">=", "é": "e",
                        "Φ": "Phi", "⁺": "^+", "§": "sec. ",
                        **{f.printed: f.name for f in FUNCTIONS.values() if f.printed}})


def _shown_names(expr: Expr) -> set[str]:
    return {n.attr("name") for n in postorder(expr) if n.op in ("var", "tangent")}


def _form(expr: Expr, notation: Notation | None = UNICODE,
          reserved: frozenset[str] = frozenset()) -> str:
    """The expression's text with its repeated parts named as a result names them (v vᵀ  where
    v = eigvec_max(S); not by the names `reserved`), so that also a deep chain's shared
    subexpressions do not print exponentially often."""
    return where_clauses(expr, reserved | _shown_names(expr)).render(notation)


def _ascii(text: str) -> str:
    """text in ASCII: σ₁, σ₂ (singular values) as sigma_1, sigma_2, then the table _ASCII (a
    function's printed symbol as its name: σ alone is the sigmoid)."""
    return text.replace("σ₁", "sigma_1").replace("σ₂", "sigma_2").translate(_ASCII)


def _latex_text(text: str, math: bool = False) -> str:
    """A line's left side (u, du, ∂f/∂x) in math, or a note as text."""
    if not math or ":" in text:  # a note, or the list of variables
        escaped = text.replace("\\", "\\textbackslash ").replace("_", "\\_")
        escaped = escaped.replace("&", "\\&").replace("{", "\\{").replace("}", "\\}")
        return escaped if not math else f"\\text{{{escaped}}}"
    if text.startswith("∂"):
        top, bottom = text[1:].split("/∂")
        return f"\\frac{{\\partial {top}}}{{\\partial {bottom}}}"
    return f"\\mathrm{{d}}{text[1:]}" if text.startswith("d") and len(text) > 1 else text


# -- the statements --------------------------------------------------------------------------

def _statements(d) -> list[tuple[str, Expr]]:
    """(name, expression over earlier names) for the bindings, or for named arguments."""
    bound = list(d.program.bindings.items())
    if not bound:
        bound = _named_arguments(d.function, set(d.program.variables),
                                 second_order.units(d.function, d.wrt))
    out, names = [], {}
    used = set(d.program.variables) | set(d.program.bindings) | \
        {n.attr("fname") for n in postorder(d.function) if n.op == "apply"}
    final_name = next(n for n in (("f", "g", "h", "ℓ") if d.function.is_scalar else
                                  ("F", "G", "H", "Φ")) if n not in used)
    final = (final_name, d.function)
    if bound and bound[-1][1] is d.function:  # the program ends with a bound name (...; l)
        final = bound.pop()
    for name, node in bound + [final]:
        local = substitute(node, names) if names else node
        out.append((name, local))
        names[node] = b.var(name, node.shape)
    return out


def _named_arguments(expr: Expr, taken: set[str],
                     whole: set[Expr] = frozenset()) -> list[tuple[str, Expr]]:
    """The compound arguments of nonlinear functions, innermost first, with fresh names (none
    inside the nodes `whole`, which the differential takes as units)."""
    fresh = (n for n in _FRESH if n not in taken)
    named: list[tuple[str, Expr]] = []
    for node in postorder(expr):
        if node.op in _NAMED_ARGUMENT and node not in whole:
            arg = node.args[0]
            compound = arg.op not in ("var", "const", "transpose") and arg.weight > 1
            if compound and all(arg is not n for _, n in named):
                name = next(fresh, None)
                if name is None:
                    break
                named.append((name, arg))
    return named


def _differential(expr: Expr, names: list[str]) -> Expr:
    terms = [t for t in (differential(expr, n, second_order.shortcuts(expr, n)) for n in names)
             if t is not None]
    return simplify(b.add(*terms)) if terms else b.zero(expr.shape)


def _rules(expr: Expr, names: list[str]) -> str:
    ops = []
    for node in postorder(expr):
        if node.args and node.op in TITLES and node.op not in ops:
            ops.append(node.op)
    return "; ".join([*second_order.titles(expr, names), *(TITLES[op] for op in reversed(ops))])


# -- the derivation ------------------------------------------------------------------------

def steps(d) -> Steps:
    """The derivation of the Derivative `d`."""
    wrt, statements = d.wrt, _statements(d)
    parsed = [Line(name, expr, describe(expr.shape)) for name, expr in statements]
    parsed.append(Line(", ".join(f"{unicode_name(n)}: {k}" for n, k in d.variables.items()),
                       None, f"differentiate by {unicode_name(wrt)}, {d.layout} layout"))
    known = [wrt]
    diffs, tangents = [], {}
    for name, expr in statements:
        deps = [n for n in known if n in expr.free  # (a name of a constant: no term)
                and not (n in tangents and b.is_zero(tangents[n]))]
        dexpr = _differential(expr, deps)
        diffs.append(Line(f"d{name}", dexpr, _rules(expr, deps)))
        tangents[name] = dexpr
        known.append(name)
    final_name, _ = statements[-1]
    chained = _chain(tangents, statements)
    sections = [("expression", tuple(parsed)), ("differentials", tuple(diffs))]
    if len(statements) > 1:
        sections.append(("chain rule", (Line(f"d{final_name}", chained,
                                             "substitute the differentials"),)))
    taken = frozenset({*(n for n, _ in statements), *d.program.variables, *d.program.bindings})
    sections.append(("read off", _read_off(d, final_name, chained, statements, taken)))
    if d.conditions:
        sections.append(("holds when", tuple(
            Line(c, None, ascii_left=a)
            for c, a in zip(d.conditions, d.ascii_conditions))))
    return Steps(tuple((title, tuple(replace(line, reserved=taken) for line in lines))
                       for title, lines in sections))


def _rewrite(rule: str, before: Expr, after: Expr, reserved: frozenset[str]) -> str:
    """A simplifier step: the rule's name, before → after, with the parts `after` repeats named
    in both (L_exp(S, E) → Q (F ⊙ (Qᵀ E Q)) Qᵀ  where Q = eigbasis(S), F = …; not the names
    `reserved`); the identity it states when the two print alike (log(softmax(u)) is shown so
    as the one node logsoftmax(u))."""
    if render(before, UNICODE) == render(after, UNICODE):
        return f"{rule}: {IDENTITIES[rule]}"
    where = where_clauses(after, reserved | _shown_names(before) | _shown_names(after))
    names = {node: b.var(name, node.shape) for node in postorder(after)
             for name, definition in where.clauses if where.shown[node] is definition}
    return f"{rule}: {render(shown_with(before, names)[before], UNICODE)} → {where.render()}"


def _chain(tangents: dict[str, Expr], statements: list[tuple[str, Expr]]) -> Expr:
    """The last differential with every intermediate d(name) replaced by its own."""
    result = tangents[statements[-1][0]]
    for name, expr in reversed(statements[:-1]):
        result = substitute(result, {b.tangent(name, expr.shape): tangents[name]})
    return simplify(result)


def _read_off(d, name: str, chained: Expr, statements,
              taken: frozenset[str]) -> tuple[Line, ...]:
    """M from the chained differential (intermediates kept), then the intermediates
    substituted, the simplifier's rewrites, and the closed form in the layout."""
    f, x = d.function, d.variable
    wrt = unicode_name(x.attr("name"))
    dx = f"d{wrt}"
    if x.is_scalar:
        how = f"d{name} = (∂{name}/∂{wrt}) {dx}: set {dx} = 1"
    elif f.is_scalar:
        how = f"d{name} = tr(M {dx}) ⇒ ∂{name}/∂{wrt} = M (Magnus–Neudecker)" \
            if not x.is_vector else f"d{name} = M {dx} ⇒ ∂{name}/∂{wrt} = M"
    else:
        how = f"d vec({name}) = J d vec({wrt}) ⇒ ∂{name}/∂{wrt} = J"
    label = f"∂{name}/∂{wrt}"
    in_names = simplify(read_off(chained, f.shape, x))
    lines = [Line(label, in_names, how + " (numerator layout)")]
    if len(statements) > 1:
        names = {b.var(n, e.shape): e for n, e in statements[:-1]}
        for node in names:  # earlier definitions are expanded first
            names[node] = substitute(names[node], names)
        substituted = substitute(in_names, names)
        lines.append(Line(label, substituted, "substitute " + ", ".join(
            f"{n} = {to_text(e)}" for n, e in statements[:-1])))
    trace: list = []
    result = (hessian_of if d.order == 2 else jacobian)(f, x, d.layout, trace)
    for rule, before, after in trace:
        if before.op != "var":
            lines.append(Line("", None, _rewrite(rule, before, after, taken)))
    lines.append(Line(label, result, f"closed form, {d.layout} layout",
                      where=d.where_form if result == d.expr else None))
    return tuple(lines)
