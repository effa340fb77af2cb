"""The README's "Not supported yet" table agrees with matcalc's table of the function names it
refuses (matcalc/lower/unimplemented.py): every name in the README is refused (an
UnsupportedError naming it) unless declared `function`, each workaround shown is the one the
error message gives (tests/test_unimplemented.py checks those against numpy and finite
differences), and docs/language.md lists every refused name.
"""
from __future__ import annotations

import re

import pytest
from documentation import README, ROOT

from matcalc import UnsupportedError, derive
from matcalc.lower.unimplemented import UNIMPLEMENTED

SECTION = README.read_text(encoding="utf-8").split("\n## Not supported yet\n")[1].split("\n## ")[0]
TABLE_ROW = re.compile(r"^\| (.+?) \| (.+?) \|$", re.M)
CALL = re.compile(r"`((\w+)\(([^`]*)\))`")
ROWS = [(CALL.findall(left), right) for left, right in TABLE_ROW.findall(SECTION)[2:]]
CALLS = [(call, name, [a.strip() for a in args.split(",")])
         for calls, _ in ROWS for call, name, args in calls]
NAMES = sorted({name for _, name, _ in CALLS})
# (the first call of a row, its argument names, the workaround) where the row has one
WORKAROUNDS = [(calls[0][1], [a.strip() for a in calls[0][2].split(",")],
                re.match(r"`([^`]+)`", right).group(1))
               for calls, right in ROWS if right.startswith("`")]
# docs/language.md lists the other refused names, each in backticks, in its section on them
LANGUAGE = (ROOT / "docs" / "language.md").read_text(encoding="utf-8")
OTHERS = LANGUAGE.split("\n## Other function names matcalc refuses\n")[1].split("\n## ")[0]
# The names the issue behind this table asks matcalc to refuse at the least (those implemented
# since, arcsin … gelu, log_softmax, min, huber, softmax_rows and its family, expm, logm,
# sqrtm, eigvals and the spectral functions, chol, pinv and solve, are built-in functions now).
REQUIRED = set("""eig eigh svd qr lu norm argmax argmin sort cumsum conv einsum""".split())


def test_the_table_is_read():
    """(huber, the row-wise softmax functions, layer normalisation, the matrix functions, the
    spectral functions and the factorisations left the table: built-ins.)"""
    assert len(WORKAROUNDS) >= 1 and len(NAMES) >= 13


def test_the_table_lists_refused_names():
    listed = set(NAMES)
    assert REQUIRED <= listed, sorted(REQUIRED - listed)
    assert listed <= set(UNIMPLEMENTED), sorted(listed - set(UNIMPLEMENTED))


def test_every_refused_name_is_in_the_language_reference():
    """(The table is generated from UNIMPLEMENTED: tests/test_elementwise_functions.py checks
    it is current; here, that it names each refused name once.)"""
    listed = [call.split("(")[0] for call in re.findall(r"^\| `(\w+\()", OTHERS, re.M)]
    assert sorted(listed) == sorted(UNIMPLEMENTED)


@pytest.mark.parametrize("name, args, workaround", WORKAROUNDS,
                         ids=[name for name, _, _ in WORKAROUNDS])
def test_a_workaround_is_the_one_the_error_gives(name, args, workaround):
    assert workaround in UNIMPLEMENTED[name].instead


@pytest.mark.parametrize("name", sorted({n for calls, right in ROWS if not right.startswith("`")
                                         for _, n, _ in calls}))
def test_a_name_without_a_workaround_has_none_in_the_error(name):
    assert UNIMPLEMENTED[name].instead == ()


@pytest.mark.parametrize("call", [call for call, _, _ in CALLS])
def test_a_name_not_supported_yet_is_refused(call):
    name = call.split("(")[0]
    wrt = next(a.strip() for a in call[len(name) + 1:-1].split(","))
    with pytest.raises(UnsupportedError, match=rf"\b{name}\b"):
        derive(call, wrt)
