"""Integer powers of a matrix in a product chain, by the matrix powers' declared exponents
(core/matrix_powers.py): Xᵏ read as (X, k) and written back (X⁻¹ is (X, −1), (X⁻¹)² is (X, −2),
X⁻ᵀ is (Xᵀ, −1)), and adjacent powers of one matrix combined by adding their exponents
(X X = X², X² X⁻¹ = X, X X⁻¹ = I, A B (A B)⁻¹ = I). core/algebra.py's product applies it.
"""
from __future__ import annotations

from .expr import Expr, mk
from .matrix_powers import MATRIX_POWERS

# the matrix powers by their declared exponents (core/matrix_powers.py): the inverse, the power
# −1, and the power whose exponent is its attribute
INVERSE = next(p.name for p in MATRIX_POWERS.values() if p.exponent == -1)
POWER = next(p for p in MATRIX_POWERS.values() if isinstance(p.exponent, str))


def _exponent(f: Expr) -> int | None:
    """The power of its operand f is, by its declaration (None: f is no matrix power)."""
    declared = MATRIX_POWERS.get(f.op)
    if declared is None:
        return None
    return f.attr(declared.exponent) if isinstance(declared.exponent, str) else declared.exponent


def integer_power(f: Expr) -> tuple[Expr, int]:
    """(X, k) with f = Xᵏ, the exponents of nested powers multiplied: X⁻¹ is (X, −1), X³ is
    (X, 3), (X⁻¹)² is (X, −2), X⁻ᵀ is (Xᵀ, −1)."""
    base, k = f, 1
    while _exponent(base) is not None:
        base, k = base.arg, k * _exponent(base)
    if base.op == "transpose" and base.arg.op == INVERSE:  # X⁻ᵀ = (Xᵀ)⁻¹
        return mk("transpose", base.arg.arg), -k
    return base, k


def from_power(base: Expr, k: int) -> Expr:
    """Xᵏ for an integer k ≠ 0 (the inverse of `integer_power`): X, X³, X⁻¹, (X⁻¹)², X⁻ᵀ."""
    if k > 0:
        root = base
    elif base.op == "transpose":  # X⁻ᵀ is written as the transpose of X⁻¹
        root = mk("transpose", mk(INVERSE, base.arg))
    else:
        root = mk(INVERSE, base)
    return root if abs(k) == 1 else mk(POWER.name, root, **{POWER.exponent: abs(k)})


MAX_MATRIX_POWER = 100  # the derivative of Xᵏ is a sum of k terms: larger k are refused


def combine_powers(chain: list[Expr]) -> list[Expr]:
    """Adjacent powers of one square matrix combine: X X = X², X² X⁻¹ = X, X X⁻¹ = I (up to
    the power MAX_MATRIX_POWER: X¹⁰⁰ X stays two factors); and a product next to its own
    inverse cancels: A B (A B)⁻¹ = I."""
    out: list[tuple[Expr, int]] = []
    for f in chain:
        base, k = integer_power(f)
        if out and out[-1][0] is base and abs(out[-1][1] + k) <= MAX_MATRIX_POWER:
            k += out.pop()[1]
            if k == 0:
                continue
        elif base.op == "mul" and k == -1 and _ends_with(out, base.args):
            del out[len(out) - len(base.args):]
            continue
        out.append((base, k))
    return [from_power(base, k) for base, k in out]


def _ends_with(out: list[tuple[Expr, int]], factors: tuple[Expr, ...]) -> bool:
    tail = out[len(out) - len(factors):] if len(out) >= len(factors) else []
    return len(tail) == len(factors) and all(b is f and k == 1 for (b, k), f in zip(tail, factors))
