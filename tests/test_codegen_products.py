"""Each way generated code applies a structured factor, at distinct sizes (m, n, p, q =
2, 3, 4, 5, so that a swapped size cannot pass), against `evaluate` of the same expression.

Expressions are built directly (no simplifier), so every branch of codegen/chains.py, the
trace, diagonal, broadcast and vec rules of codegen/emit.py and the factorisations of
codegen/solves.py is reached; a test
also checks that the structured factors are not formed densely.
"""
from __future__ import annotations

import importlib.util

import numpy as np
import pytest

from matcalc.codegen import Output, compile_function, generate
from matcalc.core import build as b
from matcalc.core.expr import mk
from matcalc.derivative import returned as _returned
from matcalc.evaluate import Env, evaluate
from matcalc.shapes import Dim, Shape

m, n, p, q = (Dim.of(s) for s in "mnpq")
SIZES = {"m": 2, "n": 3, "p": 4, "q": 5}
BACKENDS = [name for name in ("numpy", "jax", "torch")
            if name == "numpy" or importlib.util.find_spec(name) is not None]

VARS: dict[str, object] = {}


def var(name: str, rows: Dim, cols: Dim, structure: str = "general"):
    node = b.var(name, Shape(rows, cols), structure)
    VARS[name] = node
    return node


one = Dim.of(1)
A, B, C = var("A", m, n), var("B", p, q), var("C", n, p)
S, P, R = var("S", n, n), var("P", n, n, "spd"), var("R", n, n)
M_mn_p, M_p_mn = var("Mmnp", m * n, p), var("Mpmn", p, m * n)
M_nq_m, M_n_mp = var("Mnqm", n * q, m), var("Mnmp", n, m * p)
u_mn, v_nq, u_mp, v_np = var("u", m * n, one), var("v", n * q, one), var("w", m * p, one), \
    var("z", n * p, one)
x, y, t = var("x", n, one), var("y", n, one), var("t", m, one)
s = var("s", one, one)
N_np = var("Nnp", n, p)
T, K, Id, ones = b.transpose, mk("commutation", m=m, n=n), b.identity, b.ones


def mul(*factors):
    return mk("mul", *factors)


def diag(v):
    return mk("diag", v)


def inv(a):
    return mk("inv", a)


