"""The syntax tree the parser produces: frozen dataclasses, one per construct of the language.

Every node carries a `span` (keyword, last field) covering its whole text, parentheses
included; a Binary also has `op_span` locating its operator. Names, calls and operators are
kept as typed (normalised operator spelling only); deciding what they mean (variable or
function, product or call) is the next stage's job. Imports only `matcalc.errors`.
"""
from __future__ import annotations

from dataclasses import dataclass

from matcalc.errors import Span


@dataclass(frozen=True, slots=True)
class Number:
    """A numeric literal, exactly as typed (`"3"`, `"0.5"`, `"1e-3"`)."""

    text: str
    span: Span


@dataclass(frozen=True, slots=True)
class Name:
    """A variable or constant name (`x`, `W1`, `θ`, `eye`, `ones`; `𝟏` is read as `ones`,
    `∂f/∂Y` as `df_dY`)."""

    name: str
    span: Span


@dataclass(frozen=True, slots=True)
class Unary:
    """A sign applied to an operand: op is `"-"` or `"+"`."""

    op: str
    operand: Expr
    span: Span


@dataclass(frozen=True, slots=True)
class Binary:
    """A binary operation; op is one of BINARY_OPS and op_span locates the operator as typed.

    For juxtaposition (`W x`, op `"juxt"`) op_span is the first character of the right operand.
    """

    op: str
    left: Expr
    right: Expr
    op_span: Span
    span: Span


@dataclass(frozen=True, slots=True)
class Postfix:
    """A postfix operator: op `"T"` (`'`, `ᵀ`, `^T`), `"inv"` (`⁻¹`), `"invT"` (`⁻ᵀ`, `^-T`),
    `"pinv"` (`⁺`)."""

    op: str
    operand: Expr
    span: Span


@dataclass(frozen=True, slots=True)
class Call:
    """`func(arg, ...)`; a later stage decides whether func is a function or a variable."""

    func: str
    args: tuple[Expr, ...]
    func_span: Span
    span: Span


@dataclass(frozen=True, slots=True)
class Sized:
    """A constant with its sizes, as printed: head `I` (I_n), `ones` (𝟏_n), `0` (0_{m×n}),
    `K` (K_{m,n}) or `unvec` (vec⁻¹_{m×n}(arg)); `sizes` the subscript's parts as typed
    (`("m n",)`, `("m", "n")`); `text` the token as typed (a declared name of that spelling
    is the variable)."""

    head: str
    sizes: tuple[str, ...]
    text: str
    arg: Expr | None
    span: Span


@dataclass(frozen=True, slots=True)
class Bind:
    """A statement `name = value`."""

    name: str
    value: Expr
    name_span: Span
    span: Span


@dataclass(frozen=True, slots=True)
class Program:
    """Bindings in source order, then the expression to differentiate, and the source text."""

    bindings: tuple[Bind, ...]
    result: Expr
    text: str
    span: Span


Expr = Number | Name | Unary | Binary | Postfix | Call | Sized
Node = Expr | Bind | Program

BINARY_OPS = frozenset({"+", "-", "*", "@", "juxt", ".*", "./", "/", "kron", "^", ".^", ">"})
POSTFIX_OPS = frozenset({"T", "inv", "invT", "pinv"})


def to_sexpr(node: Node) -> str:
    """Render a node as an s-expression, e.g. `(juxt W x)`, `(T x)`, `(call f Y)`."""
    if isinstance(node, Number):
        return node.text
    if isinstance(node, Name):
        return node.name
    if isinstance(node, Call):
        return _paren("call", node.func, *map(to_sexpr, node.args))
    if isinstance(node, Sized):
        return node.text if node.arg is None else _paren("call", node.text, to_sexpr(node.arg))
    if isinstance(node, Binary):
        return _paren(node.op, to_sexpr(node.left), to_sexpr(node.right))
    if isinstance(node, (Unary, Postfix)):
        return _paren(node.op, to_sexpr(node.operand))
    if isinstance(node, Bind):
        return _paren("=", node.name, to_sexpr(node.value))
    if isinstance(node, Program):
        return _paren("program", *map(to_sexpr, (*node.bindings, node.result)))
    raise TypeError(f"not a syntax node: {node!r}")


def _paren(*parts: str) -> str:
    return "(" + " ".join(parts) + ")"
