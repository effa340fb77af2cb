"""Layer normalisation: layernorm(x) = c / s with c = x − mean(x) 𝟏 and s = sqrt(mean(c.^2) +
ε) (population variance, ε = 1e-5 unless given: layernorm(x, ε)), and layernorm_rows(X), the
same of each row. Values against numpy and jax's layer norm; derivatives (first, of a function
of it, second) against central differences and jax.grad; printed forms pinned and read back;
generated code on every installed backend against evaluate."""
from __future__ import annotations

import importlib.util

import numpy as np
import pytest
from numeric import check_derivative
from test_codegen import INSTALLED, assert_refused_everywhere, check_generated
from test_hessian import check_second

from matcalc import derive, equivalent, hessian, value
from matcalc.errors import EvaluationError, MatcalcError

EPS = 1e-5
ABSTRACT_F = [{"name": "f", "ascii": "df_d(layernorm(x))", "arg": "layernorm(x)"}]


def reference(x: np.ndarray, eps: float = EPS) -> np.ndarray:
    """Layer normalisation of each row of x (of x itself for a vector), as torch computes it
    without scale and shift."""
    x = np.atleast_2d(x)
    c = x - x.mean(axis=1, keepdims=True)
    return c / np.sqrt((c ** 2).mean(axis=1, keepdims=True) + eps)


# -- values --------------------------------------------------------------------------------------

def test_value_of_layernorm(rng):
    x = rng.normal(size=5)
    assert np.allclose(value("layernorm(x)", x=x), reference(x)[0])
    assert np.allclose(value("layernorm(x, 0.5)", x=x), reference(x, 0.5)[0])
    assert np.allclose(value("layernorm(x, e)", {"e": "scalar"}, x=x, e=0.25),
                       reference(x, 0.25)[0])


def test_value_of_layernorm_rows(rng):
    X = rng.normal(size=(3, 4))
    assert np.allclose(value("layernorm_rows(X)", X=X), reference(X))
    assert np.allclose(value("layernorm_rows(X, 2)", X=X), reference(X, 2.0))


def test_values_agree_with_torch_layer_norm(rng):
    torch = pytest.importorskip("torch")
    X = rng.normal(size=(3, 6))
    want = torch.nn.functional.layer_norm(torch.tensor(X), (6,), eps=EPS).numpy()
    assert np.allclose(value("layernorm_rows(X)", X=X), want)
    assert np.allclose(value("layernorm(x)", x=X[0]), want[0])


# -- derivatives against finite differences ------------------------------------------------------

@pytest.mark.parametrize("layout", ["numerator", "denominator"])
@pytest.mark.parametrize("expr, wrt, vars, abstract", [
    ("layernorm(x)", "x", {"x": "vector(5)"}, ()),
    ("layernorm(W x + b)", "x", {"W": "matrix(4,3)", "x": "vector(3)"}, ()),
    ("layernorm(x, e)", "e", {"x": "vector(4)", "e": "scalar"}, ()),
    ("layernorm(x, e)", "x", {"x": "vector(4)", "e": "scalar"}, ()),
    ("f(layernorm(x))", "x", {"x": "vector(4)"}, ABSTRACT_F),
    ("sum(layernorm_rows(X) .* G)", "X", {"X": "matrix(3,4)", "G": "matrix(3,4)"}, ()),
    ("layernorm_rows(X)", "X", {"X": "matrix(3,4)"}, ()),
    ("layernorm_rows(X W + ones b')", "W",
     {"X": "matrix(3,4)", "W": "matrix(4,5)", "b": "vector(5)"}, ()),
    ("layernorm_rows(X, e)", "e", {"X": "matrix(3,4)", "e": "scalar"}, ()),
    ("norm2(layernorm(x) - y)^2", "x", {"x": "vector(4)", "y": "vector(4)"}, ()),
    # one entry per vector or row: the value is 0
    ("layernorm(a)", "a", {"a": "scalar"}, ()),
    ("layernorm_rows(x')", "x", {"x": "vector(3)"}, ()),
    ("layernorm_rows(x)", "x", {"x": "vector(3)"}, ()),
])
def test_derivative(expr, wrt, vars, abstract, layout, rng):
    domains = {"e": "positive"}
    check_derivative(expr, wrt, vars, None, domains, layout, rng=rng, abstract=abstract)


