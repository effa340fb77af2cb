"""Core nodes: interned, immutable, shape-checked when built; smart constructors canonicalise."""
from __future__ import annotations

import pytest

from matcalc import ShapeError
from matcalc.core import build as b
from matcalc.shapes import Shape

x = b.var("x", Shape.of("n", 1))
y = b.var("y", Shape.of("n", 1))
A = b.var("A", Shape.of("n", "n"))
W = b.var("W", Shape.of("m", "n"))
s = b.var("s", Shape.of(1, 1))


def test_equal_expressions_are_the_same_node():
    assert b.mul(W, x) is b.mul(W, x)
    assert b.add(x, y) is b.add(y, x)  # commutative operands are ordered


def test_nodes_are_immutable():
    with pytest.raises(AttributeError):
        x.op = "const"


def test_shape_errors_name_the_operator():
    with pytest.raises(ShapeError, match="matrix product"):
        b.mul(x, W)
    with pytest.raises(ShapeError, match=r"\+"):
        b.add(x, W)
    with pytest.raises(ShapeError, match="⊙"):
        b.hadamard(x, W)


def test_products_flatten_and_gather_scalars_in_front():
    e = b.mul(b.mul(b.const(2), W), b.mul(s, x))
    assert e.op == "mul" and [a.op for a in e.args] == ["const", "var", "var", "var"]
    assert e.args[1] is s


def test_like_terms_and_powers_combine():
    assert b.add(x, x) is b.mul(b.const(2), x)
    assert b.mul(s, s) is b.power(s, b.const(2))
    assert b.sub(x, x).op == "zero"


def test_identities_and_zeros_drop_out():
    assert b.mul(b.identity(W.shape.rows), W) is W
    assert b.mul(b.zero(W.shape), x).op == "zero"
    assert b.transpose(b.transpose(A)) is A


def test_scalar_and_symmetric_transposes():
    assert b.transpose(s) is s
    assert b.transpose(b.diag(x)) is b.diag(x)
    assert b.transpose(b.mul(b.const(3), A)) is b.mul(b.const(3), b.transpose(A))
