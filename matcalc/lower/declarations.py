"""Kinds of names: the naming defaults and the user's declarations.

Defaults (matrixcalculus.org's convention, language.md): single letters a–g scalar, h–z
vector, A–Z matrix; longer names Capitalized → matrix, lowercase → vector; Greek names
lowercase (theta, θ) scalar, capital (Sigma, Σ) matrix, as capitals are.
A declaration is `"scalar"`, `"vector"`, `"matrix"`, `"vector(n)"`, `"matrix(m,n)"`, or a
structured square matrix `"symmetric(n)"`, `"spd(n)"` (symmetric positive definite),
`"diagonal(n)"`, `"lowertri(n)"` or `"orthogonal(n)"` (lower/structures.py), with sizes
that are positive integers, size symbols (identifiers) or products of them (`m·n`, `3*n`); or
`"function"`, an abstract scalar function of one argument.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import DeclarationError
from ..names import canonical, greek_stem
from .structures import STRUCTURES

KINDS = ("scalar", "vector", "matrix")
STRUCTURED = tuple(STRUCTURES)  # square matrices: one size
FUNCTION = "function"  # an abstract scalar function f(Y), declared (no sizes)
_DECLARATION = re.compile(r"^\s*(\w+)\s*(?:\((.*)\))?\s*$")
_FACTOR = re.compile(r"^(?:[1-9]\d*|[^\W\d]\w*)$")
_TIMES = re.compile(r"\s*[·*]\s*")


@dataclass(frozen=True)
class Declaration:
    """A kind and its sizes (None where the size is to be inferred)."""

    kind: str
    sizes: tuple[int | str | None, ...]  # () scalar, (n,) vector, (m, n) matrix
    structure: str = "general"  # or one of STRUCTURED (then kind is "matrix", sizes (n, n))

    @staticmethod
    def default_for(name: str) -> Declaration:
        kind = default_kind(name)
        return Declaration(kind, (None,) * KINDS.index(kind))


def default_kind(name: str) -> str:
    return default_rule(name)[0]


def default_rule(name: str) -> tuple[str, str]:
    """The kind the naming defaults give `name`, and the rule that gives it, in words."""
    several = "several letters" if name.isalpha() else "more than one character"
    greek = greek_stem(name)
    if greek is not None:
        return ("matrix", "capital Greek names are matrices") if greek[0].isupper() else \
            ("scalar", "lowercase Greek names are scalars")
    if len(name) == 1:
        if name.isupper():
            return "matrix", "single capital letters are matrices"
        return ("scalar", "single letters a–g are scalars") if "a" <= name <= "g" else \
            ("vector", "single letters h–z are vectors")
    if name[0].isupper():
        return "matrix", f"Capitalized names of {several} are matrices"
    return "vector", f"lowercase names of {several} are vectors"


def parse_declaration(name: str, text: str) -> Declaration:
    """`"matrix(m,n)"` → Declaration('matrix', ('m', 'n')); DeclarationError when malformed."""
    if not isinstance(text, str):
        raise DeclarationError(f"the declaration of '{name}' must be a string like 'vector(n)'")
    match = _DECLARATION.match(text)
    kind = match.group(1) if match else text.strip()
    if kind == FUNCTION and match.group(2) is None:
        return Declaration(FUNCTION, ())
    if match is None or kind not in KINDS + STRUCTURED:
        raise DeclarationError(
            f"unknown kind '{kind}' for '{name}': use scalar, vector, vector(n), matrix, "
            f"matrix(m,n), {', '.join(f'{s}(n)' for s in STRUCTURED)} or function")
    if kind in STRUCTURED:  # square: its one size is both
        sizes = _sizes(name, text, match.group(2), 1, f"a {kind} matrix (square)")
        return Declaration("matrix", sizes * 2, kind)
    return Declaration(kind, _sizes(name, text, match.group(2), KINDS.index(kind), f"a {kind}"))


def _sizes(name: str, text: str, inside: str | None, wanted: int,
           what: str) -> tuple[int | str | None, ...]:
    """The `wanted` sizes written between the parentheses (None each when there are none)."""
    if inside is None:
        return (None,) * wanted
    sizes = [s.strip() for s in inside.split(",")] if inside.strip() else []
    if len(sizes) != wanted:
        raise DeclarationError(
            f"'{name}: {text}': {what} takes {wanted} size{'s' if wanted != 1 else ''}, "
            f"got {len(sizes)}")
    return tuple(_size(name, text, size) for size in sizes)


def _size(name: str, text: str, size: str) -> int | str:
    """A declared size: a positive integer, a name, or a product of them (`m·n` or `m*n`, as
    `d.variables` prints the size of a vec), kept as its number or as 'factor·factor'."""
    factors = _TIMES.split(size)
    for factor in factors:
        if not _FACTOR.match(factor):
            raise DeclarationError(
                f"'{name}: {text}': size '{size}' is neither a positive integer, nor a name, "
                f"nor a product of them (m·n)")
    number = 1
    for factor in factors:
        number *= int(factor) if factor.isdigit() else 1
    names = [f for f in factors if not f.isdigit()]
    return "·".join([str(number)] * (number != 1) + names) if names else number


NAME = re.compile(r"[A-Za-zα-ωΑ-Ω_][A-Za-z0-9α-ωΑ-Ω_]*")  # a name of the language
# The symbol ∂f/∂(u) of a printed derivative, df_d(u) in ASCII: declared under that name.
PARTIAL_AT = re.compile(r"^d[A-Za-zα-ωΑ-Ω_][A-Za-z0-9α-ωΑ-Ω_]*_d\(.+\)$", re.DOTALL)


def parse_declarations(vars: dict[str, str] | None) -> dict[str, Declaration]:
    if vars is None:
        return {}
    if not isinstance(vars, dict):
        raise DeclarationError("vars must be a dict mapping names to kinds, e.g. {'x': 'vector'}")
    for name in vars:
        if not isinstance(name, str) or not (NAME.fullmatch(name) or PARTIAL_AT.match(name)):
            raise DeclarationError(f"{name!r} is not a name: names start with a letter or '_' "
                                   f"and continue with letters, digits or '_'")
    named = {name: name if PARTIAL_AT.match(name) else canonical(name) for name in vars}
    return {named[name]: parse_declaration(named[name], text)  # θ is theta
            for name, text in vars.items()}
