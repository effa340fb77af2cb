"""A `ones` or `I` whose size no variable fixes is refused where the value depends on it (its
size would be a name nobody wrote and nothing evaluates); sized by its neighbours, or given a
size (`ones_3`, `ones_n`), it is an ordinary constant whose derivatives check numerically."""
from __future__ import annotations

import json

import pytest
from numeric import check_derivative

from matcalc import ShapeError, derive, hessian, value
from matcalc.cli import main

REFUSED = [  # program, variable, (line, column) of the constant, its spelling there
    ("sum(ones .* a)", "a", (1, 5), "ones"),
    ("a*sum(ones)", "a", (1, 7), "ones"),
    ("a*tr(I)", "a", (1, 6), "I"),
    ("tr(eye) * x' x", "x", (1, 4), "eye"),
    ("norm2(ones)^2 * a", "a", (1, 7), "ones"),
    ("ones' ones * a", "a", (1, 1), "ones"),
    ("a ones", "a", (1, 3), "ones"),  # a vector of a length nothing gives
    ("a 𝟏ᵀ 𝟏", "a", (1, 3), "𝟏"),
    ("a tr(I + ones ones')", "a", (1, 6), "I"),  # constants fixing only each other
    ("sum(x) + sum(ones)", "x", (1, 14), "ones"),  # the value depends on it, if not ∂/∂x
    ("u = ones\na * sum(u)", "a", (1, 5), "ones"),  # through a binding
    ("y = x' x\ny + sum(ones)", "x", (2, 9), "ones"),
]


@pytest.mark.parametrize("program, wrt, place, spelling", REFUSED)
def test_an_unsized_constant_is_refused_at_its_place(program, wrt, place, spelling):
    with pytest.raises(ShapeError) as info:
        derive(program, wrt)
    err = info.value
    assert (err.line, err.column) == place
    assert f"'{spelling}'" in err.message and "not fixed by any variable" in err.message
    sized = "I_3" if spelling in ("I", "eye") else "ones_3"
    assert sized in err.message and sized.replace("3", "n") in err.message
    caret = str(err).splitlines()[-1]
    assert caret.index("^") == 2 + err.column - 1
    assert str(err).splitlines()[-2] == "  " + program.splitlines()[err.line - 1]


def test_value_and_hessian_refuse_it_too():
    with pytest.raises(ShapeError, match="not fixed by any variable"):
        value("sum(ones) + a", a=2.0)
    with pytest.raises(ShapeError, match="not fixed by any variable"):
        hessian("a^2 * tr(I)", "a")


ACCEPTED = [  # program, variable, declarations: sizes from neighbours or given
    ("ones' x", "x", None),
    ("x' ones ones' x", "x", None),
    ("sum(ones .* x) * a", "a", None),
    ("tr(A + I)", "A", None),
    ("x' (A + eye) x", "x", None),
    ("log(1 + x' x) * ones' exp(x)", "x", None),
    ("kron(I, A) vec(X)", "X", None),
    ("a^2 * sum(ones_3)", "a", None),
    ("a^2 * sum(ones_n) + x' x", "a", {"x": "vector(n)"}),
    ("a^2 * tr(I_n) + sum(x)", "a", {"x": "vector(n)"}),
    ("u = ones\nx' x", "x", None),  # a binding the value does not use
    ("u = ones\nu' x", "x", None),
    ("sum(ones) - sum(ones) + a^2", "a", None),  # cancels when built: the value has no n_ones
]


@pytest.mark.parametrize("program, wrt, vars", ACCEPTED)
def test_a_constant_sized_by_its_neighbours_or_by_name_is_kept(program, wrt, vars):
    d = check_derivative(program, wrt, vars)
    assert "n_ones" not in d.text(ascii=True) and "n_eye" not in d.text(ascii=True)


def test_a_named_size_stays_symbolic():
    d = check_derivative("a^2 * sum(ones_n) + x' x", "a", {"x": "vector(n)"})
    assert str(d) == "2 a n"


def test_a_named_size_no_variable_has_cannot_be_evaluated_and_says_so():
    from matcalc import EvaluationError

    d = derive("sum(ones_n .* a)", "a", {"a": "scalar"})
    assert str(d) == "n"
    with pytest.raises(EvaluationError, match=r"size n is unknown.*write its number"):
        d.evaluate(a=2.0)


def test_cli_refuses_it_with_exit_2_and_a_caret(capsys):
    status = main(["sum(ones .* a)", "--wrt", "a"])
    out, err = capsys.readouterr()
    assert (status, out) == (2, "")
    assert "Traceback" not in err and "matcalc: error: line 1, column 5:" in err
    caret = next(line for line in err.splitlines() if line.strip().startswith("^"))
    assert caret.index("^") == 2 + 5 - 1


def test_json_error_object_carries_kind_and_place(capsys):
    status = main(["a*tr(I)", "--wrt", "a", "--json"])
    obj = json.loads(capsys.readouterr().out)["error"]
    assert status == 2 and obj["kind"] == "ShapeError"
    assert (obj["line"], obj["column"], obj["span"]) == (1, 6, {"start": 5, "end": 6})
    assert "not fixed by any variable" in obj["detail"]
