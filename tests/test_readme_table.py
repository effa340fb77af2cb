"""The README's table of operators: every row's derivative is what derive() prints, and it is
checked numerically (so the documentation cannot drift from the library)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from numeric import check_derivative

from matcalc import derive

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
SECTION = README.split("## Supported operators and functions")[1].split("\n## ")[0]
ROW = re.compile(r"^\| (.+?) \| `(.+?)` \| `(\w+)` \| `(.+)` \|$", re.M)
ROWS = ROW.findall(SECTION)
DOMAINS = {"log": {"W": "positive", "x": "positive"}, "sqrt": {"x": "positive"},
           "logdet": {"X": "spd"}, "det": {"X": "well_conditioned"},
           "inverse": {"X": "well_conditioned"}}


def test_the_table_lists_every_function_of_the_language():
    from matcalc.lower.functions import FUNCTIONS
    listed = " ".join(name for name, *_ in ROWS)
    missing = [f for f in FUNCTIONS if f != "σ" and f"`{f}" not in listed]
    assert len(ROWS) >= 40 and not missing


@pytest.mark.parametrize("name, expr, wrt, shown", ROWS, ids=[r[1] for r in ROWS])
def test_readme_row(name, expr, wrt, shown, rng):
    assert str(derive(expr, wrt)) == shown
    domains = next((d for key, d in DOMAINS.items() if key in name), None)
    abstract = [{"name": "f", "ascii": "df_dY", "arg": "Y"}] if "f(Y)" in expr else ()
    for layout in ("numerator", "denominator"):
        check_derivative(expr, wrt, domains=domains, layout=layout, rng=rng, abstract=abstract)
