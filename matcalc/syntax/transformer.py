"""Build the AST of `matcalc.syntax.ast` as lark parses, with a span on every node.

`ToAst` has one method per `-> alias` of grammar/matcalc.lark, called by the LALR parser as it
reduces; spans come from the tokens (parentheses are kept as tokens for that). `make_program`
applies the program-level rules (non-empty, bindings first, ends with an expression). Imports
lark, `matcalc.errors`, `matcalc.syntax.ast` and `matcalc.syntax.clauses` only.
"""
from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from fractions import Fraction
from typing import Any

from lark import Token, Transformer, v_args

from matcalc.errors import ParseError, Span
from matcalc.names import canonical, spelled
from matcalc.syntax.ast import (
    Binary,
    Bind,
    Call,
    Expr,
    Name,
    Number,
    Postfix,
    Program,
    Sized,
    Unary,
)
from matcalc.syntax.clauses import as_bindings

MAX_DIGITS = 100  # significant digits of a literal, read exactly as a rational
MAX_MAGNITUDE = 300  # literals lie in 1e-300 .. 1e300 (or are 0)
_NUMBER = re.compile(r"(?P<int>[0-9]*)(?:\.(?P<frac>[0-9]*))?(?:[eE](?P<exp>[+-]?[0-9]+))?")


def number_problem(text: str) -> str | None:
    """Why a literal is refused, or None: too many digits, or its magnitude is outside
    1e-300 .. 1e300 (decided from the text, without computing the value)."""
    match = _NUMBER.fullmatch(text)
    digits = (match["int"] + (match["frac"] or "")).lstrip("0")
    if not digits:
        return None  # zero, whatever its exponent
    if len(digits.rstrip("0")) > MAX_DIGITS:
        return f"has more than {MAX_DIGITS} significant digits"
    exponent = match["exp"] or "0"
    if len(exponent.lstrip("+-").lstrip("0")) > 4:
        return f"is outside the range of numbers matcalc reads (1e-{MAX_MAGNITUDE} to " \
               f"1e{MAX_MAGNITUDE})"
    lead = len(match["int"].lstrip("0")) - 1 if match["int"].lstrip("0") else \
        -(len(match["frac"]) - len(match["frac"].lstrip("0")) + 1)
    if not -MAX_MAGNITUDE <= lead + int(exponent) <= MAX_MAGNITUDE:
        return f"is outside the range of numbers matcalc reads (1e-{MAX_MAGNITUDE} to " \
               f"1e{MAX_MAGNITUDE})"
    return None


def literal_value(text: str) -> Fraction:
    """The exact value of a literal that `number_problem` accepts (0 without computing 10^e)."""
    match = _NUMBER.fullmatch(text)
    return Fraction(text) if (match["int"] + (match["frac"] or "")).strip("0") else Fraction(0)


def _shortened(text: str) -> str:
    return text if len(text) <= 40 else f"{text[:20]}...{text[-10:]}"


# Postfix operator spellings (blanks removed, as `^ T` is allowed) -> Postfix.op.
_POSTFIX = {"'": "T", "ᵀ": "T", "^T": "T", "⁻¹": "inv", "⁻ᵀ": "invT", "^-T": "invT",
            "⁺": "pinv"}


def token_span(token: Token) -> Span:
    """The span of one token."""
    return Span(token.line, token.column, token.start_pos, token.end_pos)


def _span(item: Token | Expr | Bind) -> Span:
    return token_span(item) if isinstance(item, Token) else item.span


def cover(first: Token | Expr | Bind, last: Token | Expr | Bind) -> Span:
    """The span from the start of `first` to the end of `last` (tokens or AST nodes)."""
    start, end = _span(first), _span(last)
    return Span(start.line, start.column, start.start, end.end)


def _binary(op: str) -> Callable[..., Binary]:
    """A transformer method for `left OP right` rules, normalising the operator to `op`."""

    def method(self: ToAst, left: Expr, token: Token, right: Expr) -> Binary:
        return Binary(op, left, right, op_span=token_span(token), span=cover(left, right))

    method.__name__ = f"binary_{op}"
    return method


def _not_keyword(token: Token) -> str:
    """The token's text, unless it is the keyword `where` (the lexer takes it for a name where
    no where clause can start)."""
    if str(token) == "where":
        raise ParseError("'where' is a keyword, not a name: where clauses follow the "
                         "expression on its line (E  where s = …, t = …)", token_span(token))
    return str(token)


def _unary(self: ToAst, sign: Token, operand: Expr) -> Unary:
    return Unary(str(sign), operand, span=cover(sign, operand))


