"""Printed = meant: the ASCII and the Unicode text of every derivative of the identity table and
of the seeds, with and without where clauses, read back by matcalc with `d.declarations` and
nothing else, has the value of `d.evaluate`, in both layouts; and the spellings the printer
uses for sized constants (I_n, 𝟏_n, 0_{m×n}, K_{m,n}, vec⁻¹_{m×n}), where clauses, sizes
(m·n, 3·n, vector(1)) and the call-or-product reading are pinned by values.

`d.declarations` declares the abstract symbols as the reader expects: ∂f/∂Y by its ASCII name
df_dY (a row vector as matrix(1,n)), ∂f/∂(A X + B) by its ASCII name df_d(A X + B), an
abstract f as a function; each symbol's value is passed under the name the text shows it by
(tests/program_checks.py's read_back; tests/test_symbol_names.py for the names).
"""
from __future__ import annotations

import zlib
from types import SimpleNamespace

import numeric as nm
import numpy as np
import pytest
import test_identities as identities
import test_seeds as seeds
from program_checks import _draw, _function, _symbols, printed_forms, read_back
from program_gen import Program

from matcalc import derive, value
from matcalc.api import _lowered
from matcalc.core.ops import commutation_matrix as commutation
from matcalc.errors import MatcalcError


def _cases() -> list:
    rows = [(f"identity: {c.id}", c.expr, c.wrt, c.vars, c.domains or {}, list(c.abstract),
             identities.SIZES) for c in identities.CASES]
    rows += [(f"seed: {sid}", e["expr"], e["wrt"], e["vars"] or {}, e.get("domains") or {},
              list(e.get("abstract", ())), seeds.SIZES) for sid, e in seeds.EXAMPLES.items()]
    return [pytest.param(*row, layout, id=f"{row[0]} ({layout})")
            for row in rows for layout in ("numerator", "denominator")]


@pytest.mark.parametrize("cid, expr, wrt, vars, domains, abstract, sizes, layout", _cases())
def test_printed_form_reads_back(cid, expr, wrt, vars, domains, abstract, sizes, layout):
    program = Program(expr, vars, abstract, [], domains, sizes)
    here = nm.variables(SimpleNamespace(program=_lowered(expr, vars)), sizes)
    domains = {**{v.name: "spd" for v in here if nm.structured(vars, v.name)}, **domains}
    point = _draw(here, domains, np.random.default_rng(7),
                  [_function(nm.concrete_all(k, abstract), vars) for k in nm.kink_programs(expr)])
    d = derive(expr, wrt, vars, layout)
    failures: list = []
    skipped = read_back(d, {**point, **_symbols(d, program, point)}, failures)
    if skipped:
        pytest.skip(skipped)
    assert not failures, "\n".join(f.detail for f in failures)


# -- the reader of sized constants, by value ---------------------------------------------------

def _v(text: str, vars: dict | None = None, **arrays) -> np.ndarray:
    return np.atleast_2d(np.asarray(value(text, vars=vars, **arrays), dtype=float))


@pytest.mark.parametrize("text, vars, want", [
    ("I_3", None, np.eye(3)),
    ("I_n", {"x": "vector(n)"}, None),             # n: the size of a declared variable
    ("I_{2 3}", None, np.eye(6)),
    ("𝟏_4", None, np.ones((4, 1))),
    ("ones_4", None, np.ones((4, 1))),
    ("0_{2×3}", None, np.zeros((2, 3))),
    ("0_{2,3}", None, np.zeros((2, 3))),
    ("K_{2,3}", None, commutation(2, 3)),
])
def test_sized_constants_read_as_their_value(text, vars, want):
    if want is None:  # I_n next to x: n is x's length
        got = _v(f"{text} x", vars, x=np.arange(3.0))
        assert np.allclose(got.ravel(), np.arange(3.0))
    else:
        assert np.array_equal(_v(text, vars).reshape(want.shape), want)


