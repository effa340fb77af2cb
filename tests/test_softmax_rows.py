"""The softmax family by rows (each row a sample), attention written in the language, a bias
added to every row, and log_softmax and cross_entropy of one vector.

Each printed form is pinned and checked against central finite differences (tests/numeric.py),
read back from its text (tests/test_read_back.py), evaluated, generated as numpy, jax and torch
code agreeing with `evaluate`, and, for attention, compared with jax.grad of an independent
jax implementation. Sources: the softmax Jacobian diag(p) − p pᵀ by rows (Goodfellow et al.,
*Deep Learning* §6.2.2.3); scaled dot-product attention softmax(Q Kᵀ / √d) V (Vaswani et al.,
2017) and its gradients dV = Pᵀ G, dP = G Vᵀ, dS = P ⊙ (dP − (P ⊙ dP) 𝟏 𝟏ᵀ), dQ = dS K / √d,
dK = dSᵀ Q / √d.
"""
from __future__ import annotations

import importlib.util

import numpy as np
import pytest
from numeric import check_derivative, concrete_all
from sympy_numeric import assert_reads_back, assert_same_value
from test_codegen import check_generated, ready
from test_hessian import check_second
from test_read_back import test_printed_form_reads_back as reads_back

from matcalc import ShapeError, derive, hessian, value

VARS = {"Z": "matrix(m,n)", "G": "matrix(m,n)", "Y": "matrix(m,n)", "Q": "matrix(m,k)",
        "K": "matrix(p,k)", "V": "matrix(p,q)", "T": "matrix(m,q)", "d": "scalar"}
SIZES = {"m": 3, "n": 4, "k": 2, "p": 5, "q": 2}
POSITIVE_D = {"d": "positive"}
ATTENTION = "S = Q K' / sqrt(d); P = softmax_rows(S); "
F_OF_P = [{"name": "f", "ascii": "df_dP", "arg": "P"}]
F_OF_O = [{"name": "f", "ascii": "df_dO", "arg": "O"}]
F_OF_L = [{"name": "f", "ascii": "df_dL", "arg": "L"}]

