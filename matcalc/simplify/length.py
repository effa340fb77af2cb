"""The length of an expression in tokens, counted on the tree: what the simplifier's guard
compares (a rule marked `shorter_only` keeps its rewrite only when this is not larger).

A token is a name, a number or a symbol (ᵀ, ⁻, ¹, ⊙, +, a parenthesis, ...); a constant with
its size (I_n, 𝟏_n, 0_{m×n}) and a derivative symbol ∂f/∂Y are one each. The count follows the
way the Unicode text spells each operator (products with negative powers as quotients, a
coefficient over sizes as (2/N), a difference with its minus) and its precedences, so that it
is the number of tokens of the printed form: tests/test_deep.py checks that against the
printer. Counts are cached per node and computed children first: linear in the distinct nodes.
"""
from __future__ import annotations

import weakref
from fractions import Fraction
from functools import partial

from ..core import build as b
from ..core.expr import Expr, postorder_new
from ..core.notations import (
    ADD,
    ATOM,
    CMP,
    EW,
    MUL,
    POW,
    AppliedInverse,
    Headed,
    Infix,
    Postfix,
    Subscripted,
    Superscript,
)
from ..core.ops import notation_of
from ..core.vector_functions import VECTOR_FUNCTIONS

_COUNTS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # node -> (tokens, precedence)
_ONE_TOKEN = {"var", "tangent", "dim", "identity", "ones", "zero", "commutation"}


def expression_length(expr: Expr) -> int:
    """The number of tokens of expr's printed form."""
    for node in postorder_new(expr, _COUNTS):
        _COUNTS[node] = _own(node)
    return _at(expr, ADD)


def _count(e: Expr) -> tuple[int, int]:
    if e not in _COUNTS:  # (a node the counting builds: a negated term, a denominator)
        _COUNTS[e] = _own(e)
    return _COUNTS[e]


def _at(e: Expr, least: int) -> int:
    """Tokens of e in a place that needs precedence `least` (two more for parentheses)."""
    n, prec = _count(e)
    return n if prec >= least else n + 2


def _own(e: Expr) -> tuple[int, int]:
    op = e.op
    if op in _ONE_TOKEN:
        return 1, ATOM
    if op == "const":
        return _number(e.attr("value"))
    counter = _COUNTERS.get(op)
    if counter is not None:
        return counter(e)
    notation = notation_of(op)
    if notation is not None:
        return _BY_NOTATION[type(notation)](e)
    return _call(e)


def _call(e: Expr) -> tuple[int, int]:
    """f(a, b): the head, two parentheses and a comma between each two operands, whatever
    the head's spelling (L_exp and Φ are one token each)."""
    return 2 + sum(_count(a)[0] for a in e.args) + len(e.args), ATOM


def _number(value: Fraction) -> tuple[int, int]:
    if value < 0:
        return 1 + _number(-value)[0], ADD
    return (1, ATOM) if value.denominator == 1 else (3, EW)  # p / q


def _add(e: Expr) -> tuple[int, int]:
    total = 0
    for i, term in enumerate(e.args):
        c, rest = b.split_coeff(term)
        if i and c < 0:
            total += 1 + _term(b.scale(-c, rest), ADD + 1)
        else:
            total += (1 if i else 0) + _term(term, ADD if i == 0 else CMP + 1)
    return total, ADD


def _term(term: Expr, least: int) -> int:
    return _at(term.arg if term.op == "expand" else term, least)


def _negative_power(f: Expr) -> Expr | None:
    """u^k for a factor u^−k with a numeric exponent, else None."""
    if f.op == "pow" and f.args[1].op == "const" and f.args[1].attr("value") < 0:
        return b.power(f.args[0], b.const(-f.args[1].attr("value")))
    return None


def _mul(e: Expr) -> tuple[int, int]:
    coeff, num, den = Fraction(1), [], []
    for f in e.args:
        under = _negative_power(f) if f.is_scalar else None
        if f.op == "const":
            coeff *= f.attr("value")
        elif under is not None:
            den.append(under)
        else:
            num.append(f)
    return _quotient(coeff, num, den, MUL)


def _hadamard(e: Expr) -> tuple[int, int]:
    num, den = [], []
    for f in e.args:
        under = _negative_power(f)
        (num if under is None else den).append(f if under is None else under)
    return _quotient(Fraction(1), num, den, EW)


def _quotient(coeff: Fraction, num: list[Expr], den: list[Expr], tier: int) -> tuple[int, int]:
    """±(p · num) / (q · den): joined by juxtaposition (MUL) or by ⊙ and ⊘ (EW)."""
    if tier == MUL and den and all(f.op == "dim" for f in den) and \
            abs(coeff.numerator) != 1 and sum(not f.is_scalar for f in num) > 1:
        return _sized_coefficient(coeff, num, den)
    top = 1 if abs(coeff.numerator) != 1 or not num else 0
    lone = len(num) == 1
    parts = top + len(num)
    n = top + sum(_factor(f, lone and (bool(top) or coeff < 0), tier) for f in num)
    bottom = (coeff.denominator != 1) + len(den)
    joiner = 1 if tier == EW else 0
    n += joiner * (parts - 1)
    prec = tier if parts > 1 else POW
    if bottom:
        n += (coeff.denominator != 1) + sum(_factor(f, False, tier) for f in den)
        n += joiner * (bottom - 1) + 1 + (2 if bottom > 1 else 0)
        prec = (MUL if parts > 1 else EW) if tier == MUL else EW
    return (n + 1, ADD) if coeff < 0 else (n, prec)


