"""`parse(text) -> Program`: load grammar/matcalc.lark, parse with lark's LALR, build the AST.

Owns the grammar lookup (source checkout first, then the copy packaged in the wheel), the
cached parser, joining lines inside parentheses, and turning every lark syntax error into a
`ParseError` whose message says, in words, what was found and what was expected. Imports
lark, `matcalc.errors` and `matcalc.syntax`.
"""
from __future__ import annotations

import functools
import hashlib
import importlib.resources
import os
import sys
from collections.abc import Iterator
from contextvars import ContextVar
from pathlib import Path

import lark
from lark import Lark, Token
from lark.exceptions import UnexpectedCharacters, UnexpectedInput, UnexpectedToken
from lark.lark import PostLex

from matcalc.errors import ParseError, Span
from matcalc.syntax.ast import Binary, Bind, Call, Expr, Postfix, Program, Sized, Unary
from matcalc.syntax.transformer import ToAst, make_program, token_span

# Terminal names of grammar/matcalc.lark, grouped for the error messages (never shown).
_OPERAND = frozenset({"NAME", "FUNC", "NUMBER", "ONES", "LPAR"})
_EXPONENT = frozenset({"CARET", "DOTCARET"})
_BINARY = frozenset({"GT", "PLUS", "MINUS", "STAR", "AT", "HADAMARD", "EDIV", "SLASH", "KRON"})
# Binary operators that cannot also start an operand (unlike a sign).
_INFIX_ONLY = _BINARY - {"PLUS", "MINUS"}
_ENDS = frozenset({"_SEP", "$END"})
Node = Expr | Bind  # what the parser holds for a reduced rule


def grammar_text() -> str:
    """matcalc.lark from the source checkout's grammar/ dir, else the copy inside the package."""
    source = Path(__file__).resolve().parents[2] / "grammar" / "matcalc.lark"
    if source.is_file():
        return source.read_text(encoding="utf-8")
    packaged = importlib.resources.files("matcalc") / "matcalc.lark"  # force-included by the wheel
    return packaged.read_text(encoding="utf-8")


# Names to lex as NAME even when '(' follows: variables, so `A (B + C)⁻¹` is A times (B + C)⁻¹.
_VARIABLES: ContextVar[frozenset[str]] = ContextVar("variables", default=frozenset())


class _JoinLinesInParens(PostLex):
    """Drop newline separators inside parentheses, so a long call may span several lines; lex
    a FUNC token naming one of the `variables` of this parse as a NAME."""

    always_accept = ("_SEP", "FUNC")

    def process(self, stream: Iterator[Token]) -> Iterator[Token]:
        depth, variables = 0, _VARIABLES.get()
        for token in stream:
            depth += {"LPAR": 1, "RPAR": -1}.get(token.type, 0)
            if token.type == "FUNC" and str(token) in variables:
                token = Token.new_borrow_pos("NAME", str(token), token)
            if not (token.type == "_SEP" and depth > 0 and ";" not in token):
                yield token


@functools.cache
def build_parser(strict: bool = False) -> Lark:
    """The LALR parser (cached), building the AST as it reduces (`ToAst`, no parse tree);
    `strict=True` fails on any conflict or terminal collision. The default parser's tables
    are kept between runs in the user's cache folder (`tables_file`)."""
    text = grammar_text()
    return Lark(
        text, start="program", parser="lalr", maybe_placeholders=True,
        strict=strict, postlex=_JoinLinesInParens(), transformer=ToAst(),
        cache=False if strict else tables_file(text),
    )