# (expression, variable, layout, printed, abstract, domains)
CASES = [
    ("P = softmax_rows(Z); f(P)", "Z", "denominator",
     "P ⊙ (∂f/∂P - (P ⊙ ∂f/∂P) 𝟏 𝟏ᵀ)  where P = softmax_rows(Z)", F_OF_P, None),
    ("P = softmax_rows(Z); f(P)", "Z", "numerator",
     "Pᵀ ⊙ (∂f/∂P - 𝟏 𝟏ᵀ (Pᵀ ⊙ ∂f/∂P))  where P = softmax_rows(Z)", F_OF_P, None),
    ("tr(G' softmax_rows(Z))", "Z", "denominator",
     "softmax_rows(Z) ⊙ (G - (G ⊙ softmax_rows(Z)) 𝟏 𝟏ᵀ)", (), None),
    ("tr(G' softmax_rows(Z))", "Z", "numerator",
     "softmax_rows(Z)ᵀ ⊙ (Gᵀ - 𝟏 𝟏ᵀ (Gᵀ ⊙ softmax_rows(Z)ᵀ))", (), None),
    ("L = log_softmax_rows(Z); f(L)", "Z", "denominator",
     "∂f/∂L - softmax_rows(Z) ⊙ (∂f/∂L 𝟏 𝟏ᵀ)", F_OF_L, None),
    ("L = logsumexp_rows(Z); f(L)", "Z", "denominator",
     "softmax_rows(Z) ⊙ (∂f/∂L 𝟏ᵀ)", F_OF_L, None),
    ("sum(logsumexp_rows(Z))", "Z", "denominator", "softmax_rows(Z)", (), None),
    # the batch cross-entropy: rows of Y are not known to sum to 1, so not the textbook P − Y
    ("-sum(Y .* log_softmax_rows(Z))", "Z", "denominator",
     "softmax_rows(Z) ⊙ (Y 𝟏 𝟏ᵀ) - Y", (), None),
    # attention, a scalar function f of its output O = P V
    (ATTENTION + "O = P V; f(O)", "V", "denominator",
     "softmax_rows(Q Kᵀ / sqrt(d))ᵀ ∂f/∂O", F_OF_O, POSITIVE_D),
    (ATTENTION + "O = P V; f(O)", "Q", "denominator",
     "(P ⊙ (∂f/∂O Vᵀ - (P ⊙ (∂f/∂O Vᵀ)) 𝟏 𝟏ᵀ)) K / sqrt(d)  where P = softmax_rows(Q Kᵀ / "
     "sqrt(d))", F_OF_O, POSITIVE_D),
    (ATTENTION + "O = P V; f(O)", "K", "denominator",
     "(Pᵀ ⊙ (U - 𝟏 𝟏ᵀ (U ⊙ Pᵀ))) Q / sqrt(d)  where P = softmax_rows(Q Kᵀ / sqrt(d)), "
     "U = V (∂f/∂O)ᵀ", F_OF_O, POSITIVE_D),
    # attention, a squared loss of its output
    (ATTENTION + "sum((P V - T).^2)", "V", "denominator",
     "2 Pᵀ (P V - T)  where P = softmax_rows(Q Kᵀ / sqrt(d))", (), POSITIVE_D),
    # (the textbook dS = P ⊙ (dP − (P ⊙ dP) 𝟏 𝟏ᵀ) with dP = 2 U, U = (P V − T) Vᵀ: the
    # difference P V − T keeps one orientation in both terms, so that U is common)
    (ATTENTION + "sum((P V - T).^2)", "Q", "denominator",
     "2 (P ⊙ (U - (P ⊙ U) 𝟏 𝟏ᵀ)) K / sqrt(d)  where P = softmax_rows(Q Kᵀ / sqrt(d)), "
     "U = (P V - T) Vᵀ", (), POSITIVE_D),
    (ATTENTION + "sum((P V - T).^2)", "K", "denominator",
     "2 (P ⊙ (U - (P ⊙ U) 𝟏 𝟏ᵀ))ᵀ Q / sqrt(d)  where P = softmax_rows(Q Kᵀ / sqrt(d)), "
     "U = (P V - T) Vᵀ", (), POSITIVE_D),
    (ATTENTION + "norm2(P V - T)^2", "Q", "numerator",
     "2 Kᵀ (Pᵀ ⊙ (U - 𝟏 𝟏ᵀ (U ⊙ Pᵀ))) / sqrt(d)  where P = softmax_rows(Q Kᵀ / sqrt(d)), "
     "U = V (P V - T)ᵀ", (), POSITIVE_D),
    (ATTENTION + "norm2(P V - T)^2", "K", "numerator",
     "2 Qᵀ (P ⊙ (U - (P ⊙ U) 𝟏 𝟏ᵀ)) / sqrt(d)  where P = softmax_rows(Q Kᵀ / sqrt(d)), "
     "U = (P V - T) Vᵀ", (), POSITIVE_D),
]
IDS = [f"{expr} d/d{wrt} ({layout})" for expr, wrt, layout, *_ in CASES]


@pytest.mark.parametrize("expr, wrt, layout, printed, abstract, domains", CASES, ids=IDS)
def test_printed_and_right(expr, wrt, layout, printed, abstract, domains, rng):
    d = check_derivative(expr, wrt, VARS, SIZES, domains, layout, rng=rng, abstract=abstract)
    assert str(d) == printed


@pytest.mark.parametrize("expr, wrt, layout, printed, abstract, domains", CASES, ids=IDS)
def test_reads_back(expr, wrt, layout, printed, abstract, domains):
    reads_back(expr, expr, wrt, VARS, domains or {}, list(abstract), SIZES, layout)


@pytest.mark.parametrize("expr, wrt, layout, printed, abstract, domains", CASES, ids=IDS)
def test_generated_code_agrees_with_evaluate(expr, wrt, layout, printed, abstract, domains,
                                             rng):
    d = derive(expr, wrt, VARS, layout)
    check_generated(d, expr, SIZES, domains, VARS, abstract, rng)