def test_commutation_and_unvec_by_value():
    a = np.arange(6.0).reshape(2, 3)
    vec = a.reshape(-1, order="F")
    vec_of_transpose = a.T.reshape(-1, order="F")
    assert np.allclose(commutation(2, 3) @ vec, vec_of_transpose)
    assert np.allclose(_v("K_{2,3} vec(A)", {"A": "matrix(2,3)"}, A=a).ravel(), vec_of_transpose)
    for spelling in ("vec⁻¹_{2×3}(v)", "unvec_{2,3}(v)"):
        assert np.array_equal(_v(spelling, {"v": "vector(6)"}, v=vec), a)


def test_a_sized_identity_of_the_wrong_size_is_a_shape_error():
    with pytest.raises(MatcalcError, match="I_2|size|shape"):
        value("I_2 x", vars={"x": "vector(3)"}, x=np.ones(3))


def test_I_is_the_identity_unless_declared():
    assert np.allclose(_v("I x", x=np.arange(3.0)).ravel(), np.arange(3.0))
    assert float(value("I x", vars={"I": "scalar", "x": "scalar"}, I=2.0, x=3.0)) == 6.0


# -- a variable before '(' is a product, not a call --------------------------------------------

def test_a_variable_before_parentheses_is_a_product(rng):
    a, b = rng.normal(size=(3, 3)), rng.normal(size=(3, 3)) + 3 * np.eye(3)
    assert np.allclose(value("A (B)^-1", A=a, B=b), a @ np.linalg.inv(b))
    assert np.allclose(value("A (B + A)ᵀ", A=a, B=b), a @ (b + a).T)
    x = 1.7
    scalar = {"x": "scalar"}
    assert np.isclose(value("x^x (log(x) + 1)", scalar, x=x), x ** x * (np.log(x) + 1))
    d = derive("x^x", "x", scalar)
    assert np.isclose(value(d.text(ascii=True), vars=d.variables, x=x), d.evaluate(x=x))


# -- Greek names are their spelled-out names -----------------------------------------------------

def test_greek_letters_are_their_names():
    t = np.array([0.5, -1.0])
    vector = {"θ": "vector"}
    assert np.allclose(value("σ(θ)", vector, θ=t), 1 / (1 + np.exp(-t)))
    assert np.allclose(value("sigmoid(theta)", {"theta": "vector"}, theta=t),
                       value("σ(θ)", vector, theta=t))
    assert derive("θ' θ", "theta", vector).wrt == "theta"
    assert str(derive("norm2(θ)^2", "θ", vector, layout="denominator")) == "2 θ"



# -- abstract symbols read back ----------------------------------------------------------------

def test_a_derivative_at_an_unnamed_argument_reads_back(rng):
    vars = {"A": "matrix(2,3)", "B": "matrix(2,4)", "X": "matrix(3,4)"}
    d = derive("f(A X + B)", "X", vars)
    assert (str(d), d.text(ascii=True)) == ("∂f/∂(A X + B) A", "df_d(A X + B) A")
    arrays = {"A": rng.normal(size=(2, 3)), "B": rng.normal(size=(2, 4)),
              "X": rng.normal(size=(3, 4)), "df_d(A X + B)": rng.normal(size=(4, 2))}
    declared = {**vars, "df_d(A X + B)": "matrix(4,2)"}
    for text in (str(d), d.text(ascii=True)):
        assert np.allclose(value(text, declared, **arrays), d.evaluate(**arrays))


def test_two_symbols_of_one_function_need_the_argument_as_declared():
    declared = {"df_d(A x)": "vector(2)", "df_d(B x)": "vector(2)", "A": "matrix(2,2)",
                "B": "matrix(2,2)", "x": "vector(2)"}
    one, two = np.array([1.0, 2.0]), np.array([3.0, 5.0])
    arrays = {"df_d(A x)": one, "df_d(B x)": two}
    assert np.allclose(value("df_d(B x)", declared, **arrays), two)  # the argument as declared
    assert np.allclose(value("df_d(A  x)", declared, **arrays), one)  # the same syntax
    assert np.allclose(value("∂f/∂(A x) + 2 ∂f/∂(B x)", declared, **arrays), one + 2 * two)
    with pytest.raises(MatcalcError, match=r"df_d\(A B x\) is not declared"):
        value("df_d(A B x)", declared, **arrays)
    with pytest.raises(MatcalcError, match=r"df_d\(B x\) is not declared"):  # not df_d(A x)
        value("df_d(B x)", {"df_d(A x)": "vector(2)", "B": "matrix(2,2)"}, **arrays)


