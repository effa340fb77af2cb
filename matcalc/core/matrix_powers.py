"""The matrix inverse X⁻¹ and the matrix power Xᵏ (k ≥ 2), declared once each and read by
every stage, as core/linear_ops.py's linear operators are.

Their differentials (the Matrix Cookbook, §2.2):
    d(X⁻¹) = −X⁻¹ dX X⁻¹,    d(Xᵏ) = Σᵢ₌₀ᵏ⁻¹ Xⁱ dX Xᵏ⁻¹⁻ⁱ,
built with the core builders (passed in by diff/matrix_fns.py), so they differentiate again
(Hessians). Neither needs an adjoint of its own: the read-out pulls back through the products
these differentials are made of. Both print as superscripts, as their notation facets say
(X⁻¹, its transpose X⁻ᵀ, X^3, X^-3 for (X⁻¹)³; ASCII X^-1); a negative power is the power of
the inverse. Each is a power of its operand, its `exponent` (−1, or its attribute k): a product
combines adjacent powers of one matrix by adding exponents (core/algebra.py). A transpose passes
into either ((X⁻¹)ᵀ = (Xᵀ)⁻¹, (Xᵏ)ᵀ = (Xᵀ)ᵏ; core/transpose.py). The
code of X⁻¹ is a solve where it multiplies (codegen/chains.py: one LU or Cholesky factor shared
by every product it appears in); `inv` is what is left where it stands alone.

Two facets tell code generation and evaluate what they may rely on:

- `of_a_scalar`: its code at a 1 × 1 argument a (a 0-d value in generated code), a Python
  expression over a's code {0} and the power k {1}: a⁻¹ = 1.0 / a, aᵏ = a ** k;
- `in_products`: SOLVED, a product applies it by a solve with its argument instead of forming
  it: X⁻¹ B = solve(X, B), B X⁻¹ = solve(Xᵀ, Bᵀ)ᵀ (codegen/chains.py, codegen/solves.py, and
  evaluate's products); "" formed like any other matrix.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..shapes import Shape
from .expr import Expr
from .factorisations import NONSINGULAR, inverse  # (refusing a singular X)
from .linear_ops import INTO_ARGUMENT, of_square
from .notations import SQUARE_OF_ARGUMENT, Postfix, Superscript

WELL_CONDITIONED, SMOOTH = "well conditioned", "smooth"  # domain.py's check of the argument
SIGN_OF_A_SCALAR = "the sign of a scalar"  # codegen/signs.py: 1/u has u's sign
SOLVED = "applied by a solve"  # in a product: X⁻¹ B = solve(X, B)


@dataclass(frozen=True)
class MatrixPower:
    name: str  # the op name
    spellings: tuple[str, ...]  # its names in a call of the language ("" : syntax only, X^3)
    syntax: str  # how the language writes it besides a call
    meaning: str
    shape: Callable[[tuple[Shape, ...]], Shape]
    numpy: Callable[[np.ndarray, dict], np.ndarray]  # (X, attrs) -> its value
    builder: str  # the core builder applying it (core/build.py); "" : built by mk with k
    differential: Callable[[Any, Expr, Expr], Expr]  # (b, node, dX) -> its differential
    rule: str  # the differential's title in derivations
    printed: dict[str, str]  # notation -> how X's power prints
    code: dict[str, tuple[str, str]]  # backend -> (template name, template over {0}, {1})
    emitter: str  # the codegen/emit.py Emitter method writing it
    bounds: str
    domain: str  # WELL_CONDITIONED or SMOOTH: where the numerical check draws its argument
    sympy: Callable[[Any, Expr, list], Any]  # (interop/to_sympy.py's kit, node, args)
    example: tuple[str, str, str]  # (expression, variable, derivative printed): the docs' row
    sympy_class: str = ""  # the SymPy class from_sympy reads back as a call of spellings[0]
    names_its_argument: bool = False  # a derivation names a compound argument (u = A B)
    notation: Postfix | Superscript | None = None  # how it prints (core/notations.py)
    exponent: int | str = 1  # the power of its operand it is: a number, or its attribute's name
    transposes: str = INTO_ARGUMENT  # (Xᵏ)ᵀ = (Xᵀ)ᵏ (core/linear_ops.py)
    sizes: str = SQUARE_OF_ARGUMENT  # what its printed form says of its sizes
    condition: str = ""  # where it and its derivative hold, of its argument {0} ("" anywhere)
    of_a_scalar: str = ""  # its code at a 1 × 1 argument: over a's code {0} and k {1}
    in_products: str = ""  # SOLVED: applied by a solve in a product; "" formed


def _d_inv(b, node, dx):
    return b.neg(b.mul(node, dx, node))


def _d_mpow(b, node, dx):
    x, k = node.arg, node.attr("k")
    powers = [b.identity(x.shape.rows), x] + [b.mk("mpow", x, k=i) for i in range(2, k)]
    return b.add(*(b.mul(powers[i], dx, powers[k - 1 - i]) for i in range(k)))


def _linalg(template: str, call: str) -> dict[str, tuple[str, str]]:
    return {"numpy": (template, f"np.linalg.{call}"), "jax": (template, f"jnp.linalg.{call}"),
            "torch": (template, f"torch.linalg.{call}")}


def _sympy_mpow(k, node, args):
    x, power = args[0], node.attr("k")
    return k.sp.MatPow(x, power) if k.is_matrix(x) else x ** power


DECLARED = (
    MatrixPower(
        "inv", ("inv",), "A^-1, A⁻¹ (A⁻ᵀ, A^-T: of the transpose)", "the matrix inverse",
        of_square("inverse", lambda s: s), lambda x, attrs: inverse(x), "inv", _d_inv,
        "d(X⁻¹) = −X⁻¹ dX X⁻¹ (Cookbook 40).",
        {"unicode": "X⁻¹", "ascii": "X^-1", "latex": "X^{-1}"},
        _linalg("inv", "inv({0})"), "_inv", SIGN_OF_A_SCALAR, WELL_CONDITIONED,
        lambda k, node, args: k.square(k.sp.Inverse, lambda s: 1 / s)(node, args),
        ("u' inv(X) v", "X", "-X⁻¹ v uᵀ X⁻¹"), sympy_class="Inverse",
        names_its_argument=True,
        notation=Postfix({"unicode": "⁻¹", "ascii": "^-1", "latex": "^{-1}"},
                         transposed={"unicode": "⁻ᵀ", "latex": "^{-\\top}"},
                         negates_powers=True),
        exponent=-1, condition=NONSINGULAR, of_a_scalar="1.0 / {0}", in_products=SOLVED),
    MatrixPower(
        "mpow", (), "A^k, an integer k (A^-k: the power of the inverse)", "the matrix power",
        of_square("matrix power", lambda s: s),
        lambda x, attrs: np.linalg.matrix_power(x, attrs["k"]), "",
        _d_mpow, "d(Xᵏ) = Σᵢ Xⁱ dX Xᵏ⁻¹⁻ⁱ for k ≥ 1 (Cookbook 2.2).",
        {"unicode": "X^3", "ascii": "X^3", "latex": "X^{3}"},
        _linalg("matrix_power", "matrix_power({0}, {1})"), "_mpow", "", SMOOTH,
        _sympy_mpow, ("tr(X^3)", "X", "3 X^2"), notation=Superscript("k"), exponent="k",
        of_a_scalar="{0} ** {1}"),
)

MATRIX_POWERS: dict[str, MatrixPower] = {op.name: op for op in DECLARED}


def solved_factor(node: Expr) -> tuple[Expr, bool] | None:
    """(X, transposed) when `node` is a power declared SOLVED in products of X (X⁻¹: False)
    or its transpose (X⁻ᵀ: True), else None."""
    flipped = node.op == "transpose"
    base = node.arg if flipped else node
    declared = MATRIX_POWERS.get(base.op)
    if declared is None or declared.in_products != SOLVED:
        return None
    return base.arg, flipped
