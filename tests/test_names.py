"""A name means what it says: glued names (`x'Ax`) are errors suggesting the product when the
product reading types; a name whose kind comes from the naming defaults, where another kind
would give the program another meaning (`x - mu`, `W x + b`, `X theta`, `lam * norm2(w)^2`
added to a scalar), carries a note in the API, the CLI, --json and the web API; capital Greek
names are matrices; a built-in function name with capitals (`Log(x)`) is no product."""
from __future__ import annotations

import json

import pytest
from numeric import check_derivative

from matcalc import ParseError, ShapeError, derive, hessian, report
from matcalc.cli import main
from matcalc.differential import differential
from matcalc.lower.declarations import default_kind
from matcalc.lower.functions import MEANINGS
from matcalc.lower.glued import glued_parts


def _glued(expr: str, wrt: str = "x", **kwargs) -> ParseError:
    with pytest.raises(ParseError) as info:
        derive(expr, wrt, **kwargs)
    return info.value


# -- glued names -------------------------------------------------------------------------------

@pytest.mark.parametrize("expr, name, meant, column", [
    ("x'Ax", "Ax", "A x", 3),
    ("sum(W x) + sum(Wx)", "Wx", "W x", 16),
    ("x' Wx + x' W x", "Wx", "W x", 4),
    ("y = A x; sum(Ay)", "Ay", "A y", 14),
    ("norm2(y - Xbeta)^2 + beta^2", "Xbeta", "X beta", 11),  # neither reading types
    ("A + AB + B", "AB", "A B", 5),
    ("x' W1x + x' W1 x", "W1x", "W1 x", 4),
    ("sum(x) + ab + a", "ab", "a b", 10),
])
def test_a_glued_name_is_an_error_suggesting_the_product(expr, name, meant, column):
    err = _glued(expr)
    assert err.column == column and "^" + "~" * (len(name) - 1) in str(err)
    assert f"unknown name '{name}': did you mean `{meant}`?" in str(err)
    assert f"--var {name}:" in str(err)


