"""The commutation matrices commute with A ⊗ A: K (A ⊗ B) K = B ⊗ A, so K M = M K for M = A ⊗ A
or A ⊗ B + B ⊗ A, and (K + I)² = 2 (K + I). chol's vec Jacobian by an spd S,
(I ⊗ L) Φ (K + I) (L⁻¹ ⊗ L⁻¹) (K + I) / 4, prints (I ⊗ L) Φ (L⁻¹ ⊗ L⁻¹) (K + I) / 2, Φ's
mask spelled Φ(𝟏 𝟏ᵀ); a sum that does not commute with K (Aᵀ ⊗ B + Bᵀ ⊗ A) is left alone.
Printed forms are pinned and checked by central differences and generated code."""
from __future__ import annotations

import numpy as np
import pytest
from numeric import check_derivative
from test_codegen import INSTALLED, check_generated
from test_simplify import _random_env

from matcalc import hessian
from matcalc.core import build as b
from matcalc.evaluate import evaluate
from matcalc.shapes import Dim, Shape
from matcalc.simplify import simplify

MASK = "diag(vec(tril_half(𝟏_n 𝟏_nᵀ)))"
CHOL = [
    ("numerator", f"(I_n ⊗ L) {MASK} (L⁻¹ ⊗ L⁻¹) (K_{{n,n}} + I) / 2  where L = chol(S)"),
    ("denominator", f"(K_{{n,n}} + I) (L⁻¹ ⊗ L⁻¹)ᵀ {MASK} (I_n ⊗ Lᵀ) / 2  where L = chol(S)"),
]


@pytest.mark.parametrize("layout, printed", CHOL)
def test_chols_vec_jacobian(layout, printed, rng):
    d = check_derivative("chol(S)", "S", {"S": "spd(n)"}, {"n": 3}, None, layout, rng=rng)
    assert str(d) == printed
    check_generated(d, "chol(S)", {"n": 3}, None, {"S": "spd(n)"}, (), rng, INSTALLED)


def test_a_sum_that_does_not_commute_with_k_is_left_alone(rng):
    """(K + I) (Aᵀ ⊗ B + Bᵀ ⊗ A) (K + I) keeps both symmetrisers; its swapped sum
    (K + I) (A ⊗ B + B ⊗ A) (K + I) is 2 (A ⊗ B + B ⊗ A) (K + I), of the same value; and
    (A ⊗ B) (K + I)² = 2 (A ⊗ B) (K + I)."""
    n = Dim.of("n")
    a, c = b.var("A", Shape(n, n)), b.var("B", Shape(n, n))
    u = b.add(b.commutation(n, n), b.identity(n * n))
    lone = b.mul(u, b.add(b.kron(b.transpose(a), c), b.kron(b.transpose(c), a)), u)
    assert simplify(lone) == lone
    paired = b.mul(u, b.add(b.kron(a, c), b.kron(c, a)), u)
    shown = simplify(paired)
    assert shown.weight < paired.weight
    env = _random_env(rng, paired)
    assert np.allclose(evaluate(shown, env), evaluate(paired, env), rtol=1e-12)
    square = b.mul(b.kron(a, c), u, u)
    assert simplify(square) == b.mul(b.const(2), b.kron(a, c), u)


@pytest.mark.parametrize("layout", ["numerator", "denominator"])
@pytest.mark.parametrize("expr", ["tr(A chol(S))", "norm2(chol(S))^2", "u' chol(S) v"])
def test_hessians_through_chol_halve_their_symmetrisers(expr, layout, rng):
    """The Hessians through chol carry (K + I) once beside each (L⁻¹ ⊗ L⁻¹) (over 4 or 2,
    where they were over 8 or 4) and agree with central differences along symmetric directions."""
    vars = {"S": "spd(n)", "u": "vector(n)", "v": "vector(n)", "A": "matrix(n,n)"}
    h = hessian(expr, "S", vars, layout=layout)
    shown = str(h)
    assert "/ 8" not in shown and ("/ 4  where" in shown or "/ 2  where" in shown)
    assert h.check().ok
