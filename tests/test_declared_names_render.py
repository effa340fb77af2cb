"""The printer, the sizes, the simplifier, lowering and the core's algebra read the operator
declarations instead of naming declared operators: no string constant in matcalc/render/,
matcalc/simplify/, matcalc/lower/ or matcalc/core/ (the declaration modules aside) equals a
declared operator's name, but for the entries of ALLOWED, each with the reason that module names
that operator. Structural node kinds (mul, add, transpose, identity, ...) are not declared
operators; names listed in `__all__` are Python names (the builders'), not read as operators.
"""
from __future__ import annotations

import numpy as np
import pytest
from declared_names import declared_names, modules, named, stale, unexplained
from declared_names import each as _each
from declared_names import scan as scan_modules

from matcalc import value
from matcalc.api import _lowered
from matcalc.core.factorisations import FACTORISATIONS
from matcalc.errors import MatcalcError
from matcalc.lower.functions import ARITY, MEANING
from matcalc.lower.unimplemented import UNIMPLEMENTED

SCANNED = ("render", "simplify", "lower", "core")
DECLARATION_MODULES = frozenset(
    f"core/{name}.py" for name in (
        "constants", "elementwise", "extremes", "vector_functions", "matrix_functions",
        "matrix_scalars", "spectral", "factorisations", "linear_ops", "matrix_powers",
        "notations", "ops"))


def scan() -> dict[str, list[tuple[int, str]]]:
    """module (relative to matcalc/) -> the declared names it spells, with their lines."""
    return scan_modules(modules(*SCANNED, skip=DECLARATION_MODULES), declared_names())


BUILDERS = ("the builders core/build.py exports: each constructs the operator its declaration's "
            "`builder` facet names, with that operator's canonical forms (tril(diag(v)) = "
            "diag(v), (Xᵏ)⁻¹ = (X⁻¹)ᵏ, vec⁻¹(vec(X)) = X, chol(I) = I, L_f(X, c E) = c L_f(X, E))")

# the declared names the table of refused names spells: the built-in each alias points to
# (asin -> arcsin) and the internal names refused as spellings (diagpart, logsoftmax), read from
# the table, so that implementing a function (deleting its row, adding an alias) edits no test
_REFUSED_SPELLINGS = tuple(sorted(({u.alias for u in UNIMPLEMENTED.values()} | set(UNIMPLEMENTED))
                                  & declared_names()))


