"""The names a value is passed under, and the declarations that read a result back.

A result shows an abstract symbol (∂f/∂Y, f(Y)) under its full name, `∂f/∂(y ⊙ σ(W x))`
(ASCII `df_d(y .* sigmoid(W x))`), or, in a where form, with the clauses' names:
`∂f/∂(s ⊙ y) …  where s = σ(W x)` (`df_d(s .* y)`). A user passes what they see, so a value
is accepted under every one of these names (`Symbol.names`), and refused when it is given
under two of them. Generated code takes each value as a parameter named by
`parameter_names` (the name made a Python identifier: `lambda_`, `df_d_A_X_B`); evaluate
takes those names too. `symbol_declarations` declares the symbols as a text that reads a
result back needs them (`Derivative.declarations`).
"""
from __future__ import annotations

import re
from collections import Counter
from typing import Any

from .core import build as b
from .core.constants import CONSTANTS
from .core.expr import Expr, postorder
from .errors import EvaluationError, MatcalcError
from .evaluate import symbol_names
from .lower import Lowered, declarations_of, lower
from .names import canonical, safe_identifier
from .render.where import shown_with
from .shapes import describe
from .syntax import parse

_DECLARED = re.compile(r"d(\w+?)_d(?:\((.+)\)|(\w+))", re.DOTALL)  # df_d(A X + B), df_dY
RESERVED = {"np", "jnp", "jax", "torch", "scipy", "float", "math"}  # names generated code uses


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


def _inputs(variables: dict[str, Expr], roots: tuple[Expr, ...]) -> dict[Expr, str]:
    """The inputs of a function computing `roots`, each with the name `evaluate` takes it by:
    the variables by their names, then the abstract symbols of `roots` in order, ∂f/∂Y by its
    ASCII name, f(Y) by f when f has one argument, else by its ASCII name."""
    symbols = list(dict.fromkeys(n for root in roots for n in postorder(root)
                                 if n.op in ("absgrad", "apply")))
    applied = Counter(n.attr("fname") for n in symbols if n.op == "apply")
    out = {node: name for name, node in variables.items()}
    for node in symbols:
        alone = node.op == "apply" and applied[node.attr("fname")] == 1
        out.setdefault(node, node.attr("fname") if alone else symbol_names(node)[1])
    return out


def parameter_names(variables: dict[str, Expr], roots: tuple[Expr, ...]) -> dict[Expr, str]:
    """The parameter of generated code for each input (`_inputs`): the name `evaluate` takes
    it by, made a Python identifier (`lambda_`, `df_d_A_X_B`, `f_A_x` for f(A x) beside an
    f(B x)) that is neither RESERVED nor another's; a name that is an identifier already is
    its own parameter (so a variable lambda_ beside a lambda is lambda_, and lambda is
    lambda__)."""
    inputs = _inputs(variables, roots)
    own: dict[Expr, str] = {}
    for node, name in inputs.items():
        if safe_identifier(name, RESERVED) == name and name not in own.values():
            own[node] = name
    taken = set(RESERVED) | set(own.values())
    names: dict[Expr, str] = {}
    for node, name in inputs.items():
        if node not in own:
            name = safe_identifier(name, taken)
            taken.add(name)
        names[node] = name
    return names


def parameters(variables: dict[str, Expr], roots: tuple[Expr, ...]) -> dict[str, str]:
    """The generated function's parameter for each input, by the name `evaluate` takes it by
    (`_inputs`)."""
    params = parameter_names(variables, roots)
    return {name: params[node] for node, name in _inputs(variables, roots).items()}


def identifiers(variables: dict[str, Expr], roots: tuple[Expr, ...]) -> dict[str, str]:
    """Each parameter name of generated code (`parameter_names`) -> the name `filed` files
    its value under: the variable's name, or the symbol's ASCII name."""
    return {param: node.attr("name") if node.op == "var" else symbol_names(node)[1]
            for node, param in parameter_names(variables, roots).items()}


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


def filed(arrays: dict[str, Any], variables: dict[str, Expr], symbols: dict[str, Symbol],
          identifiers: dict[str, str]) -> dict[str, Any]:
    """`arrays` with each value under its variable's name or its symbol's key in `symbols`,
    given under any of the symbol's names or under the identifier generated code names it by
    (`identifiers`: lambda_ for lambda, df_d_A_X_B for df_d(A X + B); a name that is a
    variable's or a symbol's own is that one's; a Greek name also by its letter, θ for theta).
    Refuses a name that is none of these (a typo), and a value given under two names."""
    named = {name: key for key, symbol in symbols.items() for name in symbol.names}
    owner = {**identifiers, **{name: name for name in variables}, **named}
    owner.update({name: owner[canonical(name)] for name in arrays
                  if name not in owner and canonical(name) in owner})
    unknown = sorted(set(arrays) - set(owner))
    if unknown:
        known = list(dict.fromkeys([*variables, *named]))
        constant = "".join(f" ({name} is {CONSTANTS[name].meaning}: declare {name} to make it "
                           f"a variable)" for name in unknown if name in CONSTANTS)
        raise EvaluationError(f"unknown name{'s' if len(unknown) > 1 else ''} "
                              f"{', '.join(map(repr, unknown))}: the values needed are "
                              f"{', '.join(known) or 'none'}{constant}")
    out: dict[str, Any] = {}
    given: dict[str, str] = {}
    for name, array in arrays.items():
        key = owner.get(name, name)
        if key in given:
            printed = symbols[key].printed if key in symbols else repr(key)
            raise EvaluationError(f"the value of {printed} is given twice, as "
                                  f"{given[key]!r} and as {name!r}: pass it once")
        given[key], out[key] = name, array
    return out