def tables_file(grammar: str) -> str | bool:
    """Where lark keeps the analysed grammar between processes (building it takes ~170 ms of
    every command-line run, loading it ~15 ms): $XDG_CACHE_HOME/matcalc (else ~/.cache/matcalc),
    a folder only the user can write, named by the grammar, lark and Python versions; lark
    checks the grammar's digest inside the file too. False (no cache) if it cannot be made."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    folder = os.path.join(base, "matcalc")
    try:
        os.makedirs(folder, mode=0o700, exist_ok=True)
    except OSError:
        return False
    if not os.access(folder, os.W_OK):
        return False
    digest = hashlib.sha256(f"{grammar}\0{lark.__version__}".encode()).hexdigest()[:16]
    return os.path.join(folder, f"grammar-{digest}-py{sys.version_info[0]}{sys.version_info[1]}")


def parse(text: str, variables: frozenset[str] = frozenset()) -> Program:
    """Parse a matcalc program; raises ParseError (with line, column and caret) on bad input.
    `variables`: names that are values even where '(' follows them (`W (x + b)` is then the
    product W (x + b), so `W (x + b)ᵀ` is W times (x + b)ᵀ, not (W (x + b))ᵀ). The trees are
    immutable, so the last programs of up to CACHED_LENGTH characters are remembered.

    >>> from matcalc.syntax.ast import to_sexpr
    >>> to_sexpr(parse("y = A x; tanh(y)'"))
    '(program (= y (juxt A x)) (T (call tanh y)))'
    """
    variables = frozenset(variables)
    if isinstance(text, str) and len(text) <= CACHED_LENGTH:
        return _remembered(text, variables)
    return _parse(text, variables)


CACHED_LENGTH = 4096  # characters (64 remembered programs: well under 1 MB)


@functools.lru_cache(maxsize=64)
def _remembered(text: str, variables: frozenset[str]) -> Program:
    return _parse(text, variables)


def _parse(text: str, variables: frozenset[str]) -> Program:
    reset = _VARIABLES.set(variables)
    try:
        program = make_program(build_parser().parse(text), text)
    except UnexpectedInput as err:
        raise syntax_error(err, text) from None
    except ParseError as err:  # a callback's (a number out of range)
        raise err.with_source(text) from None
    finally:  # (LALR and its callbacks never recurse: depth is bounded below, by `nesting`)
        _VARIABLES.reset(reset)
    depth, where = nesting(program)
    if depth > MAX_NESTING:
        raise ParseError(f"the expression is nested too deeply: {depth} levels of calls and "
                         f"operators, at most {MAX_NESTING} (split it with bindings name = ...; "
                         f"parentheses add no level, a long sum or product counts as one)",
                         where, source=text)
    return program


# Typing (matcalc/lower) recurses once or twice per level: at Python's default recursion limit
# it fails near 250 levels of nested sums; every later stage is iterative (2400 levels pass).
MAX_NESTING = 100
# Left-associative tiers: a chain a + b - c + ... (or a b c ..., a ⊙ b ⊙ ...) is one level.
_TIERS = ({"+", "-"}, {"*", "@", "juxt"}, {".*", "./", "/", "kron"})


def nesting(program: Program) -> tuple[int, Span | None]:
    """The deepest nesting of the program's statements, and the span of its innermost node."""
    best, where = 0, None
    stack = [(b.value, 1) for b in program.bindings] + [(program.result, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > best:
            best, where = depth, node.span
        if isinstance(node, Binary):
            chained = any(node.op in tier and getattr(node.left, "op", None) in tier
                          for tier in _TIERS)
            stack += [(node.left, depth if chained else depth + 1), (node.right, depth + 1)]
        elif isinstance(node, Call):
            stack += [(a, depth + 1) for a in node.args]
        elif isinstance(node, Sized) and node.arg is not None:
            stack.append((node.arg, depth + 1))
        elif isinstance(node, (Unary, Postfix)):
            stack.append((node.operand, depth + 1))
    return best, where


def syntax_error(err: UnexpectedInput, text: str) -> ParseError:
    """Translate a lark error into a ParseError with a message in words."""
    if isinstance(err, UnexpectedToken) and err.state is not None:
        message, span = _token_message(err, text)
    elif isinstance(err, UnexpectedCharacters):
        message = f"unexpected character {err.char!r}"
        span = _point(err.line, err.column, err.pos_in_stream)
    else:  # not raised by the LALR front end; kept so no lark error escapes
        message, span = "syntax error", _end_span(None, text)
    return ParseError(message, span, source=text)


def _token_message(err: UnexpectedToken, text: str) -> tuple[str, Span]:
    """Message and span for a token the parser cannot take at this point."""
    stack = err.state.value_stack
    found, prev = err.token, (stack[-1] if stack else None)
    expected = set(err.state.parse_conf.states[err.state.position])
    if _double_star(found, prev):  # x ** 2, as in Python: point at both stars
        both = Span(prev.line, prev.column, prev.start_pos, found.end_pos)
        return ("unexpected '**': matcalc writes a power with ^ (x^2, A^-1) and an elementwise "
                "power with .^ (x .^ 2)", both)
    span = _end_span(prev, text) if found.type == "$END" else _found_span(found)
    return f"unexpected {_describe(found)}: {_diagnose(found, prev, expected, stack)}", span


def _double_star(found: Token, prev: Token | Node | None) -> bool:
    """Whether the parser stopped at the second '*' of '**' (adjacent stars)."""
    return (found.type == "STAR" and isinstance(prev, Token) and prev.type == "STAR"
            and prev.end_pos == found.start_pos)


def _diagnose(found: Token, prev: Token | Node | None, expected: set[str], stack: list) -> str:
    """What should have come instead, in words (the part after 'unexpected X: ')."""
    after = f" after {_describe(prev)}" if isinstance(prev, Token) else ""
    opener = _unclosed_paren(stack)
    if found.type == "_EQ":
        return "a binding is 'name = expression', with one name at the start of a statement"
    if isinstance(prev, Token) and prev.type in ("WHERE", "_COMMA") and "NAME" in expected \
            and "FUNC" not in expected:
        return f"expected a clause 'name = expression'{after}"
    if expected == {"_EQ"}:
        return f"expected '='{after} (a where clause is 'name = expression')"
    if isinstance(prev, Token) and prev.type in _EXPONENT:
        return f"the exponent is missing{after} (expected a number, a name or '(')"
    if expected & _OPERAND and not expected & _INFIX_ONLY:
        return f"expected an operand (a name, number or '('){after}"
    if found.type in _EXPONENT:
        return "chained powers need parentheses: write a^(b^c) or (a^b)^c"
    if found.type == "GT":
        return "comparisons do not chain: use parentheses, as in (a > b) > c"
    if found.type in _ENDS and opener is not None:
        return f"missing ')' to close the '(' at line {opener.line}, column {opener.column}"
    if found.type == "_COMMA":
        return "',' only separates the arguments of a call, as in f(a, b)"
    if found.type == "RPAR" and opener is None:
        return "this ')' has no matching '('"
    return f"expected {_expected_words(expected)}"


def _expected_words(expected: set[str]) -> str:
    """A short phrase for an expected-terminal set, never naming lark terminals."""
    words = []
    if expected & _BINARY:
        words.append("an operator")
    if "RPAR" in expected:
        words.append("')'")
    if "_COMMA" in expected:
        words.append("','")
    if expected & _ENDS:
        words.append("the end of the statement")
    if not words:
        return "something else"
    return ", ".join(words[:-1]) + (" or " if len(words) > 1 else "") + words[-1]


def _describe(item: Token | Node | None) -> str:
    """A token in words: 'end of input', 'end of line', "name 'x'", "'+'"."""
    if not isinstance(item, Token):
        return "expression"
    if item.type == "$END":
        return "end of input"
    if item.type == "_SEP":
        return "';'" if str(item).startswith(";") else "end of line"
    kind = {"NAME": "name ", "FUNC": "name ", "NUMBER": "number "}.get(item.type, "")
    return kind + (f'"{item}"' if "'" in item else f"'{item}'")


def _unclosed_paren(stack: list) -> Token | None:
    """The innermost '(' on the parser stack that has not been closed yet."""
    opens = [item for item in stack if isinstance(item, Token) and item.type == "LPAR"]
    return opens[-1] if opens else None


def _found_span(token: Token) -> Span:
    """The unexpected token's span; a separator run is shown as its first character."""
    span = token_span(token)
    return _point(span.line, span.column, span.start) if token.type == "_SEP" else span


def _end_span(prev: Token | Node | None, text: str) -> Span:
    """Just after the last thing parsed (what the parser holds), where more input was due."""
    if isinstance(prev, Token):
        end = prev.end_pos
    elif isinstance(prev, (list, tuple)):  # the statements or arguments reduced so far
        end = prev[-1].span.end if prev else None
    else:
        end = None if prev is None else prev.span.end
    if end is None:  # nothing parsed: the end of the text
        end = len(text)
    line = text.count("\n", 0, end) + 1
    return _point(line, end - (text.rfind("\n", 0, end) + 1) + 1, end)


def _point(line: int, column: int, start: int) -> Span:
    return Span(line, column, start, start + 1)
