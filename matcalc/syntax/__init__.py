"""The parsing stage: program text -> `Program` AST (grammar in grammar/matcalc.lark).

`parse(text)` returns a `Program` or raises `matcalc.errors.ParseError` with line, column
and caret. The AST classes and `to_sexpr` are re-exported from `matcalc.syntax.ast`. This
package knows nothing of kinds, shapes or derivatives; later stages import it, never the reverse.
"""
from __future__ import annotations

from matcalc.syntax.ast import (
    BINARY_OPS,
    POSTFIX_OPS,
    Binary,
    Bind,
    Call,
    Expr,
    Name,
    Node,
    Number,
    Postfix,
    Program,
    Unary,
    to_sexpr,
)
from matcalc.syntax.parser import build_parser, parse

__all__ = [
    "BINARY_OPS",
    "POSTFIX_OPS",
    "Binary",
    "Bind",
    "Call",
    "Expr",
    "Name",
    "Node",
    "Number",
    "Postfix",
    "Program",
    "Unary",
    "build_parser",
    "parse",
    "to_sexpr",
]
