"""One case per operator of the catalogue, each inside a chain (W x + b, A X B) so the chain
rule is exercised too, checked against finite differences in both layouts and in its domain.

Sources of the closed forms: the Matrix Cookbook (Petersen & Pedersen, 2012), §2."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest
from numeric import check_derivative, draw_point, variables

from matcalc import derive, hessian, value
from matcalc.core import elementwise as ew
from matcalc.core import vector_functions as ew_vector
from matcalc.core.elementwise import FUNCTIONS as ELEMENTWISE
from matcalc.core.matrix_powers import MATRIX_POWERS
from matcalc.core.ops import LEAF, OPS
from matcalc.diff.registry import JVP

VARS = {"W": "matrix(m,n)", "x": "vector(n)", "b": "vector(m)", "X": "matrix(n,n)",
        "A": "matrix(n,n)", "B": "matrix(n,n)", "c": "scalar", "y": "vector(n)"}
SIZES = {"m": 3, "n": 3}


_SMALL = "uniform(-0.3,0.3)"  # |W x + b| < 0.6 with n = 3: inside (-1, 1), clear of tan's poles
_DRAWS = {ew.REAL: None, ew.KINK_AT_ZERO: None, ew.KINKS_AT_PARAMETER: None,
          ew.POSITIVE: "positive", ew.ABOVE_MINUS_ONE: "positive", ew.OPEN_UNIT: _SMALL,
          ew.OFF_POLES: _SMALL}


def argument_domains(f: ew.Function) -> dict | None:
    """How to draw W, x and b so that f(W x + b) is in f's declared domain."""
    draw = _DRAWS[f.domain]
    return None if draw is None else {name: draw for name in ("W", "x", "b")}


@dataclass(frozen=True)
class OpCase:
    op: str
    expr: str
    wrt: str
    domains: dict | None = None