@pytest.mark.parametrize("expr, wrt, vars", [
    ("norm2(layernorm(x) - y)^2", "x", {"x": "vector(4)", "y": "vector(4)"}),
    ("sum(log(1 + exp(layernorm(x))))", "x", {"x": "vector(5)"}),
    ("sum(layernorm_rows(X) .* G)", "X", {"X": "matrix(2,3)", "G": "matrix(2,3)"}),
    ("norm2(layernorm_rows(X) - Y)^2", "X", {"X": "matrix(2,3)", "Y": "matrix(2,3)"}),
    # an argument the layer's scale does not hold as a node (its centring is (x − mean(x) 𝟏) /
    # 2), and ε depending on the variable: the operands' differentials are taken whole
    ("y' layernorm(x / 2)", "x", {"x": "vector(4)", "y": "vector(4)"}),
    ("y' layernorm(x / 2, x' x)", "x", {"x": "vector(4)", "y": "vector(4)"}),
    ("y' layernorm(c x)", "x", {"x": "vector(4)", "y": "vector(4)", "c": "scalar"}),
    ("tr(G' layernorm_rows(Z V / 2))", "Z", {"Z": "matrix(2,3)", "V": "matrix(3,3)",
                                              "G": "matrix(2,3)"}),
    ("norm2(layernorm_rows(softmax_rows(Z) V) - Y)^2", "Z",
     {"Z": "matrix(2,3)", "V": "matrix(3,3)", "Y": "matrix(2,3)"}),
    ("sum(G .* layernorm_rows(exp(Z) V, sum(Z .* Z)))", "Z",
     {"Z": "matrix(2,3)", "V": "matrix(3,3)", "G": "matrix(2,3)"}),
])
def test_hessian(expr, wrt, vars, rng):
    h = hessian(expr, wrt, vars)
    check_second(derive(expr, wrt, vars, layout="denominator"), h, {}, None, rng)


# -- against jax.grad ----------------------------------------------------------------------------

def _jax_layernorm(jnp, x, eps=EPS):
    c = x - jnp.mean(x, axis=-1, keepdims=True)
    return c / jnp.sqrt(jnp.mean(c ** 2, axis=-1, keepdims=True) + eps)


@pytest.mark.skipif(importlib.util.find_spec("jax") is None, reason="jax not installed")
def test_gradients_agree_with_jax_grad(rng):
    import jax
    import jax.numpy as jnp
    jax.config.update("jax_enable_x64", True)
    x, y = rng.normal(size=5), rng.normal(size=5)
    X, G = rng.normal(size=(3, 4)), rng.normal(size=(3, 4))
    grad = derive("norm2(layernorm(x) - y)^2", "x", layout="denominator").evaluate(x=x, y=y)
    want = jax.grad(lambda v: jnp.sum((_jax_layernorm(jnp, v) - y) ** 2))(x)
    assert np.allclose(grad, want, rtol=1e-8, atol=1e-10)
    grad = derive("sum(layernorm_rows(X) .* G)", "X", layout="denominator").evaluate(X=X, G=G)
    want = jax.grad(lambda v: jnp.sum(_jax_layernorm(jnp, v) * G))(X)
    assert np.allclose(grad, want, rtol=1e-8, atol=1e-10)
    h = hessian("norm2(layernorm(x) - y)^2", "x").evaluate(x=x, y=y)
    want = jax.hessian(lambda v: jnp.sum((_jax_layernorm(jnp, v) - y) ** 2))(x)
    assert np.allclose(h, want, rtol=1e-7, atol=1e-9)


# -- printed forms, read back --------------------------------------------------------------------