CASES = {
    "K v": mul(K, u_mn),
    "uᵀ K": mul(T(u_mn), K),
    "K M": mul(K, M_mn_p),
    "M K": mul(M_p_mn, K),
    "Kᵀ v": mul(T(K), u_mn),
    "(A ⊗ B) v": mul(mk("kron", A, B), v_nq),
    "(A ⊗ B) M": mul(mk("kron", A, B), M_nq_m),
    "wᵀ (A ⊗ B)": mul(T(u_mp), mk("kron", A, B)),
    "M (A ⊗ B)": mul(M_n_mp, mk("kron", A, B)),
    "(A ⊗ B)ᵀ w": mul(T(mk("kron", A, B)), u_mp),
    "(I ⊗ B) v": mul(mk("kron", Id(n), B), v_nq),
    "(I ⊗ B) M": mul(mk("kron", Id(n), B), M_nq_m),
    "(A ⊗ I) z": mul(mk("kron", A, Id(p)), v_np),
    "wᵀ (A ⊗ I)": mul(T(u_mp), mk("kron", A, Id(p))),
    "M (I ⊗ Bᵀ)": mul(var("L", q, n * q), mk("kron", Id(n), T(B))),
    "M (A ⊗ I)": mul(var("L2", q, m * p), mk("kron", A, Id(p))),
    "(t ⊗ B) v": mul(mk("kron", t, B), var("vq", q, one)),
    "S⁻¹ x": mul(inv(S), x),
    "xᵀ S⁻¹": mul(T(x), inv(S)),
    "S⁻¹ C": mul(inv(S), C),
    "Cᵀ S⁻¹": mul(T(C), inv(S)),
    "S⁻ᵀ x": mul(T(inv(S)), x),
    "xᵀ S⁻ᵀ": mul(T(x), T(inv(S))),
    "Cᵀ S⁻ᵀ": mul(T(C), T(inv(S))),
    "shared LU": mk("add", mk("tr", mul(inv(R), C, T(N_np))), mk("logdet", R),
                    mk("tr", mul(T(inv(R)), N_np, T(C)))),
    "shared Cholesky": mk("add", mul(T(x), inv(P), y), mk("logdet", P)),
    "spd logdet": mk("logdet", P),
    "diag(x) C": mul(diag(x), C),
    "Cᵀ diag(x)": mul(T(C), diag(x)),
    "yᵀ diag(x) S": mul(T(y), diag(x), S),
    "diag(x) diag(y) C": mul(diag(x), diag(y), C),
    "A diag(x) C Nᵀ": mul(A, diag(x), C, T(N_np)),
    "A S⁻¹ C": mul(A, inv(S), C),
    "𝟏ᵀ C": mul(T(ones(n)), C),
    "C 𝟏": mul(C, ones(p)),
    "(S + R) x": mul(mk("add", S, R), x),
    "xᵀ (S + Rᵀ)": mul(T(x), mk("add", S, T(R))),
    "(S + C Nᵀ) x": mul(mk("add", S, mul(C, T(N_np))), x),
    "tr(C Nᵀ)": mk("tr", mul(C, T(N_np))),
    "tr(Aᵀ A C Nᵀ)": mk("tr", mul(T(A), A, C, T(N_np))),
    "tr(x yᵀ)": mk("tr", mul(x, T(y))),
    "2 s tr(S R)": mul(b.const(2), s, mk("tr", mul(S, R))),
    "diag(C Nᵀ)": mk("diagpart", mul(C, T(N_np))),
    "x yᵀ C": mul(x, T(y), C),
    "x (yᵀ x) tᵀ": mul(x, T(y), x, T(t)),
    "C + s": mk("add", N_np, b.expand(s, Shape(n, p))),
    "C ⊙ s": mk("hadamard", N_np, b.expand(s, Shape(n, p))),
    "expand s": b.expand(s, Shape(n, p)),
    "vec(A)": mk("vec", A),
    "unvec(u)": mk("unvec", u_mn, shape=Shape(m, n)),
    "K standalone": K,
    "x ⊗ tᵀ": mk("kron", x, T(t)),
    "tᵀ ⊗ x": mk("kron", T(t), x),
    "A ⊗ x": mk("kron", A, x),
    "A ⊗ B": mk("kron", A, B),
    "diag(x)": diag(x),
    "S⁻¹": inv(S),
    "-2 C + s": mk("add", mul(b.const(-2), N_np), b.expand(s, Shape(n, p))),
    "Sᵀ (x yᵀ + y xᵀ) R": mul(T(S), mk("add", mul(x, T(y)), mul(y, T(x))), R),
    "A (x yᵀ - 2 y xᵀ)": mul(A, mk("add", mul(x, T(y)), mul(b.const(-2), y, T(x)))),
    "(x yᵀ + y xᵀ) C": mul(mk("add", mul(x, T(y)), mul(y, T(x))), C),
    "A (2 I - x yᵀ)": mul(A, mk("add", mul(b.const(2), Id(n)), mul(b.const(-1), x, T(y)))),
    "(I - 𝟏 𝟏ᵀ / n) C Nᵀ": mul(mk("add", Id(n), mul(b.const(-1), b.power(b.dim(n), b.const(-1)),
                                                      ones(n), T(ones(n)))), C, T(N_np)),
    "2 (N ⊙ x 𝟏ᵀ)": mul(b.const(2), mk("hadamard", N_np, mul(x, T(ones(p))))),
    "-s (N ⊙ x 𝟏ᵀ + y 𝟏ᵀ)": mul(b.const(-1), s, mk("add", mk("hadamard", N_np, mul(x, T(ones(p)))),
                                                    mul(y, T(ones(p))))),
    "(N ⊙ x 𝟏ᵀ) 𝟏": mul(mk("hadamard", N_np, mul(x, T(ones(p)))), ones(p)),
    "𝟏ᵀ (N ⊙ 𝟏 zᵀ ⊙ N)": mul(T(ones(n)), mk("hadamard", N_np, mul(ones(n), T(var("z_p", p, one))),
                                              N_np)),
    "D ⊙ D + (x 𝟏ᵀ - N) ⊙ y 𝟏ᵀ": mk("add", mk("hadamard", *[mk("add", N_np, mul(
        b.const(-1), x, T(ones(p))))] * 2), mk("hadamard", b.add(mul(x, T(ones(p))), mul(
            b.const(-1), N_np)), mul(y, T(ones(p))))),
    "diag(x) N + (S ⊙ x 𝟏ᵀ) C": mk("add", mul(diag(x), N_np),
                                   mul(mk("hadamard", S, mul(x, T(ones(n)))), C)),
}
# a few outer products between matrices: distributed, each term by matrix-vector products
LOW_RANK = ("Sᵀ (x yᵀ + y xᵀ) R", "A (x yᵀ - 2 y xᵀ)", "(x yᵀ + y xᵀ) C")


