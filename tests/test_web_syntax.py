"""The page's syntax panel (matcalc.web.syntax, GET /api/syntax): every operator the parser
knows and every built-in function is listed, and every listed spelling reads as its siblings."""
from __future__ import annotations

import json
import urllib.request

import pytest
from web_extra import require_web_extra

from matcalc import derive
from matcalc.lower.functions import FUNCTIONS
from matcalc.syntax import parser
from matcalc.syntax.transformer import _POSTFIX
from matcalc.web.server import start
from matcalc.web.syntax import OPERATORS, syntax


def test_every_operator_of_the_parser_has_a_row():
    assert set(OPERATORS) == parser._BINARY | parser._EXPONENT | set(_POSTFIX.values())


@pytest.mark.parametrize("row", syntax()["operators"], ids=lambda row: row["example"])
def test_every_spelling_of_an_operator_reads_the_same(row):
    """The example with each spelling of its operator in turn: the same derivative."""
    first, *others = row["spellings"]
    example = row["example"]
    assert first in example
    wrt = next(name for name in ("x", "A", "W") if name in example)
    expected = str(derive(example, wrt))
    for spelling in others:
        assert str(derive(example.replace(first, spelling, 1), wrt)) == expected, spelling


def test_every_function_is_listed_once_with_its_spellings():
    listed = [spelling for group in syntax()["functions"] for f in group["functions"]
              for spelling in f.get("spellings", [f["name"]])]
    assert sorted(listed) == sorted(FUNCTIONS)


def test_elementwise_functions_carry_meaning_and_an_example_that_derives():
    group = next(g for g in syntax()["functions"] if g["class"] == "elementwise functions")
    declared = [f for f in group["functions"] if "example" in f]
    assert len(declared) >= 20
    for f in declared:
        assert f["meaning"] and f["call"] in (f"{f['name']}(u)", f"{f['name']}(u, v)")
        assert str(derive(f["example"], "x")), f


def test_every_declared_function_has_a_meaning_and_an_example_that_derives():
    """The panel describes each built-in by its declaration's meaning and example: max and min
    (of two operands first), ismax, the matrix functions, L_exp, J_exp, ..."""
    from matcalc.core import matrix_functions as mf
    from matcalc.core.elementwise import BINARY
    from matcalc.core.extremes import EXTREMES
    entries = {f["name"]: f for g in syntax()["functions"] for f in g["functions"]}
    declared = {**{f.spelling: (f.meaning, f.example) for f in BINARY.values()},
                **{e.indicator: (e.indicator_meaning, e.indicator_example)
                   for e in EXTREMES.values()},
                **{f.name: (f.meaning, f.example) for f in mf.MATRIX_FUNCTIONS.values()},
                **{f.frechet_name: (mf.FRECHET_MEANING, mf.FRECHET_EXAMPLE)
                   for f in mf.MATRIX_FUNCTIONS.values()},
                **{f.jacobian_name: (mf.JACOBIAN_MEANING, mf.JACOBIAN_EXAMPLE)
                   for f in mf.MATRIX_FUNCTIONS.values()},
                **{f.divided_name: (mf.DIVIDED_MEANING, mf.DIVIDED_EXAMPLE)
                   for f in mf.MATRIX_FUNCTIONS.values()}}
    for name, (meaning, (expr, wrt, shown)) in declared.items():
        assert entries[name]["example"] == expr and meaning in entries[name]["meaning"], name
        assert str(derive(expr, wrt)) == shown, name
    assert "the largest entry" in entries["max"]["meaning"]


def test_served_as_json():
    require_web_extra()
    server, thread = start(port=0, workers=1)
    try:
        with urllib.request.urlopen(server.url + "api/syntax", timeout=30) as response:
            assert response.headers["Content-Type"].startswith("application/json")
            assert json.loads(response.read()) == syntax()
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
