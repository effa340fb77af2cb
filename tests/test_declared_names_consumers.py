"""Differentiation, interop, the web page, the conditions, the check, the steps, the CLI and the
second-order rules read the operator declarations instead of naming declared operators: no
string constant in matcalc/diff/, matcalc/interop/, matcalc/web/ or the modules of CONSUMERS
equals the name of a declared operator (tests/declared_names.py), but for the entries of
ALLOWED, each with the reason that module names that operator.
"""
from __future__ import annotations

from declared_names import declared_names, each, modules, named, scan, stale, unexplained

CONSUMERS = ("diff", "interop", "web", "domain.py", "check.py", "steps.py", "closed_form.py",
             "differential.py", "equivalent.py", "report.py", "cli.py", "vocabulary.py",
             "second_order.py")

_RULE = ("diff/ keys each hand-written derivative rule by its operator (the registry's JVP "
         "table, which tests check covers every operator): the rule, its identity its title")

ALLOWED: dict[tuple[str, str], str] = {
    **each("diff/factorisations.py", ("solve", "chol", "pinv", "tril_half"), _RULE),
    **each("diff/matrix_fns.py", ("frechet", "frechet_matrix"), _RULE),
    ("diff/elementwise.py", "log"):
        "d(u.^p) = p ⊙ u.^(p−1) ⊙ du + u.^p ⊙ log(u) ⊙ dp: the power's derivative is "
        "written with the logarithm, the node the rule builds",
    ("diff/adjoint.py", "frechet"):
        "the adjoints of L_f(X, E) in E, tr(M L_f(X, dE)) = tr(L_f(X, M) dE) and vec L_f(X, "
        "dE) = J_f(X) vec dE: a node of the matrix function its attribute f names, with no "
        "declaration of its own",
    ("interop/to_sympy.py", "relu"):
        "max(u, v) = v + relu(u − v), min(u, v) = v − relu(v − u): the identity the binary "
        "declarations state by their relu_sign, written with relu's SymPy form",
    **each("interop/to_sympy.py", ("frechet", "frechet_matrix"),
           "L_f(X, E) and J_f(X) have no SymPy form, as their matrix function has none: "
           "nodes of the matrix function their attribute f names, no declaration of their own"),
    **each("web/syntax.py", ("inv", "pinv"),
           "the parser's postfix operator names (syntax/transformer.py's _POSTFIX: ⁻¹ is "
           "'inv', ⁺ is 'pinv'), the keys of the page's operator table as of its terminals"),
    **each("domain.py", ("frechet", "frechet_matrix"),
           "L_f(X, E) and J_f(X) hold where their matrix function does (off its branch cut): "
           "nodes of the matrix function their attribute f names, no declaration of their own"),
    **each("check.py", ("sin", "cos"),
           "the concrete function the check puts for an abstract f(u): sum(sin(u)) + "
           "sum(u.^2)/2, whose gradient is cos(u) + u (a test function, no fact of sin or cos)"),
    ("steps.py", "sum"):
        "the ASCII of the letter Σ in rule titles (d(a₁ ∘ … ∘ aₙ) = Σᵢ …) is the word sum, "
        "not a naming of the sum operator",
}


def test_the_consumers_name_no_declared_operator():
    assert unexplained(scan(modules(*CONSUMERS)), ALLOWED) == []


def test_every_allowance_is_used_and_explained():
    """A stale entry (the module no longer names the operator) is removed, not kept."""
    assert stale(scan(modules(*CONSUMERS)), ALLOWED) == []
    assert all(len(reason.split()) >= 8 for reason in ALLOWED.values())


def test_the_scan_covers_the_consumers():
    """Every module of diff/, interop/ and web/ (the web server's too) is scanned, and a
    consumer naming a declared operator is reported with its module, line and operator."""
    scanned = set(scan(modules(*CONSUMERS)))
    assert {"diff/engine.py", "diff/spectral.py", "interop/from_sympy.py", "web/server.py",
            "cli.py", "steps.py", "vocabulary.py", "second_order.py"} <= scanned
    source = 'TITLES = {"σ": "sigmoid"}\n'
    hits = named(source, declared_names())
    assert hits == [(1, "sigmoid")]
    assert unexplained({"steps.py": hits}, ALLOWED) == [
        "matcalc/steps.py:1: names the declared operator 'sigmoid'"]


def test_the_declared_names_include_every_family_and_no_node_kind():
    """The factorisations and Fréchet derivatives are scanned for as the families' operators
    are; the core node kinds (the algebra the declarations are written in) are not."""
    names = declared_names()
    assert {"chol", "solve", "pinv", "tril_half", "frechet", "sigmoid", "eigmax", "inv",
            "kron"} <= names
    assert not {"var", "add", "mul", "hadamard", "transpose", "pow", "gt", "unvec"} & names


def test_the_steps_ascii_reads_the_printed_symbols():
    """A function printed by a symbol (σ) reads back in ASCII steps as its name."""
    from matcalc import derive
    from matcalc.core.elementwise import FUNCTIONS
    from matcalc.steps import _ascii
    symbols = {f.printed: f.name for f in FUNCTIONS.values() if f.printed}
    assert symbols  # σ
    for symbol, name in symbols.items():
        assert _ascii(f"{symbol}(u)") == f"{name}(u)"
    steps = derive("sum(sigmoid(x))", "x", vars={"x": "vector(n)"}).steps()
    assert "σ" in str(steps) and "σ" not in steps.text(ascii=True)
