"""The names a program uses, read from its syntax tree before it is typed: which names are
values (and so a product when called: `W (x + b)`), which are sizes, and the program re-read
with its called variables as values.
"""
from __future__ import annotations

from ..core.constants import CONSTANTS
from ..syntax import ast, parse
from .constants import SizeNames
from .functions import FUNCTIONS
from .suggest import otherwise_spelled


def is_variable(name: str, declarations: dict, bound: set[str], value_names: set[str]) -> bool:
    """Whether `name` followed by '(' is a value times a parenthesised operand, not a call
    (the number pi too: pi(x + 1) is π (x + 1))."""
    decl = declarations.get(name)
    if decl is not None:
        return decl.kind != "function"
    return name in bound or name in value_names or name in CONSTANTS or \
        (name not in FUNCTIONS and name[0].isupper() and otherwise_spelled(name) is None)


def read(program: ast.Program, declarations: dict) -> ast.Program:
    """The program re-read with its called variables as values (see called_variables)."""
    variables = called_variables(program, declarations)
    return parse(program.text, variables) if variables else program


def called_variables(program: ast.Program, declarations: dict) -> frozenset[str]:
    """Names called with one operand that are values (`W (x + b)`, `x (y + 1)` where x is
    used as a value): the parser re-reads them as names, so that `W (x + b)ᵀ` is W (x + b)ᵀ."""
    bound = {b.name for b in program.bindings}
    calls = {n.func for n in _nodes(program) if isinstance(n, ast.Call) and len(n.args) == 1}
    if not calls:
        return frozenset()
    values = value_names(program) | program_sizes(program, declarations).names()  # n (x + 1)
    return frozenset(f for f in calls if is_variable(f, declarations, bound, values))


def program_sizes(program: ast.Program, declarations: dict,
                  identity_names: frozenset[str] = frozenset()) -> SizeNames:
    """The names of sizes in `program` (constants.SizeNames): those of the declarations and
    those of its variables, the declared ones and the names it uses as values that are not
    bound, functions or constants."""
    bound = {b.name for b in program.bindings}
    constants = {"I", "eye", "ones", *identity_names}
    used = {name for name in value_names(program) - bound - constants
            if name not in FUNCTIONS or name in declarations}
    declared_ = {name for name, decl in declarations.items() if decl.kind != "function"}
    return SizeNames(declarations, used | declared_, bound)


def value_names(program: ast.Program) -> set[str]:
    """Names used as values somewhere (not only called): such a name called is a product."""
    return {n.name for n in _nodes(program) if isinstance(n, ast.Name)}


def _nodes(program: ast.Program):
    """Every expression node of the program's statements (iteratively: programs can be deep)."""
    stack: list = [b.value for b in program.bindings] + [program.result]
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, ast.Call):
            stack.extend(node.args)
        elif isinstance(node, ast.Sized) and node.arg is not None:
            stack.append(node.arg)
        elif isinstance(node, (ast.Unary, ast.Postfix)):
            stack.append(node.operand)
        elif isinstance(node, ast.Binary):
            stack.extend((node.left, node.right))
