"""Code generation and evaluate name no declared operator.

What a strategy of matcalc/codegen/ or matcalc/evaluate.py relies on about an operator (its
value at a 1 × 1 argument, whether a transposed argument costs it nothing, how a product applies
it, its code, its bounds) is a facet of the operator's declaration, read from the registry; so
a string constant in those modules that equals the name of a declared operator is a list of
names kept beside the registry. The core node kinds (leaves, sums, products, transposes, ...)
are the algebra every declaration is written in and may be named. An operator a module may
still name is allowed below with the reason. The modules are parsed with `ast` by the helper the
same check of the printer, lowering and the simplifier uses (test_declared_names_render.py).
"""
from __future__ import annotations

from pathlib import Path

from test_declared_names_render import named

from matcalc.core.ops import OPS

PACKAGE = Path(__file__).resolve().parents[1] / "matcalc"
SCOPE = (*sorted((PACKAGE / "codegen").glob("*.py")), PACKAGE / "evaluate.py")

# node kinds of the core algebra (core/ops.py's own stanzas), not declarations of a family
CORE_NODE_KINDS = {
    "var": "a variable leaf", "tangent": "a differential leaf dX", "const": "a number leaf",
    "dim": "a size as a value", "identity": "the identity leaf I", "ones": "the leaf 𝟏",
    "zero": "the zero leaf", "commutation": "the commutation leaf K",
    "apply": "an abstract function f(Y)", "absgrad": "an abstract derivative ∂f/∂Y",
    "add": "a sum", "mul": "a matrix product", "hadamard": "an elementwise product",
    "transpose": "a transpose", "expand": "a broadcast scalar", "unvec": "vec⁻¹",
    "pow": "an elementwise power", "gt": "the step [u > v] of derivatives",
}
DECLARED = frozenset(OPS) - frozenset(CORE_NODE_KINDS)

_NO_FAMILY = ("the factorisations' declarations (core/factorisations.py's Factorisation) have "
              "no code facets yet: their templates and strategies are still codegen's")
ALLOWED = {  # (module, op) -> why it names the op
    ("codegen/factorisations.py", "chol"): _NO_FAMILY,
    ("codegen/factorisations.py", "solve"): _NO_FAMILY,
    ("codegen/factorisations.py", "pinv"): _NO_FAMILY,
    ("codegen/factorisations.py", "tril_half"): _NO_FAMILY,
    ("codegen/solves.py", "chol"): _NO_FAMILY + " (a solve with L = chol(S) is triangular)",
    ("codegen/solves.py", "solve"): _NO_FAMILY + " (solve(A, B) shares A's factors)",
    ("codegen/solves.py", "log"): "the backend's log as arithmetic: log|det S| = 2 Σ log Lᵢᵢ "
                                  "from the Cholesky factor, not a dispatch on log",
    ("codegen/chains.py", "sqrt"): "the backend's square root as arithmetic: Mᵀ diag(d) M = "
                                   "Rᵀ R with R = diag(√d) M, not a dispatch on sqrt",
}


def violations(module: str, source: str, declared=DECLARED, allowed=None) -> list[str]:
    """'module:line: ...' for each declared op `source` names that `allowed` does not allow."""
    allowed = ALLOWED if allowed is None else allowed
    return [f"{module}:{line}: names the declared op '{op}' (read a facet of its declaration)"
            for line, op in named(source, declared) if (module, op) not in allowed]


def _module(path: Path) -> str:
    return path.relative_to(PACKAGE).as_posix()


def test_codegen_and_evaluate_name_no_declared_op():
    found = [v for path in SCOPE for v in violations(_module(path), path.read_text("utf-8"))]
    assert not found, "\n".join(found)


def test_the_check_names_the_module_line_and_op():
    source = 'x = 1\nif node.op == "inv":\n    kinds = ("tr", "mul", "identity")\n'
    assert violations("codegen/example.py", source) == [
        "codegen/example.py:2: names the declared op 'inv' (read a facet of its declaration)",
        "codegen/example.py:3: names the declared op 'tr' (read a facet of its declaration)"]
    assert violations("codegen/example.py", source,
                      allowed={("codegen/example.py", "inv"): "a reason"}) == [
        "codegen/example.py:3: names the declared op 'tr' (read a facet of its declaration)"]


def test_the_check_fails_on_a_module_that_names_an_op_again():
    """emit.py with the list of 1 × 1 functions it once kept fails the check."""
    path = PACKAGE / "codegen" / "emit.py"
    source = path.read_text("utf-8") + '\n_ONE_BY_ONE = ("tr", "diagpart", "mpow")\n'
    last = source.count("\n")
    assert violations(_module(path), source) == [
        f"codegen/emit.py:{last}: names the declared op '{op}' (read a facet of its declaration)"
        for op in ("diagpart", "mpow", "tr")]


def test_each_allowance_has_a_reason_and_is_used():
    used = {(_module(path), op) for path in SCOPE
            for _, op in named(path.read_text("utf-8"), DECLARED)}
    stale = sorted(set(ALLOWED) - used)
    assert not stale, f"allowed but no longer named (remove them): {stale}"
    assert all(reason.strip() for reason in ALLOWED.values())


def test_the_core_node_kinds_are_operators():
    """The kinds the modules may name are operators of the catalogue (a renamed one fails)."""
    assert set(CORE_NODE_KINDS) <= set(OPS)
    assert {"inv", "tr", "diag", "kron", "logdet", "eigmax", "expm", "softmax"} <= DECLARED