SCALE = "sqrt(mean((x - mean(x)).^2) + 1e-5)"  # s, the vector's
PRINTED = [  # gradients, denominator layout
    ("layernorm(x)", "x", {}, f"(I - (layernorm(x) layernorm(x)ᵀ + 𝟏 𝟏ᵀ) / n_x) / {SCALE}"),
    # (g − (gᵀ y) y / n − mean(g) 𝟏) / s, the textbook gradient through it
    ("f(layernorm(x))", "x", {},
     f"(a - (aᵀ y) y / n_x - sum(a) 𝟏 / n_x) / {SCALE}  where y = layernorm(x), a = ∂f/∂(y)"),
    # each row (g − mean(g) 𝟏 − y mean(g ⊙ y)) / s: diag(1 ⊘ s) (G − (Y ⊙ ((G ⊙ Y) 𝟏 𝟏ᵀ) +
    # G 𝟏 𝟏ᵀ) / n)
    ("sum(layernorm_rows(X) .* G)", "X", {},
     "diag(1 ⊘ sqrt((X - X 𝟏 𝟏ᵀ / n_X).^2 𝟏 / n_X + 1e-5)) "
     "(G - (layernorm_rows(X) ⊙ ((G ⊙ layernorm_rows(X)) 𝟏 𝟏ᵀ) + G 𝟏 𝟏ᵀ) / n_X)"),
    ("norm2(layernorm(x) - y)^2", "x", {},
     f"2 ((uᵀ v) v / n_x + sum(u) 𝟏 / n_x + v - y) / {SCALE}  where v = layernorm(x), "
     "u = y - v"),
]


@pytest.mark.parametrize("expr, wrt, vars, shown", PRINTED)
def test_printed_forms_read_back(expr, wrt, vars, shown, rng):
    d = derive(expr, wrt, vars, layout="denominator")
    assert str(d) == shown
    abstract = ABSTRACT_F if expr.startswith("f(") else ()
    check_derivative(expr, wrt, vars, {"n": 4, "m": 3}, None, "denominator", rng=rng,
                     abstract=abstract)
    if abstract:
        return
    sizes = {"x": (4,), "y": (4,), "X": (3, 4), "G": (3, 4)}
    point = {name: rng.normal(size=sizes[name]) for name in d.variables}
    want = d.evaluate(**point)
    for text in (str(d), d.text(ascii=True)):
        assert np.allclose(value(text, d.variables, **point), want)


@pytest.mark.parametrize("expr, shown", [
    ("layernorm(x)", "layernorm(x)ᵀ"), ("layernorm(x, 0.5)", "layernorm(x, 1 / 2)ᵀ"),
    ("layernorm(x, e)", "layernorm(x, e)ᵀ"), ("layernorm(x, 1e-5)", "layernorm(x)ᵀ"),
    ("layernorm_rows(X) y", "yᵀ layernorm_rows(X)ᵀ"),
    ("layernorm_rows(X, e) y", "yᵀ layernorm_rows(X, e)ᵀ"),
])
def test_the_function_itself_prints_and_reads_back(expr, shown, rng):
    """d(vᵀ F)/dv = Fᵀ shows F; each notation reads back to its value."""
    vars = {"e": "scalar", "x": "vector(4)", "X": "matrix(2,4)", "y": "vector(4)"}
    d = derive(f"v' {expr}", "v", vars)
    assert str(d) == shown
    point = {"x": rng.normal(size=4), "X": rng.normal(size=(2, 4)), "e": 0.5,
             "y": rng.normal(size=4)}
    point = {k: v for k, v in point.items() if k in d.variables}
    for text in (str(d), d.text(ascii=True)):
        assert np.allclose(value(text, d.variables, **point), d.evaluate(**point))
    assert "layernorm" in d.latex()


# -- generated code ------------------------------------------------------------------------------

@pytest.mark.parametrize("layout", ["numerator", "denominator"])
@pytest.mark.parametrize("expr, wrt, vars", [
    ("layernorm(x)", "x", {"x": "vector(4)"}),
    ("norm2(layernorm(x, e) - y)^2", "x", {"x": "vector(4)", "e": "scalar"}),
    ("sum(layernorm_rows(X) .* G)", "X", {"X": "matrix(3,4)"}),
    ("layernorm_rows(X, e)", "e", {"X": "matrix(3,4)", "e": "scalar"}),
    ("layernorm_rows(x) + x", "x", {"x": "vector(3)"}),  # rows of one entry: 0
])
def test_generated_code_agrees_with_evaluate(expr, wrt, vars, layout, rng):
    d = derive(expr, wrt, vars, layout=layout)
    check_generated(d, expr, {}, {"e": "positive"}, vars, (), rng, INSTALLED)


