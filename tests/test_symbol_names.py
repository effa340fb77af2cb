"""A user passes what they see: an abstract symbol's value is taken under every name a printed
form shows it by (full or with where names, Unicode or ASCII; f for f(Y) when f has one
argument), by `Derivative.evaluate` and by `value` of a printed form read back with
`d.declarations`; a value given under two names, or a name no symbol needs, is refused.
"""
from __future__ import annotations

import inspect
import re
import zlib

import numpy as np
import pytest
import test_seeds as seeds
from program_checks import check, printed_forms
from program_gen import Program

from matcalc import EvaluationError, derive, value

# -- a symbol's value is passed under any name a printed form shows ---------------------------

_VARS = {"W": "matrix(m,n)", "x": "vector(n)", "y": "vector(m)", "b": "vector(m)"}
WHERE_NAMED = [  # derivatives that show an abstract symbol with where names
    ("f(sigmoid(W x) .* y)", "f"),
    ("f(softmax(x))", "f"),
    ("f(tanh(W x)) + g(tanh(W x))", "fg"),
    ("f(x / norm2(x))", "f"),                      # the symbol itself named: a = ∂f/∂(x / u)
    ("f(tanh(W x + b)) + sum(tanh(W x + b))", "f"),
    ("f(sigmoid(x)) g(sigmoid(x))", "fg"),          # f(s), g(s) too
]


@pytest.mark.parametrize("text, functions", WHERE_NAMED)
def test_a_symbol_shown_with_where_names_takes_its_value_under_them(text, functions):
    """Every property of tests/program_checks.py (finite differences, read-back, claims), with
    the symbols' values passed under the names each printed form shows: d.evaluate and
    value(d.text(), vars=d.declarations) take ∂f/∂(s ⊙ y) as ∂f/∂(y ⊙ σ(W x))."""
    program = Program(text, {k: v for k, v in _VARS.items() if k in text},
                      [{"name": f} for f in functions], [], {}, dict(seeds.SIZES))
    assert any(s.shown != tuple(s) for wrt in program.vars  # (by some variable)
               for s in derive(text, wrt, program.vars).symbols())
    failures = check(program, np.random.default_rng(zlib.crc32(text.encode())))
    assert failures == []


def test_the_symbols_list_every_name_evaluate_takes(rng):
    d = derive("f(sigmoid(W x) .* y)", "x")
    assert str(d) == "∂f/∂(s ⊙ y) diag(s ⊙ y ⊙ (1 - s)) W  where s = σ(W x)"
    assert d.text(ascii=True) == "df_d(s .* y) diag(s .* y .* (1 - s)) W  where s = sigmoid(W x)"
    [symbol] = d.symbols()
    assert symbol == ("∂f/∂(y ⊙ σ(W x))", "df_d(y .* sigmoid(W x))")  # the full names
    assert symbol.shown == ("∂f/∂(s ⊙ y)", "df_d(s .* y)")
    assert symbol.names == (*symbol, *symbol.shown)
    point = {"W": rng.normal(size=(3, 2)), "x": rng.normal(size=2), "y": rng.normal(size=3)}
    g = rng.normal(size=3)
    s = 1 / (1 + np.exp(-point["W"] @ point["x"]))
    want = (g * s * point["y"] * (1 - s)) @ point["W"]
    generated = d.to_function()
    for name in symbol.names:
        assert np.allclose(d.evaluate(**point, **{name: g}), want)
        assert np.allclose(generated(**point, **{name: g}), want)  # the same keywords
        for text in printed_forms(d):
            if name in symbol or name in symbol.shown and "where" in text:
                assert np.allclose(value(text, d.declarations, **point, **{name: g}), want)


def test_a_symbol_given_twice_is_refused(rng):
    d = derive("f(sigmoid(W x) .* y)", "x")
    point = {"W": rng.normal(size=(3, 2)), "x": rng.normal(size=2), "y": rng.normal(size=3)}
    g = rng.normal(size=3)
    for one, two in [("df_d(s .* y)", "∂f/∂(y ⊙ σ(W x))"), ("∂f/∂(s ⊙ y)", "df_d(s .* y)")]:
        with pytest.raises(EvaluationError, match=r"∂f/∂\(y ⊙ σ\(W x\)\) is given twice"):
            d.evaluate(**point, **{one: g, two: g})
        with pytest.raises(EvaluationError, match="is given twice"):
            value(str(d), d.declarations, **point, **{one: g, two: g})
        with pytest.raises(TypeError, match=re.escape(f"given twice, as '{one}' and as '{two}'")):
            d.to_function()(**point, **{one: g, two: g})
    f = derive("log(f(Y))", "Y")
    with pytest.raises(EvaluationError, match=r"f\(Y\) is given twice, as 'f\(Y\)' and as 'f'"):
        f.evaluate(Y=np.eye(2), df_dY=np.eye(2), **{"f(Y)": 1.0, "f": 1.0})


