"""Bottom-up rewriting to a fixpoint.

Rules are indexed by the operator at their head. Each node is rebuilt from its simplified
children, then the rules of its head are tried in order; when one fires, its result is
simplified again. Every rewrite must keep the shape (asserted) and, by construction of the
rule table, never grow the expression, so the loop ends; a pass cap guards it anyway. Rules whose
effect on length depends on the operands are marked `shorter_only`: their rewrite, simplified,
is kept only when its printed form is not longer (length.py counts its tokens on the tree).

Results are remembered across calls (weakly, per node): simplifying the bindings of a program
one by one (each a part of the next) then costs the new nodes only, not the whole chain again.
A call with a `trace` neither uses nor fills that memory, so that its trace is complete.

Rules marked `shown` are left out of `simplify`: `shown_form` applies them to a simplified
result, the form shown, evaluated and generated (the Daleckii–Krein form of L_f(S, E)), which
is not the form differentiated again (a Hessian differentiates the simplified gradient).
"""
from __future__ import annotations

import weakref

from ..core.expr import Expr, postorder_new
from ..core.rebuild import rebuild
from .length import expression_length
from .rules import RULES, Rule

MAX_REWRITES = 2000


def _index(rules: tuple[Rule, ...]) -> dict[str, list[Rule]]:
    table: dict[str, list[Rule]] = {}
    for rule in rules:
        table.setdefault(rule.head, []).append(rule)
    return table


_BY_HEAD = _index(tuple(rule for rule in RULES if not rule.shown))
_SHOWN = _index(tuple(rule for rule in RULES if rule.shown))
_DONE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # node -> ref to its result


class _Memo(dict):
    """A run's memo, which also finds the results of earlier calls."""

    def __init__(self, shared: bool):
        super().__init__()
        self.shared = shared

    def __contains__(self, node) -> bool:
        if dict.__contains__(self, node):
            return True
        ref = _DONE.get(node) if self.shared else None
        result = ref() if ref is not None else None
        if result is None:
            return False
        self[node] = result
        return True


class _Run:
    def __init__(self, trace: list | None, rules: dict[str, list[Rule]] = _BY_HEAD):
        self.rules = rules
        self.memo = _Memo(shared=trace is None and rules is _BY_HEAD)
        self.active: set[Expr] = set()  # nodes being simplified: a rewrite back to one stops
        self.trace = trace
        self.budget = MAX_REWRITES
        self.outer: list[tuple[Expr, Expr]] | None = None  # the outermost walk's results

    def tree(self, root: Expr) -> Expr:
        outer, self.outer = self.outer is None, self.outer if self.outer is not None else []
        for node in postorder_new(root, self.memo):
            if node not in self.memo:  # (a rewrite of an earlier node may have reached it)
                args = tuple(self.memo[a] for a in node.args)
                result = self.node(rebuild(node, args))
                self.memo[node] = self.memo[result] = result  # results are fixpoints
                if outer:
                    self.outer.append((node, result))
        return self.memo[root]

    def remember(self) -> None:
        """Keep the results of the outermost walk (no rewrite in progress: they do not depend
        on where the walk came from) for later calls, unless the run ran out of rewrites."""
        if self.memo.shared and self.budget > 0:
            for node, result in self.outer or ():
                _DONE[node] = _DONE[result] = weakref.ref(result)

    def node(self, node: Expr) -> Expr:
        if node in self.active:
            return node
        self.active.add(node)
        try:
            return self.rewrite(node)
        finally:
            self.active.discard(node)

    def rewrite(self, node: Expr) -> Expr:
        for rule in self.rules.get(node.op, ()):
            out = rule.apply(node)
            if out is None or out is node or self.budget <= 0:
                continue
            assert out.shape == node.shape, f"rule {rule.name} changed the shape"
            self.budget -= 1
            result = self.tree(out)
            if result is node or (rule.shorter_only and
                                  expression_length(result) > expression_length(node)):
                continue
            if self.trace is not None:
                self.trace.append((rule.name, node, out))
            return result
        return node


def simplify(expr: Expr, trace: list | None = None) -> Expr:
    """The closed form of `expr` under RULES; `trace` collects (rule name, before, after)."""
    run = _Run(trace)
    result = run.tree(expr)
    run.remember()
    return result


def shown_form(expr: Expr, trace: list | None = None) -> Expr:
    """The simplified `expr` in the form shown: the `shown` rules applied, and the result
    simplified again (Q (F ⊙ U) Qᵀ + Q (G ⊙ U) Qᵀ is Q ((F + G) ⊙ U) Qᵀ); `trace` collects
    the steps."""
    shown = _Run(trace, _SHOWN).tree(expr)
    return expr if shown is expr else simplify(shown, trace)
