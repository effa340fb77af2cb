"""`matcalc ... --json` and matcalc.report: the object, its schema, and its numbers."""
from __future__ import annotations

import json

import numpy as np
import pytest

import matcalc
from matcalc import derive, hessian, report
from matcalc.cli import main

jsonschema = pytest.importorskip("jsonschema")
VALIDATOR = jsonschema.Draft202012Validator(report.schema())

COMMANDS = [
    ("W x + b", "--wrt", "x"),
    ("x' A x", "--wrt", "x", "--layout", "denominator", "--check"),
    ("x' A x", "--wrt", "x", "--hessian", "--steps", "--form", "differential"),
    ("Y = A X + B; f(Y)", "--wrt", "X", "--layout", "denominator", "--steps"),
    ("norm2(A x - b)^2", "--wrt", "x", "--code", "numpy", "--steps", "--latex"),
    ("W x", "--wrt", "W", "--var", "W:matrix(m,n)", "--var", "x:vector(n)", "--form",
     "differential"),
    ("x' A x", "--wrt", "x", "--claim", "x' (A + A')"),
    ("sum(softmax(x) .* y)", "--wrt", "x", "--check", "--code", "numpy"),
]


def run_json(capsys, *argv: str) -> tuple[int, dict]:
    status = main([*argv, "--json"])
    out, _ = capsys.readouterr()
    obj = json.loads(out)
    VALIDATOR.validate(obj)
    return status, obj


def test_schema_is_valid_draft_2020_12():
    jsonschema.Draft202012Validator.check_schema(report.schema())
    assert report.schema()["$schema"].endswith("/draft/2020-12/schema")


@pytest.mark.parametrize("argv", COMMANDS, ids=lambda a: " ".join(a))
def test_json_outputs_validate_and_match_derive(capsys, argv):
    status, obj = run_json(capsys, *argv)
    assert status == 0
    expr, wrt = argv[0], argv[2]
    layout = "denominator" if "denominator" in argv else "numerator"
    declared = dict(argv[i + 1].split(":", 1) for i, a in enumerate(argv) if a == "--var")
    d = (hessian if "--hessian" in argv else derive)(expr, wrt, declared or None, layout)
    assert (obj["input"], obj["wrt"], obj["layout"]) == (expr, wrt, layout)
    assert obj["order"] == d.order and obj["variables"] == d.variables
    assert (obj["text"], obj["ascii"], obj["latex"]) == (d.text(), d.text(ascii=True), d.latex())
    assert ("steps" in obj) == ("--steps" in argv)
    assert ("check" in obj) == ("--check" in argv)
    assert ("differential" in obj) == ("differential" in argv)
    if "--check" in argv:
        assert obj["check"]["ok"] and obj["check"]["max_error"] < 1e-5
        assert obj["check"]["line"] == str(d.check())
    if "--code" in argv:
        assert obj["code"]["backend"] == "numpy"
        assert obj["code"]["source"] == d.to_source("numpy")
    if "--claim" in argv:
        assert obj["claim"]["equal"] is True


def _point(variables: dict[str, str], rng) -> dict[str, np.ndarray]:
    """Random arrays for kinds such as 'vector(n_A)' with every size 3."""
    shapes = {"scalar": (), "vector": (3,), "matrix": (3, 3)}
    return {name: rng.standard_normal(shapes[kind.split("(")[0]])
            for name, kind in variables.items()}


@pytest.mark.parametrize("argv", [
    ("x' A x", "--wrt", "x", "--layout", "denominator"),
    ("Y = A X + B; f(Y)", "--wrt", "X", "--layout", "denominator"),
    ("h = tanh(W x + b); sum((h - y).^2)", "--wrt", "W", "--layout", "denominator"),
    ("h = tanh(W x + b); g = sigmoid(V h); sum((g - y).^2)", "--wrt", "W", "--layout",
     "denominator"),
    ("sum(softmax(x) .* y)", "--wrt", "x", "--layout", "denominator"),
])
def test_json_ascii_text_evaluates_to_the_derivative(capsys, argv):
    """The printed ASCII form, read back by matcalc.value, has the derivative's values."""
    _, obj = run_json(capsys, *argv)
    d = derive(argv[0], argv[2], layout="denominator")
    rng = np.random.default_rng(7)
    point = _point(obj["variables"], rng)
    symbols = {ascii: rng.standard_normal((3, 3)) for _, ascii in d.symbols()}
    arrays = {**point, **symbols}
    kinds = {name: kind.split("(")[0] for name, kind in obj["variables"].items()}
    program = obj["ascii"]  # (its where clauses read as bindings)
    used = matcalc.api._lowered(program, {k: "matrix" for k in symbols}).variables
    declared = {k: kinds.get(k, "matrix") for k in used}
    shown = matcalc.value(program, declared, **{k: arrays[k] for k in used})
    assert np.allclose(shown, d.evaluate(**arrays))


