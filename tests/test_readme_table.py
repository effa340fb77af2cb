"""The documentation's table of operators and functions (docs/language.md; any such row in
README.md or docs/*.md): every row's derivative is what derive() prints, and it is checked
numerically (so the documentation cannot drift from the library)."""
from __future__ import annotations

import re

import pytest
from documentation import DOC_FILES
from numeric import check_derivative

from matcalc import derive

ROW = re.compile(r"^\| (.+?) \| `(.+?)` \| `(\w+)` \| `(.+)` \|$", re.M)
ROWS = [row for path in DOC_FILES for row in ROW.findall(path.read_text(encoding="utf-8"))]
DOMAINS = {"log": {"W": "positive", "x": "positive"}, "sqrt": {"x": "positive"},
           "logdet": {"X": "spd"}, "det": {"X": "well_conditioned"},
           "inverse": {"X": "well_conditioned"}}


def test_the_table_lists_every_function_of_the_language():
    from matcalc.lower.functions import FUNCTIONS
    listed = " ".join(name for name, *_ in ROWS)
    missing = [f for f in FUNCTIONS if f != "σ" and f"`{f}" not in listed]
    assert len(ROWS) >= 41 and not missing


@pytest.mark.parametrize("name, expr, wrt, shown", ROWS, ids=[r[1] for r in ROWS])
def test_readme_row(name, expr, wrt, shown, rng):
    assert str(derive(expr, wrt)) == shown
    domains = next((d for key, d in DOMAINS.items() if key in name), None)
    abstract = [{"name": "f", "ascii": "df_dY", "arg": "Y"}] if "f(Y)" in expr else ()
    for layout in ("numerator", "denominator"):
        check_derivative(expr, wrt, domains=domains, layout=layout, rng=rng, abstract=abstract)