@pytest.mark.parametrize("text", [
    "∂f/∂(σ(W x) ⊙ y) + ∂f/∂(W⁻ᵀ y)",
    "df_d(sigmoid(W x) .* y) + df_d((W^-1)^T y)",
    "∂f/∂(s ⊙ y) + ∂f/∂(W⁻ᵀ y)  where s = σ(W x)",
    "df_d(s .* y) + df_d(W^-T y)  where s = sigmoid(W x)",
    "∂f/∂(y ⊙ s) + ∂f/∂(W⁻ᵀ y)  where s = σ(W x)",
])
def test_a_symbol_is_its_argument_in_any_spelling(text, rng):
    """∂f/∂(u) names the declared df_d(u) whatever the notation of u (⊙ .*, σ sigmoid, ⁻ᵀ
    (^-1)^T), the order of a commutative operator (y ⊙ s), and with the text's where names
    (s ⊙ y where s = σ(W x))."""
    declared = {"W": "matrix(2,2)", "x": "vector(2)", "y": "vector(2)",
                "df_d(sigmoid(W x) .* y)": "vector(2)", "df_d((W^-1)^T y)": "vector(2)"}
    one, two = rng.normal(size=2), rng.normal(size=2)
    arrays = {"df_d(sigmoid(W x) .* y)": one, "df_d((W^-1)^T y)": two,
              "W": rng.normal(size=(2, 2)), "x": rng.normal(size=2), "y": rng.normal(size=2)}
    assert np.allclose(value(text, declared, **arrays), one + two)


def test_the_value_of_an_abstract_function_is_passed_by_its_printed_name(rng):
    d = derive("log(f(Y))", "Y")
    arrays = {"Y": rng.normal(size=(2, 2)), "df_dY": rng.normal(size=(2, 2)), "f(Y)": 1.7}
    assert str(d) == "∂f/∂Y / f(Y)"
    got = value(str(d), {**d.variables, "df_dY": "matrix(2,2)"}, **arrays)
    assert np.allclose(got, arrays["df_dY"] / 1.7) and np.allclose(got, d.evaluate(**arrays))


# -- findings of the 20,000-program fuzz run (benchmarks/fuzz.py --examples 20000) -------------

@pytest.mark.parametrize("seed", [15978, 672, 5359, 6120, 3121, 12420, 2870])
def test_fuzz_read_back_findings(seed):
    """A size before '(' (n (…), n_p (…)) read as a call; ASCII `ones (u)ᵀ` read as the call
    ones(u); a vector reciprocal v.^-1 printed as the scalar division A / v."""
    from program_checks import check
    from program_gen import program_of_seed
    program = program_of_seed(seed, newer=0)  # (the original vocabulary's programs)
    assert check(program, np.random.default_rng(zlib.crc32(program.text.encode()))) == []


def test_a_size_before_parentheses_is_a_product():
    assert np.allclose(value("n (x + 1)", {"x": "vector(n)"}, x=np.arange(3.0)), [3, 6, 9])


def test_a_vector_reciprocal_is_not_printed_as_a_division(rng):
    d = nm.check_derivative("sum((inv(S) @ y) ./ sigmoid(y))", "y",
                            {"y": "vector(3)", "S": "symmetric(3)"}, layout="denominator",
                            rng=rng)
    assert " / " not in d.text(ascii=True) and "S⁻¹ (1 ⊘ σ(y) + y)" in str(d)


# -- the where form reads back -----------------------------------------------------------------

def test_the_default_where_form_reads_back(rng):
    d = derive("softmax(x)", "x")
    assert str(d) == "diag(s) - s sᵀ  where s = softmax(x)"
    x = rng.normal(size=4)
    s = np.exp(x) / np.exp(x).sum()
    assert np.allclose(d.evaluate(x=x), np.diag(s) - np.outer(s, s))
    for text in (str(d), d.text(ascii=True)):
        assert np.allclose(value(text, d.variables, x=x), d.evaluate(x=x))


