"""Well-known function names matcalc does not implement: refused with what they mean and what
to write instead (the one table, matcalc/lower/unimplemented.py), never an abstract function;
and "did you mean" only within a meaning class."""
from __future__ import annotations

import re

import numpy as np
import pytest
from numeric import check_derivative, draw_point, kink_programs, variables

from matcalc import ParseError, UnsupportedError, derive, value
from matcalc.cli import main
from matcalc.lower.functions import FUNCTIONS, MEANING, MEANINGS
from matcalc.lower.suggest import near_miss
from matcalc.lower.unimplemented import NOT_SCALAR, UNIMPLEMENTED

ROWS = sorted(UNIMPLEMENTED)

# The list and language.md's "being added" spellings: each is refused or implemented.
REQUIRED = """eig eigh eigvals svd qr lu chol expm logm sqrtm pinv solve norm min argmax argmin sort
erf gelu arcsin arccos arctan sinh cosh log1p expm1 square softsign huber log_softmax cumsum conv
einsum eigmax eigmin svals specnorm nucnorm erfc arcsinh logsigmoid softmax_rows log_softmax_rows
logsumexp_rows layernorm layernorm_rows cross_entropy asin acos atan arctan2 cholesky inverse
transpose logistic""".split()


def _arguments(usage: str) -> list[str]:
    """The arguments of a typical call `f(u, 3)`: ['u', '3']."""
    return [a.strip() for a in usage[usage.index("(") + 1:-1].split(",")]


def _first_variable(usage: str) -> str:
    return next(a for a in _arguments(usage) if not a[0].isdigit())


def _refusal(expr: str, wrt: str = "x", **kwargs) -> UnsupportedError:
    with pytest.raises(UnsupportedError) as info:
        derive(expr, wrt, **kwargs)
    return info.value


# -- the table -------------------------------------------------------------------------------

@pytest.mark.parametrize("name", REQUIRED)
def test_every_well_known_name_is_refused_or_implemented(name):
    assert (name in UNIMPLEMENTED) != (name in FUNCTIONS), name


@pytest.mark.parametrize("name", ROWS)
def test_a_row_is_well_formed(name):
    row = UNIMPLEMENTED[name]
    assert name not in FUNCTIONS and re.fullmatch(r"[a-z][a-z0-9_]*", name)
    assert row.usage.startswith(f"{name}(") and row.usage.endswith(")") and row.what
    # an alias names a built-in by a spelling the declarations give it, of the same class
    assert row.alias is None or (row.alias in FUNCTIONS and MEANING[row.alias] == row.meaning)
    assert not row.condition or row.instead


@pytest.mark.parametrize("name", ROWS)
def test_a_call_is_unsupported_naming_it(name, capsys):
    row = UNIMPLEMENTED[name]
    wrt = _first_variable(row.usage)
    err = _refusal(row.usage, wrt)
    message = str(err)
    assert f"unsupported function '{name}' ({row.what})" in message
    assert err.column == 1 and "^" in message and "must take" not in message
    if len(_arguments(row.usage)) > 1:  # an abstract function takes one: no hint to declare
        assert "--var" not in message and "declare" not in message
    elif row.meaning in NOT_SCALAR:
        assert f"declaring {name} a function (vars={{'{name}': 'function'}}, or --var " \
            f"{name}:function) gives a scalar stand-in, not {row.what}" in message
    else:
        assert f"declare it: vars={{'{name}': 'function'}}, or --var {name}:function" in message
    if row.alias:
        assert f"did you mean '{row.alias}'?" in message
    else:
        assert all(alternative in message for alternative in row.instead)
    if not row.instead:
        assert "does not implement it yet" in message
    assert main([row.usage, "--wrt", wrt]) == 2
    out, err_text = capsys.readouterr()
    assert out == "" and f"matcalc: error: line 1, column 1: unsupported function '{name}'" \
        in err_text