def test_three_notations():
    d = derive("P = softmax_rows(Z); f(P)", "Z", VARS, "denominator")
    assert d.text(ascii=True) == \
        "P .* (df_dP - (P .* df_dP) ones ones^T)  where P = softmax_rows(Z)"
    assert d.latex() == (
        "\\mathbf{P} \\odot \\left(\\frac{\\partial f}{\\partial \\mathbf{P}} - \\left("
        "\\mathbf{P} \\odot \\frac{\\partial f}{\\partial \\mathbf{P}}\\right) \\mathbf{1} "
        "\\mathbf{1}^{\\top}\\right) \\quad \\text{where } \\mathbf{P} = "
        "\\operatorname{softmax\\_rows}\\left(\\mathbf{Z}\\right)")
    lsm = derive("sum(Y .* log(softmax(z)))", "z", {"Y": "vector(n)", "z": "vector(n)"})
    assert "log(softmax" not in str(lsm)  # (the stable node: printed log(softmax(z)))


def test_the_steps_name_the_rule():
    steps = derive("tr(G' softmax_rows(Z))", "Z", VARS).steps().text()
    assert "d softmax_rows(Z) = P ⊙ (dZ − (P ⊙ dZ) 𝟏 𝟏ᵀ) with P = softmax_rows(Z)" in steps


# -- values ---------------------------------------------------------------------------------

def _reference(z: np.ndarray) -> dict[str, np.ndarray]:
    """The three functions of each row, computed the long way (with the row max shifted out,
    as the definition allows, so that large entries stay finite)."""
    shifted = z - z.max(axis=1, keepdims=True)
    total = np.exp(shifted).sum(axis=1, keepdims=True)
    return {"softmax_rows": np.exp(shifted) / total,
            "log_softmax_rows": shifted - np.log(total),
            "logsumexp_rows": z.max(axis=1, keepdims=True) + np.log(total)}


@pytest.mark.parametrize("rows, cols", [(3, 4), (1, 4), (4, 1), (1, 1)])
@pytest.mark.parametrize("scale", [1.0, 1000.0])
def test_values_by_rows(rows, cols, scale, rng):
    """evaluate = the definition, for a matrix, one row, one column and 1 × 1, and for entries
    of size 1000 (the shift by each row's max keeps them finite)."""
    z = scale * rng.standard_normal((rows, cols))
    vars = {"Z": f"matrix({rows},{cols})"}
    for name, want in _reference(z).items():
        got = np.asarray(value(f"{name}(Z)", vars=vars, Z=z), dtype=float)
        assert np.isfinite(got).all() and got.size == want.size, (name, got)
        assert np.allclose(got.ravel(), want.ravel(), rtol=1e-12, atol=1e-12), name


def test_the_workarounds_they_replace_have_their_values(rng):
    z = rng.standard_normal((3, 4))
    for name, written in [("softmax_rows", "exp(Z) ./ (exp(Z) ones ones')"),
                          ("log_softmax_rows", "Z - log(exp(Z) ones) ones'"),
                          ("logsumexp_rows", "log(exp(Z) ones)")]:
        want = value(written, vars={"Z": "matrix(3,4)"}, Z=z)
        assert np.allclose(value(f"{name}(Z)", vars={"Z": "matrix(3,4)"}, Z=z), want)


@pytest.mark.parametrize("shape", ["matrix(1,n)", "matrix(n,1)"])
@pytest.mark.parametrize("expr", ["P = softmax_rows(Z); f(P)", "sum(G .* log_softmax_rows(Z))",
                                  "L = logsumexp_rows(Z); f(L)"])
def test_one_row_or_one_column(expr, shape, rng):
    """A 1-row Z is one sample, a 1-column Z one entry per row (softmax 1, log softmax 0)."""
    vars = {"Z": shape, "G": shape}
    abstract = [{"name": "f", "ascii": f"df_d{expr[0]}", "arg": expr[0]}] if "f(" in expr else ()
    for layout in ("numerator", "denominator"):
        if abstract and not derive(expr, "Z", vars, layout).symbols():  # (0: softmax_rows = 𝟏)
            expr, abstract = concrete_all(expr, abstract), ()
        d = check_derivative(expr, "Z", vars, {"n": 4}, None, layout, rng=rng, abstract=abstract)
        check_generated(d, expr, {"n": 4}, None, vars, abstract, rng)


