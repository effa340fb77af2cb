"""`where` clauses read as bindings: `E  where s = …, t = …` is the program `s = …; t = …; E`.

A printed result names a repeated subexpression once (`diag(s) - s sᵀ  where s = softmax(x)`),
each clause after the clauses it uses (`… where h1 = tanh(W1 x), h2 = tanh(W2 h1)`); a text
may also write them in another order, or as repeated where (`… where h2 = tanh(W2 h1)  where
h1 = tanh(W1 x)`). The clauses become bindings in an order in which every name is defined
before it is used (otherwise as written); a name defined twice, or clauses that use each
other, are a ParseError. Imports only `matcalc.errors` and the AST.
"""
from __future__ import annotations

from matcalc.errors import ParseError
from matcalc.syntax.ast import Binary, Bind, Call, Expr, Name, Postfix, Sized, Unary


def names_used(expr: Expr) -> set[str]:
    """The names an expression mentions: variables, bound names, called names (a bound name
    before '(' is a product), and sized spellings that may be names (I_x1)."""
    out: set[str] = set()
    stack = [expr]
    while stack:
        node = stack.pop()
        if isinstance(node, Name):
            out.add(node.name)
        elif isinstance(node, Call):
            out.add(node.func)
            stack.extend(node.args)
        elif isinstance(node, Sized):
            out.add(node.text)
            if node.arg is not None:
                stack.append(node.arg)
        elif isinstance(node, (Unary, Postfix)):
            stack.append(node.operand)
        elif isinstance(node, Binary):
            stack.extend((node.left, node.right))
    return out


def as_bindings(clauses: tuple[Bind, ...], bound: set[str], text: str) -> tuple[Bind, ...]:
    """The where clauses in an order where each is defined before its uses; `bound`: the names
    the program's statements bind before the clauses."""
    defined: set[str] = set(bound)
    for clause in clauses:
        if clause.name in defined:
            raise ParseError(f"'{clause.name}' is defined twice", clause.name_span, source=text)
        defined.add(clause.name)
    needs = {c.name: names_used(c.value) & {d.name for d in clauses} for c in clauses}
    ordered: list[Bind] = []
    done: set[str] = set()
    pending = list(clauses)
    while pending:
        ready = next((c for c in pending if needs[c.name] <= done), None)
        if ready is None:
            names = ", ".join(c.name for c in pending)
            raise ParseError(f"the where clauses of {names} use each other: a name must be "
                             f"defined without itself", pending[0].name_span, source=text)
        ordered.append(ready)
        done.add(ready.name)
        pending.remove(ready)
    return tuple(ordered)