@pytest.mark.parametrize("name", ROWS)
def test_a_bare_name_is_unsupported_too(name):
    """`cumsum x` is not the vector cumsum times x."""
    err = _refusal(f"{name} + y", "y", vars={"y": "scalar"})
    assert f"unsupported function '{name}'" in str(err) and err.column == 1
    assert f"to use {name} as a variable, declare it" in str(err)


@pytest.mark.parametrize("name", [n for n in ROWS if len(_arguments(UNIMPLEMENTED[n].usage)) == 1])
def test_declared_a_function_it_is_abstract(name):
    usage = UNIMPLEMENTED[name].usage
    wrt = _first_variable(usage)
    assert str(derive(usage, wrt, vars={name: "function"})) == f"∂{name}/∂{wrt}"


@pytest.mark.parametrize("name", ["cumsum", "norm", "sort"])
def test_declared_a_function_it_differentiates_as_one(name, rng):
    d = check_derivative(f"{name}(W x)", "x", vars={name: "function"}, rng=rng,
                         abstract=({"name": name, "arg": "W x", "ascii": f"d{name}_d(W x)"},))
    assert str(d) == f"∂{name}/∂(W x) W"


@pytest.mark.parametrize("name", ["cumsum", "svd"])
def test_declared_a_variable_it_is_one(name, rng):
    d = check_derivative(f"{name}' x", "x", vars={name: "vector"}, rng=rng)
    assert str(d) == f"{name}ᵀ"


@pytest.mark.parametrize("expr, wanted", [
    ("sum(eig(X))", "the eigendecomposition"),
    ("tr(cholesky(S))", "matcalc calls it chol: did you mean 'chol'?"),
    ("sum(qr(X))", "the QR decomposition"),
    ("norm(x)", "write norm(x) as norm2(x) or norm1(x)"),
    ("sinm(X)", "the matrix functions it has: inv, expm, logm, sqrtm"),
    ("floor(x)", "the elementwise functions it has: exp, log"),
    ("logistic(x)", "matcalc calls it sigmoid: did you mean 'sigmoid'?"),
])
def test_the_message_says_what_to_write(expr, wanted):
    assert wanted in str(_refusal(expr))


# -- the workarounds are the functions they stand for -----------------------------------------

def _sigmoid(u):
    return 1 / (1 + np.exp(-u))


def _log_softmax(z):
    return z - np.log(np.exp(z).sum())


