"""Constants with printed sizes, and sizes used as numbers: how results read back as input.

A result prints an identity, all-ones vector, zero matrix, commutation matrix or vec⁻¹ with its
sizes where its neighbours do not imply them (I_n, 𝟏_n, 0_{m×n}, K_{m,n}, vec⁻¹_{m×n}(v)), and
a size as a number where a rule needs one (1/n of a mean, n det(c X) / c). Here those spellings
are typed: a subscript part is a size (`n`, `3`, `m n` for the product m·n); a name that names
a size (`SizeNames`: n of a vector(n), n_x the length of the program's x) is that size, a scalar.
"""
from __future__ import annotations

import re

from ..errors import ParseError
from ..syntax import ast
from .declarations import Declaration
from .dims import GENERATED, SizeVar, declared, generated_names, matrix_sizes, one, times, unify
from .typed import T, scalar

_FACTOR = re.compile(r"[0-9]+|[A-Za-z_][A-Za-z0-9_]*")
_FACTORS = re.compile(r"\s*[\s·*]\s*")
_SIZES = {"I": 1, "ones": 1, "0": 2, "K": 2, "unvec": 2}  # head -> number of subscript parts
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def size_of(part: str, typer) -> SizeVar | None:
    """`n`, `3`, `m n` or `m·n` (m·n): the size a subscript part names, or None if it names
    none; a factor is a number, a name of a size (`typer.size_names`: n_x is the length of x)
    or a size symbol of its own."""
    factors = [f for f in _FACTORS.split(part.strip()) if f]
    if not factors or not all(_FACTOR.fullmatch(f) for f in factors):
        return None
    if any(f.isdigit() and int(f) < 1 for f in factors):
        return None
    out = None
    for f in factors:
        size = typer.size_names.size(f, typer) or declared(int(f) if f.isdigit() else f)
        out = size if out is None else times(out, size)
    return out


def sized(typer, node: ast.Sized) -> T:
    """I_n, 𝟏_n, 0_{m×n}, K_{m,n} or vec⁻¹_{m×n}(v); a name spelled so that is declared (or
    bound) is that variable, and a spelling with the wrong sizes is a plain name if it is one."""
    if node.text in typer.declarations or node.text in typer.bound:
        return typer.t_Name(ast.Name(node.text, node.span))
    sizes = [size_of(p, typer) for p in node.sizes]
    if len(sizes) != _SIZES[node.head] or None in sizes:
        if node.arg is None and _IDENT.fullmatch(node.text):
            return typer.variable(node.text, node.span)  # K_a, I_x1, ...: a variable's name
        want = "one size" if _SIZES[node.head] == 1 else "two sizes, rows×columns"
        raise ParseError(f"'{node.text}': the subscript of {node.head} must be {want} (names "
                         f"or positive integers, as in {_EXAMPLES[node.head]})", node.span)
    head, text = node.head, node.text
    if head == "I":
        return T("identity", (), sizes[0], sizes[0], node.span, text)
    if head == "ones":
        return T("ones", (), sizes[0], one(), node.span, text)
    m, n = matrix_sizes(*sizes) if head in ("0", "unvec") else sizes
    if head == "0":
        return T("zero", (), m, n, node.span, text)
    if head == "K":  # K_{m,n} vec(A) = vec(Aᵀ) for A m × n: (n·m) × (m·n)
        return T("commutation", (), times(n, m), times(m, n), node.span, text, m=m, n=n)
    arg = typer.expr(node.arg)
    if not (unify(arg.rows, times(m, n)) and unify(arg.cols, one())):
        raise ParseError(f"{text}(…) takes a vector of {m.label()}·{n.label()} entries, got "
                         f"{arg.describe()}", node.span)
    return T("unvec", (arg,), m, n, node.span, text)


_EXAMPLES = {"I": "I_n", "ones": "𝟏_n", "0": "0_{m×n}", "K": "K_{m,n}", "unvec": "vec⁻¹_{m×n}(v)"}


class SizeNames:
    """The names that stand for sizes, as results print them (one rule for programs and for
    claimed answers, whose variables are another program's declarations):

    - a size symbol a declaration names: `n` of vector(n), `m` and `n` of matrix(m·n, p);
    - `n_x`, the length of the vector variable x; `m_X` and `n_X`, the rows and columns of the
      matrix variable X (the names of its inferred sizes, dims.generated_names, whatever its
      sizes are: n_N of a square N is its m_N, n_x of x: vector(k) is k);
    - a generated size of the declarations (~n_x, another program's) by its printed name.

    A name that is declared or bound is a variable, never a size; so is `n_x` when the program
    has no variable x (declare n_x to have both a variable n_x and a variable x)."""

    def __init__(self, declarations: dict, variables: set[str], bound: set[str]):
        symbols: dict[str, str] = {}
        for decl in declarations.values():
            for size in decl.sizes:
                if isinstance(size, str):
                    symbols.update((s.lstrip(GENERATED), s) for s in size.split("·")
                                   if _IDENT.fullmatch(s.lstrip(GENERATED)))
        self.declared = {name: s for name, s in symbols.items() if not s.startswith(GENERATED)}
        self.generated = {name: s for name, s in symbols.items() if s.startswith(GENERATED)}
        self.of_variables = {}  # n_x -> ("x", 0)
        for var in sorted(variables):
            decl = declarations.get(var) or Declaration.default_for(var)
            if decl.kind != "function":
                self.of_variables.update(
                    (size, (var, axis))
                    for axis, size in enumerate(generated_names(var, decl.kind)))
        taken = set(declarations) | bound
        for table in (self.declared, self.generated, self.of_variables):
            for name in taken & set(table):
                del table[name]

    def names(self) -> set[str]:
        return set(self.declared) | set(self.generated) | set(self.of_variables)

    def __contains__(self, name: str) -> bool:
        return name in self.declared or name in self.generated or name in self.of_variables

    def size(self, name: str, typer) -> SizeVar | None:
        """The size `name` stands for (a variable's own size, shared with it), or None."""
        if name in self.declared:
            return declared(self.declared[name])
        if name in self.of_variables:
            var, axis = self.of_variables[name]
            return typer.sizes_of(var)[axis]
        if name in self.generated:
            return declared(self.generated[name])
        return None


def size_value(name: str, size: SizeVar, span) -> T:
    """The size `name` as a scalar (as in 1/n, the derivative of a mean)."""
    return scalar("dim", span=span, text=name, size=size)
