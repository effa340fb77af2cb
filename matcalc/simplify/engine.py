"""Bottom-up rewriting to a fixpoint.

Rules are indexed by the operator at their head. Each node is rebuilt from its simplified
children, then the rules of its head are tried in order; when one fires, its result is
simplified again. Every rewrite must keep the shape (asserted) and, by construction of the
rule table, never grow the expression, so the loop ends; a pass cap guards it anyway. Rules whose
effect on length depends on the operands are marked `shorter_only`: their rewrite, simplified,
is kept only when its printed form is not longer.
"""
from __future__ import annotations

from ..core.expr import Expr, postorder
from ..core.rebuild import rebuild
from ..render import token_count
from .rules import RULES, Rule

MAX_REWRITES = 2000


def _index(rules: tuple[Rule, ...]) -> dict[str, list[Rule]]:
    table: dict[str, list[Rule]] = {}
    for rule in rules:
        table.setdefault(rule.head, []).append(rule)
    return table


_BY_HEAD = _index(RULES)


class _Run:
    def __init__(self, trace: list | None):
        self.memo: dict[Expr, Expr] = {}
        self.active: set[Expr] = set()  # nodes being simplified: a rewrite back to one stops
        self.trace = trace
        self.budget = MAX_REWRITES

    def tree(self, root: Expr) -> Expr:
        for node in postorder(root):
            if node not in self.memo:
                args = tuple(self.memo[a] for a in node.args)
                result = self.node(rebuild(node, args))
                self.memo[node] = self.memo[result] = result  # results are fixpoints
        return self.memo[root]

    def node(self, node: Expr) -> Expr:
        if node in self.active:
            return node
        self.active.add(node)
        try:
            return self.rewrite(node)
        finally:
            self.active.discard(node)

    def rewrite(self, node: Expr) -> Expr:
        for rule in _BY_HEAD.get(node.op, ()):
            out = rule.apply(node)
            if out is None or out is node or self.budget <= 0:
                continue
            assert out.shape == node.shape, f"rule {rule.name} changed the shape"
            self.budget -= 1
            result = self.tree(out)
            if result is node or (rule.shorter_only and token_count(result) > token_count(node)):
                continue
            if self.trace is not None:
                self.trace.append((rule.name, node, out))
            return result
        return node


def simplify(expr: Expr, trace: list | None = None) -> Expr:
    """The closed form of `expr` under RULES; `trace` collects (rule name, before, after)."""
    return _Run(trace).tree(expr)
