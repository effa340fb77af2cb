"""Is the user's own derivation right? `equivalent(claim, expr, wrt)` compares a claimed
derivative with matcalc's: symbolically when the simplifier brings both to the same closed form,
numerically at random points otherwise, and says how they differ when they do (the transpose,
a constant factor, the sign, the shape). In a claim, `I` (or `I_n`, as printed in Kronecker
products) is the identity unless it is a variable, and abstract derivatives are written by
their ASCII names (`df_dY`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import product

import numpy as np

from .check import concrete, draw_point, symbol_sizes, value_at
from .core import build as b
from .core.expr import Expr, postorder
from .core.rebuild import substitute
from .diff.readout import LAYOUTS
from .errors import DeclarationError, ShapeError
from .evaluate import symbol_names
from .lower import declarations_of, lower
from .simplify import simplify
from .syntax import parse


@dataclass(frozen=True)
class Verdict:
    equal: bool
    proved: bool  # the simplifier gives both the same closed form
    message: str

    def __bool__(self) -> bool:
        return self.equal

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return self.message


def _identity_spellings(text: str) -> set[str]:
    """I and I_n, I_m, ... as printed in Kronecker products."""
    return {"I"} | set(re.findall(r"\bI_\w+", text))


def _claim(text: str, d) -> tuple[Expr, list[str]]:
    """The claim as an expression typed with exactly the derivative's variables (so equal forms
    are one node), its abstract symbols (df_dY) standing for matcalc's; and the names it uses
    that the expression does not have."""
    names = frozenset(n for n in _identity_spellings(text) if n not in d.program.variables)
    symbols = {ascii: n for n in postorder(d.expr) if n.op == "absgrad"
               for ascii in [symbol_names(n)[1]]}
    known = {**d.program.variables, **symbols}
    declared = declarations_of(known, d.program.kinds)
    program = lower(parse(text), identity_names=names, declarations=declared,
                    expect=d.expr.shape, open_constants=True)
    mapping = {program.variables[s]: n for s, n in symbols.items() if s in program.variables}
    unknown = sorted(set(program.variables) - set(known))
    return substitute(program.expr, mapping) if mapping else program.expr, unknown


def _difference(claim: np.ndarray, ours: np.ndarray, layout: str) -> str:
    if claim.T.shape == ours.shape and np.allclose(claim.T, ours, rtol=1e-7, atol=1e-9):
        return "your answer is the transpose of matcalc's (the other layout?)"
    if claim.shape != ours.shape:
        return f"your answer has shape {claim.shape}, matcalc's {ours.shape} ({layout} layout)"
    nonzero = np.abs(ours) > 1e-9
    if nonzero.any() and np.allclose(claim[~nonzero], 0, atol=1e-9):
        ratios = claim[nonzero] / ours[nonzero]
        if np.allclose(ratios, ratios[0], rtol=1e-7):
            factor = float(ratios[0])
            if np.isclose(factor, -1.0):
                return "your answer has the opposite sign"
            return f"your answer differs by a factor {factor:.6g}"
    return "your answer differs (largest difference " \
        f"{float(np.abs(claim - ours).max()):.3g} at a random point)"


def _open_sizes(claim: Expr, sizes: dict[str, int], target: tuple[int, int]) -> dict[str, int]:
    """`sizes` completed with values for the sizes the claim leaves open (the size of the I in
    Wᵀ ⊗ I), chosen so that the claim has the derivative's shape when some choice does."""
    open_ = sorted({s for n in postorder(claim) for d in (n.shape.rows, n.shape.cols)
                    for s in d.symbols} - set(sizes))
    for values in product(range(1, 9), repeat=len(open_)):
        trial = {**sizes, **dict(zip(open_, values))}
        shape = (claim.shape.rows.value(trial), claim.shape.cols.value(trial))
        if shape == target:
            return trial
    return {**sizes, **{s: 1 for s in open_}}


def equivalent(claim: str, expr: str, wrt: str, vars: dict[str, str] | None = None,
               layout: str = "numerator", points: int = 3, seed: int = 0) -> Verdict:
    """Whether `claim` is the derivative of `expr` by `wrt` in `layout`, and if not, how not."""
    from .api import derive
    if layout not in LAYOUTS:
        raise DeclarationError(f"layout must be 'numerator' or 'denominator', not {layout!r}")
    d = derive(expr, wrt, vars, layout)
    try:
        claimed, unknown = _claim(claim, d)
    except ShapeError as err:
        return Verdict(False, False, f"your answer's shapes do not fit: {err.message}")
    except DeclarationError as err:  # ∂f/∂(u) at an argument u the derivative does not have
        return Verdict(False, False, f"your answer's symbols are not the derivative's: "
                                     f"{err.message}")
    if unknown:
        return Verdict(False, False, f"your answer uses {', '.join(unknown)}, which the "
                                     f"expression does not have")
    if claimed.shape == d.expr.shape and (
            simplify(claimed) is d.expr or b.is_zero(simplify(b.sub(claimed, d.expr)))):
        return Verdict(True, True, "equal: the simplifier proves it")
    rng = np.random.default_rng(seed)
    ours_expr, claim_expr = concrete(d.expr, layout), concrete(claimed, layout)
    for _ in range(points):
        sizes = symbol_sizes([ours_expr, concrete(d.function, layout),
                              *d.program.variables.values()], rng)  # (M: spd(p) unused)
        point = draw_point(d.program.variables, sizes, rng, positive=True)
        ours = value_at(ours_expr, point, sizes, layout)
        theirs = value_at(claim_expr, point, _open_sizes(claim_expr, sizes, ours.shape), layout)
        if ours.shape != theirs.shape or not np.allclose(theirs, ours, rtol=1e-7, atol=1e-9):
            return Verdict(False, False, _difference(theirs, ours, layout))
    return Verdict(True, False, f"equal at {points} random points (not proved symbolically)")