def test_a_named_sum_is_its_name_inside_a_longer_sum(rng):
    """V = W + I is shown as V wherever its terms are all in a sum (the simplifier's flat
    W + I − V 𝟏 𝟏ᵀ / n prints as V − V 𝟏 𝟏ᵀ / n, not a mix of both spellings); read back, the
    text has d's value, which finite differences confirm."""
    program = "layernorm_rows(X (W + I))"
    vars = {"X": "matrix(m,n)", "W": "matrix(n,n)"}
    d = derive(program, "W", vars)
    text = str(d)
    assert "(X (V - V 𝟏 𝟏ᵀ / n))" in text and text.count("W") == 1, text
    point = {"X": rng.normal(size=(3, 4)), "W": rng.normal(size=(4, 4))}
    jac = nm.numerical_jacobian(lambda p: np.atleast_2d(value(program, vars, **p)), point, "W")
    assert np.allclose(d.evaluate(**point), nm.arrange(jac, (3, 4), (4, 4), "numerator"),
                       atol=1e-6)
    for text in printed_forms(d):
        assert np.allclose(value(text, d.declarations, **point), d.evaluate(**point)), text


def test_several_clauses_print_under_one_where_in_dependency_order(rng):
    """`E  where h = …, g = …(h)`: one where, each clause after those it uses (g uses h), in
    Unicode, ASCII and LaTeX; read back, the text has d's value, which finite differences
    confirm."""
    program = "h = tanh(W x + b); g = sigmoid(V h); sum((g - y).^2)"
    d = derive(program, "W")
    assert str(d) == "2 x (g ⊙ (1 - g) ⊙ (g - y))ᵀ V diag(1 - h.^2)  where h = tanh(W x + b), " \
        "g = σ(V h)"
    assert d.text(ascii=True) == "2 x (g .* (1 - g) .* (g - y))^T V diag(1 - h.^2)  where " \
        "h = tanh(W x + b), g = sigmoid(V h)"
    assert d.latex().endswith(" \\quad \\text{where } \\mathbf{h} = \\tanh\\left(\\mathbf{W} "
                              "\\mathbf{x} + b\\right), \\; \\mathbf{g} = \\sigma\\left("
                              "\\mathbf{V} \\mathbf{h}\\right)")
    point = {"W": rng.normal(size=(3, 4)), "x": rng.normal(size=4), "b": 0.3,
             "V": rng.normal(size=(2, 3)), "y": rng.normal(size=2)}
    jac = nm.numerical_jacobian(lambda p: np.atleast_2d(value(program, **p)), point, "W")
    assert np.allclose(d.evaluate(**point), nm.arrange(jac, (1, 1), (3, 4), "numerator"),
                       atol=1e-6)
    for text in printed_forms(d):
        assert np.allclose(value(text, d.declarations, **point), d.evaluate(**point))


@pytest.mark.parametrize("text", [
    "h2 + 1  where h2 = tanh(W2 h1), h1 = tanh(W1 x)",   # a clause uses a later one
    "h2 + 1  where h2 = tanh(W2 h1)  where h1 = tanh(W1 x)",
    "h2 + 1  where h1 = tanh(W1 x), h2 = tanh(W2 h1)",
    "h1 = tanh(W1 x); h2 + 1  where h2 = tanh(W2 h1)",
])
def test_where_clauses_are_bindings_in_the_order_their_uses_need(text, rng):
    w1, w2, x = rng.normal(size=(3, 2)), rng.normal(size=(2, 3)), rng.normal(size=2)
    want = np.tanh(w2 @ np.tanh(w1 @ x)) + 1
    assert np.allclose(value(text, W1=w1, W2=w2, x=x), want)


@pytest.mark.parametrize("text, message", [
    ("x  where s = 1, s = 2", "'s' is defined twice"),
    ("s = 1; x  where s = 2", "'s' is defined twice"),
    ("x  where s = t, t = s", "use each other"),
    ("x  where s = s + 1", "use each other"),
    ("where + 1", "'where' is a keyword"),
    ("x\nwhere s = 1", "'where' is a keyword"),
    ("x  where", "expected a clause 'name = expression'"),
    ("x  where s", "expected '='"),
    ("x  where s = 1; y", "only the last statement can be an expression"),
])
def test_malformed_where_clauses_are_parse_errors(text, message):
    from matcalc.errors import ParseError
    with pytest.raises(ParseError, match=message):
        value(text, x=np.ones(2))