def test_a_glued_name_from_the_cli_exits_2(capsys):
    assert main(["x'Ax", "--wrt", "x"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and "did you mean `A x`?" in err and "\n  x'Ax\n    ^~\n" in err + "\n"


def test_a_declared_glued_name_is_a_variable(rng):
    d = check_derivative("x'Ax", "x", vars={"Ax": "matrix"}, rng=rng)
    assert str(d) == "Axᵀ" and d.warnings == ()  # xᵀ times the matrix Ax


@pytest.mark.parametrize("expr, wrt", [
    ("sum(xy)", "xy"),                 # no part used elsewhere
    ("W x + W1 y", "x"),               # a numbered name, not W times 1
    ("x_i + x + i", "x"),              # an underscore: a deliberate name
    ("sum(xs .* x)", "x"),             # x s is no product (a column times a column)
    ("tr(XtX) + tr(X)", "X"),          # X t X is no product
    ("mu + m' u", "u"),                # a Greek name
    ("x' W x + sum(W)", "x"),
    ("sum(data .* t)", "t"),           # three parts not used elsewhere
    # the product reading does not type (as matrix products)
    ("x' Sx x", "x"),                  # x' S x x: a scalar x' S x times x
    ("tr(Kx) + x' x", "x"),            # tr of the vector K x
    ("y' Ky y + sum(y)", "y"),
    ("Xt' y + sum(X)", "X"),           # X t' y: X times a row
])
def test_names_that_are_not_glued(expr, wrt, rng):
    check_derivative(expr, wrt, rng=rng)


@pytest.mark.parametrize("expr, wrt, name, meant", [
    ("tr(AB)", "A", "AB", "A B"),
    ("norm2(Wx - y)^2", "W", "Wx", "W x"),
    ("sum(Ax)", "x", "Ax", "A x"),
])
def test_the_variable_differentiated_by_is_a_name_the_program_uses(expr, wrt, name, meant,
                                                                   capsys):
    assert f"unknown name '{name}': did you mean `{meant}`?" in str(_glued(expr, wrt))
    assert main([expr, "--wrt", wrt]) == 2
    assert f"did you mean `{meant}`?" in capsys.readouterr().err



def test_glued_parts():
    kinds = {"A": "matrix", "x": "vector", "b": "scalar", "W1": "matrix", "beta": "scalar"}
    kind = kinds.get
    assert glued_parts("Ax", {"x"}, kind) == ["A", "x"]
    assert glued_parts("Ax", set(), kind) is None
    assert glued_parts("Axb", {"A", "x", "b"}, kind) == ["A", "x", "b"]
    assert glued_parts("W1x", {"x", "W1"}, kind) == ["W1", "x"]
    assert glued_parts("Abeta", {"beta"}, kind) == ["A", "beta"]
    assert glued_parts("Aθ", {"theta"}, lambda p: kinds.get(p, "scalar")) == ["A", "θ"]
    assert glued_parts("x" * 100, {"x"}, kind) is None  # long names are never split


# -- notes: names whose default kind changes the meaning --------------------------------------

def note(name: str, default: str, rule: str, kind: str) -> str:
    return (f"{name} is a {default} ({rule}); declare {name} a {kind} "
            f"(vars={{'{name}': '{kind}'}}, or --var {name}:{kind})")


A_G = "single letters a–g are scalars"
GREEK = "lowercase Greek names are scalars"
MU = note("mu", "scalar", GREEK, "vector")
B = note("b", "scalar", A_G, "vector")
THETA = note("theta", "scalar", GREEK, "vector")


@pytest.mark.parametrize("expr, wrt, warnings", [
    ("(x - mu)' inv(S) (x - mu)", "x", (MU,)),
    ("W x + b", "x", (B,)),
    ("(x - μ)' (x - μ)", "x", (MU,)),
    ("X - c", "X", (note("c", "scalar", A_G, "matrix"),)),
    ("sum(x > 2 a + 1)", "x", (note("a", "scalar", A_G, "vector"),)),
    ("m = mu^2; sum(max(x, m))", "x", (MU,)),
    ("W x + b + theta1 + b", "x", (B, note("theta1", "scalar", GREEK, "vector"))),
    ("c x + sum(x) / 2", "x", ()),        # scaling is not expansion
    ("x - sum(x)", "x", ()),              # a reduction is a scalar whatever its argument
    ("x / c", "x", ()),                   # division by a scalar (a vector c: a shape error)
    ("x ./ d", "x", (note("d", "scalar", A_G, "vector"),)),  # elementwise: a vector d fits
    ("sum(x .* c)", "x", (note("c", "scalar", A_G, "vector"),)),
    ("x - sum(x) / d", "x", (note("d", "scalar", A_G, "vector"),)),  # (a vector d: sum(x) ./ d)
    ("mu + a", "mu", ()),                 # scalars only
    ("s = sum(x); x - s", "x", ()),       # a bound name: kind from its right-hand side
    ("sum(x + a*b)", "x", (note("a", "scalar", A_G, "vector"),
                           note("b", "scalar", A_G, "vector"))),  # in order of first use
    # a defaulted scalar where a vector or matrix was plainly meant
    ("X theta + sum(X)", "theta", (THETA,)),              # the right factor of a matrix
    ("-y' log(sigmoid(X theta))", "theta", (THETA,)),
    ("x' a", "x", (note("a", "scalar", A_G, "vector"),)),  # (a row is a matrix)
    ("logdet(sigma) + x' x", "x", (note("sigma", "scalar", GREEK, "matrix"),)),
    ("tr(inv(e)) + sum(x)", "x", (note("e", "scalar", A_G, "matrix"),)),
    ("tr(a x' x)", "x", ()),              # a matrix a would not type: no other reading
    ("theta X", "X", ()),                 # a scalar on the left scales
    # a defaulted vector or matrix scaling a computed scalar, broadcast against a scalar term
    ("norm2(X w - y)^2 + lam * norm2(w)^2", "w",
     (note("lam", "vector", "lowercase names of several letters are vectors", "scalar"),)),
    ("0.5 * w' w + C * sum(softplus(1 - y .* (X w)))", "w",
     (note("C", "matrix", "single capital letters are matrices", "scalar"),)),
    ("reg * tr(X' X) - logdet(X' X + eye)", "X",
     (note("reg", "vector", "lowercase names of several letters are vectors", "scalar"),)),
    ("lam1 * sum(x) + sum(x)^2", "x",
     (note("lam1", "vector", "lowercase names of more than one character are vectors",
           "scalar"),)),
    ("norm2(X w - y)^2 + lambda * norm2(w)^2", "w", ()),  # a scalar lambda
    ("2 x + 1", "x", ()),                 # x scales a constant: a vector on purpose
    ("sum(x) y + 1", "y", ()),            # a constant term is no computed scalar
])
def test_derive_notes_defaults_that_change_the_meaning(expr, wrt, warnings, rng):
    assert check_derivative(expr, wrt, rng=rng).warnings == warnings


@pytest.mark.parametrize("expr, wrt, vars", [
    ("norm2(X w - y)^2 + lam * norm2(w)^2", "w", {"lam": "scalar"}),
    ("0.5 * w' w + C * sum(softplus(1 - y .* (X w)))", "w", {"C": "scalar"}),
    ("sum(X theta)", "theta", {"theta": "vector"}),
    ("sum(x .* c) + x' (x ./ d)", "x", {"c": "vector", "d": "vector"}),
])
def test_the_declaration_a_note_gives_is_the_other_reading(expr, wrt, vars, rng):
    d = check_derivative(expr, wrt, vars=vars, rng=rng)
    assert d.warnings == () and str(d) != str(derive(expr, wrt))


def test_the_support_vector_machine_by_default_notes_c(capsys):
    """Its kinked hinge loss, as typed: C is a matrix unless declared (the check agrees: it
    checks the program as read)."""
    svm = "0.5 * w' w + C * sum(relu(1 - y .* (X w)))"
    c = note("C", "matrix", "single capital letters are matrices", "scalar")
    assert derive(svm, "w").warnings == (c,)
    assert main([svm, "--wrt", "w", "--check"]) == 0
    out, err = capsys.readouterr()
    assert err == f"note: {c}\n" and "check: agrees" in out
    assert derive(svm, "w", vars={"C": "scalar"}).warnings == ()


def test_a_shape_error_a_default_causes_carries_the_note():
    with pytest.raises(ShapeError) as info:
        derive("norm2(X theta - y)^2", "theta")
    assert str(info.value).startswith("line 1, column 15: −: X theta (matrix m_X×n_X) and y "
                                      "(vector of size n_y) do not fit (they must have the "
                                      f"same shape); note: {THETA}\n")
    with pytest.raises(ShapeError) as info:
        derive("x + a y'", "x")  # no declaration makes it type: no note
    assert "note" not in str(info.value)


def test_a_declared_name_never_warns():
    assert derive("(x - mu)' (x - mu)", "x", vars={"mu": "scalar"}).warnings == ()
    assert derive("W x + b", "x", vars={"b": "vector"}).warnings == ()


def test_hessian_and_differential_carry_the_warnings():
    expr = "(x - mu)' A (x - mu)"
    assert hessian(expr, "x").warnings == (MU,)
    assert differential(expr, "x").warnings == (MU,)
    assert differential(expr, "x", order=2).warnings == (MU,)
    assert derive(derive(expr, "x"), "x").warnings == (MU,)


def test_the_cli_prints_a_note_per_warning_on_stderr(capsys):
    assert main(["(x - mu)' inv(S) (x - mu) + b", "--wrt", "mu"]) == 0
    out, err = capsys.readouterr()
    assert err == f"note: {MU}\n"
    assert out.strip() == str(derive("(x - mu)' inv(S) (x - mu) + b", "mu")) + \
        "\nholds when S is non-singular"
    assert main(["W x + b", "--wrt", "x"]) == 0
    out, err = capsys.readouterr()
    assert out.splitlines()[-1] == "W" and err == f"note: {B}\n"


def test_json_has_the_warnings(capsys):
    assert main(["W x + b", "--wrt", "x", "--json"]) == 0
    out, err = capsys.readouterr()
    assert json.loads(out)["warnings"] == [B] and err == ""
    assert report.build("W x", "x")["warnings"] == []


# -- capital Greek names are matrices ----------------------------------------------------------

@pytest.mark.parametrize("expr, wrt, printed", [
    ("x' inv(Sigma) x", "x", "xᵀ (Σ⁻¹ + Σ⁻ᵀ)"),
    ("norm2(Phi w - t)^2", "w", "2 (Φ w - t)ᵀ Φ"),
    ("logdet(Sigma) + tr(inv(Sigma) S)", "Sigma", "Σ⁻¹ (I - S Σ⁻¹)"),
    ("x' Lambda x", "x", "xᵀ (Λ + Λᵀ)"),
    ("x' Σ x", "x", "xᵀ (Σ + Σᵀ)"),
    ("tr(Omega_1 X)", "X", "Ω_1"),
    ("sigma x + lambda x", "x", "λ I_{n_x} + σ I_{n_x}"),  # lowercase Greek names stay scalars
])
def test_capital_greek_names_are_matrices(expr, wrt, printed, rng):
    d = check_derivative(expr, wrt, rng=rng, domains={"Sigma": "spd"})
    assert str(d) == printed and d.warnings == ()


def test_capital_greek_names_default_to_matrices_lowercase_to_scalars():
    for capital in ("Gamma", "Delta", "Theta", "Lambda", "Xi", "Pi", "Sigma", "Upsilon", "Phi",
                    "Psi", "Omega", "Γ", "Δ", "Θ", "Λ", "Ξ", "Π", "Σ", "Υ", "Φ", "Ψ", "Ω"):
        assert default_kind(capital) == "matrix", capital
    for small in ("gamma", "delta", "theta", "lambda", "sigma", "phi", "omega", "σ", "φ", "ω"):
        assert default_kind(small) == "scalar", small


# -- built-in names with other capitals ---------------------------------------------------------

DECOMPOSITIONS = ", ".join(MEANINGS["decompositions"])


@pytest.mark.parametrize("expr, wrt, meant", [
    ("Log(x)", "x", "'log'"),
    ("Tr(A X)", "X", "'tr'"),
    ("Softmax(W x)", "x", "'softmax'"),
    ("SUM(x)", "x", "'sum'"),
    ("Chol(S)", "S", "'chol'"),
    ("Eig(X)", "X", "'eig' (the eigendecomposition: matcalc does not implement it yet; the "
                    f"decompositions it has: {DECOMPOSITIONS})"),
])
def test_a_builtin_name_with_capitals_called_is_refused(expr, wrt, meant):
    """(A refused decomposition names the factors matcalc has, DECOMPOSITIONS.)"""
    name = expr.split("(")[0]
    with pytest.raises(ParseError) as info:
        derive(expr, wrt)
    assert str(info.value).startswith(
        f"line 1, column 1: unknown function '{name}': did you mean {meant}? (to multiply the "
        f"matrix {name} by (…), write {name} * (…) or declare it: vars={{'{name}': 'matrix'}}, "
        f"or --var {name}:matrix)")


@pytest.mark.parametrize("expr, vars", [
    ("Log * (x)", None),
    ("Log(x) + Log y", None),                # Log is a value elsewhere: a product
    ("Log(x)", {"Log": "matrix"}),
])
def test_a_builtin_name_with_capitals_as_a_matrix(expr, vars, rng):
    d = check_derivative(expr, "x", vars=vars, rng=rng)
    assert str(d) == "Log"


def test_a_builtin_name_with_capitals_declared_a_function():
    assert str(derive("Log(x)", "x", vars={"Log": "function"})) == "∂Log/∂x"
    assert str(derive("Σ(x - y)", "x")) == "Σ"  # a Greek capital is a letter, not σ
