"""The declared linear operators (core/linear_ops.py) and matrix powers (core/matrix_powers.py):
each has every facet, read by the stage that needs it, and a declaration lacking one fails,
naming it."""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from documentation import DOC_FILES

from matcalc import vocabulary
from matcalc.core import build as b
from matcalc.core import linear_ops, matrix_powers
from matcalc.core.ops import OPS
from matcalc.diff.registry import JVP, TITLES
from matcalc.shapes import Shape

_DOCS = "\n".join(path.read_text(encoding="utf-8") for path in DOC_FILES)


def _shared_facets(op) -> dict[str, bool]:
    """The facets a linear operator and a matrix power both have."""
    from matcalc.codegen.backends import BACKENDS
    from matcalc.codegen.emit import Emitter
    from matcalc.codegen.signs import BY_KIND, RULES
    from matcalc.interop.from_sympy import _Writer
    from matcalc.interop.to_sympy import _RULES as SYMPY
    from matcalc.lower.functions import FUNCTIONS, MEANING
    return {
        "spellings and meaning (lower/functions.py)":
            bool(op.meaning) and all(s in FUNCTIONS and s in MEANING for s in op.spellings),
        "shape rule and numpy value (core/ops.py)":
            callable(op.shape) and OPS[op.name].evaluate is not None,
        "JVP with its title (diff/)": op.name in JVP and TITLES[op.name] == op.rule,
        "code on every backend (codegen/)":
            all(op.code.get(name) and backend.templates.get(op.code[name][0]) == op.code[name][1]
                for name, backend in BACKENDS.items()) and hasattr(Emitter, op.emitter),
        "bounds rule (codegen/signs.py) or none claimed":
            (RULES.get(op.name) is BY_KIND[op.bounds]) if op.bounds else op.name not in RULES,
        "SymPy form (interop/to_sympy.py)": callable(op.sympy) and op.name in SYMPY,
        "SymPy read back (interop/from_sympy.py) or none claimed":
            not op.sympy_class or hasattr(_Writer, f"w_{op.sympy_class}"),
        "docs example (a row of the generated table in docs/language.md)":
            all(op.example) and vocabulary.linear_row(op) in vocabulary.linear_table()
            and vocabulary.linear_table() in _DOCS,
    }


def _code_facets(op) -> dict[str, bool]:
    """Whether code generation reads the facets it relies on from the declaration `op`: its
    value at a 1 × 1 argument, a transposed argument's cost, how a product applies it."""
    from matcalc.codegen.emit import _ONE_BY_ONE
    from matcalc.codegen.factors import APPLIED
    from matcalc.codegen.transposes import _TAKE_TRANSPOSES
    one_by_one = getattr(op, "scalar_of_1x1", False) or bool(getattr(op, "of_a_scalar", ""))
    return {
        "value at a 1 × 1 argument (codegen/emit.py)": (op.name in _ONE_BY_ONE) == one_by_one,
        "a transposed argument for free (codegen/transposes.py)":
            (op.name in _TAKE_TRANSPOSES) == getattr(op, "transpose_free", False),
        "applied in products (codegen/factors.py)": APPLIED.get(op.name, "") == op.in_products,
    }


def _linear_facets(op: linear_ops.LinearOp) -> dict[str, bool]:
    """Which facets the declaration `op` has, and whether each stage reads it."""
    from matcalc.diff.adjoint import TRACE, VEC
    from matcalc.domain import SMOOTH
    from matcalc.lower.functions import _TYPINGS
    from matcalc.render.printer import FUNCTION_NAMES
    from matcalc.web.syntax import syntax
    panel = {g["name"]: g for c in syntax()["functions"] for g in c["functions"]}
    return {
        **_shared_facets(op), **_code_facets(op),
        "typing kind (lower/functions.py)": op.typing in _TYPINGS,
        "JVP builder (core/build.py)": callable(getattr(b, op.builder, None)),
        "adjoints for the read-out (diff/adjoint.py)": op.name in TRACE and op.name in VEC
                                                       and callable(op.vec_adjoint),
        "printed name (render/)": FUNCTION_NAMES.get(op.name) == op.printed,
        "domain (domain.py)": op.name in SMOOTH,
        "syntax panel entry": all(op.meaning in panel.get(s, {}).get("meaning", "")
                                  for s in op.spellings),
    }


