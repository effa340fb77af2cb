"""Typing and lowering: naming defaults, declarations, size unification, meanings of operators."""
from __future__ import annotations

import re

import pytest
from numeric import check_derivative

from matcalc import ShapeError, derive, parse
from matcalc.lower import lower
from matcalc.lower.declarations import default_kind, parse_declaration, parse_declarations
from matcalc.lower.typer import Typer
from matcalc.render import to_text
from matcalc.shapes import Dim


def low(text, vars=None):
    return lower(parse(text), vars)


@pytest.mark.parametrize("name, kind", [
    ("a", "scalar"), ("g", "scalar"), ("h", "vector"), ("x", "vector"), ("z", "vector"),
    ("A", "matrix"), ("W", "matrix"), ("Wq", "matrix"), ("W1", "matrix"), ("theta", "scalar"),
    ("θ", "scalar"), ("sigma1", "scalar"), ("u1", "vector"), ("loss", "vector"),
])
def test_naming_defaults(name, kind):
    assert default_kind(name) == kind


def test_declarations_with_sizes():
    assert parse_declaration("W", "matrix(m, n)").sizes == ("m", "n")
    assert parse_declaration("x", "vector(3)").sizes == (3,)
    assert parse_declaration("z", "scalar").sizes == ()


def test_sizes_are_unified_through_products():
    program = low("W x + y", {"W": "matrix(3,4)"})
    assert program.variables["x"].shape.rows == Dim.of(4)
    assert program.variables["y"].shape.rows == Dim.of(3)
    assert low("W x + b").variables["b"].is_scalar  # b defaults to a scalar: expanded


def test_symbolic_sizes_are_kept():
    program = low("W x", {"W": "matrix(m,n)"})
    assert program.variables["x"].shape.rows == Dim.of("n")


def test_binding_kind_comes_from_its_right_hand_side():
    # l defaults to a vector, but here it is bound to a scalar
    program = low("z = X theta - y; l = z' z; l", {"theta": "vector"})
    assert program.expr.is_scalar and tuple(program.bindings) == ("z", "l")


def test_bound_name_used_twice_is_one_node():
    program = low("u = W x; u .* u")
    assert program.expr.op == "pow"  # u ⊙ u = u.^2: both operands were the same node


@pytest.mark.parametrize("text, shown", [
    ("x + z", "x + z"),                   # scalar expansion (z declared scalar below)
    ("W(x)", "W x"),                      # a matrix called on an operand multiplies
    ("max(0, x)", "relu(x)"),
    ("dot(w, x)", "wᵀ x"),
    ("x / c", "x / c"),
    ("1 ./ x", "1 ⊘ x"),
    ("x^2", "x.^2"),                      # a vector power is elementwise
    ("A^-1", "A⁻¹"),
    ("A^2", "A^2"),
    ("A'^T", "A"),
])
def test_operator_meanings(text, shown):
    program = low(text, {"z": "scalar"})
    assert to_text(program.expr) == shown


def test_undeclared_callee_is_an_abstract_function():
    program = low("f(W x)")
    assert program.expr.op == "apply" and program.expr.attr("fname") == "f"


def test_declared_callee_is_a_product():
    assert low("a(x)", {"a": "scalar"}).expr.op == "mul"


def test_vector_length_never_unifies_with_one():
    assert low("x' y z").expr.shape == low("z").expr.shape  # (xᵀ y) is a scalar: it scales
    with pytest.raises(ShapeError):
        low("x x")


# -- a product of sizes equal to a number (kron, vec) ----------------------------------------

@pytest.mark.parametrize(("expr", "vars", "text"), [
    ("kron(I, A) vec(X)", {"X": "matrix(3,3)", "A": "matrix(3,3)"}, "I_3 ⊗ A"),
    ("kron(I, A) vec(X)", {"X": "matrix(3,3)", "A": "matrix(3,1)"}, "I_9 ⊗ A"),
    ("kron(A, I) vec(X)", {"X": "matrix(2,3)", "A": "matrix(2,3)"}, "A ⊗ I_2"),
])
def test_one_unknown_factor_of_a_product_is_the_quotient(expr, vars, text):
    assert str(derive(expr, "X", vars)) == text
    check_derivative(expr, "X", vars)