REFERENCE = {  # name -> the function in numpy, for each alternative of its `instead`
    "asin": [np.arcsin], "acos": [np.arccos], "atan": [np.arctan], "asinh": [np.arcsinh],
    "arccosh": [np.arccosh], "acosh": [np.arccosh], "atanh": [np.arctanh],
    "sec": [lambda u: 1 / np.cos(u)], "csc": [lambda u: 1 / np.sin(u)],
    "cot": [lambda u: 1 / np.tan(u)], "sinc": [lambda u: np.sinc(u / np.pi)],
    "log2": [np.log2], "log10": [np.log10],
    "exp2": [np.exp2], "power": [np.power], "pow": [np.power],
    "reciprocal": [np.reciprocal],
"clip": [np.clip], "clamp": [np.clip],
    "silu": [lambda u: u * _sigmoid(u)], "swish": [lambda u: u * _sigmoid(u)],
    "mish": [lambda u: u * np.tanh(np.log1p(np.exp(u)))],
    "elu": [lambda u: np.where(u > 0, u, np.expm1(u))],
    "leaky_relu": [lambda u: np.where(u > 0, u, 0.01 * u)], "relu6": [lambda u: np.clip(u, 0, 6)],
    "heaviside": [lambda u: np.heaviside(u, 0)], "step": [lambda u: np.heaviside(u, 0)],
    "ln": [np.log], "logistic": [_sigmoid], "expit": [_sigmoid], "absolute": [np.abs],
    "fabs": [np.abs], "norm": [np.linalg.norm, lambda u: abs(u).sum()], "prod": [np.prod],
    "var": [np.var], "std": [np.std],
    "average": [np.mean], "determinant": [np.linalg.det],
    "logsoftmax": [_log_softmax], "softmin": [lambda u: np.exp(-u) / np.exp(-u).sum()],
    "normalize": [lambda u: u / np.linalg.norm(u)],
    "inverse": [np.linalg.inv], "cholesky": [np.linalg.cholesky],
    "matmul": [np.matmul], "multiply": [np.multiply], "hadamard": [np.multiply],
    "outer": [np.outer], "inner": [np.inner], "kronecker": [np.kron],
    "transpose": [np.transpose], "flatten": [lambda x: x.flatten()],
    "diagpart": [np.diag], "diagonal": [np.diag],
    "eigvalsh": [np.linalg.eigvalsh],
}
DOMAINS = {  # name -> domains of its variables (numeric.py's names), else normal
    "eigvalsh": {"S": "spd"},
    "arccosh": {"u": "uniform(1.2,3)"}, "acosh": {"u": "uniform(1.2,3)"},
    "atanh": {"u": "uniform(-0.8,0.8)"},
    "asin": {"u": "uniform(-0.9,0.9)"}, "acos": {"u": "uniform(-0.9,0.9)"},
    "ln": {"u": "positive"}, "log2": {"u": "positive"},
    "log10": {"u": "positive"}, "prod": {"u": "positive"}, "sec": {"u": "uniform(-1.2,1.2)"},
    "csc": {"u": "uniform(0.3,2.8)"}, "cot": {"u": "uniform(0.3,2.8)"},
    "sinc": {"u": "nonzero"}, "reciprocal": {"u": "nonzero"},
    "clip": {"l": "uniform(-1,-0.2)", "h": "uniform(0.2,1)"},
    "clamp": {"l": "uniform(-1,-0.2)", "h": "uniform(0.2,1)"},
    "inverse": {"X": "well_conditioned"}, "cholesky": {"S": "spd"},
    "determinant": {"X": "well_conditioned"},
}
BOUNDS = {"u": "vector(n)", "l": "vector(n)", "h": "vector(n)"}  # (declared for kink checks)
SHAPES = {"cholesky": {"S": "spd(3)"}, "matmul": {"A": "matrix(3,4)", "B": "matrix(4,2)"},
          "clip": BOUNDS, "clamp": BOUNDS, "eigvalsh": {"S": "symmetric(3)"}}
WORKAROUNDS = [(name, i) for name in ROWS for i in range(len(UNIMPLEMENTED[name].instead))]


def test_every_workaround_has_a_reference():
    assert {name for name, _ in WORKAROUNDS} == set(REFERENCE)
    assert all(len(REFERENCE[n]) == len(UNIMPLEMENTED[n].instead) for n in REFERENCE)


@pytest.mark.parametrize("name, i", WORKAROUNDS)
def test_a_workaround_is_the_function_and_differentiates(name, i, rng):
    row, vars = UNIMPLEMENTED[name], SHAPES.get(name)
    expr = row.instead[i]
    for wrt in (a for a in _arguments(row.usage) if not a[0].isdigit()):
        for layout in ("numerator", "denominator"):
            d = check_derivative(expr, wrt, vars=vars, domains=DOMAINS.get(name), rng=rng,
                                 layout=layout)
    for _ in range(3):
        point = draw_point(variables(d), DOMAINS.get(name), rng, kink_programs(expr), vars)
        args = [point[a] if not a[0].isdigit() else float(a) for a in _arguments(row.usage)]
        want = REFERENCE[name][i](*args)
        assert np.allclose(value(expr, vars, **point), want, rtol=1e-10, atol=1e-12), name


# -- did you mean: only a name of the same meaning class ---------------------------------------

@pytest.mark.parametrize("expr, not_meant", [
    ("argmin(x)", "min"), ("norm(x)", "norm1"), ("acosh(x)", "cosh"),
    ("asinh(x)", "sinh")])
def test_a_well_known_name_is_not_suggested_as_another_function(expr, not_meant):
    message = str(_refusal(expr))
    assert f"did you mean '{not_meant}'" not in message


