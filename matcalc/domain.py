"""Where an expression is defined and smooth: the test `check` applies to each random point.

Central finite differences mean something only where every operator of the function (and of
its closed-form derivative) is smooth in a neighbourhood of the point: a matrix that is inverted
(or whose log-determinant is taken) must be well conditioned, the argument of log or sqrt
clearly positive, and the argument of a kink (abs, relu, sign, max, >, norm1, norm2 at 0) away
from it. `outside(values)` returns, for the values of all nodes at a point, the first reason the
point is outside that domain (a sentence naming the node), or None. Every operator is either in
SMOOTH or has a rule in RULES (a test checks that they cover the catalogue). `conditions(...)`
states the conditions a result holds under (logm(X): X has no eigenvalue on the closed negative
real axis), as the text, --json, the page and the steps show them; each op's sentence is its
declaration's `condition` (core/matrix_scalars.py, matrix_powers.py, factorisations.py,
spectral.py, matrix_functions.py).
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .core import elementwise as ew
from .core import factorisations as fa
from .core import matrix_powers as powers
from .core import matrix_scalars as ms
from .core.constants import CONSTANTS
from .core.expr import Expr, postorder
from .core.extremes import EXTREMES, INDICATORS
from .core.factorisations import FACTORISATIONS, FULL_COLUMN_RANK, NONSINGULAR, SPD
from .core.linear_ops import LINEAR_OPS
from .core.matrix_functions import DIVIDED, MATRIX_FUNCTIONS, eigenvalue_on_cut
from .core.matrix_powers import MATRIX_POWERS
from .core.spectral import SPECTRAL, off_condition
from .core.structural import is_symmetric
from .core.vector_functions import VECTOR_FUNCTIONS
from .render import UNICODE, Notation, render

MAX_CONDITION = 1e4  # past it the differences of an inverse lose the digits the check compares
MARGIN = 1e-3  # how far from 0 (or from a kink) an argument must stay
CUT_MARGIN = 0.05  # how far (relative) logm's and sqrtm's eigenvalues stay from (−∞, 0]
SHOWN = 60  # characters of a node's text shown in a reason

SMOOTH = frozenset({
    "var", "tangent", "const", "dim", *CONSTANTS, "identity", "ones", "zero", "commutation",
    "apply", "absgrad", "add", "mul", "hadamard", "transpose", "expand", "unvec",
    *(s.name for s in ms.MATRIX_SCALARS.values() if s.domain == ms.SMOOTH),
    *LINEAR_OPS, *(p.name for p in MATRIX_POWERS.values() if p.domain == powers.SMOOTH),
    *(op for op, f in DIVIDED.items() if not f.condition),  # divdiff_exp
    *(f.name for f in SPECTRAL.values() if not f.condition),  # eigbasis (given S symmetric)
    *(f.name for f in FACTORISATIONS.values() if f.domain == fa.SMOOTH),
    *(f.name for f in (*ew.FUNCTIONS.values(), *VECTOR_FUNCTIONS.values()) if f.domain == ew.REAL),
})


def shown(node: Expr, notation: Notation = UNICODE) -> str:
    """The node's text in `notation`, its middle elided past SHOWN characters (by … in
    Unicode, by ... in ASCII)."""
    text = render(node, notation)
    if len(text) <= SHOWN:
        return text
    return f"{text[:SHOWN - 15]}{'…' if notation is UNICODE else '...'}{text[-14:]}"


Rule = Callable[[Expr, list[np.ndarray]], "str | None"]


def _well_conditioned(node: Expr, args: list[np.ndarray]) -> str | None:
    """inv(A), logdet(A) (a declared WELL_CONDITIONED domain): A far from singular (condition
    number at most MAX_CONDITION)."""
    with np.errstate(all="ignore"):
        condition = np.linalg.cond(args[0]) if np.all(np.isfinite(args[0])) else np.inf
    if condition <= MAX_CONDITION:
        return None
    return f"{shown(node.arg)} was singular or nearly so (in {shown(node)})"


def _spd(node: Expr, args: list[np.ndarray]) -> str | None:
    """chol(S): S symmetric, its eigenvalues at least MARGIN (relative to its size) and its
    condition number at most MAX_CONDITION."""
    s = args[0]
    if np.all(np.isfinite(s)) and np.allclose(s, s.T, rtol=1e-10, atol=1e-12):
        eigenvalues = np.linalg.eigvalsh((s + s.T) / 2)
        if eigenvalues[0] >= MARGIN * max(1.0, eigenvalues[-1]) and \
                eigenvalues[-1] <= MAX_CONDITION * eigenvalues[0]:
            return None
    return f"{shown(node.arg)} was not symmetric positive definite (in {shown(node)})"


def _full_column_rank(node: Expr, args: list[np.ndarray]) -> str | None:
    """pinv(X): X at least as tall as wide and well conditioned (condition number at most
    MAX_CONDITION)."""
    x = args[0]
    if x.shape[0] >= x.shape[1] and _well_conditioned(node, args) is None:
        return None
    return f"{shown(node.arg)} had no full column rank, or nearly so (in {shown(node)})"


def _positive(node: Expr, args: list[np.ndarray]) -> str | None:
    """log(u), sqrt(u): every entry of u at least MARGIN."""
    if np.all(args[0] >= MARGIN):
        return None
    return f"{shown(node.arg)} was zero or negative somewhere (in {shown(node)})"


def _away_from_zero(node: Expr, args: list[np.ndarray]) -> str | None:
    """abs, relu, sign, norm1 (kinks at 0): every |uᵢ| at least MARGIN."""
    return _kink(node, np.abs(args[0]).min())


def _nonzero(node: Expr, args: list[np.ndarray]) -> str | None:
    """norm2 (a kink at the zero vector): some |uᵢ| at least MARGIN."""
    return _kink(node, np.abs(args[0]).max())


def _kink(node: Expr, distance: float) -> str | None:
    if distance >= MARGIN:
        return None
    return f"{shown(node.arg)} was at the kink 0 of {shown(node)}"


def _sides_apart(node: Expr, args: list[np.ndarray]) -> str | None:
    """max(u, v), min(u, v), u > v: the two sides at least MARGIN apart everywhere."""
    if np.all(np.abs(args[0] - args[1]) >= MARGIN):
        return None
    return f"the two sides of {shown(node)} were equal somewhere (a kink)"


def _off_branch_cut(node: Expr, args: list[np.ndarray]) -> str | None:
    """logm(X), sqrtm(X) and their Fréchet derivatives: no eigenvalue of X within CUT_MARGIN of
    the closed negative real axis (expm's are entire: no condition)."""
    declared = MATRIX_FUNCTIONS[node.attr("f") or node.op]
    if not declared.condition or eigenvalue_on_cut(args[0], CUT_MARGIN) is None:
        return None
    return f"{shown(node.args[0])} had an eigenvalue on or near the closed negative real axis " \
           f"(in {shown(node)})"


def _off_spectral_condition(node: Expr, args: list[np.ndarray]) -> str | None:
    """eigvals(S), eigmax(S), svals(X), nucnorm(X), ... (core/spectral.py): S symmetric, and
    the eigenvalues (singular values) the derivative needs simple at least MARGIN apart
    (relative); full rank where it is needed."""
    reason = off_condition(SPECTRAL[node.op], args[0], MARGIN)
    return None if reason is None else f"{shown(node.arg)} {reason} (in {shown(node)})"


def _power(node: Expr, args: list[np.ndarray]) -> str | None:
    """u^p: u positive for a fractional or variable p, nonzero for a negative integer p."""
    base, exponent = node.args
    p = exponent.attr("value") if exponent.op == "const" else None
    if p is not None and p.denominator == 1 and p >= 0:
        return None
    if p is None or p.denominator != 1:
        return _positive(node, args)
    if np.all(np.abs(args[0]) >= MARGIN):
        return None
    return f"{shown(base)} was zero somewhere (in {shown(node)})"


def _off_pole(node: Expr, args: list[np.ndarray]) -> str | None:
    """tan(u): cos(u) at least MARGIN away from 0."""
    if np.all(np.abs(np.cos(args[0])) >= MARGIN):
        return None
    return f"{shown(node.arg)} was at a pole of {node.op}"


def _above_minus_one(node: Expr, args: list[np.ndarray]) -> str | None:
    """log1p(u): every entry of u at least −1 + MARGIN."""
    if np.all(args[0] >= -1 + MARGIN):
        return None
    return f"{shown(node.arg)} was -1 or less somewhere (in {shown(node)})"


def _inside_unit(node: Expr, args: list[np.ndarray]) -> str | None:
    """arcsin(u), arccos(u): |u| at most 1 − MARGIN (their derivatives blow up at ±1)."""
    if np.all(np.abs(args[0]) <= 1 - MARGIN):
        return None
    return f"{shown(node.arg)} was outside (-1, 1) somewhere (in {shown(node)})"


def _off_parameter_kinks(node: Expr, args: list[np.ndarray]) -> str | None:
    """huber(u, δ): |u| at least MARGIN away from δ (its kinks at ±δ)."""
    if np.all(np.abs(np.abs(args[0]) - args[1]) >= MARGIN):
        return None
    return f"{shown(node.args[0])} was at a kink ±{shown(node.args[1])} of {shown(node)}"


def _no_tie(node: Expr, args: list[np.ndarray]) -> str | None:
    """max(x), min(x), ismax(x), ismin(x): the largest (smallest) entry of x at least MARGIN
    from the next one (a tie is a kink)."""
    entries = np.sort(args[0], axis=None)
    gaps = (entries[-1] - entries[-2], entries[1] - entries[0]) if entries.size > 1 else (1, 1)
    if min(gaps) >= MARGIN:
        return None
    return f"two entries of {shown(node.arg)} tied for its largest or smallest (in {shown(node)})"


# an elementwise function's declared domain (core/elementwise.py) -> its rule
_BY_DOMAIN = {ew.POSITIVE: _positive, ew.ABOVE_MINUS_ONE: _above_minus_one,
              ew.KINK_AT_ZERO: _away_from_zero, ew.OFF_POLES: _off_pole, ew.OPEN_UNIT: _inside_unit,
              ew.KINKS_AT_PARAMETER: _off_parameter_kinks}

# a scalar function of a matrix's declared domain (core/matrix_scalars.py) -> its rule
_BY_MATRIX_DOMAIN = {ms.WELL_CONDITIONED: _well_conditioned, ms.NONZERO: _nonzero,
                     ms.NO_ZERO_ENTRY: _away_from_zero}

# a factorisation's declared domain (core/factorisations.py) -> its rule
_BY_FACTORISATION_DOMAIN = {fa.SPD_POINT: _spd, fa.WELL_CONDITIONED: _well_conditioned,
                            fa.FULL_RANK_POINT: _full_column_rank}

RULES: dict[str, Rule] = {
    **{p.name: _well_conditioned for p in MATRIX_POWERS.values()
       if p.domain == powers.WELL_CONDITIONED},
    **{s.name: _BY_MATRIX_DOMAIN[s.domain] for s in ms.MATRIX_SCALARS.values()
       if s.domain != ms.SMOOTH},
    "pow": _power,
    **{f.name: _BY_FACTORISATION_DOMAIN[f.domain] for f in FACTORISATIONS.values()
       if f.domain != fa.SMOOTH},
    **{op: _off_branch_cut for op in (*MATRIX_FUNCTIONS, "frechet", "frechet_matrix")},
    **{f.name: _off_spectral_condition for f in SPECTRAL.values() if f.condition},
    **{op: _positive for op, f in DIVIDED.items() if f.condition},  # divdiff_log, divdiff_sqrt
    "gt": _sides_apart, **{f.name: _sides_apart for f in ew.BINARY.values()},
    **dict.fromkeys((*EXTREMES, *INDICATORS), _no_tie),
    **{f.name: _BY_DOMAIN[f.domain] for f in ew.FUNCTIONS.values() if f.domain != ew.REAL},
}


# -- conditions: where a result holds, stated with it ------------------------------------------

OFF_CUT = "{0} has no eigenvalue on the closed negative real axis"
SYMMETRIC = "{0} is symmetric"
FULL_RANK = "{0} has full rank"  # (nucnorm's, polar's: core/spectral.py)
DISTINCT_NONZERO = "the singular values of {0} are distinct and nonzero"  # (svals's)
# a declared structure -> the sentences about its variable that the declaration guarantees
# (evaluate checks a value has its structure: an spd S has positive eigenvalues, Qᵀ Q = I)
_GUARANTEED = {"spd": (OFF_CUT, NONSINGULAR), "orthogonal": (NONSINGULAR,)}
# a sentence about M -> the sentences about the same M it implies (left unstated beside it):
# positive eigenvalues, none on (−∞, 0] (0 among them), nonzero singular values, full rank of
# a square M (only a square M is said to be non-singular) all make M non-singular
_IMPLIES = {SPD: (SYMMETRIC, OFF_CUT, NONSINGULAR), OFF_CUT: (NONSINGULAR,),
            FULL_RANK: (NONSINGULAR,), FULL_COLUMN_RANK: (NONSINGULAR,),
            DISTINCT_NONZERO: (FULL_RANK, NONSINGULAR)}


def _guaranteed(m: Expr, sentence: str) -> bool:
    """Whether M's declaration guarantees `sentence` about it (a variable declared spd(n) is
    non-singular and has no eigenvalue on the closed negative real axis)."""
    return sentence in _GUARANTEED.get(m.attr("structure"), ())


def _cut_condition(node: Expr, notation: Notation) -> str | None:
    """logm(X), sqrtm(X) (and their Fréchet derivatives): the principal branch is real and
    smooth where X has no eigenvalue on the closed negative real axis; Xᵀ is stated as X (the
    same eigenvalues); a variable declared spd meets it."""
    declared = MATRIX_FUNCTIONS[node.attr("f") or node.op]
    arg = node.args[0].arg if node.args[0].op == "transpose" else node.args[0]
    if not declared.condition or _guaranteed(arg, OFF_CUT):
        return None
    return OFF_CUT.format(shown(arg, notation))


_ASCII_SIGMA = str.maketrans({"σ": "sigma_", "₁": "1", "₂": "2"})


def _spectral_condition(node: Expr, notation: Notation) -> str | None:
    """eigmax(S): 'the largest eigenvalue of S is simple'; specnorm(X): 'σ₁(X) > σ₂(X)' (ASCII
    sigma_1(X) > sigma_2(X)); nucnorm(X): 'X has full rank'; ... (core/spectral.py)."""
    sentence = SPECTRAL[node.op].condition.format(shown(node.arg, notation))
    return sentence if notation is UNICODE else sentence.translate(_ASCII_SIGMA)


def _symmetric_condition(node: Expr, notation: Notation) -> str | None:
    """eigvals(S), eigmax(S), ...: S is symmetric (unless it is by its structure: a declared
    symmetric S, A + Aᵀ)."""
    needed = SPECTRAL[node.op].argument == "symmetric" and not is_symmetric(node.arg)
    return SYMMETRIC.format(shown(node.arg, notation)) if needed else None


# ops whose value is non-singular wherever their own condition (stated with them) holds
_INVERTIBLE = frozenset(f.name for f in (*FACTORISATIONS.values(), *MATRIX_FUNCTIONS.values())
                        if f.invertible)


# what a value non-singular wherever defined (square) satisfies: chol(expm(X)) still needs
# "expm(X) is symmetric positive definite"
_OF_INVERTIBLE = (NONSINGULAR, FULL_COLUMN_RANK)


def _stated(sentence: str):
    """A condition on the node's first argument: "S is symmetric positive definite"; Mᵀ's is
    M's; none where M's declaration guarantees it, nor non-singularity (or full column rank) of
    a value its declaration says is non-singular wherever defined (L = chol(S), expm(X),
    sqrtm(X))."""
    def rule(node: Expr, notation: Notation) -> str | None:
        m = node.args[0].arg if node.args[0].op == "transpose" else node.args[0]
        if (m.op in _INVERTIBLE and sentence in _OF_INVERTIBLE) or _guaranteed(m, sentence):
            return None
        return sentence.format(shown(m, notation))
    return rule


# op -> (node, notation) -> the sentence, its expressions printed in the notation (or None)
CONDITIONS: dict[str, Callable[[Expr, Notation], "str | None"]] = {
    op: _cut_condition for op in (*MATRIX_FUNCTIONS, "frechet", "frechet_matrix")}
CONDITIONS.update(dict.fromkeys(SPECTRAL, _spectral_condition))
CONDITIONS.update({f.name: _stated(f.condition)
                   for f in (*ms.MATRIX_SCALARS.values(), *MATRIX_POWERS.values(),
                             *FACTORISATIONS.values()) if f.condition})
PREMISES: dict[str, Callable[[Expr, Notation], "str | None"]] = dict.fromkeys(
    SPECTRAL, _symmetric_condition)  # stated before the op's own condition
_OF_DERIVATIVE = frozenset(f.name for f in SPECTRAL.values() if not f.vectors)


def conditions(*exprs: Expr, notation: Notation = UNICODE) -> tuple[str, ...]:
    """The conditions under which `exprs` (a function and its derivative) are defined and the
    derivative holds, each once, in the order of the nodes (a node's op in CONDITIONS), their
    expressions printed in `notation` (ASCII: the whole sentence is ASCII); a condition another
    one implies (_IMPLIES: "M is non-singular" beside "M is symmetric positive definite") is
    left out. A spectral value's condition is its derivative's (eigvals(S): distinct
    eigenvalues): stated where the function (the first of `exprs`) has it, not where only a
    derivative does (F = divdiff_exp(eigvals(S)) of the Daleckii–Krein form is defined at every
    symmetric S)."""
    found: dict[str, None] = {}
    for expr in exprs:
        for node in postorder(expr):
            for table in (PREMISES, CONDITIONS):
                if table is CONDITIONS and node.op in _OF_DERIVATIVE and expr is not exprs[0]:
                    continue
                rule = table.get(node.op)
                sentence = rule(node, notation) if rule else None
                if sentence:
                    found[sentence] = None
    implied = {weaker.format(m) for sentence in found for stronger, weakers in _IMPLIES.items()
               if (m := _about(stronger, sentence)) is not None for weaker in weakers}
    return tuple(c for c in found if c not in implied)


def _about(template: str, sentence: str) -> str | None:
    """The M of which `sentence` is `template` ("{0} is symmetric" of "A + B is symmetric":
    "A + B"), or None."""
    before, after = template.split("{0}")
    fits = sentence.startswith(before) and sentence.endswith(after) and \
        len(sentence) > len(before) + len(after)
    return sentence[len(before):len(sentence) - len(after)] if fits else None


def outside(values: dict[Expr, np.ndarray]) -> str | None:
    """Why the point whose node values are `values` is outside the domain, or None."""
    for node, value in values.items():
        rule = RULES.get(node.op)
        reason = rule(node, [values[a] for a in node.args]) if rule else None
        if reason is None and not np.all(np.isfinite(value)):
            reason = f"{shown(node)} was not finite"
        if reason is not None:
            return reason
    return None
