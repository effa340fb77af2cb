"""What every built-in function's typing checks first: its number of arguments; and the text
of a call, kept on its typed node for messages.
"""
from __future__ import annotations

from ..errors import ParseError
from ..syntax import ast
from .typed import T


def arity(call: ast.Call, args: list[T], n: int) -> None:
    """Refuse a call of `call.func` with other than `n` arguments."""
    if len(args) != n:
        raise ParseError(f"{call.func} takes {n} argument{'s' if n != 1 else ''}, "
                         f"got {len(args)}", call.func_span)


def call_text(typer, call: ast.Call) -> str:
    """The call as the program writes it."""
    return typer.source(call)
