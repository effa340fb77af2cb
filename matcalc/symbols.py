"""The names an abstract symbol's value is passed under, and the declarations that read it back.

A result shows an abstract symbol (∂f/∂Y, f(Y)) under its full name, `∂f/∂(y ⊙ σ(W x))`
(ASCII `df_d(y .* sigmoid(W x))`), or, in a where form, with the clauses' names:
`∂f/∂(s ⊙ y) …  where s = σ(W x)` (`df_d(s .* y)`). A user passes what they see, so a value
is accepted under every one of these names (`Symbol.names`), and refused when it is given
under two of them. `symbol_declarations` declares the symbols as a text that reads a result
back needs them (`Derivative.declarations`).
"""
from __future__ import annotations

import re
from collections import Counter
from typing import Any

from .core import build as b
from .core.expr import Expr, postorder
from .errors import EvaluationError, MatcalcError
from .evaluate import symbol_names
from .lower import Lowered, declarations_of, lower
from .render.where import shown_with
from .shapes import describe
from .syntax import parse

_DECLARED = re.compile(r"d(\w+?)_d(?:\((.+)\)|(\w+))", re.DOTALL)  # df_d(A X + B), df_dY


class Symbol(tuple):
    """An abstract symbol whose value is passed by name. It is the pair (printed, ascii) of its
    full names; `shown` is the pair a where form shows it by (∂f/∂(s ⊙ y), df_d(s .* y); the
    full names where no clause is used); `names` are all the names its value is accepted
    under: those four, a declared name, and for f(Y) the name f when f is applied to one
    argument only."""

    shown: tuple[str, str]
    names: tuple[str, ...]

    def __new__(cls, printed: str, ascii: str, shown: tuple[str, str] | None = None,
                also: tuple[str, ...] = ()) -> Symbol:
        self = super().__new__(cls, (printed, ascii))
        self.shown = shown or (printed, ascii)
        self.names = tuple(dict.fromkeys((printed, ascii, *self.shown, *also)))
        return self

    @property
    def printed(self) -> str:
        return self[0]

    @property
    def ascii(self) -> str:
        return self[1]

    def __repr__(self) -> str:
        return f"Symbol(printed={self[0]!r}, ascii={self[1]!r}, names={self.names!r})"


def _symbol(node: Expr, shown: Expr | None, also: tuple[str, ...] = ()) -> Symbol:
    """The symbol `node`, also named as `shown` shows it (its where form) and by `also`."""
    return Symbol(*symbol_names(node), symbol_names(shown) if shown is not None else None,
                  also)


def symbols_of(roots: tuple[Expr, ...], shown: dict[Expr, Expr] | None = None) -> list[Symbol]:
    """The abstract symbols (∂f/∂Y, f(Y)) the expressions `roots` show, in order: those whose
    values evaluation needs, and those inside another symbol's argument (f(W x) of
    ∂g/∂(f(W x) y): passing their values is allowed, evaluation does not use them);
    `shown`: how a where form shows them (render/where.py's `Where.shown`)."""
    nodes = list(dict.fromkeys(n for root in roots for n in postorder(root)
                               if n.op in ("absgrad", "apply")))
    applied = Counter(n.attr("fname") for n in nodes if n.op == "apply")
    return [_symbol(n, (shown or {}).get(n),
                    (n.attr("fname"),) if n.op == "apply" and applied[n.attr("fname")] == 1
                    else ()) for n in nodes]


def symbol_declarations(expr: Expr) -> dict[str, str]:
    """Declarations under which a text showing expr's abstract symbols reads back: each ∂f/∂Y
    by its full ASCII name with its kind ({'df_d(A X + B)': 'matrix(n_X,m_A)'}), each abstract
    function f as 'function'."""
    nodes = [n for n in postorder(expr) if n.op in ("absgrad", "apply")]
    return {**{symbol_names(n)[1]: describe(n.shape) for n in nodes if n.op == "absgrad"},
            **{n.attr("fname"): "function" for n in nodes}}


def text_symbols(program: Lowered) -> dict[str, Symbol]:
    """The abstract symbols of a program text, by the name `value` files each one's value
    under: a declared ∂f/∂(u) by its declared name (it is a variable: df_d(A X + B)), an
    applied f(u) by its full ASCII name; each also under the names the text shows it by, with
    the text's bound names (∂f/∂(s ⊙ y) and f(s ⊙ y)  where s = σ(W x))."""
    declared = {name: _declared(name, program) for name in program.variables
                if _DECLARED.fullmatch(name)}
    if not declared and not any(n.op == "apply" for n in postorder(program.expr)):
        return {}
    meant = [node for node in declared.values() if node is not None]
    names = {node: b.var(name, node.shape) for name, node in program.bindings.items()}
    shown = {node: form for root in (program.expr, *meant) if names
             for node, form in shown_with(root, names).items()}
    out = {name: Symbol(name, name) if node is None else _symbol(node, shown.get(node), (name,))
           for name, node in declared.items()}
    inner = symbols_of((program.expr, *(node.arg for node in meant)), shown)  # f(u), f(W x)
    return {**out, **{symbol.ascii: symbol for symbol in inner}}


def _declared(name: str, program: Lowered) -> Expr | None:
    """The ∂f/∂u a declared symbol's name means (df_dY; df_d(u) with u read with the
    program's variables), or None when its argument has no meaning on its own."""
    fname, argument, argname = _DECLARED.fullmatch(name).groups()
    if argname:
        arg = b.var(argname, program.variables[name].shape.T)
    else:
        try:
            declared = declarations_of(program.variables, program.kinds)
            arg = lower(parse(argument), declarations=declared).expr
        except MatcalcError:
            return None
    return b.mk("absgrad", arg, fname=fname, argname=argname or "", layout="numerator")


def filed(arrays: dict[str, Any], variables: dict[str, Expr],
          symbols: dict[str, Symbol]) -> dict[str, Any]:
    """`arrays` with each symbol's value under its key in `symbols` (given under any of its
    names). Refuses a name that is neither a variable nor a symbol's (a typo), and a symbol
    given under two names."""
    owner = {name: key for key, symbol in symbols.items() for name in symbol.names}
    unknown = sorted(set(arrays) - set(variables) - set(owner))
    if unknown:
        known = list(dict.fromkeys([*variables, *owner]))
        raise EvaluationError(f"unknown name{'s' if len(unknown) > 1 else ''} "
                              f"{', '.join(map(repr, unknown))}: the values needed are "
                              f"{', '.join(known) or 'none'}")
    out: dict[str, Any] = {}
    given: dict[str, str] = {}
    for name, array in arrays.items():
        key = owner.get(name, name)
        if key in given:
            printed = symbols[key].printed
            raise EvaluationError(f"the value of {printed} is given twice, as "
                                  f"{given[key]!r} and as {name!r}: pass it once")
        given[key], out[key] = name, array
    return out