OP_CASES = [
    OpCase("add", "W x + b", "x"),
    OpCase("mul", "b' W x", "W"),
    OpCase("hadamard", "(W x) .* b", "x"),
    OpCase("kron", "kron(A, X)", "A"),                               # Magnus–Neudecker Th. 3.10
    OpCase("transpose", "(A X)' y", "X"),
    OpCase("sum", "sum(X .* A)", "X"),
    OpCase("mean", "mean(exp(W x))", "x"),
    OpCase("tr", "tr(A X B)", "X"),                                   # Cookbook (101)
    OpCase("vec", "vec(A X)", "X"),
    OpCase("expand", "exp(x + c)", "c"),
    OpCase("diag", "diag(x) W' b", "x"),
    OpCase("diagpart", "diag(A X)", "X"),
    OpCase("tril", "tr(A tril(X))", "X"),
    OpCase("pow", "(W x + b) .^ 3", "x"),
    OpCase("gt", "relu(W x + b)", "x"),
    OpCase("maximum", "max(W x, b)", "x"),
    OpCase("minimum", "min(W x, b)", "x"),
    OpCase("amax", "max(W x + b)", "x"),
    OpCase("amin", "min(X A)", "X"),
    OpCase("ismax", "ismax(W x + b)' W exp(x)", "x"),
    OpCase("ismin", "x' ismin(A x + y)", "x"),
    OpCase("inv", "inv(X) y", "X", {"X": "well_conditioned"}),       # Cookbook (60)
    OpCase("det", "det(X)", "X", {"X": "well_conditioned"}),          # Cookbook (49)
    OpCase("logdet", "logdet(X)", "X", {"X": "spd"}),                 # Cookbook (57)
    OpCase("mpow", "tr(X^3)", "X"),                                   # Cookbook (121)
    OpCase("norm2", "norm2(W x + b)", "x"),
    OpCase("norm1", "norm1(W x + b)", "x"),
    OpCase("softmax", "softmax(W x + b)", "x"),
    OpCase("logsumexp", "logsumexp(W x + b)", "x"),
    OpCase("logsoftmax", "log_softmax(W x + b)", "x"),
    OpCase("softmax_rows", "softmax_rows(A X B)", "X"),
    OpCase("log_softmax_rows", "log_softmax_rows(A X B)", "X"),
    OpCase("logsumexp_rows", "logsumexp_rows(A X B)", "X"),
    OpCase("layernorm", "layernorm(W x + b, c)", "x", {"c": "positive"}),
    OpCase("layernorm_rows", "layernorm_rows(A X B, c)", "X", {"c": "positive"}),
    OpCase("apply", "f(W x + b)", "x"),
    # matrix functions (Higham, Functions of Matrices, ch. 3): through A X B, at points off the
    # branch cut for logm and sqrtm
    OpCase("expm", "y' expm(A X B) x", "X"),
    OpCase("logm", "y' logm(X) x", "X", {"X": "off_cut"}),
    OpCase("sqrtm", "tr(A sqrtm(X B))", "X", {"X": "off_cut", "B": "off_cut"}),
    OpCase("frechet", "y' L_exp(A, X B) x", "X"),
    OpCase("frechet_matrix", "J_log(A) vec(X)", "X", {"A": "off_cut"}),
    # spectral functions (core/spectral.py) of symmetric matrices B' (X + X') B and of A X B;
    # the eigenvectors and singular vectors (no derivative through them) as constant factors
    OpCase("eigvals", "y' eigvals(B' (X + X') B)", "X"),
    OpCase("eigmax", "eigmax(B' (X + X') B)", "X"),
    OpCase("eigmin", "eigmin(B' (X + X') B)", "X"),
    OpCase("svals", "y' svals(A X B)", "X"),
    OpCase("specnorm", "specnorm(A X B)", "X"),
    OpCase("nucnorm", "nucnorm(A X B)", "X"),
    *(OpCase(op, f"y' {op}(A) X x", "X", {"A": "spd"})
      for op in ("eigvecs", "svecs_left", "svecs_right", "polar")),
    *(OpCase(op, f"{op}(A)' X x", "X", {"A": "spd"})
      for op in ("eigvec_max", "eigvec_min", "svec_max_left", "svec_max_right")),
    # the Daleckii–Krein form's eigenbasis and divided differences, as constant factors
    OpCase("eigbasis", "y' eigbasis(A) X x", "X", {"A": "spd"}),
    *(OpCase(op, f"y' {op}(eigvals(A)) X x", "X", {"A": "spd"})
      for op in ("divdiff_exp", "divdiff_log", "divdiff_sqrt")),
    # factorisations and solves (core/factorisations.py): chol of an spd argument
    OpCase("chol", "y' chol(X X' + A A') x", "X", {"A": "well_conditioned"}),
    OpCase("solve", "y' solve(X, A x)", "X", {"X": "well_conditioned"}),
    OpCase("pinv", "y' pinv(W) b", "W", {"W": "well_conditioned"}),
    OpCase("tril_half", "tr(A tril_half(X))", "X"),
    # every declared elementwise function (matcalc/core/elementwise.py), in its domain
    *(OpCase(f.name, f"{f.name}(W x + b)", "x", argument_domains(f)) for f in ELEMENTWISE.values()),
]
ABSTRACT = {"apply": [{"name": "f", "ascii": "df_d(W x + b)", "arg": "W x + b"}]}


def test_every_operator_has_a_case_and_a_rule():
    ops = {op for op, spec in OPS.items() if spec.family != LEAF}
    assert {op for op in ops if OPS[op].in_language} <= {case.op for case in OP_CASES}
    assert ops <= set(JVP)


@pytest.mark.parametrize("layout", ["numerator", "denominator"])
@pytest.mark.parametrize("case", OP_CASES, ids=lambda c: c.op)
def test_operator_derivative(case, layout, rng):
    check_derivative(case.expr, case.wrt, VARS, SIZES, case.domains, layout, rng=rng,
                     abstract=ABSTRACT.get(case.op, ()))


# -- every operator has every facet ---------------------------------------------------------

# The algebra, which the language writes with symbols or desugars, not calls by a name.
_ALGEBRA = {"add", "mul", "hadamard", "transpose", "pow", "gt", "expand", "apply"}


