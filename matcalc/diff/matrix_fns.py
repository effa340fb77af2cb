"""JVP rules of matrix functions, norms, softmax, layer normalisation and abstract functions.

Sources: Magnus & Neudecker, *Matrix Differential Calculus* ch. 8-9; the Matrix Cookbook §2.
"""
from __future__ import annotations

from functools import partial

from ..core import build as b
from ..core.normalisation import NORMALISATIONS
from ..errors import UnsupportedError
from .registry import JVP, TITLES, defjvp


@defjvp("inv")
def _inv(node, dargs):
    """d(X⁻¹) = −X⁻¹ dX X⁻¹ (Cookbook 40)."""
    return b.neg(b.mul(node, dargs[0], node))


@defjvp("det")
def _det(node, dargs):
    """d det(X) = det(X) tr(X⁻¹ dX) (Cookbook 42)."""
    return b.mul(node, b.trace(b.mul(b.inv(node.arg), dargs[0])))


@defjvp("logdet")
def _logdet(node, dargs):
    """d log|det X| = tr(X⁻¹ dX) (Cookbook 43)."""
    return b.trace(b.mul(b.inv(node.arg), dargs[0]))


@defjvp("mpow")
def _mpow(node, dargs):
    """d(Xᵏ) = Σᵢ Xⁱ dX Xᵏ⁻¹⁻ⁱ for k ≥ 1 (Cookbook 2.2)."""
    x, k = node.arg, node.attr("k")
    powers = [b.identity(x.shape.rows), x] + [b.mk("mpow", x, k=i) for i in range(2, k)]
    return b.add(*(b.mul(powers[i], dargs[0], powers[k - 1 - i]) for i in range(k)))


@defjvp("norm2")
def _norm2(node, dargs):
    """d‖X‖ = tr(Xᵀ dX) / ‖X‖ (Euclidean or Frobenius norm)."""
    x = node.arg
    return b.mul(b.inverse_of(node), b.trace(b.mul(b.transpose(x), dargs[0])))


@defjvp("norm1")
def _norm1(node, dargs):
    """d‖X‖₁ = tr(sign(X)ᵀ dX)."""
    return b.trace(b.mul(b.transpose(b.apply("sign", node.arg)), dargs[0]))


@defjvp("softmax")
def _softmax(node, dargs):
    """d softmax(x) = s ⊙ dx − s sᵀ dx with s = softmax(x)."""
    s, dx = node, dargs[0]
    return b.sub(b.hadamard(s, dx), b.mul(s, b.transpose(s), dx))


@defjvp("logsoftmax")
def _logsoftmax(node, dargs):
    """d log(softmax(u)) = du − 𝟏 softmax(u)ᵀ du."""
    u, du = node.arg, dargs[0]
    s = b.apply("softmax", u)
    return b.sub(du, b.mul(b.ones(u.shape.rows), b.transpose(s), du))


@defjvp("logsumexp")
def _logsumexp(node, dargs):
    """d logsumexp(x) = softmax(x)ᵀ dx."""
    return b.mul(b.transpose(b.apply("softmax", node.arg)), dargs[0])


for _n in NORMALISATIONS.values():  # (core/normalisation.py)
    JVP[_n.name] = partial(_n.differential, b)
    TITLES[_n.name] = f"layer normalisation: d {_n.name} = {_n.derivative_text}"


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
