"""Linear systems in generated code: X⁻¹ B as a solve, never an inverse times B, and log|det X|.

A matrix that is inverted, solved with or log-determined more than once is factorised once
(LU, or Cholesky when declared spd), and every solve and logdet reuses the factors; a solve
with a Cholesky factor L = chol(S), or with an S whose chol(S) the code computes, is triangular
(codegen/factorisations.py).
"""
from __future__ import annotations

from collections import Counter

from ..core import build as b
from ..core.expr import Expr, postorder
from ..core.factorisations import FACTORISATIONS, NONSINGULAR, SPD
from ..core.matrix_powers import solved_factor
from ..core.matrix_scalars import MATRIX_SCALARS
from ..domain import shown
from ..lower.structures import SYMMETRIC
from ..render import UNICODE
from .conditions import checked
from .factorisations import LOWER_FACTORS, triangular_solve
from .source import wrap

_SOLVES = frozenset(f.name for f in FACTORISATIONS.values() if f.solves_first)


def _factor_uses(roots: list[Expr]) -> Counter:
    """How many solves and log-determinants each inverted matrix takes part in."""
    nodes = {n: None for root in roots for n in postorder(root)}
    parents = Counter(a for n in nodes for a in n.args)
    uses: Counter = Counter()
    for n in nodes:
        solved = solved_factor(n)  # X⁻¹: each product it is a factor of is one solve
        if solved is not None:  # (X⁻ᵀ's too, X⁻¹ itself counted once)
            uses[solved[0]] += parents[n] if not solved[1] else max(1, parents[n]) - 1
        elif n.op in MATRIX_SCALARS and MATRIX_SCALARS[n.op].factored:  # logdet
            uses[n.arg] += 1
        elif n.op in _SOLVES:
            uses[n.args[0]] += 1
    return uses


def _is_spd(x: Expr) -> bool:
    return x.op == "var" and x.attr("structure") == "spd"


class Solves:
    """The solves and log-determinants of one emitter (which supplies values and statements),
    sharing each factorisation."""

    def __init__(self, emitter, roots: list[Expr]) -> None:
        self.em = emitter
        self.spell = emitter.backend.spell
        self._uses = _factor_uses(roots)
        self._factors: dict[Expr, str] = {}
        self._cholesky = {n.arg: n for root in roots for n in postorder(root)
                          if n.op in LOWER_FACTORS}

    def shared(self, x: Expr) -> bool:
        """Whether x takes part in more than one solve or logdet (then it is factorised)."""
        return self._uses[x] > 1

    def refusing(self, x: Expr) -> bool:
        """Whether X⁻¹'s code checks that X is non-singular: not for a Cholesky factor, nor
        for X with one (triangular solves), nor for an X declared spd."""
        x = x.arg if x.op == "transpose" else x
        return not (_is_spd(x) or x.op in LOWER_FACTORS or x in self._cholesky)

    def _factor(self, x: Expr, node: Expr | None = None) -> str:
        """X's factors (Cholesky's where X is declared spd, else LU's), computed once; LU's
        refused where X is singular or nearly so (its condition number past evaluate's bound:
        estimated by LAPACK gecon in numpy, by the spread of the pivots elsewhere)."""
        if x not in self._factors:
            code = self.spell("cho_factor" if _is_spd(x) else "lu_factor", self.em.value(x).code)
            if not _is_spd(x):
                pivots = self.spell("lu_conditioned", "{0}", self.em.value(x).code)
                sentence = NONSINGULAR.format(shown(x, UNICODE))
                code = checked(self.em, code, pivots, node or b.inv(x), sentence)
            self._factors[x] = self.em.let(code)
        return self._factors[x]

    def solve(self, x: Expr, rhs: str, transposed: bool, node: Expr | None = None) -> str:
        """The code of X⁻¹ rhs (X⁻ᵀ rhs when `transposed`), from `node` (solve(X, B); else
        a product with X⁻¹) as a refusal names it: refused where X is singular or nearly so."""
        if x.op == "transpose" and not _is_spd(x.arg):  # (X⁻ᵀ rhs by X's factors)
            x, transposed = x.arg, not transposed
        if x.op in LOWER_FACTORS or x in self._cholesky:  # S⁻¹ rhs = L⁻ᵀ (L⁻¹ rhs), S = L Lᵀ
            return triangular_solve(self.em, x, rhs, transposed, self._cholesky.get(x))
        symmetric = x.op == "var" and x.attr("structure") in SYMMETRIC
        if self.shared(x) or not _is_spd(x):
            factor = self._factor(x, node)
            if _is_spd(x):
                return self.spell("cho_solve", factor, rhs)
            key = "lu_solve_T" if transposed and not symmetric else "lu_solve"
            return self.spell(key, factor, rhs)
        matrix = self.em.value(x).code
        if transposed and not symmetric:
            matrix = self.spell("T", wrap(matrix))
        return self.spell("solve_system", matrix, rhs)

    def spd_inverse(self, x: Expr) -> str | None:
        """S⁻¹ of an S declared spd from its Cholesky factor where the backend spells that
        (LAPACK potri, torch.cholesky_inverse: n³ flops against the LU inverse's 2n³), refused
        where S is not positive definite; else None."""
        if not _is_spd(x) or "cho_inverse" not in self.em.backend.templates:
            return None
        code = self.spell("cho_inverse", self.em.value(x).code)
        return checked(self.em, code, "{0}[1]", b.inv(x), SPD.format(shown(x, UNICODE))) + "[0]"

    def logdet(self, node: Expr) -> str:
        """The code of log|det X| (through Cholesky when X is declared spd) for `node` a
        scalar function of X declared factored (logdet)."""
        x = node.arg
        if self.shared(x):
            key = "cho_logdet" if _is_spd(x) else "lu_logabsdet"
            return self.spell(key, self._factor(x))
        if _is_spd(x):
            chol = self.em.let(self.spell("cholesky", self.em.value(x).code))
            return f"2.0 * {self.spell('total', self.spell('log', self.spell('diagonal', chol)))}"
        return self.spell(node.op, self.em.value(x).code)