def _values(rng) -> dict[str, np.ndarray]:
    values = {}
    for name, node in VARS.items():
        rows, cols = node.shape.rows.value(SIZES), node.shape.cols.value(SIZES)
        value = rng.normal(size=(rows, cols))
        if name in ("S", "R"):
            value = value + 4 * np.eye(rows)
        if name == "P":
            value = value @ value.T + rows * np.eye(rows)
        values[name] = value
    return values


def _argument(node, value: np.ndarray):
    return float(value[0, 0]) if node.is_scalar else value if node.shape.is_matrix \
        else value.reshape(-1)


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("name", list(CASES))
def test_structured_product(name: str, backend: str, rng) -> None:
    if backend == "jax":
        import jax
        jax.config.update("jax_enable_x64", True)
    expr = CASES[name]
    values = _values(rng)
    want = _returned(evaluate(expr, Env(values, dict(SIZES))), expr)
    variables = dict(VARS)  # (all of them: the sizes are read off their shapes)
    source = generate(variables, Output((expr,)), backend, "f", "test")
    got = compile_function(source, "f", backend)(
        **{k: _argument(v, values[k]) for k, v in variables.items()})
    got = np.asarray(got.detach().numpy() if hasattr(got, "detach") else got, dtype=float)
    assert got.shape == np.shape(want), source
    assert np.allclose(got, want, rtol=1e-10, atol=1e-10), source


@pytest.mark.parametrize("name", [k for k in CASES if " " in k and "standalone" not in k
                                  and not k.startswith(("x ⊗", "tᵀ ⊗", "A ⊗", "diag(x)"))])
def test_structured_factors_are_applied_not_formed(name: str) -> None:
    expr = CASES[name]
    variables = dict(VARS)  # (all of them: the sizes are read off their shapes)
    source = generate(variables, Output((expr,)), "numpy", "f", "test")
    for dense in ("np.kron", "_commutation", "np.diag(", "np.linalg.inv", "np.eye"):
        assert dense not in source, source


def test_shared_factorisations_are_computed_once() -> None:
    for name, factor in (("shared LU", "lu_factor"), ("shared Cholesky", "cho_factor")):
        expr = CASES[name]
        variables = dict(VARS)  # (all of them: the sizes are read off their shapes)
        source = generate(variables, Output((expr,)), "numpy", "f", "test")
        assert source.count(factor) == 1 and "np.linalg.solve" not in source, source


@pytest.mark.parametrize("name", LOW_RANK)
def test_a_few_outer_products_between_matrices_are_not_formed(name: str) -> None:
    """A (Σᵢ uᵢ vᵢᵀ) B = Σᵢ (A uᵢ)(Bᵀ vᵢ)ᵀ: no matrix-matrix product, one outer product per
    term (the values are checked by test_structured_product)."""
    source = generate(dict(VARS), Output((CASES[name],)), "numpy", "f", "test")
    assert "multi_dot" not in source and " @ t" not in source, source
    assert source.count("np.outer") == 2, source