# -- refused -------------------------------------------------------------------------------------

@pytest.mark.parametrize("expr, vars, message", [
    ("layernorm(X)", {"X": "matrix(3,4)"}, "layernorm needs a vector"),
    ("layernorm(x, y)", {"x": "vector(3)", "y": "vector(3)"}, "ε .*scalar"),
    ("layernorm(x, -1)", {"x": "vector(3)"}, "ε .*negative"),
    ("layernorm_rows(X, 1, 2)", {"X": "matrix(3,4)"}, "takes 1 or 2 arguments"),
])
def test_refused(expr, vars, message):
    with pytest.raises(MatcalcError, match=message):
        derive(expr, "x" if "(x" in expr else "X", vars)


@pytest.mark.parametrize("layout", ["numerator", "denominator"])
def test_generated_code_computes_each_rows_scale_once(layout, rng):
    """The gradient of tr(Gᵀ layernorm_rows(X)) needs s = sqrt(mean(c.^2) + ε) of each row and
    layernorm_rows(X) = diag(1 ⊘ s) c: the code computes s (and c) once, not again inside a
    layer-norm helper, and agrees with evaluate."""
    vars = {"X": "matrix(m,n)", "G": "matrix(m,n)"}
    d = check_derivative("tr(G' layernorm_rows(X))", "X", vars, {"m": 3, "n": 4}, None, layout,
                         rng=rng)
    source = d.to_source("numpy")
    assert "_layernorm" not in source and source.count("np.sqrt(") == 1, source
    check_generated(d, "tr(G' layernorm_rows(X))", {"m": 3, "n": 4}, None, vars, (), rng)


@pytest.mark.parametrize("expr, vars", [
    ("sum(layernorm(x, e))", {"x": "vector(3)", "e": "scalar"}),
    ("sum(layernorm_rows(x e', c^2 - 1))", {"x": "vector(3)", "e": "vector(2)", "c": "scalar"}),
])
def test_a_computed_negative_epsilon_is_refused(expr, vars):
    """ε < 0 (the variance plus ε is square-rooted: NaN, or a division by 0) is refused by
    value, by evaluate of a derivative, Hessian included, and by generated code."""
    point = {"x": np.array([1.0, 2.0, 4.0]),
             **({"e": -0.25} if vars["e"] == "scalar" else {"e": np.array([0.5, 0.25]), "c": 0.5})}
    call = "layernorm(x, ε)" if "rows" not in expr else "layernorm_rows(x, ε)"
    message = f"{call}: ε must not be negative, got -0.75" if "rows" in expr else \
        f"{call}: ε must not be negative, got -0.25"
    with pytest.raises(EvaluationError) as info:
        value(expr, vars, **point)
    assert message in str(info.value)
    assert_refused_everywhere(expr, "x", vars, point, message)


# -- SymPy ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("expr, wrt, vars", [
    ("layernorm(x)", "x", {"x": "vector(3)"}),
    ("layernorm(x, e)", "e", {"x": "vector(3)", "e": "scalar"}),
    ("sum(layernorm_rows(X) .* G)", "X", {"X": "matrix(2,3)", "G": "matrix(2,3)"}),
    ("layernorm_rows(X, e)", "X", {"X": "matrix(2,3)", "e": "scalar"}),
])
def test_sympy_forms_have_the_value(expr, wrt, vars, rng):
    """The function and its derivative converted to SymPy have evaluate's values."""
    from sympy_numeric import assert_same_value
    d = derive(expr, wrt, vars)
    assert_same_value(d, rng, {"e": "positive"})
    assert_same_value(d, rng, {"e": "positive"}, expr=d.function)


