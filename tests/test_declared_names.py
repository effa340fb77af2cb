"""Code generation and evaluate name no declared operator.

What a strategy of matcalc/codegen/ or matcalc/evaluate.py relies on about an operator (its
value at a 1 × 1 argument, whether a transposed argument costs it nothing, how a product applies
it, its code, its bounds) is a facet of the operator's declaration, read from the registry; so
a string constant in those modules that equals the name of a declared operator is a list of
names kept beside the registry. The core node kinds (leaves, sums, products, transposes, ...)
are the algebra every declaration is written in and may be named. An operator a module may
still name is allowed below with the reason. The modules are parsed with `ast` by the helper the
checks of the printer, lowering, the simplifier and the other consumers use
(tests/declared_names.py).
"""
from __future__ import annotations

from declared_names import (
    CORE_NODE_KINDS,
    PACKAGE,
    declared_names,
    modules,
    named,
    scan,
    stale,
    unexplained,
)

from matcalc.core.ops import OPS

SCOPE = ("codegen", "evaluate.py")

ALLOWED = {  # (module, op) -> why it names the op
    ("codegen/solves.py", "log"): "the backend's log as arithmetic: log|det S| = 2 Σ log Lᵢᵢ "
                                  "from the Cholesky factor, not a dispatch on log",
    ("codegen/chains.py", "sqrt"): "the backend's square root as arithmetic: Mᵀ diag(d) M = "
                                   "Rᵀ R with R = diag(√d) M, not a dispatch on sqrt",
}



def test_codegen_and_evaluate_name_no_declared_op():
    found = unexplained(scan(modules(*SCOPE)), ALLOWED)
    assert not found, "\n".join(found)


def test_the_check_names_the_module_line_and_op():
    source = 'x = 1\nif node.op == "inv":\n    kinds = ("tr", "mul", "identity")\n'
    hits = {"codegen/example.py": named(source, declared_names())}
    assert unexplained(hits, ALLOWED) == [
        "matcalc/codegen/example.py:2: names the declared operator 'inv'",
        "matcalc/codegen/example.py:3: names the declared operator 'tr'"]
    assert unexplained(hits, {("codegen/example.py", "inv"): "a reason"}) == [
        "matcalc/codegen/example.py:3: names the declared operator 'tr'"]


def test_the_check_fails_on_a_module_that_names_an_op_again():
    """emit.py with the list of 1 × 1 functions it once kept fails the check."""
    path = PACKAGE / "codegen" / "emit.py"
    source = path.read_text("utf-8") + '\n_ONE_BY_ONE = ("tr", "diagpart", "mpow")\n'
    last = source.count("\n")
    assert unexplained({"codegen/emit.py": named(source, declared_names())}, ALLOWED) == [
        f"matcalc/codegen/emit.py:{last}: names the declared operator '{op}'"
        for op in ("diagpart", "mpow", "tr")]


def test_each_allowance_has_a_reason_and_is_used():
    assert stale(scan(modules(*SCOPE)), ALLOWED) == [], "allowed but no longer named: remove"
    assert all(reason.strip() for reason in ALLOWED.values())


def test_the_core_node_kinds_are_operators():
    """The kinds the modules may name are operators of the catalogue (a renamed one fails)."""
    assert set(CORE_NODE_KINDS) <= set(OPS)
    assert {"inv", "tr", "diag", "kron", "logdet", "eigmax", "expm", "softmax"} <= \
        declared_names()