@pytest.mark.parametrize("name", ["sinm", "cosm", "tanhm", "absm"])
def test_an_elementwise_name_with_m_is_an_unsupported_matrix_function(name):
    err = _refusal(f"{name}(X)", "X")
    assert f"the matrix function of {name[:-1]}" in str(err) and "did you mean" not in str(err)
    assert f"gives a scalar stand-in, not the matrix function of {name[:-1]}" in str(err)


@pytest.mark.parametrize("expr, meant", [("dott(x, y)", "dot"), ("Max(x, y)", "max"),
                                         ("Kron(A, B)", "kron"), ("logDet(X)", "logdet")])
def test_a_misspelt_call_of_several_arguments_has_no_hint_to_declare(expr, meant):
    with pytest.raises(ParseError) as info:
        derive(expr, "x" if "x" in expr else "X")
    message = str(info.value)
    assert f"did you mean '{meant}'?" in message
    assert ("--var" in message) == ("," not in expr)  # one argument: declaring may help


@pytest.mark.parametrize("typo, meant", [("sigmod", "sigmoid"), ("sofmax", "softmax"),
                                         ("trace2", "trace"), ("cost", "cos"), ("coss", "cos"),
                                         ("exq", "exp"), ("logsumexq", "logsumexp")])
def test_a_typo_of_a_builtin_suggests_it(typo, meant):
    with pytest.raises(ParseError, match=f"unknown function '{typo}': did you mean '{meant}'\\?"):
        derive(f"sum({typo}(x))", "x")


@pytest.mark.parametrize("typo, builtin, known", [
    ("sqrtt", "sqrt", "sqrtm' (one of the matrix functions)"),
    ("expn", "exp", "expm' (one of the matrix functions)")])
def test_a_typo_as_close_to_two_meanings_names_both(typo, builtin, known):
    with pytest.raises(ParseError) as info:
        derive(f"sum({typo}(X))", "X")
    assert f"did you mean '{builtin}' (one of the elementwise functions) or '{known}" \
        in str(info.value)


@pytest.mark.parametrize("typo, meant", [("dott", "dot"), ("kronn", "kron"), ("maxx", "max")])
def test_a_two_argument_typo_suggests_a_two_argument_builtin(typo, meant):
    with pytest.raises(ParseError, match=f"did you mean '{meant}'"):
        derive(f"sum({typo}(x, y))", "x")


def test_a_suggestion_takes_as_many_arguments():
    assert near_miss("cost", 1) == "cos" and near_miss("cost", 2) is None


@pytest.mark.parametrize("typo, meant", [("eigval", "eigvals"), ("exppm", "expm"),
                                         ("cholesk", "chol"), ("logistc", "sigmoid")])
def test_a_typo_of_a_well_known_name_names_it(typo, meant):
    with pytest.raises(ParseError, match=f"unknown function '{typo}': did you mean '{meant}'"):
        derive(f"{typo}(X)", "X")


def test_a_near_miss_shared_with_a_well_known_name_of_another_class_is_not_suggested():
    """`sqrtn` is one edit from sqrt and from the matrix function sqrtm."""
    assert near_miss("sqrtn") is None


def test_suggestions_come_from_the_classes():
    for name in ("sigmod", "cost", "trace2", "sofmax"):
        meant = near_miss(name)
        assert any(meant in names for names in MEANINGS.values())


# -- unknown calls of two arguments ------------------------------------------------------------

@pytest.mark.parametrize("expr", ["foo(x, y)", "loss(x, y, z)", "g(x, y)"])
def test_an_unknown_call_of_several_arguments_is_an_unknown_function(expr):
    with pytest.raises(ParseError) as info:
        derive(expr, "x")
    message = str(info.value)
    assert message.startswith(f"line 1, column 1: unknown function '{expr.split('(')[0]}'")
    assert "an abstract function takes one argument" in message and "--var" not in message
    assert "must take exactly one" not in message


def test_a_declared_function_of_two_arguments_is_told_it_takes_one():
    with pytest.raises(ParseError, match="must take exactly one argument, got 2"):
        derive("foo(x, y)", "x", vars={"foo": "function"})