@v_args(inline=True)
class ToAst(Transformer):
    """The parser's callbacks (lark calls them as it reduces, so no parse tree is built and
    nothing recurses: a 100,000-term sum is a deep tree). Method names are the grammar's
    aliases; spans cover a rule's first to last token, parentheses included."""

    gt = _binary(">")
    add = _binary("+")
    sub = _binary("-")
    mul = _binary("*")
    matmul = _binary("@")
    hadamard = _binary(".*")
    ediv = _binary("./")
    div = _binary("/")
    kron = _binary("kron")
    pow = _binary("^")
    epow = _binary(".^")
    neg = _unary
    pos = _unary

    def juxt(self, left: Expr, right: Expr) -> Binary:
        # No operator token: point at the first character of the right operand.
        start = right.span
        op_span = Span(start.line, start.column, start.start, start.start + 1)
        return Binary("juxt", left, right, op_span=op_span, span=cover(left, right))

    def postfix(self, operand: Expr, token: Token) -> Postfix:
        spelling = "".join(str(token).split())
        return Postfix(_POSTFIX[spelling], operand, span=cover(operand, token))

    def number(self, token: Token) -> Number:
        text = str(token)
        problem = number_problem(text)
        if problem:
            raise ParseError(f"the number {_shortened(text)} {problem}", token_span(token))
        return Number(text, span=token_span(token))

    def name(self, token: Token) -> Name:
        return Name(canonical(_not_keyword(token)), span=token_span(token))

    def ones(self, token: Token) -> Name:
        return Name("ones", span=token_span(token))  # the bold 𝟏 we print

    def sized(self, token: Token) -> Sized:
        return _sized(token, None, token_span(token))

    def sized_call(self, token: Token, _open: Token, arg: Expr, close: Token) -> Sized:
        return _sized(token, arg, cover(token, close))

    def partial(self, token: Token) -> Name:
        fn, arg = str(token)[1:].split("/∂")
        return Name(f"d{fn}_d{spelled(arg)}", span=token_span(token))  # ∂f/∂θ is df_dtheta

    def partial_at(self, token: Token, _open: Token, arg: Expr, close: Token) -> Call:
        """∂f/∂(u) is the call df_d(u), as ASCII prints it (the typer reads it as a symbol)."""
        fn = str(token)[1:].split("/∂")[0]
        return Call(f"d{fn}_d", (arg,), func_span=token_span(token), span=cover(token, close))

    def call(self, func: Token, _open: Token, args: tuple[Expr, ...] | None,
             close: Token) -> Call:
        name = "sigmoid" if str(func) == "σ" else canonical(_not_keyword(func))  # σ(…)
        return Call(name, args or (), func_span=token_span(func), span=cover(func, close))

    def args(self, *exprs: Expr) -> tuple[Expr, ...]:
        return exprs

    def paren(self, opener: Token, inner: Expr, close: Token) -> Expr:
        # Parentheses make no node; the inner node's span grows to include them.
        return dataclasses.replace(inner, span=cover(opener, close))

    def bind(self, name: Token, value: Expr) -> Bind:
        return Bind(canonical(str(name)), value, name_span=token_span(name),
                    span=cover(name, value))

    def where(self, result: Expr, *parts: Token | Bind) -> Where:
        clauses = tuple(p for p in parts if isinstance(p, Bind))  # (not the `where` tokens)
        return Where(result, clauses, span=cover(result, clauses[-1]))

    def program(self, *statements: Any) -> list[Expr | Bind]:
        return list(statements)


@dataclasses.dataclass(frozen=True, slots=True)
class Where:
    """`result  where clauses`, as parsed; make_program turns the clauses into bindings."""

    result: Expr
    clauses: tuple[Bind, ...]
    span: Span


_HEADS = {"𝟏": "ones", "vec⁻¹": "unvec"}
_SEPARATORS = re.compile(r"\s*[,×]\s*")


def _sized(token: Token, arg: Expr | None, span: Span) -> Sized:
    """I_n, 𝟏_{m n}, 0_{m×n}, K_{m,n}, vec⁻¹_{m×n}: the head and the subscript's parts."""
    text = str(token)
    head, _, sub = text.partition("_")
    if sub.startswith("{"):
        sub = sub[1:-1]
    parts = tuple(p.strip() for p in _SEPARATORS.split(sub.strip()))
    return Sized(_HEADS.get(head, head), parts, text, arg, span=span)


def make_program(statements: list[Expr | Bind], text: str) -> Program:
    """Check the statement sequence and build the Program (ParseError if it is not one)."""
    if not statements:
        raise ParseError(
            "empty program: expected an expression to differentiate",
            Span(1, 1, 0, 0), source=text,
        )
    *bindings, result = statements
    for statement in bindings:
        if not isinstance(statement, Bind):
            raise ParseError(
                "only the last statement can be an expression; the ones before it must be "
                "bindings 'name = expression'", statement.span, source=text,
            )
    if isinstance(result, Bind):
        raise ParseError(
            "the program must end with the expression to differentiate, "
            f"not with the binding of '{result.name}'", result.span, source=text,
        )
    if isinstance(result, Where):  # E  where s = …: the bindings s = …; E
        bindings += as_bindings(result.clauses, {b.name for b in bindings}, text)
        result = result.result
    whole = Span(1, 1, 0, len(text))
    return Program(tuple(bindings), result, text, span=whole)