def test_f_alone_names_f_y_only_when_f_has_one_argument():
    one = derive("f(A x) g(x)", "x")
    assert ("f(A x)", "f") in [s.names for s in one.symbols()]
    two = derive("f(A x) f(B x)", "x")
    assert {s.names for s in two.symbols() if s.printed.startswith("f(")} == \
        {("f(A x)",), ("f(B x)",)}
    point = {"A": np.eye(2), "B": np.eye(2), "x": np.ones(2), "df_d(A x)": np.ones(2),
             "df_d(B x)": np.ones(2), "f(A x)": 1.0}
    with pytest.raises(EvaluationError, match="unknown name 'f'"):
        two.evaluate(**point, f=1.0)
    with pytest.raises(TypeError, match="unexpected keyword argument 'f'"):
        two.to_function()(**point, f=1.0)
    assert np.allclose(two.to_function()(**point, **{"f(B x)": 2.0}),
                       two.evaluate(**point, **{"f(B x)": 2.0}))


def test_a_symbol_inside_another_symbols_name_is_taken_and_not_used(rng):
    """f(W x) in ∂g/∂(f(W x) y) is part of that name: its value may be passed (the text shows
    it), to d.evaluate and to value() of the text, and changes nothing."""
    d = derive("g(f(W x) .* y)", "x")
    assert str(d) == "(∂g/∂(f(W x) y) y) ∂f/∂(W x) W"
    assert d.symbols() == [("f(W x)", "f(W x)"), ("∂g/∂(f(W x) y)", "dg_d(f(W x) y)"),
                           ("∂f/∂(W x)", "df_d(W x)")]
    arrays = {"W": rng.normal(size=(2, 2)), "x": rng.normal(size=2), "y": rng.normal(size=2),
              "dg_d(f(W x) y)": rng.normal(size=2), "df_d(W x)": rng.normal(size=2)}
    want = (arrays["dg_d(f(W x) y)"] @ arrays["y"]) * arrays["df_d(W x)"] @ arrays["W"]
    generated = d.to_function()
    assert "f" not in inspect.signature(generated).parameters  # (the code does not use it)
    for f in ({}, {"f(W x)": 1.0}, {"f": 2.0}):
        assert np.allclose(d.evaluate(**arrays, **f), want)
        assert np.allclose(generated(**arrays, **f), want)
        for text in printed_forms(d):
            assert np.allclose(value(text, d.declarations, **arrays, **f), want)


# -- d.declarations: one vars for reading back every printed form -------------------------------

def test_the_declarations_are_the_variables_and_the_symbols():
    d = derive("f(sigmoid(W x) .* y)", "x")
    assert d.variables == {"W": "matrix(m_W,n_W)", "x": "vector(n_W)", "y": "vector(m_W)"}
    assert d.declarations == {**d.variables, "df_d(y .* sigmoid(W x))": "matrix(1,m_W)",
                              "f": "function"}
    assert derive("W x", "x").declarations == derive("W x", "x").variables


def test_declared_functions_are_declared_again():
    """A function declared by the user (a name that would otherwise be refused) reads back."""
    d = derive("cumsum(W x)", "x", {"cumsum": "function"})
    assert d.declarations["cumsum"] == "function"
    arrays = {"W": np.eye(2), "x": np.ones(2), "dcumsum_d(W x)": np.array([1.0, 2.0])}
    for text in printed_forms(d):
        assert np.allclose(value(text, d.declarations, **arrays), d.evaluate(**arrays))


# -- one naming rule: evaluate takes the names generated code takes --------------------------

def test_evaluate_takes_the_parameter_names_of_generated_code(rng):
    """df_d_A_X_B, the generated parameter of ∂f/∂(A X + B), is taken by d.evaluate and by
    value() of the text read back, as the generated function takes df_d(A X + B)."""
    d = derive("f(A X + B)", "X")
    point = {"A": rng.normal(size=(3, 2)), "X": rng.normal(size=(2, 4)),
             "B": rng.normal(size=(3, 4))}
    g = rng.normal(size=(4, 3))  # ∂f/∂Y in numerator layout: shaped as Yᵀ
    f = d.to_function()
    assert list(inspect.signature(f).parameters) == ["A", "X", "B", "df_d_A_X_B"]
    for name in ("df_d_A_X_B", "df_d(A X + B)", "∂f/∂(A X + B)"):
        assert np.allclose(d.evaluate(**point, **{name: g}), g @ point["A"])  # df = tr(G A dX)
        assert np.allclose(f(**point, **{name: g}), g @ point["A"])
        assert np.allclose(value(str(d), d.declarations, **point, **{name: g}), g @ point["A"])
    with pytest.raises(EvaluationError, match=r"given twice, as 'df_d_A_X_B' and as "
                                              r"'df_d\(A X \+ B\)'"):
        d.evaluate(**point, df_d_A_X_B=g, **{"df_d(A X + B)": g})


