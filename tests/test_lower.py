"""Typing and lowering: naming defaults, declarations, size unification, meanings of operators."""
from __future__ import annotations

import pytest
from numeric import check_derivative

from matcalc import ShapeError, derive, parse
from matcalc.lower import lower
from matcalc.lower.declarations import default_kind, parse_declaration
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
