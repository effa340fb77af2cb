"""The conditions a result holds under, in the notation of the result: ASCII with
`text(ascii=True)`, `holds_when(ascii=True)`, the steps' ASCII text and the command line's
--ascii; every op with a condition (domain.CONDITIONS) is covered by a program here."""
from __future__ import annotations

import pytest

from matcalc import derive, hessian
from matcalc.cli import main
from matcalc.core.expr import postorder
from matcalc.core.factorisations import FACTORISATIONS
from matcalc.core.matrix_powers import MATRIX_POWERS
from matcalc.core.matrix_scalars import MATRIX_SCALARS
from matcalc.core.spectral import SPECTRAL
from matcalc.domain import CONDITIONS, RULES, conditions

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


# kinks, where the derivative is a subgradient (as of abs): no condition is stated for them
KINKS = {"norm2": "a kink at the zero matrix", "norm1": "a kink where an entry is 0"}


def test_a_declared_op_with_a_domain_states_its_condition():
    """Every declared op the check keeps away from part of its arguments (a domain rule) says
    where its result holds, in its declaration; and that sentence is the one stated."""
    declared = [*MATRIX_SCALARS.values(), *MATRIX_POWERS.values(), *FACTORISATIONS.values(),
                *SPECTRAL.values()]
    silent = [op.name for op in declared
              if op.name in RULES and not op.condition and op.name not in KINKS]
    assert not silent, f"declared with a domain but no condition: {silent}"
    for op in declared:
        if op.condition:
            assert op.name in CONDITIONS, op.name


@pytest.mark.parametrize("expr, wrt, printed, stated", [
    ("inv(X)", "X", "-X⁻ᵀ ⊗ X⁻¹", ("X is non-singular",)),
    ("u' inv(X) v", "X", "-X⁻¹ v uᵀ X⁻¹", ("X is non-singular",)),
    ("solve(A, b)", "A", "-A⁻¹ (solve(A, b)ᵀ ⊗ I_{m_A})", ("A is non-singular",)),
    ("det(X)", "X", "det(X) X⁻¹", ("X is non-singular",)),
    ("tr(X^-2)", "X", "-2 X^-3", ("X is non-singular",)),
    ("u' pinv(W) v", "v", "uᵀ W⁺", ("W has full column rank",)),
    ("tr(chol(X X' + I))", "X", None, ("X Xᵀ + I is symmetric positive definite",)),
])
def test_conditions_from_the_declarations(expr, wrt, printed, stated, rng):
    """inv, solve, chol, pinv state their declarations' conditions; the results are checked by
    differences."""
    from numeric import check_derivative
    vars = {"b": "vector", "W": "matrix(5,3)", "v": "vector(5)"} if "W" in expr or "b" in expr \
        else None
    for layout in ("numerator", "denominator"):
        d = check_derivative(expr, wrt, vars, {}, {"X": "well_conditioned", "A":
                             "well_conditioned"}, layout, rng=rng)
        if layout == "numerator" and printed is not None:
            assert str(d) == printed
        assert d.conditions == stated
        assert conditions(d.function, d.expr) == stated
