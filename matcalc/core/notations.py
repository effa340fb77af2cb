"""How an operator prints, declared with it: its notation facet, read by the printer
(render/printer.py), the simplifier's length (simplify/length.py) and the sizes a printed form
implies (render/sizes.py), each through the operator's OpSpec (core/ops.py).

An operator without a notation facet prints as a call of its name. The precedence tiers every
printed form is parenthesised by, loosest first: a comparison u > v, a sum, a matrix product
(juxtaposition), an elementwise product (and ⊗), a power or a postfix mark, an atom.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

CMP, ADD, MUL, EW, POW, ATOM = range(6)


@dataclass(frozen=True)
class Postfix:
    """A mark after its operand, binding as a power: X⁻¹, X⁺.

    `marks`: notation name -> the mark; a notation without one prints a call of the operator's
    name (pinv(X) in ASCII). `transposed`: notation name -> the mark its transpose prints as, one
    mark (X⁻ᵀ); without one the transpose is printed outside ((X⁻¹)ᵀ). `negates_powers`: a
    power of it prints as the negative power of its operand ((X⁻¹)³ as X^-3)."""
    marks: Mapping[str, str]
    transposed: Mapping[str, str] = field(default_factory=dict)
    negates_powers: bool = False

    @property
    def tokens(self) -> int:
        """The tokens of its Unicode mark: each superscript character is one (⁻¹ is two)."""
        return len(self.marks["unicode"])


@dataclass(frozen=True)
class Infix:
    """A symbol between its operands, binding at `precedence` (its operands bind tighter):
    A ⊗ B. `symbols`: notation name -> the symbol with its spaces; a notation without one
    prints a call of the operator's name (kron(A, B) in ASCII). `associative`: a chain of it
    prints without inner parentheses (A ⊗ B ⊗ C)."""
    symbols: Mapping[str, str]
    precedence: int
    associative: bool = False


@dataclass(frozen=True)
class Superscript:
    """Its operand raised to its integer attribute `attribute`: X^3 (LaTeX X^{3}), the
    exponent negated where the operand's own notation says so (X^-3 for (X⁻¹)³)."""
    attribute: str


@dataclass(frozen=True)
class Headed:
    """A call whose head some notations spell their own way: LaTeX \\Phi(M) for tril_half(M).
    `heads`: notation name -> the head; a notation without one writes the operator's name."""
    heads: Mapping[str, str]


@dataclass(frozen=True)
class AppliedInverse:
    """The first operand's inverse applied to the second, as mathematics writes solve(A, B):
    A⁻¹ B, and A⁻ᵀ B for a transposed first operand (the same value), with the marks of the
    inverse's own notation `inverse`, binding as a matrix product, in the notations `written`
    names; a call of the operator's name in the others (solve(A, B) reads back)."""
    inverse: Postfix
    written: frozenset[str]


@dataclass(frozen=True)
class Subscripted:
    """A call whose head is `letter` subscripted by the function its attribute `attribute`
    names: L_exp(X, E), J_sqrt(X); LaTeX L_{\\exp}(X, E). `subscripts`: notation name ->
    (the function's name -> its subscript in that notation)."""
    letter: str
    attribute: str
    subscripts: Mapping[str, Mapping[str, str]]


# what an operator's printed form tells a reader of its sizes (render/sizes.py); an operator
# without this facet fixes its sizes only where its operands' texts fix all of theirs
SQUARE_OF_ARGUMENT = "square, of its argument's size (X⁻¹, Xᵏ)"
PRODUCT_OF_SIZES = "each size the product of its operands' (A ⊗ B)"
DIAGONAL_MATRIX = "n × n, of its n-vector (diag(v))"
DIAGONAL_OF_MATRIX = "n, of its n × n argument (diag(X))"
FLATTENED = "m n, of its m × n argument (vec(X))"
