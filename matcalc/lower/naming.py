"""A name means what it says: checks on the names a program introduces, and notes on defaults.

- A well-known function name matcalc does not implement, used as a value (`erf x`), is refused
  like its call (unimplemented.py), unless declared.
- An undeclared name glued from names of the program (`Ax` beside `x`, glued.py) is a
  `ParseError` suggesting the product (`A x`), unless declared, when the program read with the
  product types (or the program as written does not).
- A variable that is a scalar only by the naming defaults (Greek names, single letters a–g) and
  is expanded against a vector or matrix (`x - mu`, `W x + b`) gets a warning: had it been
  declared a vector, the program would mean something else.
"""
from __future__ import annotations

from ..errors import ParseError, Span
from ..names import canonical, is_greek, split_subscript
from .declarations import Declaration
from .functions import ELEMENTWISE
from .glued import glued_parts
from .suggest import declare, unsupported
from .unimplemented import UNIMPLEMENTED

# Typed operators whose scalar operands decide whether their value is a scalar (a sum, a
# product or an elementwise function of scalars), unlike reductions such as sum(u) or uᵀ v.
_SHAPE_FOLLOWING = {"neg", "add", "sub", "mul", "recip", "expand", "maximum", "hadamard",
                    *ELEMENTWISE}


class NameChecks:
    """The name checks of one typing; `active` False for a typing that only asks whether
    another reading of the program types (it records nothing)."""

    def __init__(self, typer, used: set[str], active: bool = True):
        self.typer = typer
        self.active = active
        # the names the program uses: values, bindings, declarations, the variable
        # differentiated by (a glued name's parts)
        self.used = {canonical(name) for name in used | set(typer.declarations)}
        self.glued: list[tuple[str, Span, list[str]]] = []  # candidates, in order of use
        self.warnings: dict[str, str] = {}  # name -> note, in order of first use

    def check_new(self, name: str, span: Span | None) -> None:
        """Refuse an undeclared variable name that is a function name; remember one that may
        be glued from others (refuse_glued decides)."""
        kind = Declaration.default_for(name).kind
        if name in UNIMPLEMENTED:
            raise unsupported(name, span, f"to use {name} as a variable, declare it: "
                                          f"{declare(name, kind)}")
        parts = glued_parts(name, self.used, self._kind) if self.active else None
        if parts is not None and span is not None:
            self.glued.append((name, span, parts))

    def refuse_glued(self, typed: bool) -> None:
        """Raise the error for the first glued name whose product reading types; when the
        program as written does not type (`typed` False), for the first glued name."""
        text = self.typer.text
        for name, span, parts in self.glued:
            split = text[:span.start] + " ".join(parts) + text[span.end:]
            if typed and not self.typer.types(split, product_at=span.start):
                continue
            kind = Declaration.default_for(name).kind
            raise ParseError(f"unknown name '{name}': did you mean `{' '.join(parts)}`? (a "
                             f"product needs a space or *; to use {name} as a variable of its "
                             f"own, declare it: {declare(name, kind)})", span)

    def _kind(self, name: str) -> str:
        name = canonical(name)
        bound = self.typer.bound.get(name)
        if bound is not None:
            return "scalar" if bound.is_scalar else "vector" if bound.is_vector else "matrix"
        return (self.typer.declarations.get(name) or Declaration.default_for(name)).kind

    def expanded(self, scalar, other) -> None:
        """Note the defaulted scalar variables that decide that `scalar`, expanded to the shape
        of `other`, is a scalar."""
        kind = "vector" if other.is_vector else "matrix"
        stack = [scalar]
        while stack:
            t = stack.pop()
            if t.op == "var":
                self._note(t.attrs["name"], kind)
            elif t.op == "pow":
                stack.append(t.args[0])
            elif t.op in _SHAPE_FOLLOWING:
                stack.extend(a for a in t.args if a.is_scalar)

    def _note(self, name: str, kind: str) -> None:
        if not self.active or name in self.typer.declarations or name in self.warnings:
            return
        if is_greek(split_subscript(name)[0]) or is_greek(name):
            why = "Greek names are scalars"
        elif len(name) == 1 and "a" <= name <= "g":
            why = "single letters a–g are scalars"
        else:
            return
        self.warnings[name] = f"{name} is a scalar ({why}); declare {name}:{kind} for a {kind}"