@pytest.mark.parametrize("expr, numerator, denominator", [
    ("tr(G' softmax_rows(Z))", "0_{1×n}", "0_{n×1}"),
    ("norm2(softmax_rows(Z) - G)^2", "0_{1×n}", "0_{n×1}"),
    ("sum(G .* log_softmax_rows(Z))", "0_{1×n}", "0_{n×1}"),
    ("tr(G' layernorm_rows(Z))", "0_{1×n}", "0_{n×1}"),
    ("tr(G' logsumexp_rows(Z))", "Gᵀ", "G"),
])
def test_of_one_column_each_row_is_one_entry(expr, numerator, denominator, rng):
    """Z of one column: softmax_rows(Z) = 𝟏, log_softmax_rows(Z) = layernorm_rows(Z) = 0 and
    logsumexp_rows(Z) = Z, so the derivatives through them print 0 (or G)."""
    vars = {"Z": "matrix(n,1)", "G": "matrix(n,1)"}
    for layout, shown in (("numerator", numerator), ("denominator", denominator)):
        d = check_derivative(expr, "Z", vars, {"n": 4}, None, layout, rng=rng)
        assert str(d) == shown
        check_generated(d, expr, {"n": 4}, None, vars, (), rng)


def test_only_the_row_forms_take_a_matrix():
    with pytest.raises(ShapeError, match=r"softmax needs a vector.*softmax_rows\(Z\) is the "
                                         r"softmax of each row"):
        derive("softmax(Z)", "Z", VARS)
    assert derive("sum(softmax_rows(Z))", "Z", VARS).expr.op == "zero"  # each row sums to 1


@pytest.mark.parametrize("expr", ["tr(G' softmax_rows(Z))", "sum(logsumexp_rows(Z))",
                                  "-sum(Y .* log_softmax_rows(Z))"])
def test_sympy_form_has_the_value(expr, rng):
    d = derive(expr, "Z", VARS)
    assert_same_value(d, rng, sizes=SIZES)
    assert_same_value(d, rng, sizes=SIZES, expr=d.function)


# -- second derivatives -----------------------------------------------------------------------

def test_hessian_through_softmax_rows(rng):
    """The vec Hessian of Σᵢ logsumexp(zᵢ): block diagonal, one diag(pᵢ) − pᵢ pᵢᵀ per row."""
    h = hessian("sum(logsumexp_rows(Z))", "Z", VARS)
    assert str(h) == ("D (I - ((𝟏_n 𝟏_nᵀ) ⊗ I_m) D)  where D = diag(vec(softmax_rows(Z)))")
    check_second(derive("sum(logsumexp_rows(Z))", "Z", VARS, "denominator"), h, SIZES, None,
                 rng)


def test_hessian_of_a_batch_cross_entropy(rng):
    vars = {"Y": "matrix(m,n)", "x": "vector(m)", "w": "vector(n)"}
    expr = "-sum(Y .* log_softmax_rows(x w'))"
    check_second(derive(expr, "w", vars, "denominator"), hessian(expr, "w", vars), SIZES, None,
                 rng)


# -- against jax.grad ---------------------------------------------------------------------------

@pytest.mark.skipif(importlib.util.find_spec("jax") is None, reason="jax is not installed")
@pytest.mark.parametrize("wrt", ["Q", "K", "V"])
def test_attention_gradient_is_jaxs(wrt, rng):
    import jax
    import jax.numpy as jnp
    ready("jax")

    def loss(q, k, v, t, d):
        p = jax.nn.softmax(q @ k.T / jnp.sqrt(d), axis=1)
        return jnp.sum((p @ v - t) ** 2)

    point = {"Q": rng.standard_normal((3, 2)), "K": rng.standard_normal((5, 2)),
             "V": rng.standard_normal((5, 2)), "T": rng.standard_normal((3, 2)), "d": 2.0}
    grad = derive(ATTENTION + "sum((P V - T).^2)", wrt, VARS, "denominator")
    want = jax.grad(loss, argnums="QKV".index(wrt))(*(point[n] for n in "QKVTd"))
    assert np.allclose(grad.evaluate(**point), np.asarray(want), rtol=1e-10, atol=1e-12)


# -- log_softmax and cross_entropy of one vector ------------------------------------------------

VECTOR_VARS = {"z": "vector(n)", "y": "vector(n)"}
CROSS_ENTROPY = ["sum(y .* log_softmax(z))", "cross_entropy(z, y)"]