ALLOWED: dict[tuple[str, str], str] = {
    **_each("core/structural.py", ("sum", "mean", "tr", "vec", "diag", "diagpart", "tril",
                                   "inv", "mpow", "frechet", "frechet_matrix"), BUILDERS),
    **_each("core/solves.py", ("solve", "chol", "pinv", "tril_half"), BUILDERS),
    ("core/algebra.py", "kron"):
        "core/algebra.kron is ⊗'s builder (its declared `builder`): it constructs the node",
    ("core/algebra.py", "sqrt"):
        "√u is u^(1/2) to the constructors merging powers in products (x √x = x^(3/2)): the "
        "elementwise power's identity, written as the node it builds",
    ("core/solves.py", "diag"):
        "the builder of Φ (tril_half): Φ(D) = D / 2 for a diagonal D (I, diag(v))",
    **_each("lower/matrix_typing.py", ("frechet", "frechet_matrix"),
            "the typers of the calls L_f(X, E) and J_f(X): every matrix function's Fréchet "
            "derivative is the one operator frechet (and its matrix frechet_matrix) with f its "
            "attribute, so the typer builds the node of that operator, as its builder does"),
    ("lower/vector_typing.py", "logsoftmax"):
        "cross_entropy(z, y) is defined as −yᵀ logsoftmax(z) (docs/language.md)",
    **_each("lower/vector_typing.py", ("maximum", "relu"),
            "the language reads max(0, u) as relu(u) (docs/language.md): a reading of the "
            "syntax, not a fact of either declaration"),
    **_each("lower/typer.py", ("inv", "kron", "pinv"),
            "the parser's operator names (syntax/ast.py POSTFIX_OPS 'inv' for ⁻¹ and 'pinv' for "
            "⁺, BINARY_OPS 'kron' for ⊗), which the typer maps to the declared operators"),
    **_each("lower/unimplemented.py", _REFUSED_SPELLINGS,
            "the table of refused names: each entry names the language's spelling to write "
            "instead (a name users type, tests/test_unimplemented.py checks it is one), or "
            "refuses an operator's internal name (diagpart, logsoftmax) as a spelling"),
    ("simplify/matrix_functions.py", "frechet"):
        "the named simplifier rules on Fréchet derivatives, each an identity of L_f with an "
        "example in simplify/rules.py: L_f(X, E) = E f′(X) for E commuting with X, "
        "tr(L_f(X, E)) = tr(f′(X) E), L_f(X, E₁) + L_f(X, E₂) = L_f(X, E₁ + E₂), and the "
        "Daleckii–Krein form",
    **_each("simplify/functions.py", ("abs", "exp", "minimum", "sigmoid", "sign", "softplus"),
            "named simplifier rules, each an identity between these functions with an example "
            "(exp(v) σ(−v) = σ(v), log(1 + exp(v)) = softplus(v), sign(u) / |u| = 1 / u, "
            "(δ > u) ⊙ (min(u, δ) > −δ) = (δ > |u|)): simplify/rules.py lists them"),
    **_each("simplify/products.py", ("diag", "inv", "kron", "mpow"),
            "named simplifier rules on products, each an identity with an example: diag(u) "
            "diag(v) = diag(u ⊙ v), 𝟏ᵀ diag(v) = vᵀ, (A B)⁻¹ = B⁻¹ A⁻¹ with X⁻ᵀ = (Xᵀ)⁻¹, the "
            "mixed product (A ⊗ B)(C ⊗ D) = A C ⊗ B D, (A ⊗ B) K = K (B ⊗ A), (Xᵃ)ᵇ = Xᵃᵇ"),
    **_each("simplify/reductions.py", ("abs", "chol", "diagpart", "exp", "inv", "kron", "log",
                                       "logdet", "logsumexp", "sum", "tr"),
            "named simplifier rules on reductions, each an identity with an example: "
            "log|det X| = logdet(X), log(Σ exp(u)) = logsumexp(u), det(X⁻¹) = 1 / det(X), "
            "tr(A ⊗ B) = tr(A) tr(B), sum(A ⊗ B) = sum(A) sum(B), "
            "sum(log(diag(chol(S)))) = logdet(S) / 2"),
    **_each("simplify/rules.py", ("frechet", "layernorm_rows", "log", "log_softmax_rows",
                                  "logsumexp_rows", "mpow", "softmax_rows", "softplus", "sum",
                                  "tr"),
            "the rule table: each rule names the operator it is tried at and its identity "
            "(tr(Xᵀ) = tr(X), log(softmax(u)) = logsoftmax(u), tr(L_f(X, E)) = tr(f′(X) E), ...)"),
    **_each("simplify/structured.py", ("diag", "kron", "tril", "vec"),
            "named simplifier rules on the projections of structured variables, whose "
            "selectors are diag(vec(I)) and diag(vec(tril(𝟏 𝟏ᵀ))), with L K (Aᵀ ⊗ B) L = "
            "diag(vec(Aᵀ ⊙ B)) for lower triangular A and B"),
}


def test_the_consumers_name_no_declared_operator():
    assert unexplained(scan(), ALLOWED) == []


def test_every_allowance_is_used_and_explained():
    """A stale entry (the module no longer names the operator) is removed, not kept."""
    assert stale(scan(), ALLOWED) == []
    assert all(len(reason.split()) >= 8 for reason in ALLOWED.values())


def test_the_check_fails_on_a_named_operator():
    """A consumer comparing an op with a declared name is reported with its module, line and
    operator; the same naming allowed with a reason passes, and `__all__` is not read."""
    source = 'def p(e):\n    return e.op == "inv"\n\n__all__ = ["kron"]\n'
    hits = named(source, declared_names())
    assert hits == [(2, "inv")]
    assert unexplained({"render/example.py": hits}, ALLOWED) == [
        "matcalc/render/example.py:2: names the declared operator 'inv'"]
    assert unexplained({"render/example.py": hits},
                       {("render/example.py", "inv"): "a reason"}) == []


def test_the_declared_names_are_the_declarations():
    names = declared_names()
    assert {"inv", "mpow", "kron", "diag", "diagpart", "vec", "tr", "det", "logdet", "expm",
           "eigmax", "softmax_rows", "layernorm", "exp", "pi", "chol", "solve", "pinv",
           "tril_half", "frechet", "frechet_matrix", "divdiff_exp", "eigbasis"} <= names
    assert not {"mul", "add", "transpose", "identity", "var", "const"} & names


def test_the_printer_reads_the_notation_facets():
    """The printer's module names none of inv, mpow, pinv, kron: it prints them by their
    declared notations (core/notations.py)."""
    printer = scan()["render/printer.py"]
    assert printer == []


def test_the_printer_and_the_length_dispatch_by_notation_class():
    """No printer method is named after a declared operator (solve's A⁻¹ B, Φ and L_exp are
    notations: AppliedInverse, Headed, Subscripted), and every notation class an operator
    declares has its printer method and its count in the simplifier's length."""
    from matcalc.core.ops import OPS
    from matcalc.render.printer import Printer
    from matcalc.simplify.length import _BY_NOTATION
    methods = {name[2:] for name in dir(Printer) if name.startswith("p_")}
    assert not methods & declared_names()
    classes = {type(spec.notation) for spec in OPS.values() if spec.notation is not None}
    assert len(classes) >= 6
    for notation in classes:
        assert notation.__name__.lower() in methods, notation
        assert notation in _BY_NOTATION, notation