@pytest.mark.parametrize("argv, kind", [
    (("W x +", "--wrt", "x"), "ParseError"),
    (("W x + b", "--wrt", "q"), "DeclarationError"),
    (("A x", "--wrt", "x", "--hessian"), "ShapeError"),
    (("W x", "--wrt", "x", "--var", "W:bogus"), "DeclarationError"),
    (("W x",), "UsageError"),
    (("W x", "--wrt", "x", "--layout", "sideways"), "UsageError"),
])
def test_json_errors_exit_2_with_an_error_object(capsys, argv, kind):
    status, obj = run_json(capsys, *argv)
    assert status == 2
    assert obj["error"]["kind"] == kind
    assert obj["error"]["message"]


def test_json_parse_error_has_place_and_caret(capsys):
    _, obj = run_json(capsys, "W x +", "--wrt", "x")
    err = obj["error"]
    assert (err["line"], err["column"]) == (1, 6)
    assert err["span"] == {"start": 5, "end": 6}
    assert "^" in err["message"] and err["excerpt"] in err["message"]
    caret = err["excerpt"].splitlines()[1]
    assert caret.index("^") == 2 + err["column"] - 1


def test_json_differing_claim_exits_1(capsys):
    status, obj = run_json(capsys, "x' A x", "--wrt", "x", "--claim", "2 x' A")
    assert status == 1 and obj["claim"]["equal"] is False


def test_report_variables_object_validates():
    obj = report.variables("W x + b", {"W": "matrix(m,n)"})
    VALIDATOR.validate(obj)
    assert obj["variables"]["W"] == "matrix(m,n)"


def test_schema_ships_in_the_package():
    from importlib import resources
    assert resources.files("matcalc").joinpath("schema/result.json").is_file()


@pytest.mark.parametrize("expr, wrt, layout, order, expected", [
    ("x' A x", "x", "numerator", 1, ("1", "4", "scalar")),  # a row, as the contract says
    ("x' A x", "x", "denominator", 1, ("4", "1", "scalar")),  # a gradient, shaped like x
    ("tr(W' W)", "W", "numerator", 1, ("5", "3", "scalar")),  # n × m for an m × n variable
    ("W x", "x", "numerator", 1, ("3", "5", "vector(3)")),  # the m × n Jacobian
    ("W x", "x", "denominator", 1, ("5", "3", "vector(3)")),
    ("W x", "W", "numerator", 1, ("3", "15", "vector(3)")),  # d vec(F) / d vec(X)ᵀ
    ("x' A x", "x", "numerator", 2, ("4", "4", "scalar")),
])
def test_json_shape_is_the_size_evaluate_returns(expr, wrt, layout, order, expected, rng):
    """The result's rows × cols with every size declared (W 3 × 5, x 5 or 4, A 4 × 4): the
    number of entries is that of the array `evaluate` returns."""
    vars = {"W": "matrix(3,5)", "x": "vector(4)" if "A" in expr else "vector(5)",
            "A": "matrix(4,4)"}
    vars = {k: v for k, v in vars.items() if k in expr}
    obj = report.build(expr, wrt, vars, layout, hessian=order == 2)
    VALIDATOR.validate(obj)
    shape = obj["shape"]
    assert (shape["rows"], shape["cols"], shape["function"]) == expected
    d = (hessian if order == 2 else derive)(expr, wrt, vars, layout)
    dims = {kind: tuple(int(n) for n in kind[kind.index("(") + 1:-1].split(","))
            for kind in vars.values()}
    arrays = {name: rng.standard_normal(dims[kind]) for name, kind in vars.items()}
    assert np.size(d.evaluate(**arrays)) == int(shape["rows"]) * int(shape["cols"])


def test_json_shape_names_symbolic_sizes():
    obj = report.build("W x", "W", {"W": "matrix(m,n)"})
    assert obj["shape"] == {"rows": "m", "cols": "m·n", "function": "vector(m)"}