@pytest.mark.parametrize("layout", ["numerator", "denominator"])
@pytest.mark.parametrize("expr, wrt", [("log_softmax(z)", "z"), (CROSS_ENTROPY[0], "z"),
                                       (CROSS_ENTROPY[1], "z"), (CROSS_ENTROPY[1], "y")])
def test_log_softmax_and_cross_entropy(expr, wrt, layout, rng):
    """Finite differences, the printed forms read back, code on every backend, and SymPy: the
    closed form's and the function's values, and the closed form back from SymPy."""
    d = check_derivative(expr, wrt, VECTOR_VARS, SIZES, layout=layout, rng=rng)
    reads_back(expr, expr, wrt, VECTOR_VARS, {}, [], SIZES, layout)
    check_generated(d, expr, SIZES, None, VECTOR_VARS, (), rng)
    assert_same_value(d, rng, sizes=SIZES)
    assert_same_value(d, rng, sizes=SIZES, expr=d.function)
    assert_reads_back(d, rng, sizes=SIZES)


@pytest.mark.parametrize("expr", CROSS_ENTROPY)
def test_log_softmax_and_cross_entropy_hessians(expr, rng):
    """sum(y) (diag(s) − s sᵀ) for cross_entropy: finite differences of the gradient, its code,
    its SymPy form, and jax.hessian of jax.nn.log_softmax where jax is installed."""
    h = hessian(expr, "z", VECTOR_VARS)
    check_second(derive(expr, "z", VECTOR_VARS, "denominator"), h, SIZES, None, rng)
    check_generated(h, expr, SIZES, None, VECTOR_VARS, (), rng)
    assert_same_value(h, rng, sizes=SIZES)
    if importlib.util.find_spec("jax") is None:
        return
    import jax
    ready("jax")
    z, y = rng.standard_normal(4), rng.standard_normal(4)
    sign = 1.0 if expr.startswith("sum") else -1.0  # cross_entropy(z, y) = −yᵀ log_softmax(z)
    want = jax.hessian(lambda u: sign * (y @ jax.nn.log_softmax(u)))(z)
    assert np.allclose(h.evaluate(z=z, y=y), np.asarray(want), rtol=1e-10, atol=1e-12)


# -- attention's Hessians; a bias added to every row -------------------------------------------

ATTENTION_8 = "P = softmax_rows(Q K' / 8); tr(G' P V)"
ATTENTION_VARS = VARS | {"G": "matrix(m,q)"}


@pytest.mark.parametrize("wrt, printed", [
    ("Q", "(P ⊙ (G Vᵀ - (P ⊙ (G Vᵀ)) 𝟏 𝟏ᵀ)) K / 8  where P = softmax_rows(Q Kᵀ / 8)"),
    ("V", "softmax_rows(Q Kᵀ / 8)ᵀ G")])
def test_attention_gradient_and_hessian(wrt, printed, rng):
    """The gradients docs/language.md shows, and the Hessians (by V it is 0: the function is
    linear in V), both against finite differences of the gradient."""
    first = check_derivative(ATTENTION_8, wrt, ATTENTION_VARS, SIZES, layout="denominator",
                             rng=rng)
    assert str(first) == printed
    second = hessian(ATTENTION_8, wrt, ATTENTION_VARS)
    check_second(first, second, SIZES, None, rng)
    assert (second.expr.op == "zero") == (wrt == "V")


@pytest.mark.parametrize("layout", ["numerator", "denominator"])
@pytest.mark.parametrize("expr, printed", [
    ("X W + ones b'", {"numerator": "I_n ⊗ 𝟏_m", "denominator": "I_n ⊗ 𝟏_mᵀ"}),
    ("sum((X W + ones b') .* G)", {"numerator": "𝟏ᵀ G", "denominator": "Gᵀ 𝟏"})])
def test_a_bias_added_to_every_row(expr, printed, layout, rng):
    """X W + 𝟏 bᵀ by b: each column of the result moves with one entry of b."""
    vars = {"X": "matrix(m,k)", "W": "matrix(k,n)", "b": "vector", "G": "matrix(m,n)"}
    d = check_derivative(expr, "b", vars, SIZES, layout=layout, rng=rng)
    assert str(d) == printed[layout]