def test_evaluate_takes_a_keyword_s_parameter_name(rng):
    d = derive("lambda * sum(x)", "x")
    x = rng.normal(size=3)
    assert list(inspect.signature(d.to_function()).parameters) == ["lambda_", "x"]
    for name in ("lambda_", "lambda", "λ"):
        assert np.allclose(d.evaluate(x=x, **{name: 2.0}), np.full(3, 2.0))
        assert np.isclose(value("lambda * sum(x)", x=x, **{name: 2.0}), 2.0 * x.sum())
    with pytest.raises(EvaluationError, match="given twice, as 'lambda_' and as 'lambda'"):
        d.evaluate(x=x, lambda_=2.0, **{"lambda": 2.0})
    with pytest.raises(EvaluationError, match="given twice"):
        value("lambda * sum(x)", x=x, lambda_=2.0, **{"λ": 2.0})


def test_a_name_that_is_an_identifier_is_its_own_parameter(rng):
    """A variable lambda_ beside a lambda: lambda_ is itself, lambda is lambda__ (everywhere)."""
    d = derive("lambda * lambda_ * sum(x)", "x")
    f = d.to_function()
    assert list(inspect.signature(f).parameters) == ["lambda__", "lambda_", "x"]
    x = rng.normal(size=2)
    for names in ({"lambda": 3.0, "lambda_": 2.0}, {"lambda__": 3.0, "lambda_": 2.0}):
        assert np.allclose(d.evaluate(x=x, **names), np.full(2, 6.0))
        assert np.allclose(f(x=x, **names), np.full(2, 6.0))


def test_two_applications_of_f_have_parameters_of_their_own(rng):
    """f(A x) f(B x): f alone names neither, so their parameters are f_A_x and f_B_x."""
    d = derive("f(A x) f(B x)", "x")
    assert [p for p in inspect.signature(d.to_function()).parameters if p.startswith("f")] \
        == ["f_A_x", "f_B_x"]
    point = {"A": rng.normal(size=(2, 2)), "B": rng.normal(size=(2, 2)),
             "x": rng.normal(size=2), "df_d(A x)": rng.normal(size=2),
             "df_d(B x)": rng.normal(size=2)}
    want = 3.0 * point["df_d(B x)"] @ point["B"] + 5.0 * point["df_d(A x)"] @ point["A"]
    assert np.allclose(d.evaluate(**point, f_A_x=3.0, f_B_x=5.0), want)
    assert np.allclose(d.evaluate(**point, **{"f(A x)": 3.0, "f(B x)": 5.0}), want)
    args = {k.replace("(", "_").replace(" ", "_").rstrip(")"): v for k, v in point.items()}
    assert np.allclose(d.to_function()(**args, f_A_x=3.0, f_B_x=5.0), want)


def test_a_greek_value_given_by_letter_and_by_name_is_refused():
    """θ and theta are one name: a value given under both is given twice (as generated code
    refuses it too)."""
    d = derive("alpha x", "x")
    assert np.allclose(d.evaluate(x=np.ones(2), **{"α": 2.0}), 2 * np.eye(2))
    with pytest.raises(EvaluationError, match="given twice, as 'α' and as 'alpha'"):
        d.evaluate(x=np.ones(2), **{"α": 2.0, "alpha": 3.0})
    with pytest.raises(EvaluationError, match="given twice"):
        value("alpha * 2", **{"α": 2.0, "alpha": 3.0})
    with pytest.raises(TypeError, match="given twice"):
        d.to_function()(x=np.ones(2), **{"α": 2.0, "alpha": 3.0})


def test_value_takes_an_abstract_function_under_its_written_name():
    """value() computes the simplified program, its abstract symbols held as written: the value
    of g(abs(y) - (x - y)) is passed under that name (its argument simplifies to
    abs(y) + y - x), to value and to value_and_grad's code."""
    from matcalc import value_and_grad
    x, y = np.array([1.2, -0.2, -0.8]), np.array([0.4, 0.7, 0.9])
    g = {"g(abs(y) - (x - y))": 5.9}
    assert value("g(abs(y) - (x - y))", x=x, y=y, **g) == 5.9
    got, _ = value_and_grad("g(abs(y) - (x - y))", ["x"])(
        x=x, y=y, **g, **{"dg_d(abs(y) + y - x)": np.ones(3)})
    assert got == 5.9
