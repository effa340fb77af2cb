"""JVP rules of matrix functions, det, logdet and the norms, the softmax family and abstract
functions.

Sources: Magnus & Neudecker, *Matrix Differential Calculus* ch. 8-9; the Matrix Cookbook §2.
"""
from __future__ import annotations

from ..core import build as b
from ..core.matrix_functions import DIVIDED, MATRIX_FUNCTIONS
from ..core.matrix_powers import MATRIX_POWERS
from ..core.matrix_scalars import MATRIX_SCALARS
from ..core.vector_functions import VECTOR_FUNCTIONS
from ..errors import UnsupportedError
from .registry import defjvp, defrefused


def _of_matrix(s):
    """The differential of a scalar function of a matrix, as declared
    (core/matrix_scalars.py)."""
    def rule(node, dargs):
        return s.differential(b, node.arg, node, dargs[0])
    rule.__doc__ = s.derivative_text
    return rule


for _s in MATRIX_SCALARS.values():
    defjvp(_s.name)(_of_matrix(_s))


def _power(p):
    """The differential of X⁻¹ or Xᵏ, as declared (core/matrix_powers.py)."""
    def rule(node, dargs):
        return p.differential(b, node, dargs[0])
    rule.__doc__ = p.rule
    return rule


for _p in MATRIX_POWERS.values():
    defjvp(_p.name)(_power(_p))


def _of_vectors(f):
    """The differential of a vector function, as declared (core/vector_functions.py)."""
    def rule(node, dargs):  # (a parameter ε and its dε after u and du)
        return f.differential(b, node.args[0], node, dargs[0], *node.args[1:], *dargs[1:])
    rule.__doc__ = f.derivative_text
    return rule


for _v in VECTOR_FUNCTIONS.values():
    defjvp(_v.name)(_of_vectors(_v))


def _matrix_function(fn: str):
    def rule(node, dargs):
        return b.frechet(node.arg, dargs[0], fn)
    rule.__doc__ = f"Fréchet derivative: d {fn}(X) = {MATRIX_FUNCTIONS[fn].frechet_name}(X, dX)"
    return rule


for _fn in MATRIX_FUNCTIONS:
    defjvp(_fn)(_matrix_function(_fn))


def second_frechet(node) -> UnsupportedError:
    """The refusal of a derivative of L_f(X, E) or J_f(X) in X, about the node {0} and its X
    {1} as the user's expression prints them once named."""
    name = MATRIX_FUNCTIONS[node.attr("f")]
    shown = f"{name.frechet_name}(X, E)" if node.op == "frechet" else f"{name.jacobian_name}(X)"
    return UnsupportedError(
        f"no derivative of {{0}} in {{1}}: the second Fréchet derivative of {name.name} (a "
        f"second derivative, or a Hessian, through {name.name}) is not available",
        arguments=(shown, "X"), subject=node)


@defjvp("frechet")
def _frechet(node, dargs):
    """linear in E: d L_f(X, E) = L_f(X, dE) (X held fixed; no second Fréchet derivative)."""
    if dargs[0] is not None:
        raise second_frechet(node)
    return b.frechet(node.args[0], dargs[1], node.attr("f"))


@defjvp("frechet_matrix")
def _frechet_matrix(node, dargs):
    """J_f(X) has no derivative here: it would need the second Fréchet derivative."""
    raise second_frechet(node)


for _op, _m in DIVIDED.items():
    defrefused(_op, f"no derivative through {_op}(λ): the divided differences appear in the "
                    f"Daleckii–Krein form of a Fréchet derivative {_m.frechet_name}(S, E), whose "
                    f"derivative in S (a second Fréchet derivative of {_m.name}) is not available",
               f"{_op}(λ): no derivative (it would be a second Fréchet derivative)")


@defjvp("apply")
def _apply(node, dargs):
    """d f(Y) = tr(∂f/∂Y dY), with ∂f/∂Y the numerator-layout derivative symbol of f at Y."""
    grad = b.mk("absgrad", node.arg, **{**dict(node.attrs), "layout": "numerator"})
    return b.trace(b.mul(grad, dargs[0]))


@defjvp("absgrad")
def _absgrad(node, dargs):
    """∂f/∂Y has no derivative: an abstract function's second derivative has no symbol."""
    raise UnsupportedError(
        f"no derivative rule for the derivative of the abstract function "
        f"'{node.attr('fname')}': its second derivative has no symbol")
