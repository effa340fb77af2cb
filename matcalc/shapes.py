"""Sizes and shapes.

A `Dim` is a size: a positive integer times a product of named size symbols (`3`, `n`, `m n`),
so that the vec of an m × n matrix has the size `m n`. A `Shape` is (rows, cols); scalars are
(1, 1) and vectors are columns (n, 1). Imports nothing of matcalc but errors.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Dim:
    """`coeff` times the product of `symbols` (sorted, with repetition)."""

    coeff: int = 1
    symbols: tuple[str, ...] = ()

    @staticmethod
    def of(value: int | str | Dim) -> Dim:
        if isinstance(value, Dim):
            return value
        if isinstance(value, int):
            return Dim(value, ())
        return Dim(1, (value,))

    def __mul__(self, other: Dim) -> Dim:
        return Dim(self.coeff * other.coeff, tuple(sorted(self.symbols + other.symbols)))

    @property
    def is_one(self) -> bool:
        return self.coeff == 1 and not self.symbols

    @property
    def number(self) -> int | None:
        """The integer value when the size has no symbols."""
        return None if self.symbols else self.coeff

    def value(self, sizes: dict[str, int]) -> int:
        """The integer size, given values for the symbols (KeyError names a missing one)."""
        result = self.coeff
        for name in self.symbols:
            result *= sizes[name]
        return result

    def __str__(self) -> str:
        parts = ([str(self.coeff)] if self.coeff != 1 or not self.symbols else [])
        return "·".join(parts + list(self.symbols))


ONE = Dim(1, ())


@dataclass(frozen=True, slots=True)
class Shape:
    rows: Dim
    cols: Dim

    @staticmethod
    def of(rows: int | str | Dim, cols: int | str | Dim) -> Shape:
        return Shape(Dim.of(rows), Dim.of(cols))

    @property
    def is_scalar(self) -> bool:
        return self.rows.is_one and self.cols.is_one

    @property
    def is_vector(self) -> bool:
        """A column vector (n × 1, n not the literal 1)."""
        return self.cols.is_one and not self.rows.is_one

    @property
    def is_row(self) -> bool:
        return self.rows.is_one and not self.cols.is_one

    @property
    def is_matrix(self) -> bool:
        return not (self.rows.is_one or self.cols.is_one)

    @property
    def is_square(self) -> bool:
        return self.rows == self.cols

    @property
    def size(self) -> Dim:
        """Number of entries (the length of vec)."""
        return self.rows * self.cols

    @property
    def T(self) -> Shape:
        return Shape(self.cols, self.rows)

    @property
    def kind(self) -> str:
        if self.is_scalar:
            return "scalar"
        return "vector" if self.is_vector else "matrix"

    def __str__(self) -> str:
        return f"{self.rows}×{self.cols}"

    def describe(self) -> str:
        return describe(self)


SCALAR = Shape(ONE, ONE)
GENERATED = "~"  # marks a size symbol matcalc named (the length of an undeclared vector ...)


def size_text(dim: Dim) -> str:
    """A size as declarations write it: `n`, `3`, `m·n` (a generated size without its marker)."""
    return str(dim).replace(GENERATED, "")


def describe(shape: Shape, structure: str = "general", kind: str | None = None) -> str:
    """The shape as a declaration: 'scalar', 'vector(n)', 'matrix(m,n)', 'spd(n)' (generated
    sizes shown without their marker); `kind`: the kind declared, when it is not the shape's
    (a vector(1) or a matrix(1,1) is 1 × 1)."""
    if structure != "general":
        return f"{structure}({size_text(shape.rows)})"
    kind = kind or shape.kind
    if kind == "scalar":
        return "scalar"
    if kind == "vector":
        return f"vector({size_text(shape.rows)})"
    return f"matrix({size_text(shape.rows)},{size_text(shape.cols)})"
