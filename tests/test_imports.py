"""The pipeline is one-way (docs/architecture.md): every module of matcalc imports only from its
own stage and the stages before it, also inside functions. The stages, first to last; a stage
may use any earlier one."""
from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "matcalc"
STAGES = [
    {"errors", "shapes", "names"},
    {"syntax", "core"},
    {"lower"},
    {"diff"},
    {"simplify"},
    {"second_order"},  # differentials of recognised subexpressions, as units
    {"closed_form"},  # the read-out's derivative, simplified
    {"render"},
    {"evaluate", "domain", "steps"},
    {"symbols", "check", "interop", "vocabulary"},  # value names; the numeric check; docs tables
    {"codegen"},
    {"derivative"},  # the result object api.py returns
    {"api"},
    {"differential", "equivalent"},
    {"report"},
    {"__init__"},
    {"web"},  # (a worker process imports matcalc whole, before its first job)
    {"cli"},
    {"__main__"},
]
RANK = {unit: rank for rank, units in enumerate(STAGES) for unit in units}


def _unit(module: str) -> str:
    """The stage unit of a dotted module name inside matcalc (a subpackage or a module)."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _imports(path: Path) -> set[str]:
    """The units of matcalc that the file at `path` imports (relative imports)."""
    module = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    if path.name == "__init__.py":
        package = package[:-1]
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = package[:len(package) - node.level + 1]
            if node.module:
                out.add(_unit(".".join(base + [node.module])))
            else:  # from . import x: a module of the package, or a name of its __init__
                for alias in node.names:
                    target = ".".join(base + [alias.name])
                    where = PACKAGE.parent / Path(*target.split("."))
                    is_module = where.with_suffix(".py").exists() or where.is_dir()
                    out.add(_unit(target if is_module else ".".join(base)))
        elif isinstance(node, ast.Import):
            out.update(_unit(a.name) for a in node.names if a.name.split(".")[0] == "matcalc")
    return out


def test_every_unit_has_a_stage():
    units = {p.stem if p.parent == PACKAGE else p.relative_to(PACKAGE).parts[0]
             for p in PACKAGE.rglob("*.py")}
    assert units == set(RANK)


def test_the_pipeline_is_one_way():
    wrong = []
    for path in sorted(PACKAGE.rglob("*.py")):
        here = path.stem if path.parent == PACKAGE else path.relative_to(PACKAGE).parts[0]
        for unit in _imports(path) - {here}:
            if RANK[unit] >= RANK[here]:
                wrong.append(f"{path.relative_to(PACKAGE)} imports {unit}")
    assert wrong == []


# the core's modules, each importing only earlier ones
CORE_LAYERS = ["expr", "notations", "constants", "elementwise", "extremes", "vector_functions",
               "matrix_functions", "matrix_scalars", "spectral", "factorisations", "linear_ops",
               "matrix_powers", "ops", "leaves", "matrix_power_chains", "algebra", "structural",
               "solves", "build", "rebuild", "transpose", "parameters"]


def test_the_core_constructors_are_layered():
    core = PACKAGE / "core"
    assert {p.stem for p in core.glob("*.py")} == set(CORE_LAYERS)
    wrong = []
    for i, name in enumerate(CORE_LAYERS):
        tree = ast.parse((core / f"{name}.py").read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level == 1:
                targets = [node.module] if node.module else [a.name for a in node.names]
                wrong += [f"{name} imports {t}" for t in targets
                          if t in CORE_LAYERS and CORE_LAYERS.index(t) >= i]
    assert wrong == []