def _power_facets(op: matrix_powers.MatrixPower) -> dict[str, bool]:
    from matcalc.domain import RULES, SMOOTH
    from matcalc.render import ASCII, LATEX, UNICODE, render
    x = b.var("X", Shape.of("n", "n"))
    node = b.inv(x) if op.name == "inv" else b.mk(op.name, x, k=3)
    notations = {"unicode": UNICODE, "ascii": ASCII, "latex": LATEX}
    latex_x = render(x, LATEX)
    return {
        **_shared_facets(op), **_code_facets(op),
        "differential (core builders)": callable(op.differential),
        "printed form in text, ASCII and LaTeX (render/)":
            set(op.printed) == set(notations)
            and all(render(node, notations[n]) == shown.replace("X", latex_x if n == "latex"
                                                                else "X")
                    for n, shown in op.printed.items()),
        "domain (domain.py)": op.name in SMOOTH if op.domain == matrix_powers.SMOOTH
                              else op.name in RULES,
    }


def _missing(facets: dict[str, bool]) -> list[str]:
    return [facet for facet, ok in facets.items() if not ok]


@pytest.mark.parametrize("name", sorted(linear_ops.LINEAR_OPS))
def test_every_linear_operator_has_every_facet(name):
    """A declared linear operator lacking a facet fails, naming it."""
    assert _missing(_linear_facets(linear_ops.LINEAR_OPS[name])) == [], name


@pytest.mark.parametrize("name", sorted(matrix_powers.MATRIX_POWERS))
def test_every_matrix_power_has_every_facet(name):
    assert _missing(_power_facets(matrix_powers.MATRIX_POWERS[name])) == [], name


def test_a_missing_linear_facet_is_named():
    tr = linear_ops.LINEAR_OPS["tr"]
    no_torch = {k: v for k, v in tr.code.items() if k != "torch"}
    assert _missing(_linear_facets(replace(tr, code=no_torch))) == \
        ["code on every backend (codegen/)"]
    assert _missing(_linear_facets(replace(tr, example=("tr(A X)", "X", "Aᵀ")))) == \
        ["docs example (a row of the generated table in docs/language.md)"]
    assert _missing(_linear_facets(replace(tr, printed="trace"))) == ["printed name (render/)"]
    assert _missing(_linear_facets(replace(tr, transpose_free=False))) == \
        ["a transposed argument for free (codegen/transposes.py)"]
    assert _missing(_linear_facets(replace(tr, scalar_of_1x1=False))) == \
        ["value at a 1 × 1 argument (codegen/emit.py)"]


def test_a_missing_power_facet_is_named():
    inv = matrix_powers.MATRIX_POWERS["inv"]
    assert _missing(_power_facets(replace(inv, printed={"unicode": "X⁻¹"}))) == \
        ["printed form in text, ASCII and LaTeX (render/)"]
    assert _missing(_power_facets(replace(inv, rule="d(X⁻¹) = X⁻¹ dX X⁻¹"))) == \
        ["JVP with its title (diff/)"]
    assert _missing(_power_facets(replace(inv, in_products=""))) == \
        ["applied in products (codegen/factors.py)"]


@pytest.mark.parametrize("op", [op for op in (*linear_ops.DECLARED, *matrix_powers.DECLARED)
                                if getattr(op, "scalar_of_1x1", False) or
                                getattr(op, "of_a_scalar", "")], ids=lambda op: op.name)
def test_the_declared_value_at_a_1x1_argument_is_the_value(op, rng):
    """scalar_of_1x1: f(a) = a; of_a_scalar: the Python expression computes f(a)."""
    a = rng.uniform(0.5, 2.0)
    value = OPS[op.name].evaluate([np.array([[a]])], {"k": 3})
    if getattr(op, "scalar_of_1x1", False):
        assert value.shape == (1, 1) and value[0, 0] == a
    else:  # (a fixed template of the declaration, over a number)
        assert float(eval(op.of_a_scalar.format(repr(a), 3))) == pytest.approx(value[0, 0])


