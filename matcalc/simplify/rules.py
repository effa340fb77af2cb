"""The simplification rules: each a named identity that never lengthens the expression.

A rule has a head operator, a function returning the rewritten node (or None when it does not
apply) and an `example`: a derivative (expression, variable, declarations) whose simplification
uses the rule in at least one layout, so that tests/test_simplify.py checks every rule numerically where it fires. Local canonicalisation (flattening, like terms, I·A = A, ...) is not here: the
smart constructors in core.build always do it.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..core import build as b
from ..core.expr import Expr
from ..core.rebuild import rebuild

Example = tuple[str, str, dict[str, str]]


@dataclass(frozen=True)
class Rule:
    name: str
    head: str
    apply: Callable[[Expr], Expr | None]
    identity: str
    example: Example
    shorter_only: bool = False  # keep a rewrite only if its printed form is not longer


def _is_ones_row(e: Expr) -> bool:
    return e.op == "transpose" and e.arg.op == "ones"


def _pairwise(fn: Callable[[Expr, Expr], Expr | None]) -> Callable[[Expr], Expr | None]:
    """Lift a rule on two adjacent factors of a matrix product to the whole product."""
    def rule(node: Expr) -> Expr | None:
        scalars, chain = b.matmul_chain(node)
        for j in range(len(chain) - 1):
            out = fn(chain[j], chain[j + 1])
            if out is not None:
                return b.mul(*scalars, *chain[:j], out, *chain[j + 2:])
        return None
    return rule


# -- diag and ones ---------------------------------------------------------------------------

@_pairwise
def _ones_row_diag(a: Expr, c: Expr) -> Expr | None:
    return b.transpose(c.arg) if _is_ones_row(a) and c.op == "diag" else None


def _diag_vector(node: Expr) -> Expr | None:
    """diag(a) B c = a ⊙ (B c) when the rest of the product is a vector."""
    scalars, chain = b.matmul_chain(node)
    for j, f in enumerate(chain[:-1]):
        rest = b.mul(*chain[j + 1:])
        if f.op == "diag" and rest.shape.is_vector:
            tail = f.arg if rest.op == "ones" else b.hadamard(f.arg, rest)
            return b.mul(*scalars, *chain[:j], tail)
    return None


@_pairwise
def _diag_diag(a: Expr, c: Expr) -> Expr | None:
    return b.diag(b.hadamard(a.arg, c.arg)) if a.op == c.op == "diag" else None


@_pairwise
def _ones_inner(a: Expr, c: Expr) -> Expr | None:
    return b.dim(c.attr("n")) if _is_ones_row(a) and c.op == "ones" else None


def _ones_outer_hadamard(node: Expr) -> Expr | None:
    """(𝟏 𝟏ᵀ) ⊙ A = A."""
    def is_ones_outer(e):
        return e.op == "mul" and len(e.args) == 2 and e.args[0].op == "ones" \
            and _is_ones_row(e.args[1])
    kept = [a for a in node.args if not is_ones_outer(a)]
    return b.hadamard(*kept) if kept and len(kept) < len(node.args) else None


# -- Kronecker products ----------------------------------------------------------------------

@_pairwise
def _kron_mixed_product(a: Expr, c: Expr) -> Expr | None:
    """(A ⊗ B)(C ⊗ D) = (A C) ⊗ (B D) when the factors conform."""
    if a.op == c.op == "kron":
        (p, q), (r, s) = a.args, c.args
        if p.shape.cols == r.shape.rows and q.shape.cols == s.shape.rows:
            return b.kron(b.mul(p, r), b.mul(q, s))
    return None


@_pairwise
def _kron_commutation(a: Expr, k: Expr) -> Expr | None:
    """(A ⊗ B) K_{n,q} = K_{m,p} (B ⊗ A) for A m×n, B p×q; K_{m,p} = I when m or p is 1."""
    if a.op != "kron" or k.op != "commutation":
        return None
    p, q = a.args
    if (k.attr("m"), k.attr("n")) != (p.shape.cols, q.shape.cols):
        return None
    if not (p.shape.rows.is_one or q.shape.rows.is_one):
        return None
    return b.kron(q, p)


# -- sums: common factors and signs ----------------------------------------------------------

def _factor(node: Expr, side: int) -> Expr | None:
    """A B + A C = A (B + C) (side 0) or B A + C A = (B + C) A (side -1), A a matrix factor."""
    parts = [b.matmul_chain(t) for t in node.args]
    if any(not chain for _, chain in parts):
        return None
    common = parts[0][1][side]
    if any(chain[side] is not common for _, chain in parts):
        return None
    if all(len(chain) == 1 for _, chain in parts):
        return None
    n = common.shape.cols if side == 0 else common.shape.rows
    rests = [b.mul(*s, *(chain[1:] if side == 0 else chain[:-1]) or [b.identity(n)])
             for s, chain in parts]
    inner = b.add(*rests)
    return b.mul(common, inner) if side == 0 else b.mul(inner, common)


def _negative_terms(e: Expr) -> int:
    return sum(1 for t in e.args if b.split_coeff(t)[0] < 0)


_LINEAR_PATH = {"transpose", "sum", "mean", "tr", "diag", "diagpart", "vec", "mul", "hadamard"}


def _negated_inside(e: Expr) -> Expr | None:
    """−e written by negating one difference reached through linear positions, or None."""
    if e.op == "add":
        flipped = b.add(*(b.neg(t) for t in e.args))
        return flipped if _negative_terms(flipped) <= _negative_terms(e) else None
    if e.op not in _LINEAR_PATH:
        return None
    for i, a in enumerate(e.args):
        inner = None if a.op == "const" else _negated_inside(a)
        if inner is not None:
            return rebuild(e, (*e.args[:i], inner, *e.args[i + 1:]))
    return None


def _negate_difference(node: Expr) -> Expr | None:
    """−c F(a − b) = c F(b − a) for F linear in the difference: the leading minus goes inside."""
    coeff, rest = b.split_coeff(node)
    if coeff >= 0:
        return None
    inner = _negated_inside(rest)
    return None if inner is None else b.scale(-coeff, inner)


def _distribute_number(node: Expr) -> Expr | None:
    """c (a + d x) = c a + c d x when that is not longer (only numbers are distributed)."""
    if len(node.args) != 2 or node.args[0].op != "const" or node.args[1].op != "add":
        return None
    c, total = node.args
    bare = sum(1 for t in total.args if b.split_coeff(t)[0] in (1, -1) and t.op != "const")
    if bare > 2:
        return None
    return b.add(*(b.mul(c, t) for t in total.args))


RULES: tuple[Rule, ...] = (
    Rule("ones-row-diag", "mul", _ones_row_diag, "𝟏ᵀ diag(v) = vᵀ",
         ("sum(w .* x)", "x", {})),
    Rule("diag-diag", "mul", _diag_diag, "diag(a) diag(c) = diag(a ⊙ c)",
         ("diag(a) diag(c) x", "x", {"a": "vector", "c": "vector"})),
    Rule("diag-times-vector", "mul", _diag_vector, "diag(a) B c = a ⊙ (B c); diag(a) 𝟏 = a",
         ("y' tanh(x)", "x", {}), shorter_only=True),
    Rule("ones-inner", "mul", _ones_inner, "𝟏ᵀ 𝟏 = n", ("ones' (sum(x) + y)", "x", {})),
    Rule("ones-outer-hadamard", "hadamard", _ones_outer_hadamard, "(𝟏 𝟏ᵀ) ⊙ A = A",
         ("sum(A .* X)", "X", {})),
    Rule("kron-mixed-product", "mul", _kron_mixed_product, "(A ⊗ B)(C ⊗ D) = A C ⊗ B D",
         ("(A X)' y", "X", {})),
    Rule("kron-commutation", "mul", _kron_commutation, "(aᵀ ⊗ B) K = B ⊗ aᵀ",
         ("W' x", "W", {})),
    Rule("factor-left", "add", lambda n: _factor(n, 0), "A B + A C = A (B + C)",
         ("x' A x", "x", {})),
    Rule("factor-right", "add", lambda n: _factor(n, -1), "B A + C A = (B + C) A",
         ("tr(C X P) + tr(C X Q)", "X", {})),
    Rule("negate-difference", "mul", _negate_difference, "−c F(a − b) = c F(b − a), F linear",
         ("sum((y - X w) .^ 2)", "w", {})),
    Rule("distribute-number", "mul", _distribute_number, "c (a + d x) = c a + c d x",
         ("9*(x + x^2)", "x", {"x": "scalar"})),
)
