"""Cases of the identity table (tests/test_identities.py): structured declarations, matrix
functions, spectral functions, factorisations and solves (Higham; M&N ch. 8; Murray 2016)."""
from __future__ import annotations

from identity_case import CHOL, GP, NLL, NLL_SPD, SPECTRAL, SQ, Case

CASES: list[Case] = [
    # -- structured declarations ---------------------------------------------------------------
    # Cookbook (57)
    Case("structured", "logdet(S)", "S", "S⁻¹", {"S": "spd(n)"}, {"S": "spd"}),
    # Cookbook (81)
    Case("structured", "x' S x", "x", "2 xᵀ S", {"S": "spd(n)", "x": "vector(n)"}, {"S": "spd"}),
    # Cookbook (81)
    Case("structured", "x' S x", "x", "2 xᵀ S", {"S": "symmetric(n)", "x": "vector(n)"},
         {"S": "spd"}, tag="symmetric"),
    # PRML §2.3.4
    Case("structured", NLL, "mu", "(μ - x)ᵀ S⁻¹", NLL_SPD, {"S": "spd"}),
    # PRML §2.3.4
    Case("structured", NLL, "S", "(S⁻¹ - S⁻¹ (x - μ) (x - μ)ᵀ S⁻¹) / 2", NLL_SPD,
         {"S": "spd"}),
    # Cookbook (100)
    Case("structured", "tr(inv(S) A)", "A", "S⁻¹", {"S": "spd(n)", "A": "matrix(n,n)"},
         {"S": "spd"}),
    # -- matrix functions: d f(X) = L_f(X, dX); L_f(X, E) = E f′(X) when E commutes with X -----
    Case("matrix functions", "tr(expm(X))", "X", "expm(X)", SQ),
    Case("matrix functions", "tr(A expm(X))", "X", "L_exp(X, A)", SQ),
    Case("matrix functions", "u' expm(X) v", "X", "L_exp(X, v uᵀ)", SQ),
    Case("matrix functions", "expm(X)", "X", "J_exp(X)", SQ),
    Case("matrix functions", "logdet(expm(X))", "X", "I", SQ),
    Case("matrix functions", "det(expm(X))", "X", "det(expm(X)) I", SQ),
    Case("matrix functions", "expm(t A)", "t", "A expm(t A)", {**SQ, "t": "scalar"}),
    Case("matrix functions", "tr(logm(X))", "X", "X⁻¹", SQ, {"X": "off_cut"}),
    Case("matrix functions", "u' logm(X) v", "X", "L_log(X, v uᵀ)", SQ, {"X": "off_cut"}),
    Case("matrix functions", "tr(sqrtm(X))", "X", "sqrtm(X)⁻¹ / 2", SQ, {"X": "off_cut"}),
    Case("matrix functions", "u' sqrtm(X) v", "X", "L_sqrt(X, v uᵀ)", SQ, {"X": "off_cut"}),
    Case("matrix functions", "sqrtm(X)", "X", "J_sqrt(X)", SQ, {"X": "off_cut"}),
    Case("matrix functions", "tr(A L_exp(X, B))", "B", "L_exp(X, A)", SQ),  # the adjoint
    Case("matrix functions", "J_exp(X) vec(B)", "B", "J_exp(X)", SQ),
    # -- spectral functions: dλ = vᵀ dS v for a simple eigenvalue, dσ = uᵀ dX v (the letter r:
    # u and v are variables here) ---------------------------------------------------------------
    Case("spectral functions", "eigmax(S)", "S", "r rᵀ  where r = eigvec_max(S)", SPECTRAL),
    Case("spectral functions", "eigmin(S)", "S", "r rᵀ  where r = eigvec_min(S)", SPECTRAL),
    Case("spectral functions", "u' eigvals(S)", "S", "V diag(u) Vᵀ  where V = eigvecs(S)",
         SPECTRAL),
    Case("spectral functions", "eigmax(X + X')", "X", "2 r rᵀ  where r = eigvec_max(X + Xᵀ)",
         SPECTRAL),
    Case("spectral functions", "u' eigvecs(S) v + eigvec_max(S)' v + eigvec_min(S)' u", "v",
         "uᵀ eigvecs(S) + eigvec_max(S)ᵀ", SPECTRAL),
    Case("spectral functions", "specnorm(X)", "X", "svec_max_right(X) svec_max_left(X)ᵀ",
         SPECTRAL),
    # the Daleckii–Krein form of L_f(S, E): its eigenbasis and divided differences as constants
    Case("spectral functions", "u' eigbasis(S) v", "v", "uᵀ eigbasis(S)", SPECTRAL),
    *(Case("spectral functions", f"u' divdiff_{f}(eigvals(S)) v", "v",
           f"uᵀ divdiff_{f}(eigvals(S))", SPECTRAL, {"S": "spd"}) for f in ("exp", "log", "sqrt")),
    Case("matrix functions", "u' expm(S) v", "S",
         "Q (F ⊙ (Qᵀ (u vᵀ + v uᵀ) Q)) Qᵀ / 2  where Q = eigbasis(S), "
         "F = divdiff_exp(eigvals(S))", SPECTRAL),
    Case("spectral functions", "nucnorm(X)", "X", "polar(X)ᵀ", SPECTRAL),
    Case("spectral functions", "u' svals(X)", "X", "svecs_right(X) diag(u) svecs_left(X)ᵀ",
         SPECTRAL),
    Case("spectral functions",
         "u' svecs_left(X) v + v' svecs_right(X) u + tr(polar(X) A) + svec_max_left(X)' u "
         "+ svec_max_right(X)' u", "u", "vᵀ svecs_left(X)ᵀ + vᵀ svecs_right(X) + svec_max_left(X)ᵀ"
         " + svec_max_right(X)ᵀ", SPECTRAL, tag="factors"),
    # -- factorisations and solves: Murray's Cholesky form, solves kept as solves --------------
    Case("factorisations", "tr(A chol(S))", "S",
         "L⁻ᵀ (U + Uᵀ) L⁻¹ / 2  where L = chol(S), U = tril_half(Lᵀ Aᵀ)", CHOL),
    # Rasmussen & Williams (5.9): (K⁻¹ − α αᵀ) / 2, α = K⁻¹ y
    Case("factorisations", GP, "S", "(S⁻¹ - solve(S, y) solve(S, y)ᵀ) / 2", CHOL),
    Case("factorisations", "2 sum(log(diag(chol(S))))", "S", "S⁻¹", CHOL),
    Case("factorisations", "u' solve(A, v)", "A", "-solve(A, v) solve(Aᵀ, u)ᵀ", SQ,
         {"A": "well_conditioned"}),
    Case("factorisations", "tr(B solve(A, C))", "C", "solve(Aᵀ, Bᵀ)ᵀ", SQ,
         {"A": "well_conditioned"}),
    Case("factorisations", "u' pinv(W) w", "W", "W⁺ ((W⁺)ᵀ u wᵀ (I - W W⁺)ᵀ - w uᵀ W⁺)",
         {"W": "matrix(n,p)", "u": "vector(p)", "w": "vector(n)"}),  # (tall at both SIZES)
    Case("factorisations", "tr(A tril_half(X))", "X", "tril_half(Aᵀ)ᵀ", SQ),
]