# -- the textbook forms --------------------------------------------------------------------------

_S = "sqrt(mean((x - mean(x)).^2) + 1e-5)"
_G = "df_d(layernorm(x))"
_Y = "layernorm_rows(X)"


@pytest.mark.parametrize("claim, expr, wrt, vars, layout", [
    (f"(I - ones ones' / n - layernorm(x) layernorm(x)' / n) / {_S}", "layernorm(x)", "x",
     {"x": "vector(n)"}, "numerator"),
    (f"({_G} - mean({_G}) ones - layernorm(x) mean({_G} .* layernorm(x))) / {_S}",
     "f(layernorm(x))", "x", {"x": "vector(n)"}, "denominator"),
    (f"diag(1 ./ sqrt((X - X ones ones' / n).^2 ones / n + 1e-5)) (G - G ones ones' / n - "
     f"{_Y} .* ((G .* {_Y}) ones ones') / n)", "sum(layernorm_rows(X) .* G)", "X",
     {"X": "matrix(m,n)", "G": "matrix(m,n)"}, "denominator"),
    ("-layernorm(x, e) / (2 (mean((x - mean(x)).^2) + e))", "layernorm(x, e)", "e",
     {"x": "vector(n)", "e": "scalar"}, "numerator"),
])
def test_the_textbook_forms_are_matcalcs(claim, expr, wrt, vars, layout):
    """(g − mean(g) 𝟏 − y mean(g ⊙ y)) / s and its relatives, written by hand, equal what
    matcalc derives; a wrong sign is told apart."""
    assert equivalent(claim, expr, wrt, vars, layout=layout)
    assert not equivalent(claim.replace(" - ", " + ", 1), expr, wrt, vars, layout=layout)


# -- second derivatives: the layer norm's second-order rule ---------------------------------------

SECOND = {"x": "vector(n)", "u": "vector(n)", "t": "vector(n)", "W": "matrix(n,m)",
          "z": "vector(m)"}
_R = "(mean((x - mean(x)).^2) + 1e-5)"  # s², the variance plus ε
_RW = "(mean((W z - mean(W z)).^2) + 1e-5)"
_CURVATURE = "(r (I - (𝟏 𝟏ᵀ + y yᵀ) / n) + v yᵀ + y vᵀ)"
_G = "r = uᵀ y, v = u - sum(u) 𝟏 / n - r y / n"  # v = s g, g = Jᵀ u
_GN = ("U = I - (𝟏 𝟏ᵀ + y yᵀ) / n, r = t - y, v = (rᵀ y) y / n + sum(r) 𝟏 / n + y - t")
HESSIANS = [
    # −(g yᵀ + y gᵀ + (uᵀ y) J) / (n s), written with s g and s J over s²
    ("u' layernorm(x)", "x", f"-{_CURVATURE} / (n {_R})  where y = layernorm(x), {_G}"),
    # 2 JᵀJ plus the above with u = 2 (y − t)
    ("norm2(layernorm(x) - t)^2", "x",
     f"2 (U^2 - (((y - t)ᵀ y) U + v yᵀ + y vᵀ) / n) / {_R}  where y = layernorm(x), {_GN}"),
    ("u' layernorm(W z)", "z",
     f"-Wᵀ {_CURVATURE} W / (n {_RW})  where y = layernorm(W z), {_G}"),
    ("u' layernorm(W z)", "W",
     f"-(z zᵀ) ⊗ {_CURVATURE} / (n {_RW})  where y = layernorm(W z), {_G}"),
    ("norm2(layernorm(W z) - t)^2", "z",
     f"2 Wᵀ (U^2 - (((y - t)ᵀ y) U + v yᵀ + y vᵀ) / n) W / {_RW}  where y = layernorm(W z), "
     f"{_GN}"),
    # Jᵀ diag(σ′) J plus the curvature with u = σ(y)
    ("sum(log(1 + exp(layernorm(x))))", "x",
     f"(U diag(s ⊙ (1 - s)) U - (r U + v yᵀ + y vᵀ) / n) / {_R}  where y = layernorm(x), "
     "U = I - (𝟏 𝟏ᵀ + y yᵀ) / n, s = σ(y), r = sᵀ y, v = s - sum(s) 𝟏 / n - r y / n"),
]