@pytest.mark.parametrize("name, outer, products", [("A (2 I - x yᵀ)", 1, 1),
                                                   ("(I - 𝟏 𝟏ᵀ / n) C Nᵀ", 0, 2)])
def test_the_identity_plus_outer_products_is_not_formed(name: str, outer: int,
                                                        products: int) -> None:
    """A (c I + u vᵀ) B = c A B + (A u)(Bᵀ v)ᵀ, 𝟏 vᵀ broadcast: A x and A, or C Nᵀ and
    (𝟏ᵀ C) Nᵀ, are the only products, the identity never formed (the values are checked by
    test_structured_product)."""
    source = generate(dict(VARS), Output((CASES[name],)), "numpy", "f", "test")
    assert "np.eye" not in source and source.count("np.outer") == outer, source
    assert source.count(" @ ") == products, source


SCALED_VECTORS = {  # name -> the returned code: scalars, signs and sums on the vectors
    "2 (N ⊙ x 𝟏ᵀ)": "Nnp * (2.0 * x)[:, None]",
    "-s (N ⊙ x 𝟏ᵀ + y 𝟏ᵀ)": "Nnp * (-(s * x))[:, None] - (s * y)[:, None]",
    "(N ⊙ x 𝟏ᵀ) 𝟏": "Nnp.sum(axis=1) * x",
    "𝟏ᵀ (N ⊙ 𝟏 zᵀ ⊙ N)": "(Nnp ** 2).sum(axis=0) * z_p",
    "D ⊙ D + (x 𝟏ᵀ - N) ⊙ y 𝟏ᵀ": "t1 * t1 + t1 * (-y)[:, None]",
    "diag(x) N + (S ⊙ x 𝟏ᵀ) C": "x[:, None] * (S @ C + Nnp)",
}


@pytest.mark.parametrize("name", list(SCALED_VECTORS))
def test_scalars_signs_and_sums_reach_the_spread_vectors(name: str) -> None:
    """c (M ⊙ u 𝟏ᵀ) = M ⊙ (c u) 𝟏ᵀ, c (A + B) = c A + c B, (M ⊙ u 𝟏ᵀ) 𝟏 = u ⊙ (M 𝟏), and
    (u 𝟏ᵀ − M) ⊙ v 𝟏ᵀ = (M − u 𝟏ᵀ) ⊙ (−v) 𝟏ᵀ where M − u 𝟏ᵀ is computed already, and
    diag(u) A + (M ⊙ u 𝟏ᵀ) B = diag(u) (A + M B): no pass over a matrix for a scalar, a sign or
    a spread factor, one for a row scaling the terms share (the values are checked by
    test_structured_product)."""
    source = generate(dict(VARS), Output((CASES[name],)), "numpy", "f", "test")
    assert source.rstrip().endswith(f"return {SCALED_VECTORS[name]}"), source


@pytest.mark.parametrize("layout", ["numerator", "denominator"])
@pytest.mark.parametrize("expr, vars", [
    ("log_softmax(tanh(x))", {"x": "vector(n)"}),
    ("log_softmax(gelu(x))", {"x": "vector(n)"}),
    ("arcsinh(layernorm(x, 0.5))", {"x": "vector(n)"}),
    ("u .* (x + v * (w' * x))", {"u": "vector(n)", "v": "vector(n)", "w": "vector(n)",
                                "x": "vector(n)"}),
])
def test_a_lone_row_scaling_beside_distributed_outer_products(expr, vars, layout, rng):
    """diag(r) (c I + u vᵀ) distributed (codegen/chains.py) leaves the term c diag(r), a row
    scaling with no matrix after it: it is not gathered with the others again (the code used
    to fail to build, adding the scalar c to a matrix); the code agrees with evaluate, and
    evaluate with finite differences."""
    from numeric import check_derivative
    from test_codegen import check_generated
    d = check_derivative(expr, "x", vars, {"n": 4}, None, layout, rng=rng)
    check_generated(d, expr, {"n": 4}, None, vars, (), rng)
