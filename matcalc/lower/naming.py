"""A name means what it says: checks on the names a program introduces, and notes on defaults.

- A well-known function name matcalc does not implement, used as a value (`erf x`), is refused
  like its call (unimplemented.py), unless declared.
- An undeclared name glued from names of the program (`Ax` beside `x`, glued.py) is a
  `ParseError` suggesting the product (`A x`), unless declared, when the program read with the
  product types (or the program as written does not).
- A variable whose kind comes from the naming defaults gets a note where another kind would
  give the program another meaning that types:
  - a defaulted scalar (a–g, lowercase Greek) broadcast against a vector or matrix (`x - mu`,
    `W x + b`, `x .* c`, `x ./ d`), the right-hand factor of a matrix (`X theta`) or the
    argument of inv, det, logdet or tr (`logdet(sigma)`);
  - a defaulted vector or matrix that scales a computed scalar, so that a scalar-valued term
    broadcast against it becomes a vector or matrix (`norm2(X w - y)^2 + lam * norm2(w)^2`).
  A note is kept only when the program types with the name declared the other kind, so that
  the other reading is a program at all; a shape error of a program that types so carries it.
"""
from __future__ import annotations

import math

from ..core.elementwise import BINARY
from ..core.extremes import INDICATORS
from ..errors import MatcalcError, ParseError, ShapeError, Span
from ..names import canonical
from .declarations import KINDS, Declaration, default_rule
from .functions import ELEMENTWISE
from .glued import glued_parts
from .suggest import declare, unsupported
from .unimplemented import UNIMPLEMENTED

# Typed operators whose scalar operands decide whether their value is a scalar (a sum, a
# product or an elementwise function of scalars), unlike reductions such as sum(u) or uᵀ v.
_SHAPE_FOLLOWING = {"neg", "add", "sub", "mul", "recip", "expand", "hadamard", *ELEMENTWISE,
                    *BINARY, *INDICATORS}


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
        self.noted: dict[str, str] = {}  # name -> the kind that would change the meaning

    # -- names a program introduces ----------------------------------------------------------
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

    # -- notes on defaults -------------------------------------------------------------------
    def broadcast(self, scalar, other) -> None:
        """`scalar` is broadcast against the vector or matrix `other` (+ − > max ⊙ ⊘): note
        the defaulted scalars that make it a scalar, and, when it is computed from vectors or
        matrices, the defaulted names that alone make `other` non-scalar by scaling."""
        self._scalars(scalar, "vector" if other.is_vector else "matrix")
        if _reduces(scalar):
            for name in _scaling_names(other) or ():
                self._candidate(name, "scalar")

    def right_factor(self, scalar) -> None:
        """`scalar` multiplies a matrix from the right (`X theta`): a vector was meant."""
        self._scalars(scalar, "vector")

    def matrix_argument(self, scalar) -> None:
        """`scalar` is the argument of inv, det, logdet or tr: a matrix was meant."""
        self._scalars(scalar, "matrix")

    def _scalars(self, scalar, kind: str) -> None:
        """Note the variables that decide that `scalar` is a scalar, as `kind` candidates."""
        stack = [scalar]
        while stack:
            t = stack.pop()
            if t.op == "var":
                self._candidate(t.attrs["name"], kind)
            elif t.op == "pow":
                stack.append(t.args[0])
            elif t.op in _SHAPE_FOLLOWING:
                stack.extend(a for a in t.args if a.is_scalar)

    def _candidate(self, name: str, kind: str) -> None:
        if self.active and name not in self.typer.declarations and name not in self.noted \
                and default_rule(name)[0] != kind:
            self.noted[name] = kind

    def notes(self) -> tuple[str, ...]:
        """The notes, in order of the names' first use: each names the rule that gives the
        name its kind and the declaration that gives it the other, with which the program
        also types."""
        def first_use(name: str) -> float:
            span = self.typer.variables[name].span
            return span.start if span is not None else math.inf
        out = []
        for name in sorted(self.noted, key=first_use):
            kind = self.noted[name]
            other = Declaration(kind, (None,) * KINDS.index(kind))
            if self.typer.types(self.typer.text, {**self.typer.declarations, name: other}):
                default, rule = default_rule(name)
                out.append(f"{name} is a {default} ({rule}); declare {name} a {kind} "
                           f"({declare(name, kind)})")
        return tuple(out)


    def explained(self, err: MatcalcError) -> MatcalcError:
        """A shape error `err` with the notes of the names whose other kind makes the program
        type (other errors as they are)."""
        notes = self.notes() if isinstance(err, ShapeError) else ()
        if not notes:
            return err
        return ShapeError("; ".join([err.message] + [f"note: {n}" for n in notes]), err.span,
                          err.source)


def _reduces(t) -> bool:
    """Whether the scalar `t` is computed from a vector or matrix (sum(u), uᵀ v, norm2(u)^2)."""
    stack = [t]
    while stack:
        node = stack.pop()
        if any(not a.is_scalar for a in node.args):
            return True
        stack.extend(node.args)
    return False


def _scaling_names(t) -> list[str] | None:
    """The variables that alone make the vector or matrix `t` non-scalar, each by scaling a
    scalar computed from vectors or matrices (lam of lam * norm2(w)^2, through sums and
    elementwise functions); None when something else makes it non-scalar."""
    if t.op == "mul":
        factors = [a for a in t.args if not a.is_scalar]
        if len(factors) == 1 and factors[0].op == "var" and \
                any(_reduces(a) for a in t.args if a.is_scalar):
            return [factors[0].attrs["name"]]
        return None
    if t.op == "pow":
        return _scaling_names(t.args[0])
    if t.op not in _SHAPE_FOLLOWING:
        return None
    names: list[str] = []
    for arg in t.args:
        if arg.is_scalar or arg.op == "expand":
            continue
        inner = _scaling_names(arg)
        if inner is None:
            return None
        names += inner
    return names or None
