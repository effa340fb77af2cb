"""The scan behind the tests that consumers read the operator declarations: which string
constants of a module equal the name of a declared operator.

What a stage relies on about an operator is a facet of its declaration, read from the registry
(core/ops.py); a string constant equal to a declared operator's name is a list of names kept
beside it. The core node kinds (leaves, sums, products, transposes, ...) are the algebra every
declaration is written in and may be named; names listed in `__all__` are Python names (the
builders'), not read as operators. Each test gives its modules and the namings it allows, each
with the reason that module names that operator.
"""
from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "matcalc"

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


def declared_names() -> frozenset[str]:
    """The name of every operator of the catalogue (core/ops.py) but the core node kinds."""
    from matcalc.core.ops import OPS
    return frozenset(OPS) - frozenset(CORE_NODE_KINDS)


def named(source: str, names: frozenset[str]) -> list[tuple[int, str]]:
    """(line, name) of each string constant of `source` that is one of `names`, those of an
    `__all__` list aside."""
    tree = ast.parse(source)
    exported = {id(node) for statement in ast.walk(tree) if isinstance(statement, ast.Assign)
                and any(isinstance(t, ast.Name) and t.id == "__all__" for t in statement.targets)
                for node in ast.walk(statement.value)}
    return sorted((node.lineno, node.value) for node in ast.walk(tree)
                  if isinstance(node, ast.Constant) and isinstance(node.value, str)
                  and node.value in names and id(node) not in exported)


def modules(*places: str, skip: frozenset[str] = frozenset()) -> list[Path]:
    """The Python files of each place under matcalc/ (a folder, its subfolders too, or a
    module), but the modules (relative to matcalc/) in `skip`."""
    paths = []
    for place in places:
        path = PACKAGE / place
        paths += sorted(path.rglob("*.py")) if path.is_dir() else [path]
    return [p for p in paths if module_of(p) not in skip]


def module_of(path: Path) -> str:
    return path.relative_to(PACKAGE).as_posix()


def scan(paths: list[Path], names: frozenset[str] | None = None
         ) -> dict[str, list[tuple[int, str]]]:
    """module (relative to matcalc/) -> the names it spells of `names` (by default every
    declared operator's), with their lines."""
    names = declared_names() if names is None else names
    return {module_of(p): named(p.read_text(encoding="utf-8"), names) for p in paths}


def unexplained(found: dict[str, list[tuple[int, str]]], allowed: dict) -> list[str]:
    """Each naming not allowed, as 'module:line: op'."""
    return [f"matcalc/{module}:{line}: names the declared operator '{op}'"
            for module, hits in found.items() for line, op in hits if (module, op) not in allowed]


def stale(found: dict[str, list[tuple[int, str]]], allowed: dict) -> list[tuple[str, str]]:
    """The allowances no module uses any more (they are removed, not kept)."""
    used = {(module, op) for module, hits in found.items() for _, op in hits}
    return sorted(set(allowed) - used)


def each(module: str, ops: tuple[str, ...], reason: str) -> dict[tuple[str, str], str]:
    """One reason for each of `ops` that `module` names."""
    return {(module, op): reason for op in ops}