@pytest.mark.parametrize(("expr", "vars", "column"), [
    ("kron(I, A) vec(X)", {"X": "matrix(3,3)"}, 12),  # n_eye·n_A = 9: 1·9, 3·3 or 9·1
    ("kron(I, A) vec(X)", {"X": "matrix(2,5)", "A": "matrix(3,3)"}, 12),  # 3·n = 10
])
def test_an_undecided_or_impossible_product_is_a_shape_error_at_the_product(expr, vars, column):
    with pytest.raises(ShapeError) as err:
        low(expr, vars)
    assert err.value.span.column == column and "do not match" in err.value.message


# -- a size 1 is a length: a vector(1) is a vector, a matrix(1,1) a matrix ----------------------

SIZE_ONE = [  # (expression, by, declarations, the derivative, the variables read off)
    ("y + ones", "y", {"y": "vector(1)"}, "1", {"y": "vector(1)"}),
    ("dot(y, z)", "y", {"y": "vector(1)"}, "z", {"y": "vector(1)", "z": "vector(1)"}),
    ("B + eye", "B", {"B": "matrix(1,1)"}, "1", {"B": "matrix(1,1)"}),
    ("sum(y .* (ones + y))", "y", {"y": "vector(1)"}, "2 y + 1", {"y": "vector(1)"}),
    ("x' (B + eye) x", "x", {"B": "matrix(1,1)"}, "2 x (B + 1)",
     {"x": "vector(1)", "B": "matrix(1,1)"}),
    ("A^2 x", "x", {"A": "matrix(1,1)"}, "A^2", {"A": "matrix(1,1)", "x": "vector(1)"}),
]


@pytest.mark.parametrize("layout", ["numerator", "denominator"])
@pytest.mark.parametrize("expr, wrt, vars, text, variables", SIZE_ONE)
def test_a_size_one_is_a_length_not_a_scalar(expr, wrt, vars, text, variables, layout):
    """What works for size 2 works for size 1: `ones`, `eye` and undeclared vectors take the
    size 1 from their neighbours, and the variables keep their kinds."""
    d = check_derivative(expr, wrt, vars, layout=layout)
    assert (str(d), d.variables) == (text, variables)
    check_derivative(expr, wrt, {k: v.replace("1", "2") for k, v in vars.items()},
                     layout=layout)


@pytest.mark.parametrize("text, vars, kind", [
    ("y", {"y": "vector(1)"}, "vector"),
    ("y'", {"y": "vector(1)"}, "matrix"),          # a row
    ("y' y", {"y": "vector(1)"}, "scalar"),
    ("B", {"B": "matrix(1,1)"}, "matrix"),
    ("diag(y)", {"y": "vector(1)"}, "matrix"),
    ("diag(B)", {"B": "matrix(1,1)"}, "vector"),
    ("vec(B)", {"B": "matrix(1,1)"}, "vector"),
    ("kron(y, z')", {"y": "vector(1)", "z": "vector(1)"}, "matrix"),
    ("W x", {"W": "matrix(1,n)"}, "scalar"),       # matrix(1,n) is a row: declared symbols
    ("I_1", None, "matrix"),
    ("ones_1", None, "vector"),
])
def test_kinds_do_not_follow_sizes(text, vars, kind):
    program = parse(text)
    assert Typer(program, parse_declarations(vars)).program(program).kind == kind


def test_a_vector_column_is_never_a_length():
    """The unit column of a vector meets no size symbol: `A xᵀ` does not make A m × 1."""
    with pytest.raises(ShapeError, match="do not match"):
        low("A x'", {"x": "vector(3)"})
    with pytest.raises(ShapeError, match="do not match"):
        low("B x", {"B": "matrix(1,1)", "x": "vector(2)"})


def test_a_wrong_value_of_a_size_one_variable_names_its_declaration():
    from matcalc import EvaluationError
    for vars, wrong in [({"y": "vector(1)"}, [1.0, 2.0]), ({"y": "spd(1)"}, [[1.0, 0.0]])]:
        with pytest.raises(EvaluationError, match=rf"'y' is {re.escape(vars['y'])}: its value"):
            derive("sum(y)", "y", vars).evaluate(y=wrong)
