"""Pull-backs of a differential through the linear operators it is built from.

Two cotangent forms, each a table `op -> rule(node, i, M) -> cotangent of node.args[i]`:
- TRACE (scalar output): M has the shape of nodeᵀ and df = tr(M d node); the cotangent of the
  variable is then the numerator-layout derivative (Magnus–Neudecker identification).
- VEC (vector or matrix output): M is |F| × |node| with d vec F = M d vec(node); the cotangent of
  the variable is the vec Jacobian d vec F / d vec(X)ᵀ, with Kronecker factors.
"""
from __future__ import annotations

from fractions import Fraction

from ..core import build as b
from ..core.expr import TANGENT_MARK, Expr, postorder
from ..core.transpose import transposed
from ..errors import UnsupportedError
from ..lower.structures import lower_ones

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


def _trace_sum(node, i, m):
    """tr(M sum(dP)) = tr(M 𝟏 𝟏ᵀ dP)."""
    return b.mul(m, b.ones_matrix(node.arg.shape.T))


def _trace_expand(node, i, m):
    """tr(M ds 𝟏 𝟏ᵀ) = ds · sum(M); a row M against a column: M 𝟏."""
    return b.mul(m, b.ones(node.shape.rows)) if node.is_vector else b.reduce_sum(m)


TRACE.update({
    "add": lambda node, i, m: m,
    "mul": _trace_mul,
    "hadamard": _trace_hadamard,
    "transpose": lambda node, i, m: transposed(m),                  # tr(M dPᵀ) = tr(Mᵀ dP)
    "sum": _trace_sum,
    "mean": lambda node, i, m: b.mul(b.inverse_of(b.dim(node.arg.shape.size)),
                                     _trace_sum(node, i, m)),
    "tr": lambda node, i, m: b.mul(m, b.identity(node.arg.shape.rows)),   # tr(M tr(dP) I)
    "expand": _trace_expand,
    "diag": lambda node, i, m: b.transpose(b.diagpart(m)),          # tr(M diag(dv))
    "diagpart": lambda node, i, m: b.diag(b.transpose(m)),          # tr(M diag(dP))
    "tril": lambda node, i, m: b.transpose(b.tril(transposed(m))),  # tr(M tril(dP))
    "unvec": lambda node, i, m: b.transpose(b.vec(transposed(m))),  # tr(M vec⁻¹(dv))
    "frechet": lambda node, i, m: _frechet_adjoint(node, i, m),
    "solve": lambda node, i, m: _solve_adjoint(node, i, m),
    "tril_half": lambda node, i, m: b.transpose(b.tril_half(transposed(m))),  # tr(M Φ(dP))
})


def _solve_adjoint(node, i, m):
    """tr(M solve(A, dE)) = tr(solve(Aᵀ, Mᵀ)ᵀ dE): the adjoint tr(Gᵀ solve(A, E)) =
    tr(solve(Aᵀ, G)ᵀ E) with G = Mᵀ (A held fixed: it is never a tangent)."""
    if i != 1:
        raise UnsupportedError("solve(A, E) is read out in E only: A is held fixed")
    return transposed(b.solve(b.transpose(node.args[0]), transposed(m)))


def _frechet_adjoint(node, i, m):
    """tr(M L_f(X, dE)) = tr(L_f(X, M) dE): the adjoint tr(Gᵀ L_f(X, E)) = tr(L_f(Xᵀ, G)ᵀ E)
    with G = Mᵀ, and L_f(Xᵀ, Mᵀ)ᵀ = L_f(X, M)."""
    if i != 1:
        raise UnsupportedError("no second Fréchet derivative: X of L_f(X, E) is held fixed")
    return b.frechet(node.attr("f"), node.args[0], m)


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


def _vec_kron(node, i, m):
    """vec(dA ⊗ B) = (Iₙ ⊗ K_{q,m} ⊗ I_p)(I_{mn} ⊗ vec B) vec(dA), and likewise for dB
    (Magnus & Neudecker, Theorem 3.10), for A m × n and B p × q."""
    a, c = node.args
    (m_, n_), (p_, q_) = (a.shape.rows, a.shape.cols), (c.shape.rows, c.shape.cols)
    shuffle = b.kron(b.kron(b.identity(n_), b.commutation(q_, m_)), b.identity(p_))
    if i == 0:
        spread = b.kron(b.identity(a.shape.size), b.vec(c))
    else:
        spread = b.kron(b.vec(a), b.identity(c.shape.size))
    return b.mul(m, shuffle, spread)


def _diag_selector(n):
    """E = diag(vec I)(I ⊗ 𝟏), the n² × n matrix with vec(diag(v)) = E v."""
    return b.mul(b.diag(b.vec(b.identity(n))), b.kron(b.identity(n), b.ones(n)))


VEC.update({
    "add": lambda node, i, m: m,
    "mul": _vec_mul,
    "hadamard": lambda node, i, m: b.mul(m, b.diag(b.vec(_others(node, i, b.hadamard)))),
    "transpose": _vec_transpose,
    "sum": lambda node, i, m: b.mul(m, b.transpose(b.ones(node.arg.shape.size))),
    "mean": lambda node, i, m: b.mul(b.inverse_of(b.dim(node.arg.shape.size)), m,
                                     b.transpose(b.ones(node.arg.shape.size))),
    "tr": lambda node, i, m: b.mul(m, b.transpose(b.vec(b.identity(node.arg.shape.rows)))),
    "vec": lambda node, i, m: m,
    "expand": lambda node, i, m: b.mul(m, b.ones(node.shape.size)),
    "diag": lambda node, i, m: b.mul(m, _diag_selector(node.shape.rows)),
    "diagpart": lambda node, i, m: b.mul(m, transposed(_diag_selector(node.shape.rows))),
    "tril": lambda node, i, m: b.mul(m, b.diag(b.vec(lower_ones(node.shape.rows,
                                                                 node.shape.cols)))),
    "unvec": lambda node, i, m: m,
    "kron": _vec_kron,
    "frechet": lambda node, i, m: b.mul(m, b.frechet_matrix(node.attr("f"), node.args[0])),
    # vec L_f(X, dE) = J_f(X) vec(dE)
    "solve": lambda node, i, m: b.mul(m, b.kron(b.identity(node.shape.cols),
                                                b.inv(node.args[0]))),  # vec(A⁻¹ dE)
    "tril_half": lambda node, i, m: b.mul(m, b.diag(b.vec(_half_lower(node.shape.rows)))),
})


def _half_lower(n):
    """The mask of Φ: ones below the diagonal, ½ on it (vec Φ(E) = diag(vec mask) vec E)."""
    return b.sub(lower_ones(n, n), b.mul(b.const(Fraction(1, 2)), b.identity(n)))


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