def _declared_spellings() -> dict[str, tuple[str, ...]]:
    """op -> the names its declaration gives it in the language, where they differ from the op
    name (diagpart: diag; amax: max; frechet: L_exp, L_log, L_sqrt)."""
    from matcalc.core.elementwise import BINARY
    from matcalc.core.extremes import EXTREMES
    from matcalc.core.linear_ops import LINEAR_OPS
    from matcalc.core.matrix_functions import MATRIX_FUNCTIONS
    functions = MATRIX_FUNCTIONS.values()
    return {**{op.name: op.spellings for op in LINEAR_OPS.values()},
            **{op.name: op.spellings for op in MATRIX_POWERS.values()},
            **{f.name: (f.spelling,) for f in (*BINARY.values(), *EXTREMES.values(),
                                               *ew_vector.VECTOR_FUNCTIONS.values())},
            "frechet": tuple(f.frechet_name for f in functions),
            "frechet_matrix": tuple(f.jacobian_name for f in functions)}


def _facets(op: str) -> dict[str, bool]:
    """Which of its facets each stage has for the operator `op`."""
    from matcalc.codegen.backends import BACKENDS
    from matcalc.codegen.emit import emission_rule
    from matcalc.domain import RULES, SMOOTH
    from matcalc.evaluate import _LEAVES
    from matcalc.interop.to_sympy import _RULES as SYMPY
    from matcalc.lower.functions import FUNCTIONS as NAMED
    spec = OPS[op]
    return {
        "typing (a name or syntax of the language)":
            not spec.in_language or spec.family == LEAF or op in NAMED or op in _ALGEBRA
            or any(s in NAMED for s in _declared_spellings().get(op, ()))
            or bool(getattr(MATRIX_POWERS.get(op), "syntax", "")),  # A^k
        "derivative rule (diff/)": spec.family == LEAF or op in JVP,
        "numpy evaluation": spec.evaluate is not None or op in _LEAVES or op in ("unvec", "expand"),
        "generated code (codegen/)":
            all(op in backend.templates for backend in BACKENDS.values())
            or emission_rule(op) is not None,
        "SymPy form (interop/to_sympy.py)": op in SYMPY,
        "domain of the numerical check (domain.py)": op in SMOOTH or op in RULES,
    }


def test_every_operator_has_every_facet():
    """Each operator of the catalogue is typed, differentiated, evaluated, generated as code,
    converted to SymPy and has a domain; a missing facet is named with its operator."""
    missing = {op: [facet for facet, ok in _facets(op).items() if not ok] for op in OPS}
    assert not {op: facets for op, facets in missing.items() if facets}, missing


def test_a_missing_facet_is_named(monkeypatch):
    from matcalc.interop.to_sympy import _RULES as SYMPY
    monkeypatch.delitem(SYMPY, "tr")
    assert _facets("tr")["SymPy form (interop/to_sympy.py)"] is False
    from matcalc.lower.functions import FUNCTIONS as NAMED
    monkeypatch.delitem(NAMED, "diag")  # diagpart is typed by its declared spelling diag
    assert _facets("diagpart")["typing (a name or syntax of the language)"] is False


@pytest.mark.parametrize("layout", ["numerator", "denominator"])
@pytest.mark.parametrize("expr, wrt", [("a .^ x", "x"), ("a .^ x", "a"), ("x .^ y", "y"),
                                       ("x .^ y", "x"), ("(W x) .^ b", "W"), ("X .^ A", "A"),
                                       ("sum(x .^ x)", "x")])
def test_a_variable_exponent(expr, wrt, layout, rng):
    """u.^p with p a vector or matrix of u's shape, or u a scalar (a .^ x): positive bases;
    the derivative, its code and its printed forms read back."""
    from test_codegen import check_generated
    d = check_derivative(expr, wrt, EXPONENT_VARS, SIZES, POSITIVE_BASES, layout, rng=rng)
    check_generated(d, expr, SIZES, POSITIVE_BASES, EXPONENT_VARS, (), rng)  # numpy, jax, torch
    _reads_back(d, rng)


@pytest.mark.parametrize("expr, wrt", [("sum(a .^ x)", "x"), ("sum(a .^ x)", "a"),
                                       ("sum(x .^ y)", "x"), ("sum(x .^ y)", "y"),
                                       ("sum(X .^ A)", "X"), ("sum(X .^ A)", "A"),
                                       ("sum((W x) .^ b)", "x"), ("sum(x .^ x)", "x")])
def test_a_variable_exponent_hessian(expr, wrt, rng):
    """The Hessian is the finite differences of the gradient; its code and its printed forms
    have evaluate's value."""
    from test_codegen import check_generated
    from test_hessian import check_second
    second = hessian(expr, wrt, EXPONENT_VARS)
    check_second(derive(expr, wrt, EXPONENT_VARS, "denominator"), second, SIZES,
                 POSITIVE_BASES, rng)
    check_generated(second, expr, SIZES, POSITIVE_BASES, EXPONENT_VARS, (), rng)
    _reads_back(second, rng)