_NOTATED = {"A": "matrix(n,n)", "S": "spd(n)", "X": "matrix(n,n)", "b": "vector(n)",
            "u": "vector(n)", "v": "vector(n)"}


@pytest.mark.parametrize("expr, wrt, domains, latex", [
    ("solve(A', b)", "A", {"A": "well_conditioned"}, r"\mathbf{A}^{-\top}"),
    ("tr(chol(S))", "S", None, r"\Phi\left("),
    ("u' expm(X) v", "X", None, r"L_{\exp}\left("),
    ("expm(X)", "X", None, r"J_{\exp}\left("),
])
def test_the_declared_notations_print_and_count(expr, wrt, domains, latex, rng):
    """A⁻ᵀ b, Φ(M), L_exp(X, E), J_exp(X) in LaTeX as their notations declare; in text each a
    call that reads back to the value (checked by finite differences); the simplifier's length
    is the text's token count."""
    from numeric import check_derivative

    from matcalc.render.tokens import text_tokens
    from matcalc.simplify.length import expression_length
    d = check_derivative(expr, wrt, _NOTATED, {"n": 3}, domains, rng=rng)
    assert latex in d.latex(where=False)
    text = d.text(where=False)
    assert expression_length(d.expr) == len(text_tokens(text)), text
    q, _ = np.linalg.qr(rng.standard_normal((3, 3)))
    point = {"A": q + 2 * np.eye(3), "S": q @ np.diag([1.0, 2.0, 3.0]) @ q.T,
             "X": rng.standard_normal((3, 3)) / 2, "b": rng.standard_normal(3),
             "u": rng.standard_normal(3), "v": rng.standard_normal(3)}
    used = {name: point[name] for name in d.variables}
    for shown in (text, d.text(ascii=True, where=False)):
        back = value(shown, vars=d.declarations, **used)
        assert np.allclose(back, d.evaluate(**used), rtol=1e-9, atol=1e-11), shown


def test_a_declared_mark_counts_as_the_tokens_it_prints():
    """The simplifier's length counts a postfix mark (and its transposed form) by its
    characters, as it cannot print: that is the number of tokens the printed mark has."""
    from matcalc.core.notations import Postfix
    from matcalc.core.ops import OPS
    from matcalc.render.tokens import text_tokens
    postfixes = [spec.notation for spec in OPS.values() if isinstance(spec.notation, Postfix)]
    assert len(postfixes) >= 2  # X⁻¹ and X⁺
    for notation in postfixes:
        assert len(text_tokens("X" + notation.marks["unicode"])) == 1 + notation.tokens
        transposed = notation.transposed.get("unicode", "")
        assert len(text_tokens("X" + transposed)) == 1 + len(transposed)


def test_the_factorisations_are_typed_and_built_as_declared():
    """Lowering types each factorisation and solve by its declared `typing` (its arity
    following), reads a 1 × 1 chol(s) as the elementwise function it declares (√s), lists each
    among its declared class of built-ins, and builds each by its declared `builder`
    (tril_half(2 X) = 2 Φ(X), as solve(A, 3 B) = 3 solve(A, B)): the values are the numbers."""
    rng = np.random.default_rng(3)
    x, a, b = rng.normal(size=(3, 3)), rng.normal(size=(3, 3)) + 3 * np.eye(3), rng.normal(
        size=(3, 2))
    assert _lowered("chol(s)", {"s": "scalar"}).expr.op == FACTORISATIONS["chol"].of_scalar
    assert value("chol(s)", {"s": "scalar"}, s=2.25) == pytest.approx(1.5)
    assert _lowered("tril_half(2 X)", None).expr.args[0].attr("value") == 2
    assert np.allclose(value("tril_half(2 X)", X=x), np.tril(2 * x) - np.diag(np.diag(x)))
    assert np.allclose(value("solve(A, 3 B)", A=a, B=b), 3 * np.linalg.solve(a, b))
    tall = rng.normal(size=(4, 3))
    inverse = np.asarray(value("pinv(X)", {"X": "matrix(4,3)"}, X=tall))
    assert inverse.shape == (3, 4) and np.allclose(inverse, np.linalg.pinv(tall))
    for f in FACTORISATIONS.values():
        assert ARITY.get(f.name, 1) == f.arity and MEANING[f.name] == f.listed_with
    with pytest.raises(MatcalcError, match="solve takes 2 arguments"):
        _lowered("solve(A)", None)
    with pytest.raises(MatcalcError, match="needs a square matrix"):
        _lowered("chol(X)", {"X": "matrix(4,3)"})
