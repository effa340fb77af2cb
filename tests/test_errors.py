"""Bad input never gives a result: each case raises the right MatcalcError with a clear message
(and a caret under the spot when the error has a place in the source)."""
from __future__ import annotations

import pytest

from matcalc import (
    DeclarationError,
    MatcalcError,
    ParseError,
    ShapeError,
    UnsupportedError,
    derive,
    hessian,
)


def _error(expr, wrt="x", **kwargs) -> MatcalcError:
    with pytest.raises(MatcalcError) as info:
        derive(expr, wrt, **kwargs)
    return info.value


def _caret_column(err: MatcalcError) -> int:
    """The 1-based column the caret line points at."""
    caret_line = str(err).splitlines()[-1]
    return caret_line.index("^") - 1


def test_dangling_operator_is_a_parse_error_with_caret():
    err = _error("W x +")
    assert isinstance(err, ParseError)
    assert (err.line, err.column) == (1, 6)
    assert "after '+'" in str(err) and "W x +" in str(err)
    assert _caret_column(err) == 6


def test_unclosed_parenthesis_says_what_is_missing():
    err = _error("(W x")
    assert isinstance(err, ParseError)
    assert "missing ')'" in str(err)


def test_matrix_product_shape_mismatch_names_operator_and_shapes():
    err = _error("W x", vars={"W": "matrix(3,4)", "x": "vector(5)"})
    assert isinstance(err, ShapeError)
    text = str(err)
    assert "matrix product" in text and "3×4" in text and "size 5" in text
    assert _caret_column(err) == 3  # under the juxtaposed operand


def test_sum_of_different_shapes():
    err = _error("x + A")
    assert isinstance(err, ShapeError) and "+" in str(err) and "matrix" in str(err)


def test_inconsistent_declared_sizes():
    err = _error("x + y", vars={"x": "vector(n)", "y": "vector(m)"})
    assert isinstance(err, ShapeError) and "size n" in str(err) and "size m" in str(err)


def test_vector_times_vector_is_not_a_product():
    assert isinstance(_error("x y"), ShapeError)


def test_unknown_variable_to_differentiate_by():
    err = _error("W x", wrt="Q")
    assert isinstance(err, DeclarationError)
    assert "'Q' is not a variable" in str(err) and "W, x" in str(err)


def test_bound_name_is_not_a_variable():
    err = _error("y = A x; y", wrt="y")
    assert isinstance(err, DeclarationError) and "bound" in str(err)


def test_unknown_kind():
    err = _error("W x", vars={"x": "tensor"})
    assert isinstance(err, DeclarationError) and "tensor" in str(err)


@pytest.mark.parametrize("decl", ["vector(3,4)", "matrix(n)", "vector(0)", "vector(n-1)"])
def test_malformed_declarations(decl):
    assert isinstance(_error("W x", vars={"x": decl}), DeclarationError)


def test_unknown_layout():
    assert isinstance(_error("W x", layout="sideways"), DeclarationError)


def test_operation_without_a_rule_is_named():
    with pytest.raises(UnsupportedError, match="abstract function 'f'"):
        hessian("f(x)", "x")


def test_function_used_without_call():
    err = _error("exp + x")
    assert isinstance(err, ParseError) and "exp(" in str(err)


@pytest.mark.parametrize("expr, fragment", [
    ("tr(x)", "square"), ("softmax(A)", "vector"), ("dot(A, x)", "two vectors"),
    ("A^0.5", "integer"), ("inv(x)", "square"),
])
def test_operand_kinds_are_checked(expr, fragment):
    err = _error(expr)
    assert isinstance(err, ShapeError) and fragment in str(err)


def test_abstract_functions_take_one_argument():
    assert isinstance(_error("f(x, y)"), ParseError)


def test_error_on_a_later_line_points_there():
    err = _error("y = W x\nz = y +\nz")
    assert err.line == 2


def test_expression_must_be_text():
    assert isinstance(_error(3), DeclarationError)


@pytest.mark.parametrize("expr", ["sin(" * 101 + "x" + ")" * 101,
                                  "-" * 150 + "x", "x" + "'" * 200],
                         ids=["101 nested calls", "150 signs", "200 transposes"])
def test_too_deep_programs_are_refused_with_the_limit(expr):
    err = _error(expr)
    assert isinstance(err, ParseError) and "nested too deeply" in str(err)
    assert "at most 100" in str(err)