def test_a_where_name_is_never_a_size_or_function_of_the_result():
    """The clause for a mean's repeated m would print `m` where m is also a size (1/m)."""
    d = derive("mean(x) mean(x) + g(mean(x) x)", "x", {"x": "vector(m)"})
    names = {clause.split(" = ")[0] for clause in str(d).split("  where ")[1:]}
    assert not names & {"m", "g", "x"}, str(d)


# -- d.variables is a valid vars; sizes as printed ---------------------------------------------

def test_a_product_size_declares_and_reads_back(rng):
    d = derive("vec(C)' D x", "x")
    assert d.variables == {"C": "matrix(m_C,n_C)", "D": "matrix(m_C·n_C,n_D)",
                           "x": "vector(n_D)"}
    arrays = {"C": rng.normal(size=(2, 3)), "D": rng.normal(size=(6, 4)),
              "x": rng.normal(size=4)}
    assert np.allclose(d.evaluate(**arrays), arrays["C"].reshape(-1, order="F") @ arrays["D"])
    assert np.allclose(value(str(d), d.variables, **arrays), d.evaluate(**arrays))
    for spelling in ("matrix(m*n, k)", "matrix(m·n,k)", "matrix(2*3, k)"):
        got = value("D x", {"D": spelling}, D=arrays["D"], x=arrays["x"])
        assert np.allclose(got, arrays["D"] @ arrays["x"])
    with pytest.raises(MatcalcError, match="product"):
        value("D x", {"D": "matrix(m+n, k)"}, D=arrays["D"], x=arrays["x"])


def test_numeric_and_symbolic_size_products_unify(rng):
    """3·(n·3) = 9·n: the Kronecker factors of a vec Jacobian with mixed sizes."""
    vars = {"Q": "matrix(3,3)", "v": "vector(n)"}
    d = derive("kron(Q, v')", "Q", vars)
    assert str(d) == "(I_3 ⊗ K_{n,3}) (I_9 ⊗ vec(vᵀ))"
    q, v = rng.normal(size=(3, 3)), rng.normal(size=4)
    numeric = nm.numerical_jacobian(lambda p: np.kron(p["Q"], p["v"].reshape(1, -1)),
                                    {"Q": q, "v": v}, "Q")
    assert np.allclose(d.evaluate(Q=q, v=v), numeric, atol=1e-6)
    for text in (str(d), d.text(ascii=True)):
        assert np.allclose(value(text, d.variables, Q=q, v=v), d.evaluate(Q=q, v=v))


def test_a_size_one_vector_stays_a_vector():
    d = derive("logsumexp(y)", "y", {"y": "vector(1)"})
    assert (str(d), d.variables) == ("softmax(y)", {"y": "vector(1)"})
    assert d.evaluate(y=[0.3]) == 1.0 == value(str(d), d.variables, y=[0.3])


# -- the value of an abstract symbol is checked like a variable's ------------------------------

def test_a_symbol_of_the_wrong_shape_is_refused(rng):
    from matcalc import EvaluationError
    d = derive("Y = A X + B; f(Y)", "X", {"A": "matrix(2,3)", "X": "matrix(3,4)"})
    arrays = {"A": rng.normal(size=(2, 3)), "X": rng.normal(size=(3, 4)),
              "B": rng.normal(size=(2, 4))}
    good = rng.normal(size=(4, 2))
    assert np.allclose(d.evaluate(**arrays, df_dY=good), good @ arrays["A"])
    with pytest.raises(EvaluationError, match=r"∂f/∂Y is matrix\(4,2\).*shape \(4, 2\).*"
                                              r"got an array of shape \(2, 4\)"):
        d.evaluate(**arrays, df_dY=good.T)
    with pytest.raises(EvaluationError, match=r"'X' is matrix\(3,4\).*got an array of shape"):
        d.evaluate(**{**arrays, "X": np.ones((4, 4))}, df_dY=good)