POSITIVE_BASES = {name: "positive" for name in ("a", "x", "W", "X")}
EXPONENT_VARS = VARS | {"a": "scalar"}


def _reads_back(d, rng) -> None:
    """Every printed form of `d` read back has d.evaluate's value at a point."""
    from program_checks import printed_forms
    point = draw_point(variables(d, SIZES), POSITIVE_BASES, rng)
    want = d.evaluate(**point)
    for text in printed_forms(d):
        got = value(text, d.declarations, **point)
        assert np.allclose(got, want, rtol=1e-12, atol=1e-12), text


@pytest.mark.parametrize("layout", ["numerator", "denominator"])
@pytest.mark.parametrize("expr, wrt", [("max(W x, b)", "x"), ("min(W x, b)", "W"),
                                       ("sum(min(x, y) .* y)", "y"), ("min(x, 0.5)", "x")])
def test_max_and_min_generate_code(expr, wrt, layout, rng):
    """max and min (core/elementwise.py's Binary): derivatives and their code on every
    installed backend, against evaluate and finite differences."""
    from test_codegen import check_generated
    d = check_derivative(expr, wrt, VARS, SIZES, layout=layout, rng=rng)
    check_generated(d, expr, SIZES, None, VARS, (), rng)


# -- every declaration of the softmax family has every facet --------------------------------

def _declared_facets(f) -> dict[str, bool]:
    """Which facets the declaration `f` (core/vector_functions.py) has, and which stages read
    it."""
    from matcalc.codegen.backends import BACKENDS
    from matcalc.codegen.signs import FIXED
    from matcalc.domain import SMOOTH
    from matcalc.interop.to_sympy import _RULES as SYMPY
    from matcalc.lower.functions import FUNCTIONS as NAMED
    from matcalc.lower.functions import MEANING
    from matcalc.render.printer import Printer
    from matcalc.vocabulary import vector_function_table
    from matcalc.web.syntax import syntax
    panel = {g["name"]: g for c in syntax()["functions"] for g in c["functions"]}
    return {
        "spelling and meaning": bool(f.spelling and f.meaning) and f.spelling in MEANING,
        "typing rule (lower/functions.py)": f.spelling in NAMED,
        "numpy value": callable(f.numpy) and OPS[f.name].evaluate is not None,
        "differential": callable(f.differential) and f.name in JVP,
        "derivative text (steps)": f.derivative_text.startswith(f"d {f.printed[-1]}")
                                   or f.derivative_text.startswith("d log("),
        "printed form": bool(f.printed) and hasattr(Printer, "p_function"),
        "code on every backend": all(f.code.get(name) and f.name in backend.templates
                                     for name, backend in BACKENDS.items()),
        "helpers its code names": all(marker in BACKENDS[name].helpers
                                      for name, markers in f.helpers.items()
                                      for marker in markers),
        "value on one entry": f.of_one_entry in ("1", "0", "u"),
        "SymPy form": callable(f.sympy) and f.name in SYMPY,
        "value interval (codegen signs) or none claimed":
            f.values is None or f.name in FIXED,
        "domain (domain.py)": f.name in SMOOTH,
        "docs example": all(f.example) and f"`{f.example[0]}`" in vector_function_table(),
        "syntax panel entry": panel.get(f.spelling, {}).get("example") == f.example[0],
    }


@pytest.mark.parametrize("name", sorted(ew_vector.VECTOR_FUNCTIONS))
def test_every_vector_function_has_every_facet(name):
    """A declaration of the softmax family that lacks a facet fails, naming it."""
    facets = _declared_facets(ew_vector.VECTOR_FUNCTIONS[name])
    assert not [facet for facet, ok in facets.items() if not ok], (name, facets)


def test_a_missing_declared_facet_is_named(monkeypatch):
    from dataclasses import replace
    softmax = ew_vector.VECTOR_FUNCTIONS["softmax"]
    facets = _declared_facets(replace(softmax, example=("softmax(x)", "x", "")))
    assert [facet for facet, ok in facets.items() if not ok] == ["docs example"]