def _sized_coefficient(coeff: Fraction, num: list[Expr], den: list[Expr]) -> tuple[int, int]:
    """(2/N) A: the coefficient over sizes N in parentheses in front of a matrix product."""
    lead = 4 + (coeff.denominator != 1) + sum(_count(f)[0] for f in den)  # ( 2 / ... )
    n = lead + sum(_factor(f, False, MUL) for f in num)
    return (n + 1, ADD) if coeff < 0 else (n, MUL)


def _factor(f: Expr, after_number: bool, tier: int) -> int:
    if tier == MUL:
        least = EW if after_number else POW
        if f.op == "mul":
            least = MUL if _associative(f) else ATOM
        return _at(f, least)
    return _at(f, EW if f.op == "hadamard" and _associative(f) else POW)


def _associative(f: Expr) -> bool:
    """A product inside a product read without parentheses (no scalar factor, no quotient)."""
    return not f.is_scalar and all(not a.is_scalar and not (a.op == "pow" and a.args[1].op ==
                                                            "const") for a in f.args)


def _pow(e: Expr) -> tuple[int, int]:
    base, exponent = e.args
    under = _negative_power(e)
    if under is not None:
        return _quotient(Fraction(1), [], [under], MUL if e.is_scalar else EW)
    return _at(base, ATOM) + 1 + _at(exponent, ATOM), POW


def _transpose(e: Expr) -> tuple[int, int]:
    child = e.arg
    inner = notation_of(child.op)
    if isinstance(inner, Postfix) and "unicode" in inner.transposed:  # X⁻ᵀ, one mark
        return _at(child.arg, ATOM) + len(inner.transposed["unicode"]), POW
    return _at(child, ATOM + 1 if child.op == "absgrad" else ATOM) + 1, POW


def _postfix(e: Expr) -> tuple[int, int]:
    """X⁻¹, X⁺: the operand and its declared mark's tokens."""
    return _at(e.arg, ATOM) + notation_of(e.op).tokens, POW


def _superscript(e: Expr) -> tuple[int, int]:
    """X^3 (X, ^, 3), and X^-3 for the power of an operand whose postfix negates powers."""
    inner = notation_of(e.arg.op)
    negated = isinstance(inner, Postfix) and inner.negates_powers
    return _at(e.arg.arg if negated else e.arg, ATOM) + 2 + negated, POW


def _absgrad(e: Expr) -> tuple[int, int]:
    """∂f/∂Y is one token; ∂f/∂(expression) four and the parenthesised expression."""
    return (1 if e.attr("argname") else 4 + _at(e.arg, ATOM + 1)), ATOM


def _infix(e: Expr) -> tuple[int, int]:
    """A ⊗ B: the operands and a symbol between each two, a chain of an associative infix
    without inner parentheses."""
    infix = notation_of(e.op)
    sides = [_count(a)[0] if a.op == e.op and infix.associative else
             _at(a, infix.precedence + 1) for a in e.args]
    return sum(sides) + len(sides) - 1, infix.precedence


def _nested_calls(calls: int, e: Expr) -> tuple[int, int]:
    """f(g(u)): a name and two parentheses per call around the argument."""
    return 3 * calls + _count(e.arg)[0], ATOM


_COUNTERS = {
    "add": _add,
    "mul": _mul,
    "hadamard": _hadamard,
    "expand": lambda e: _count(b.mul(e.arg, b.ones_matrix(e.shape))),
    "pow": _pow,
    "transpose": _transpose,
    "absgrad": _absgrad,
    "apply": lambda e: (3 + _count(e.arg)[0], ATOM),  # f(u)
    **{f.name: partial(_nested_calls, len(f.printed))  # log(softmax(u))
       for f in VECTOR_FUNCTIONS.values() if len(f.printed) > 1},
    "unvec": lambda e: (3 + _count(e.arg)[0], ATOM),  # vec⁻¹_{m×n}(v)
    "gt": lambda e: (_at(e.args[0], ADD) + 1 + _at(e.args[1], ADD), CMP),
}
def _applied_inverse(e: Expr) -> tuple[int, int]:
    """A⁻¹ B where Unicode text writes solve(A, B) so (a call where it does not)."""
    notation = notation_of(e.op)
    if "unicode" not in notation.written:
        return _call(e)
    a, rhs = e.args
    marks = notation.inverse.transposed if a.op == "transpose" else notation.inverse.marks
    return _at(a.arg if a.op == "transpose" else a, ATOM) + len(marks["unicode"]) + \
        _at(rhs, POW), MUL


_BY_NOTATION = {Postfix: _postfix, Infix: _infix, Superscript: _superscript, Headed: _call,
                Subscripted: _call, AppliedInverse: _applied_inverse}
