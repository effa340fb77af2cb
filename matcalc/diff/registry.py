"""The derivative-rule table and the helpers that fill it.

`JVP[op](node, dargs)` returns the differential of `node` given the differentials of its
arguments (`None` where an argument does not depend on the variable): an expression linear in
the tangent leaf d(X). Operators are classified as in core.ops: linear ones apply themselves to
the differentials, bilinear ones get the product rule, elementwise ones f(u) give f′(u) ⊙ du.
"""
from __future__ import annotations

import re
from collections.abc import Callable

from ..core import build as b
from ..core.expr import Expr
from ..errors import UnsupportedError

Rule = Callable[[Expr, tuple], Expr]
JVP: dict[str, Rule] = {}
TITLES: dict[str, str] = {}  # op -> the rule's name and identity, shown by derivations (steps)


def defjvp(op: str) -> Callable[[Rule], Rule]:
    """Decorator registering a hand-written JVP rule for `op`; its docstring is its title."""
    def register(rule: Rule) -> Rule:
        JVP[op] = rule
        TITLES[op] = (rule.__doc__ or op).strip().splitlines()[0]
        return rule
    return register


def deflinear(op: str, builder: Callable[..., Expr], shown: str | None = None) -> None:
    """d op(u) = op(du) for an operator linear in its single argument."""
    JVP[op] = lambda node, dargs: builder(dargs[0], *node.args[1:]) if len(node.args) > 1 \
        else builder(dargs[0])
    TITLES[op] = f"linear: d {shown or op}(U) = {shown or op}(dU)"


def defrefused(op: str, message: str, title: str) -> None:
    """An operator with no derivative here: differentiating through it raises
    UnsupportedError(message) about the node, where the message's `op(…)` (eigvec_max(S),
    divdiff_exp(λ)) is the node as the user's expression prints it (eigvec_max(Aᵀ S A)) once
    named; `title` says so in derivations."""
    def rule(node, dargs):
        raise refusal(node, message)
    JVP[op] = rule
    TITLES[op] = title


def refusal(node: Expr, message: str) -> UnsupportedError:
    """UnsupportedError(message) about `node`, the message's first call of the node's op
    (`eigvec_max(S)`) standing for the node ({0}) until the error is named."""
    call = re.search(rf"\b{re.escape(node.op)}\([^()]*\)", message)
    if call is None:
        return UnsupportedError(message, subject=node)
    return UnsupportedError(f"{message[:call.start()]}{{0}}{message[call.end():]}",
                            arguments=(call.group(),), subject=node)


def defzero(op: str) -> None:
    """A piecewise-constant operator: its differential is zero (sign, comparisons)."""
    JVP[op] = lambda node, dargs: b.zero(node.shape)
    TITLES[op] = f"piecewise constant: d {op} = 0"


def defelementwise(op: str, derivative: Callable[[Expr, Expr], Expr], identity: str) -> None:
    """d f(u) = f′(u) ⊙ du, with `derivative(u, node)` returning f′(u) (node is f(u))."""
    JVP[op] = lambda node, dargs: b.hadamard(derivative(node.arg, node), dargs[0])
    factor = identity if " " not in identity or identity[0] == "(" and identity[-1] == ")" \
        else f"({identity})"
    TITLES[op] = f"elementwise: d {op}(u) = {factor} ⊙ du"


def product_rule(builder: Callable[..., Expr], node: Expr, dargs: tuple) -> Expr:
    """d(a₁ ∘ … ∘ aₙ) = Σᵢ a₁ ∘ … ∘ daᵢ ∘ … ∘ aₙ for any multilinear product ∘."""
    terms = [builder(*node.args[:i], d, *node.args[i + 1:])
             for i, d in enumerate(dargs) if d is not None]
    return b.add(*terms) if terms else b.zero(node.shape)


def defmultilinear(op: str, builder: Callable[..., Expr], identity: str) -> None:
    JVP[op] = lambda node, dargs: product_rule(builder, node, dargs)
    TITLES[op] = f"product rule: {identity}"
