"""The printer: one visitor for every notation, driven by one precedence table.

`render(expr, notation)` returns the text. Each op's printer returns (text, precedence); a
child is parenthesised when its precedence is too low for its place. An operator declaring a
notation (core/notations.py: a postfix mark, an infix symbol, a superscript) is printed as its
declaration says; the structural operators (sums, products, transposes) by their own methods.
Printers never simplify: what is printed is exactly the expression `evaluate` computes. Products
print their negative powers as a denominator (`2 x / N`, `w ⊘ x.^2`).
"""
from __future__ import annotations

import re
from fractions import Fraction

from ..core import build as b
from ..core.constants import CONSTANTS
from ..core.elementwise import BINARY
from ..core.elementwise import FUNCTIONS as ELEMENTWISE
from ..core.expr import Expr, postorder
from ..core.extremes import EXTREMES
from ..core.linear_ops import LINEAR_OPS
from ..core.notations import ADD, ATOM, CMP, EW, MUL, POW, Postfix
from ..core.ops import notation_of
from ..core.vector_functions import VECTOR_FUNCTIONS
from ..shapes import GENERATED, Dim
from .notation import ASCII, LATEX, Notation
from .sizes import implied_constants

__all__ = ["ADD", "ATOM", "CMP", "EW", "MUL", "POW", "Printer", "render"]

FUNCTION_NAMES = {**{op.name: op.printed for op in LINEAR_OPS.values()},
                  **{f.name: f.spelling for f in BINARY.values()},
                  **{e.name: e.spelling for e in EXTREMES.values()}}