@pytest.mark.parametrize("expr, want", [(" + ".join(["x"] * 100000), "100000 I_{n_x}"),
                                        (" - ".join(["x"] * 3001), "-2999 I_{n_x}"),
                                        ("(" * 10000 + "2 x" + ")" * 10000, "2 I_{n_x}"),
                                        ("sin(" * 99 + "x" + ")" * 99, None)],
                         ids=["100000-term sum", "3001-term difference", "10000 parentheses",
                              "99 nested calls"])
def test_long_chains_and_parentheses_are_not_nesting(expr, want):
    got = str(derive(expr, "x"))
    assert want is None or got == want


def test_a_long_product_and_sum_of_distinct_terms(rng):
    from numeric import check_derivative
    check_derivative(" ".join(["A"] * 300) + " x", "x", {"A": "matrix(n,n)"}, rng=rng,
                     domains={"A": "uniform(-0.3,0.3)"})
    check_derivative(" + ".join(f"sin(x{i})" for i in range(2000)) + " + x'x", "x", rng=rng)


# -- numbers: literals and exact constants are bounded (what fuzzing found) ------------------

@pytest.mark.parametrize("literal", ["1e400", "1e-30099999999999999999999999", "0.0001e-297",
                                     "1" * 101, "1e99999999999999999999"])
def test_numbers_outside_the_range_are_parse_errors_at_their_column(literal):
    err = _error(f"x * {literal} + x")
    assert isinstance(err, ParseError) and err.column == 5
    assert "the number" in str(err) and ("range" in str(err) or "digits" in str(err))


@pytest.mark.parametrize("literal, value", [("1e300", 1e300), ("0e99999999", 0.0),
                                            ("0.0001e-296", 1e-300), ("2.50", 2.5)])
def test_numbers_inside_the_range_are_exact(literal, value):
    assert float(derive(f"{literal} * x", "x", vars={"x": "scalar"}).evaluate(x=1.0)) \
        == pytest.approx(value, rel=1e-15, abs=0)


def test_fuzzed_huge_numbers_raise_a_matcalc_error():
    err = _error("1e400 k^T⊙1e40001e3", "k")
    assert isinstance(err, ParseError) and err.column == 1


@pytest.mark.parametrize("expr", ["x * 2^100000", "x * 1e300 * 1e300", "(1/2)^5000 * x"])
def test_constant_arithmetic_beyond_10_to_400_is_refused(expr):
    err = _error(expr, vars={"x": "scalar"})
    assert isinstance(err, UnsupportedError) and "beyond the range" in str(err)


# -- near misses of built-in functions ---------------------------------------------------------

@pytest.mark.parametrize("typo, meant", [("sigmod", "sigmoid"), ("sofmax", "softmax"),
                                         ("trace2", "trace"), ("tanhh", "tanh"),
                                         ("lgo", "log"), ("cost", "cos")])
def test_a_near_miss_of_a_function_is_an_error_with_a_suggestion(typo, meant):
    err = _error(f"sum({typo}(x))")
    assert isinstance(err, ParseError) and err.column == 5
    assert f"did you mean '{meant}'?" in str(err) and f"--var {typo}:function" in str(err)


def test_a_declared_function_is_abstract(rng):
    from numeric import check_derivative
    d = derive("cost(W x)", "x", vars={"cost": "function"})
    assert str(d) == "∂cost/∂(W x) W"
    check_derivative("cost(W x)", "x", {"cost": "function"}, rng=rng,
                     abstract=({"name": "cost", "arg": "W x", "ascii": "dcost_d(W x)"},))


def test_names_far_from_functions_stay_abstract():
    assert str(derive("f(Y)", "Y")) == "∂f/∂Y" and "loss" in str(derive("loss(W x)", "x"))


def test_a_declared_function_is_not_a_value():
    err = _error("cost + x", vars={"cost": "function"})
    assert isinstance(err, ParseError) and "call it as cost(…)" in str(err)


def test_a_builtin_cannot_be_declared_abstract():
    err = _error("exp(x)", vars={"exp": "function"})
    assert isinstance(err, DeclarationError) and "built-in" in str(err)


@pytest.mark.parametrize("expr, suggestion", [("ones(3)' x", "ones_3"), ("eye(3) x", "I_3"),
                                              ("sum(ones(x))", "ones_n")])
def test_a_constant_called_like_a_function_is_an_error(expr, suggestion):
    """MATLAB's ones(3) / eye(3) would otherwise be an abstract function named ones or eye."""
    err = _error(expr)
    assert isinstance(err, ParseError) and "not a function" in str(err)
    assert suggestion in str(err) and "^" in str(err)