@pytest.mark.parametrize("layout", ["numerator", "denominator"])
@pytest.mark.parametrize("expr, wrt, shown", HESSIANS, ids=[f"{e} by {w}" for e, w, _ in HESSIANS])
def test_hessians_print_the_second_order_rule(expr, wrt, shown, layout, rng):
    """Printed as pinned (symmetric: alike in both layouts), equal to central differences of
    the gradient, read back to evaluate's value, and computed alike by the generated code."""
    h = hessian(expr, wrt, SECOND, layout=layout)
    assert str(h) == shown
    sizes = {"n": 4, "m": 3}
    check_second(derive(expr, wrt, SECOND, layout="denominator"), h, sizes, None, rng)
    point = {"x": rng.normal(size=4), "u": rng.normal(size=4), "t": rng.normal(size=4),
             "W": rng.normal(size=(4, 3)), "z": rng.normal(size=3)}
    point = {k: v for k, v in point.items() if k in h.variables}
    for text in (str(h), h.text(ascii=True)):
        assert np.allclose(value(text, h.declarations, **point), h.evaluate(**point))
    check_generated(h, expr, sizes, None, SECOND, (), rng, INSTALLED)


def test_the_second_order_rule_is_a_step(rng):
    """The derivation shows the rule by name and takes the gradient whole (no intermediate
    names inside it), ending at the closed form."""
    shown = str(hessian("u' layernorm(x)", "x", SECOND).steps())
    assert "layer norm's second-order rule: d(Jᵀ a) = J da − (g yᵀ + y gᵀ + (aᵀ y) J) dx" in shown
    assert "\n  s = " not in shown and shown.rstrip().endswith("[closed form, numerator layout]")


def test_a_variable_epsilon_keeps_the_general_rules(rng):
    """With ε a variable too, d layernorm(x, ε) has a dε term: by ε the generic rules apply,
    and by x the Hessian is still checked."""
    vars = {"x": "vector(4)", "u": "vector(4)", "e": "scalar"}
    for wrt in ("x", "e"):
        h = hessian("u' layernorm(x, e)", wrt, vars)
        check_second(derive("u' layernorm(x, e)", wrt, vars, layout="denominator"), h, {},
                     {"e": "positive"}, rng)


# -- the row-block Jacobian ---------------------------------------------------------------------

_SR = "diag(1 ⊘ sqrt((X - X 𝟏 𝟏ᵀ / n).^2 𝟏 / n + 1e-5))"  # diag(1 ⊘ s), s by rows
_ROWS = "D = diag(vec(layernorm_rows(X))), U = (𝟏_n 𝟏_nᵀ) ⊗ I_m"


@pytest.mark.parametrize("layout, shown", [
    ("numerator", f"(I_n ⊗ {_SR}) (I - (D U D + U) / n)  where {_ROWS}"),
    ("denominator", f"(I - (D U D + U) / n) (I_n ⊗ {_SR})  where {_ROWS}"),
])
def test_layernorm_rows_jacobian_is_block_diagonal(layout, shown, rng):
    """Each row's J = (I − (y yᵀ + 𝟏 𝟏ᵀ) / n) / s, in vec order: (I ⊗ diag(1 ⊘ s)) (I −
    (diag(vec Y) (𝟏 𝟏ᵀ ⊗ I) diag(vec Y) + 𝟏 𝟏ᵀ ⊗ I) / n)."""
    vars = {"X": "matrix(m,n)"}
    d = check_derivative("layernorm_rows(X)", "X", vars, {"m": 3, "n": 4}, None, layout,
                         rng=rng)
    assert str(d) == shown
    X = rng.normal(size=(3, 4))
    for text in (str(d), d.text(ascii=True)):
        assert np.allclose(value(text, d.declarations, X=X), d.evaluate(X=X))
    check_generated(d, "layernorm_rows(X)", {"m": 3, "n": 4}, None, vars, (), rng, INSTALLED)