class Printer:
    """`implied`: identity and all-ones nodes printed without their size (render/sizes.py)."""

    def __init__(self, notation: Notation, implied: frozenset[Expr] = frozenset()):
        self.n = notation
        self.implied = implied
        self.memo: dict[Expr, tuple[str, int]] = {}

    def __call__(self, e: Expr) -> tuple[str, int]:
        if e not in self.memo:
            self.memo[e] = self.rule(e)(e)
        return self.memo[e]

    def rule(self, e: Expr):
        """The method printing e: a named constant's, its declared notation's (p_postfix,
        p_infix, p_superscript, p_headed, p_appliedinverse, p_subscripted), a structural
        operator's own, or a call."""
        if e.op in CONSTANTS:
            return self.p_constant
        notation = notation_of(e.op)
        if notation is not None:
            return getattr(self, "p_" + type(notation).__name__.lower())
        return getattr(self, "p_" + e.op, self.p_function)

    def at(self, e: Expr, least: int) -> str:
        """e's text, in parentheses unless its precedence is at least `least`."""
        text, prec = self(e)
        if prec >= least:
            return text
        return f"\\left({text}\\right)" if self.n is LATEX else f"({text})"

    # -- leaves ----------------------------------------------------------------------------
    def p_var(self, e):
        return self.n.var(e.attr("name"), e.is_scalar), ATOM

    def p_tangent(self, e):
        name = self.n.var(e.attr("name"), e.is_scalar)
        return ("\\mathrm{d}" + name if self.n is LATEX else "d" + name), ATOM

    def p_const(self, e):
        return self.number(e.attr("value"))

    def number(self, value: Fraction) -> tuple[str, int]:
        if value < 0:
            return "-" + self.number(-value)[0], ADD
        if value.denominator == 1:
            return str(value.numerator), ATOM
        small = self.scientific(value)
        if small is not None:
            return small, (ATOM if self.n is not LATEX or "cdot" not in small else MUL)
        return self.n.fraction(str(value.numerator), str(value.denominator)), EW

    def scientific(self, value: Fraction) -> str | None:
        """A small decimal number (below 10⁻³, at most 4 significant digits) as it is written:
        1e-5 (LaTeX 10^{-5}), 1.5e-4, rather than 1e-5; None for any other number."""
        mantissa, exponent = scientific_parts(value)
        if mantissa is None or exponent > -4:
            return None
        if self.n is LATEX:
            power = f"10^{{{exponent}}}"
            return power if mantissa == "1" else f"{mantissa} \\cdot {power}"
        return f"{mantissa}e{exponent}"

    def p_constant(self, e):
        """A named constant as declared (core/constants.py): π, pi, \\pi."""
        return CONSTANTS[e.op].printed[self.n.name], ATOM

    def p_dim(self, e):
        return self.n.var(str(e.attr("size")).lstrip(GENERATED), True), ATOM

    def size(self, dim: Dim) -> str:
        """A size as a subscript shows it: n, 3, m n (the product m·n)."""
        parts = [str(dim.coeff)] if dim.coeff != 1 or not dim.symbols else []
        return " ".join(parts + [self.n.var(s.lstrip(GENERATED), True) for s in dim.symbols])

    def p_identity(self, e):
        name = "\\mathbf{I}" if self.n is LATEX else "I"
        return (name if e in self.implied else self.n.subscript(name, self.size(e.attr("n")))), \
            ATOM

    def p_ones(self, e):
        if e in self.implied:
            return self.n.ones, ATOM
        return self.n.subscript(self.n.ones, self.size(e.attr("n"))), ATOM

    def p_zero(self, e):
        if e.is_scalar:
            return "0", ATOM
        rows, cols = self.size(e.shape.rows), self.size(e.shape.cols)
        return self.n.subscript(self.n.zero(False), self.n.by(rows, cols)), ATOM

    def p_commutation(self, e):
        return self.n.subscript("K", f"{self.size(e.attr('m'))},{self.size(e.attr('n'))}"), ATOM

    def p_absgrad(self, e):
        name = e.attr("argname")
        arg = self.n.var(name, e.arg.is_scalar) if name else self.at(e.arg, ATOM + 1)
        return self.n.partial(e.attr("fname"), arg), ATOM

    def p_apply(self, e):
        return self.n.call(e.attr("fname"), [self(e.arg)[0]]), ATOM

    # -- sums and products -----------------------------------------------------------------
    def p_add(self, e):
        parts = []
        for i, term in enumerate(e.args):
            c, rest = b.split_coeff(term)
            if i and c < 0:
                parts.append(" - " + self.term(b.scale(-c, rest), ADD + 1))
            else:
                parts.append((" + " if i else "") + self.term(term, ADD if i == 0 else CMP + 1))
        return "".join(parts), ADD

    def term(self, term: Expr, least: int) -> str:
        if term.op == "expand":  # scalar expansion reads as the scalar inside a sum
            return self.at(term.arg, least)
        return self.at(term, least)

    def p_expand(self, e):
        return self(b.mul(e.arg, b.ones_matrix(e.shape)))

    def p_mul(self, e):
        coeff, num, den = Fraction(1), [], []
        for f in e.args:
            if f.op == "const":
                coeff *= f.attr("value")
            elif f.op == "pow" and f.is_scalar and f.args[1].op == "const" and \
                    f.args[1].attr("value") < 0:  # (not v.^-1 of a vector: / is by scalars)
                den.append(b.power(f.args[0], b.const(-f.args[1].attr("value"))))
            else:
                num.append(f)
        return self.quotient(coeff, num, den, " ", MUL)

    def quotient(self, coeff, num, den, joiner, tier):
        """±(p · num) / (q · den), each side a product joined by `joiner` at `tier`; a product
        of matrices with a coefficient over sizes reads (2/N) A B, the scalar factor in front."""
        if tier == MUL and den and all(f.op == "dim" for f in den) and \
                abs(coeff.numerator) != 1 and sum(not f.is_scalar for f in num) > 1:
            return self.sized_coefficient(coeff, num, den)
        small = self.scientific(abs(coeff))
        top = [small] if small is not None else \
            [str(abs(coeff.numerator))] if abs(coeff.numerator) != 1 or not num else []
        bottom = [str(coeff.denominator)] if coeff.denominator != 1 and small is None else []
        lone = len(num) == 1  # 2 x ⊙ y reads well; 2 (x ⊙ y) A needs its parentheses
        top += [self.factor(f, lone and (bool(top) or coeff < 0), tier) for f in num]
        bottom += [self.factor(f, False, tier) for f in den]
        text, prec = self.joined(top, joiner), (tier if len(top) > 1 else POW)
        if bottom:
            under = joiner.join(bottom)
            if len(bottom) > 1 and self.n is not LATEX:
                under = f"({under})"
            if tier == MUL:
                text = self.n.fraction(text, under)
                prec = ATOM if self.n is LATEX else (MUL if len(top) > 1 else EW)
            else:
                text, prec = f"{text}{self.n.ew_divide}{under}", EW
        if coeff < 0:
            return "-" + text, ADD
        return text, prec

    def joined(self, parts: list[str], joiner: str) -> str:
        """The factors' texts joined; in ASCII, `ones * (u)ᵀ` where `ones (u)ᵀ` would read as
        the call ones(u) (the reader takes a name before '(' for a call)."""
        text = parts[0] if parts else ""
        for part in parts[1:]:
            call_like = joiner == " " and self.n is ASCII and part.startswith("(") and \
                re.search(r"(?<![\w.])ones$", text)
            text += (" * " if call_like else joiner) + part
        return text

    def sized_coefficient(self, coeff, num, den):
        """(2/N) A: a coefficient over sizes N gathered in front of a matrix product."""
        top = str(abs(coeff.numerator))
        under = " ".join([str(coeff.denominator)] * (coeff.denominator != 1) +
                         [self(f)[0] for f in den])
        fraction = self.n.fraction(top, under).replace(" / ", "/")
        lead = fraction if self.n is LATEX else f"({fraction})"
        rest = [self.factor(f, False, MUL) for f in num]
        return ("-" if coeff < 0 else "") + " ".join([lead, *rest]), \
            (ADD if coeff < 0 else MUL)

    def factor(self, f: Expr, after_number: bool, tier: int) -> str:
        if tier == MUL:
            least = EW if after_number else POW  # 2 x ⊙ y, but A (x ⊙ y)
            if f.op == "mul":  # a 1 × 1 product inside a product keeps its parentheses
                least = MUL if _associative(f) else ATOM
            text = self.at(f, least)
            if after_number and text[:1].isdigit():  # 3 (1 ⊘ u), not 3 1 ⊘ u
                text = self.at(f, ATOM)
            return text
        if f.op == "hadamard" and _associative(f):
            return self.at(f, EW)
        return self.at(f, POW)

    def p_hadamard(self, e):
        num, den = [], []
        for f in e.args:
            if f.op == "pow" and f.args[1].op == "const" and f.args[1].attr("value") < 0:
                den.append(b.power(f.args[0], b.const(-f.args[1].attr("value"))))
            else:
                num.append(f)
        return self.quotient(Fraction(1), num, den, self.n.hadamard, EW)

    def p_infix(self, e):
        """A ⊗ B: the declared symbol between the operands, a chain of an associative one
        without inner parentheses (A ⊗ B ⊗ C); a call where this notation has no symbol
        (ASCII kron(A, B))."""
        infix = notation_of(e.op)
        symbol = infix.symbols.get(self.n.name)
        sides = [self(a)[0] if a.op == e.op and infix.associative and symbol else
                 self.at(a, infix.precedence + 1) for a in e.args]
        if symbol is None:
            return self.n.call(FUNCTION_NAMES[e.op], sides), ATOM
        return symbol.join(sides), infix.precedence

    # -- powers and postfix operators ------------------------------------------------------
    def p_pow(self, e):
        base, exponent = e.args
        if exponent.op == "const" and exponent.attr("value") < 0:
            return self.reciprocal(e)
        return self.n.superscript(self.at(base, ATOM), self.at(exponent, ATOM),
                                  elementwise=not e.is_scalar), POW

    def reciprocal(self, e: Expr):
        base, exponent = e.args
        den = [b.power(base, b.const(-exponent.attr("value")))]
        if e.is_scalar:
            return self.quotient(Fraction(1), [], den, " ", MUL)
        return self.quotient(Fraction(1), [], den, self.n.hadamard, EW)

    def p_transpose(self, e):
        child = e.arg
        inner = notation_of(child.op)
        mark = inner.transposed.get(self.n.name) if isinstance(inner, Postfix) else None
        if mark:  # X⁻ᵀ: one mark, as the postfix declares
            return self.at(child.arg, ATOM) + mark, POW
        if child.op == "absgrad":  # (∂f/∂Y)ᵀ: the transpose is of the whole symbol
            return self.at(child, ATOM + 1) + self.n.transpose, POW
        return self.at(child, ATOM) + self.n.transpose, POW

    def p_postfix(self, e):
        """X⁻¹, X⁺: the declared mark after the operand; a call where this notation has no
        mark (ASCII pinv(X))."""
        mark = notation_of(e.op).marks.get(self.n.name)
        if mark is None:
            return self.p_function(e)
        return self.at(e.arg, ATOM) + mark, POW

    def p_appliedinverse(self, e):
        """solve(A, B) as its notation writes it where it does: A⁻¹ B, A⁻ᵀ B for solve(Aᵀ, B)
        (the same value, as mathematics writes it); a call elsewhere."""
        notation = notation_of(e.op)
        if self.n.name not in notation.written:
            return self.p_function(e)
        a, rhs = e.args
        marks = notation.inverse.transposed if a.op == "transpose" else notation.inverse.marks
        base = a.arg if a.op == "transpose" else a
        return f"{self.at(base, ATOM)}{marks[self.n.name]} {self.at(rhs, POW)}", MUL

    def p_headed(self, e):
        """A call with the head its notation declares for this notation (LaTeX \\Phi(M) for
        tril_half(M), \\exp^{[1]}(λ) for divdiff_exp(λ)), else of the operator's name."""
        head = notation_of(e.op).heads.get(self.n.name)
        if head is None:
            return self.p_function(e)
        return self.n.call(head, [self(a)[0] for a in e.args]), ATOM

    def p_superscript(self, e):
        """Xᵏ, k the declared attribute; of an operand whose postfix negates powers, the
        negative power of its operand (X^-3 for (X⁻¹)³)."""
        base, k = e.arg, str(e.attr(notation_of(e.op).attribute))
        inner = notation_of(base.op)
        if isinstance(inner, Postfix) and inner.negates_powers:
            base, k = base.arg, "-" + k
        return self.n.superscript(self.at(base, ATOM), k, False), POW

    def p_unvec(self, e):
        sizes = self.n.by(self.size(e.shape.rows), self.size(e.shape.cols))
        return self.n.call(self.n.subscript(self.n.unvec, sizes), [self(e.arg)[0]]), ATOM

    def p_subscripted(self, e):
        """L_exp(X, E), J_sqrt(X): the declared letter subscripted by the function its
        attribute names (LaTeX L_{\\exp}, J_{\\sqrt{\\cdot}})."""
        notation = notation_of(e.op)
        subscript = notation.subscripts[self.n.name][e.attr(notation.attribute)]
        head = f"{notation.letter}_{{{subscript}}}" if self.n is LATEX else \
            f"{notation.letter}_{subscript}"
        return self.n.call(head, [self(a)[0] for a in e.args]), ATOM

    def p_gt(self, e):
        """u > v; a broadcast scalar side as the scalar (x > 1), as the language reads it."""
        left, right = b.unexpanded(e.args)
        return self.at(left, ADD) + self.n.comparison() + self.at(right, ADD), CMP

    def p_function(self, e):
        of_vectors = VECTOR_FUNCTIONS.get(e.op)
        if of_vectors is not None:  # log(softmax(u)): the declared nested calls
            inner, *outer = reversed(of_vectors.printed)
            text = self.n.call(inner, [self(a)[0] for a in _shown_args(e)])
            for name in outer:
                text = self.n.call(name, [text])
            return text, ATOM
        declared = ELEMENTWISE.get(e.op)
        fn = self.n.function(declared) if declared else FUNCTION_NAMES.get(e.op, e.op)
        args = b.unexpanded(e.args) if e.op in BINARY else e.args
        if declared and declared.parameter and _is_constant(args[1], declared.parameter.default):
            args = args[:1]  # huber(u) for huber(u, 1)
        return self.n.call(fn, [self(a)[0] for a in args]), ATOM


