"""The conditions a result holds under, in the notation of the result: ASCII with
`text(ascii=True)`, `holds_when(ascii=True)`, the steps' ASCII text and the command line's
--ascii; every op with a condition (domain.CONDITIONS) is covered by a program here."""
from __future__ import annotations

import pytest

from matcalc import derive, hessian
from matcalc.cli import main
from matcalc.core.expr import postorder
from matcalc.domain import CONDITIONS

LONG = "A .* (B' C D' E F G' H J' K L' M N' P Q' R S' T W' Y Z' B C' D E')"
PROGRAMS = [  # (program, wrt, Hessian?): between them, every op of CONDITIONS
    ("tr(logm(X' A X + B))", "X", False),
    ("u' sqrtm(X' X + A) v", "X", False),
    (f"u' sqrtm(X' X + {LONG}) v", "X", False),  # elided in the middle
    ("logm(X)", "X", False),
    ("u' expm(X) v", "X", False),
    ("tr(sqrtm(X))", "X", True),
    ("eigmax(X' X)", "X", False),
    ("eigmin(X)", "X", False),
    ("u' eigvals(X + X')", "X", False),
    ("specnorm(A X)", "X", False),  # σ₁(A X) > σ₂(A X): sigma_1(A X) > sigma_2(A X)
    ("nucnorm(X)", "X", False),
    ("u' svals(X' X)", "X", False),
    ("eigmax(X' A X + B) + eigmin(X + X') + u' eigvals(X + X')", "X", False),
    ("specnorm(X) + nucnorm(X) + u' svals(X + eye)", "X", False),  # σ₁(X) > σ₂(X): sigma_1
    ("u' eigvecs(A) x + eigvec_max(A)' x + eigvec_min(A)' x + u' svecs_left(A + eye) x"
     " + u' svecs_right(A + eye) x + tr(polar(A) B) + svec_max_left(A)' x"
     " + svec_max_right(A)' x + u' eigbasis(A) x", "x", False),
    ("tr(A chol(X X' + I))", "X", False),  # (chol, solve, pinv: core/factorisations.py)
    ("u' solve(X, v)", "X", False),
    ("u' pinv(X) v", "X", False),
    ("logdet(X) + tr(inv(X))", "X", False),
]


def _derivative(expr, wrt, second):
    return (hessian if second else derive)(expr, wrt)


def test_every_condition_is_covered():
    seen = set()
    for expr, wrt, second in PROGRAMS:
        d = _derivative(expr, wrt, second)
        seen |= {n.op for e in (d.function, d.expr) for n in postorder(e)}
    assert set(CONDITIONS) <= seen


@pytest.mark.parametrize("expr, wrt, second", PROGRAMS)
def test_conditions_are_ascii_when_the_result_is(expr, wrt, second):
    d = _derivative(expr, wrt, second)
    assert d.text(ascii=True).isascii()
    line = d.holds_when(ascii=True)
    assert line.isascii()
    assert bool(line) == bool(d.conditions)
    assert line.count("; and ") == d.holds_when().count("; and ") == len(d.conditions) - 1 \
        if d.conditions else line == ""
    assert d.steps().text(ascii=True).isascii()


def test_the_ascii_line_prints_the_ascii_notation():
    d = derive("tr(logm(X' A X + B))", "X")
    assert d.holds_when() == \
        "holds when Xᵀ A X + B has no eigenvalue on the closed negative real axis"
    assert d.holds_when(ascii=True) == \
        "holds when X^T A X + B has no eigenvalue on the closed negative real axis"
    long = derive(f"u' sqrtm(X' X + {LONG}) v", "X")
    assert "…" in long.holds_when() and "..." in long.holds_when(ascii=True)


def test_sigma_is_spelled_in_ascii():
    d = derive("specnorm(A X)", "X")
    assert d.holds_when() == "holds when σ₁(A X) > σ₂(A X)"
    assert d.holds_when(ascii=True) == "holds when sigma_1(A X) > sigma_2(A X)"


def test_a_transposed_argument_is_stated_once():
    """sqrtm(M) and the Fréchet derivative at Mᵀ: Mᵀ has M's eigenvalues, one condition."""
    d = derive("u' sqrtm(X' X + A) v", "X")
    assert "(X^T X + A)^T" not in d.holds_when(ascii=True)
    assert d.conditions == ("Xᵀ X + A has no eigenvalue on the closed negative real axis",)


@pytest.mark.parametrize("steps", [[], ["--steps"]])
def test_the_command_line_prints_ascii_with_ascii(capsys, steps):
    assert main([f"u' sqrtm(X' X + {LONG}) v", "--wrt", "X", "--ascii", *steps]) == 0
    out = capsys.readouterr().out
    assert out.isascii() and "has no eigenvalue on the closed negative real axis" in out
