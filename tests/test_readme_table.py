"""The documentation's table of operators and functions (docs/language.md; any such row in
README.md or docs/*.md): every row's derivative is what derive() prints, and it is checked
numerically (so the documentation cannot drift from the library)."""
from __future__ import annotations

import re

import pytest
from documentation import DOC_FILES
from numeric import check_derivative
from test_ops_table import argument_domains

from matcalc import derive
from matcalc.core.elementwise import FUNCTIONS as ELEMENTWISE

ROW = re.compile(r"^\| (.+?) \| `(.+?)` \| `(\w+)` \| `(.+)` \|$", re.M)
ROWS = [row for path in DOC_FILES for row in ROW.findall(path.read_text(encoding="utf-8"))]
DOMAINS = {"negative real axis": {"X": "off_cut"},  # logm, sqrtm, J_log: off the branch cut
           "log": {"W": "positive", "x": "positive"}, "sqrt": {"x": "positive"},
           "logdet": {"X": "spd"}, "det": {"X": "well_conditioned"},
           "matrix inverse": {"X": "well_conditioned"}, "as a solve": {"X": "well_conditioned"},
           "variable exponent": {"a": "positive", "x": "positive"},
           "unit eigenvector": {"A": "spd"}}


def _declared_domains(f, expr: str) -> dict | None:
    """The draws keeping each variable of an elementwise function's example in its domain."""
    draws = argument_domains(f)
    return None if draws is None else {name: draws["x"] for name in ("W", "x", "b") if name
                                       in expr.split("(")[1]}


def test_the_table_lists_every_function_of_the_language():
    from matcalc.lower.functions import FUNCTIONS
    listed = " ".join(name for name, *_ in ROWS)
    missing = [f for f in FUNCTIONS if f != "σ" and f"`{f}" not in listed]
    assert len(ROWS) >= 41 and not missing


@pytest.mark.parametrize("name, expr, wrt, shown", ROWS, ids=[r[1] for r in ROWS])
def test_readme_row(name, expr, wrt, shown, rng):
    assert str(derive(expr, wrt)) == shown
    declared = next((f for f in ELEMENTWISE.values() if name.startswith(f"`{f.name}`")), None)
    domains = _declared_domains(declared, expr) if declared else \
        next((d for key, d in DOMAINS.items() if key in name), None)
    abstract = [{"name": "f", "ascii": "df_dY", "arg": "Y"}] if "f(Y)" in expr else ()
    for layout in ("numerator", "denominator"):
        check_derivative(expr, wrt, domains=domains, layout=layout, rng=rng, abstract=abstract)