def _is_constant(e: Expr, value) -> bool:
    return e.op == "const" and e.attr("value") == value


def _shown_args(e: Expr) -> tuple[Expr, ...]:
    """A vector function's operands as printed: its parameter left out where it is the default
    (layernorm(x) for layernorm(x, 1e-5))."""
    parameter = VECTOR_FUNCTIONS[e.op].parameter
    if parameter and b.is_const(e.args[1], parameter.default):
        return e.args[:1]
    return e.args


def _associative(f: Expr) -> bool:
    """Whether a (heavy, so unflattened) matrix or elementwise product inside one reads
    without parentheses: A (B C) = A B C, when it has neither a scalar factor nor a quotient."""
    return not f.is_scalar and all(not a.is_scalar and not (a.op == "pow" and a.args[1].op ==
                                                            "const") for a in f.args)


def render(expr: Expr, notation: Notation) -> str:
    """The text of `expr`; a comparison as a whole result keeps its parentheses: (u > 0)."""
    printer = Printer(notation, implied_constants(expr))
    for node in postorder(expr):  # children first: no recursion, however deep the expression
        printer(node)
    return printer.at(expr, ADD)


def scientific_parts(value: Fraction) -> tuple[str | None, int]:
    """(mantissa, exponent) with value = mantissa · 10^exponent, the mantissa's digits at most
    4 (1.035, 15 → 1.5); (None, 0) when value > 0 is not such a decimal."""
    exponent, scaled = 0, value
    while scaled.denominator != 1 and exponent > -30:
        scaled, exponent = scaled * 10, exponent - 1
    if scaled.denominator != 1 or scaled <= 0:
        return None, 0
    digits = str(scaled.numerator).rstrip("0")
    exponent += len(str(scaled.numerator)) - len(digits) + len(digits) - 1
    if len(digits) > 4:
        return None, 0
    return (digits[0] + ("." + digits[1:] if len(digits) > 1 else "")), exponent

