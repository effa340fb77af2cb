"""Pull-backs of a differential through the linear operators it is built from.

Two cotangent forms, each a table `op -> rule(node, i, M) -> cotangent of node.args[i]`:
- TRACE (scalar output): M has the shape of nodeᵀ and df = tr(M d node); the cotangent of the
  variable is then the numerator-layout derivative (Magnus–Neudecker identification).
- VEC (vector or matrix output): M is |F| × |node| with d vec F = M d vec(node); the cotangent of
  the variable is the vec Jacobian d vec F / d vec(X)ᵀ, with Kronecker factors.
The declared linear operators' adjoints are in their declarations (core/linear_ops.py), as are
those of the factorisations linear in an argument (Φ, solve(A, E) in E: core/factorisations.py).
"""
from __future__ import annotations

from ..core import build as b
from ..core.expr import TANGENT_MARK, Expr, postorder
from ..core.factorisations import FACTORISATIONS
from ..core.linear_ops import LINEAR_OPS
from ..core.transpose import transposed
from ..errors import UnsupportedError
from .matrix_fns import second_frechet

TRACE: dict = {}
VEC: dict = {}


def _others(node: Expr, i: int, builder) -> Expr:
    return builder(*node.args[:i], *node.args[i + 1:])


def _split_product(node: Expr, i: int):
    """node = c · L · args[i] · R; returns (c, L, R) as lists (chain position of args[i])."""
    scalars, chain, pos = [], [], None
    for j, a in enumerate(node.args):
        if j == i:
            pos = len(chain)
            chain.append(a)
        elif a.is_scalar:
            scalars.append(a)
        else:
            chain.append(a)
    return scalars, chain[:pos], chain[pos + 1:]


# -- trace form: df = tr(M dU) ---------------------------------------------------------------

def _trace_mul(node, i, m):
    """tr(M c L dP R) = tr(c R M L dP); a scalar factor ds gets tr(M · rest)."""
    if node.args[i].is_scalar:
        return b.trace(b.mul(m, _others(node, i, b.mul)))
    scalars, left, right = _split_product(node, i)
    return b.mul(*scalars, *right, m, *left)


def _trace_hadamard(node, i, m):
    """tr(M (R ⊙ dP)) = tr((M ⊙ Rᵀ) dP); for a column vector, M diag(R)."""
    rest = _others(node, i, b.hadamard)
    if node.is_vector:
        return b.mul(m, b.diag(rest))
    return b.hadamard(m, transposed(rest))


def _trace_expand(node, i, m):
    """tr(M ds 𝟏 𝟏ᵀ) = ds · sum(M); a row M against a column: M 𝟏."""
    return b.mul(m, b.ones(node.shape.rows)) if node.is_vector else b.reduce_sum(m)


TRACE.update({
    "add": lambda node, i, m: m,
    "mul": _trace_mul,
    "hadamard": _trace_hadamard,
    "transpose": lambda node, i, m: transposed(m),                  # tr(M dPᵀ) = tr(Mᵀ dP)
    "expand": _trace_expand,
    "unvec": lambda node, i, m: b.transpose(b.vec(transposed(m))),  # tr(M vec⁻¹(dv))
    "frechet": lambda node, i, m: _frechet_adjoint(node, i, m),
})


def _frechet_adjoint(node, i, m):
    """tr(M L_f(X, dE)) = tr(L_f(X, M) dE): the adjoint tr(Gᵀ L_f(X, E)) = tr(L_f(Xᵀ, G)ᵀ E)
    with G = Mᵀ, and L_f(Xᵀ, Mᵀ)ᵀ = L_f(X, M)."""
    if i != 1:
        raise second_frechet(node)
    return b.frechet(node.args[0], m, node.attr("f"))


# -- vec form: d vec F = M d vec(U) ----------------------------------------------------------

def _vec_mul(node, i, m):
    """vec(c L dP R) = c (Rᵀ ⊗ L) vec(dP); a scalar factor ds gets M vec(rest)."""
    if node.args[i].is_scalar:
        return b.mul(m, b.vec(_others(node, i, b.mul)))
    scalars, left, right = _split_product(node, i)
    p = node.args[i].shape
    lhs = b.mul(*left) if left else b.identity(p.rows)
    rhs = b.mul(*right) if right else b.identity(p.cols)
    return b.mul(*scalars, m, b.kron(transposed(rhs), lhs))


def _vec_transpose(node, i, m):
    """vec(dPᵀ) = K vec(dP) with K the commutation matrix of P's shape."""
    p = node.arg.shape
    return b.mul(m, b.commutation(p.rows, p.cols))


VEC.update({
    "add": lambda node, i, m: m,
    "mul": _vec_mul,
    "hadamard": lambda node, i, m: b.mul(m, b.diag(b.vec(_others(node, i, b.hadamard)))),
    "transpose": _vec_transpose,
    "expand": lambda node, i, m: b.mul(m, b.ones(node.shape.size)),
    "unvec": lambda node, i, m: m,
    "frechet": lambda node, i, m: b.mul(m, b.frechet_matrix(node.args[0], node.attr("f"))),
    # vec L_f(X, dE) = J_f(X) vec(dE)
})


def _declared(adjoint):
    """A declared adjoint (of a linear operator, core/linear_ops.py, or of a factorisation
    linear in an argument, core/factorisations.py), with the core's builders and the
    transpose pushed inside."""
    return lambda node, i, m: adjoint(b, transposed, node, i, m)


_LINEAR = (*LINEAR_OPS.values(), *FACTORISATIONS.values())
TRACE.update({op.name: _declared(op.trace_adjoint) for op in _LINEAR
              if op.trace_adjoint is not None})
VEC.update({op.name: _declared(op.vec_adjoint) for op in _LINEAR
            if op.vec_adjoint is not None})


def _trace_through_vec(rule):
    """A trace-form rule from a vec-form one: tr(M dU) = vec(Mᵀ)ᵀ vec(dU)."""
    def trace_rule(node, i, m):
        row = rule(node, i, b.transpose(b.vec(transposed(m))))
        return transposed(b.unvec(b.transpose(row), node.args[i].shape))
    return trace_rule


TRACE.update({op: _trace_through_vec(rule) for op, rule in VEC.items() if op not in TRACE})


def pullback(df: Expr, seed: Expr, tangent: Expr, table: dict) -> Expr:
    """The cotangent of `tangent` given cotangent `seed` of the linear expression `df`."""
    name = TANGENT_MARK + tangent.attr("name")
    order = [n for n in postorder(df) if name in n.free]
    pending: dict[Expr, list[Expr]] = {df: [seed]}
    for node in reversed(order):
        m = b.add(*pending.pop(node))
        if node.op == "tangent":
            return m
        rule = table.get(node.op)
        if rule is None:
            form = "scalar" if table is TRACE else "vector or matrix"
            raise UnsupportedError(
                f"no rule to read the derivative of a {form} function through '{node.op}'")
        for i, child in enumerate(node.args):
            if name in child.free:
                pending.setdefault(child, []).append(rule(node, i, m))
    raise AssertionError("the differential does not reach its tangent")
