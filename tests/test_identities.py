"""The correctness table: textbook identities of matrix calculus, checked numerically.

Each case is an expression, the variable it is differentiated by, declarations with symbolic
sizes, the domains its variables are drawn from, and the closed form its source gives, written in
numerator layout (scalar by X (m × n) is n × m; the Cookbook's gradients, in denominator layout,
are transposed). Every case is checked against central finite differences in both layouts at two
random points of its domain (`numeric.check_derivative`; relu/abs/max arguments kept away from 0,
abstract f replaced by a concrete smooth function, a derivative by a symmetric(n) / spd(n)
variable compared along symmetric directions), and matcalc's printed numerator form may not have
more tokens (`numeric.tokens`) than the source's.

Known defects of the library are listed in KNOWN_VALUE and KNOWN_FORM (by case id) and marked
xfail(strict=True): a fix makes the test XPASS and fail, so that the entry must be removed.

Sources: Cookbook = The Matrix Cookbook (Petersen & Pedersen, version of 15 November 2012),
equation numbers of that version; M&N = Magnus & Neudecker, Matrix Differential Calculus (3rd
ed., 2019); PRML = Bishop, Pattern Recognition and Machine Learning (2006); DL = Goodfellow,
Bengio & Courville, Deep Learning (2016); P&H = Parr & Howard, The Matrix Calculus You Need For
Deep Learning (2018).

The cases are in tests/identities_*.py by family, their fields in tests/identity_case.py.
"""
from __future__ import annotations

from collections import Counter

import identities_forms
import identities_functions
import identities_jacobians
import identities_losses
import identities_traces
import pytest
from identity_case import EXTRA_FAMILIES, FAMILIES, LAYOUTS, SIZES, Case
from numeric import check_derivative, tokens

from matcalc import derive, parse
from matcalc.core.elementwise import BINARY
from matcalc.core.elementwise import FUNCTIONS as ELEMENTWISE
from matcalc.core.expr import postorder
from matcalc.core.ops import LEAF, OPS
from matcalc.lower import lower
from matcalc.simplify import simplify

CASES: list[Case] = [*identities_traces.CASES, *identities_forms.CASES,
                     *identities_jacobians.CASES, *identities_losses.CASES,
                     *identities_functions.CASES]

# -- known defects (xfail, strict) -------------------------------------------------------------
# A value check that fails: (case id, layout) -> what happens. None today.
KNOWN_VALUE: dict[tuple[str, str], str] = {}

# A numerator form longer than the source's: case id -> matcalc's form and the missing rewrite.
KNOWN_FORM: dict[str, str] = {
    "scalar: x^0.5 d/dx":
        "prints 1 / (2 sqrt(x)) (8 tokens > 5): the textbook power form 0.5 x^-0.5 is shorter "
        "than the sqrt form matcalc prints for every half power",
}

# Operators of the catalogue that the input language cannot write (rules emit them).
INTERNAL_OPS = {"unvec": "vec⁻¹, emitted by read-out rules, not in language.md"}


# -- the checks --------------------------------------------------------------------------------

def _marks(reason: str | None) -> list:
    return [pytest.mark.xfail(strict=True, reason=reason)] if reason else []


VALUE_PARAMS = [pytest.param(c, layout, id=f"{c.id} ({layout})",
                             marks=_marks(KNOWN_VALUE.get((c.id, layout))))
                for c in CASES for layout in LAYOUTS]
FORM_PARAMS = [pytest.param(c, id=c.id, marks=_marks(KNOWN_FORM.get(c.id))) for c in CASES]


@pytest.mark.parametrize("case, layout", VALUE_PARAMS)
def test_identity_value(case: Case, layout: str, rng) -> None:
    check_derivative(case.expr, case.wrt, case.vars, SIZES, case.domains, layout, points=2,
                     rng=rng, abstract=case.abstract)


@pytest.mark.parametrize("case", FORM_PARAMS)
def test_identity_form_not_longer(case: Case) -> None:
    got = str(derive(case.expr, case.wrt, vars=case.vars))
    assert len(tokens(got)) <= len(tokens(case.expected)), (
        f"{got!r} ({len(tokens(got))} tokens) is longer than the source's {case.expected!r} "
        f"({len(tokens(case.expected))} tokens)")


def test_table_has_at_least_150_cases() -> None:
    assert len(CASES) >= 150


def test_cases_are_distinct() -> None:
    repeated = [i for i, k in Counter(c.id for c in CASES).items() if k > 1]
    assert not repeated


def test_every_family_has_cases() -> None:
    count = Counter(c.family for c in CASES)
    assert set(count) <= set(FAMILIES) | set(EXTRA_FAMILIES)
    assert all(count[f] >= 3 for f in FAMILIES), {f: count[f] for f in FAMILIES}


def test_known_defects_name_cases() -> None:
    ids = {c.id for c in CASES}
    assert set(KNOWN_FORM) <= ids
    assert {i for i, _ in KNOWN_VALUE} <= ids and {lay for _, lay in KNOWN_VALUE} <= set(LAYOUTS)


def _ops(case: Case) -> set[str]:
    """The operators of the case's function, as written and as simplified (log(softmax(z)) is
    the simplifier's logsoftmax(z))."""
    expr = lower(parse(case.expr), case.vars).expr
    return {node.op for e in (expr, simplify(expr)) for node in postorder(e)}


def test_every_operator_appears_in_a_case() -> None:
    """(The elementwise functions have their own suite, tests/test_elementwise_functions.py,
    each checked against a reference from its declaration alone; max and min theirs in
    tests/test_ops_table.py.)"""
    language = {op for op, spec in OPS.items() if spec.family != LEAF} - set(INTERNAL_OPS) \
        - set(ELEMENTWISE) - set(BINARY)
    used = set().union(*(_ops(c) for c in CASES))
    assert language <= used, f"operators without a case: {sorted(language - used)}"