def test_the_declared_products_are_the_applied_forms(rng):
    """in_products: diag(v) M = v ⊙ M's rows and M diag(v) = M's columns ⊙ vᵀ (SCALES);
    (A ⊗ B) vec(V) = vec(B V Aᵀ) (RESHAPES); X⁻¹ B = solve(X, B) (SOLVED)."""
    applied = {op.name: op.in_products
               for op in (*linear_ops.DECLARED, *matrix_powers.DECLARED) if op.in_products}
    assert applied == {"diag": linear_ops.SCALES, "kron": linear_ops.RESHAPES,
                       "inv": matrix_powers.SOLVED}
    v, m = rng.normal(size=(3, 1)), rng.normal(size=(3, 3))
    d = OPS["diag"].evaluate([v], {})
    np.testing.assert_allclose(d @ m, v * m)
    np.testing.assert_allclose(m @ d, m * v.T)
    a, c, vv = rng.normal(size=(2, 3)), rng.normal(size=(4, 5)), rng.normal(size=(5, 3))
    vec = lambda x: x.reshape(-1, 1, order="F")  # noqa: E731
    np.testing.assert_allclose(OPS["kron"].evaluate([a, c], {}) @ vec(vv), vec(c @ vv @ a.T))
    x = m + 3 * np.eye(3)
    np.testing.assert_allclose(OPS["inv"].evaluate([x], {}) @ m, np.linalg.solve(x, m))


@pytest.mark.parametrize("name", sorted(linear_ops.LINEAR_OPS))
def test_each_adjoint_is_the_transpose_of_its_map(name, rng):
    """⟨M, L(dU)⟩ = ⟨Lᵀ(M), dU⟩ in numbers: each declared adjoint (the read-out's vec form
    M J_L, and its trace form) against the numpy value of L applied to each unit dU, on 3 × 3
    operands (diag: a 3-vector)."""
    from matcalc.core.transpose import transposed
    from matcalc.evaluate import Env, evaluate
    op = linear_ops.LINEAR_OPS[name]
    shapes = [Shape.of(3, 1) if name == "diag" else Shape.of(3, 3) for _ in range(op.arity)]
    args = [b.var(f"A{i}", s) for i, s in enumerate(shapes)]
    values = {f"A{i}": rng.standard_normal((s.rows.number, s.cols.number))
              for i, s in enumerate(shapes)}
    node = b.mk(name, *args)
    size = node.shape.size.number
    m = b.var("M", Shape.of(1, size))
    seed = rng.standard_normal((1, size))
    for i, arg in enumerate(args):
        pulled = evaluate(op.vec_adjoint(b, transposed, node, i, m), Env({**values, "M": seed}, {}))
        units = np.eye(arg.shape.size.number)
        rows, cols = arg.shape.rows.number, arg.shape.cols.number
        jacobian = np.column_stack([
            op.numpy(*[unit.reshape((rows, cols), order="F") if j == i else values[f"A{j}"]
                       for j in range(op.arity)]).reshape(-1, order="F") for unit in units])
        assert np.allclose(np.asarray(pulled).reshape(1, -1), seed @ jacobian), name
        if op.trace_adjoint is None:  # (read through the vec form)
            continue
        cotangent = b.var("M", node.shape.T)
        square = seed.reshape((node.shape.cols.number, node.shape.rows.number), order="F")
        pulled = evaluate(op.trace_adjoint(b, transposed, node, i, cotangent),
                          Env({**values, "M": square}, {}))  # tr(M L(E)) = tr(Lᵀ(M) E)
        row = pulled.T.reshape(1, -1, order="F")  # tr(T E) = vec(Tᵀ)ᵀ vec(E)
        assert np.allclose(row, square.T.reshape(1, -1, order="F") @ jacobian), name
