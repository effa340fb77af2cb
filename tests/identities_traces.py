"""Cases of the identity table (tests/test_identities.py): traces, determinants and log-
determinants (Cookbook §2.5, §2.1)."""
from __future__ import annotations

from identity_case import POS, SPD, SQ, WC, Case

CASES: list[Case] = [
    # -- trace, first order (Cookbook §2.5.1) -------------------------------------------------
    # Cookbook (99)
    Case("trace", "tr(X)", "X", "I", {"X": "matrix(n,n)"}),
    # Cookbook (100)
    Case("trace", "tr(A X)", "X", "A", {"A": "matrix(n,m)", "X": "matrix(m,n)"}),
    # Cookbook (100)
    Case("trace", "tr(X A)", "X", "A", {"A": "matrix(n,m)", "X": "matrix(m,n)"}),
    # Cookbook (103)
    Case("trace", "tr(X' A)", "X", "Aᵀ", {"A": "matrix(m,n)", "X": "matrix(m,n)"}),
    # Cookbook (104)
    Case("trace", "tr(A X')", "X", "Aᵀ", {"A": "matrix(m,n)", "X": "matrix(m,n)"}),
    # Cookbook (103)
    Case("trace", "tr(A' X)", "X", "Aᵀ", {"A": "matrix(m,n)", "X": "matrix(m,n)"}),
    # Cookbook (101)
    Case("trace", "tr(A X B)", "X", "B A",
         {"A": "matrix(p,m)", "X": "matrix(m,n)", "B": "matrix(n,p)"}),
    # Cookbook (102)
    Case("trace", "tr(A X' B)", "X", "Aᵀ Bᵀ",
         {"A": "matrix(p,n)", "X": "matrix(m,n)", "B": "matrix(m,p)"}),
    # Cookbook (99)
    Case("trace", "tr(c X)", "X", "c I", {"X": "matrix(n,n)", "c": "scalar"}),
    # Cookbook (100), (104)
    Case("trace", "tr(A X) + tr(B X')", "X", "A + Bᵀ", SQ),
    # Cookbook (99)
    Case("trace", "tr(X + A)", "X", "I", SQ),
    # Cookbook (100): Tr = sum of diag
    Case("trace", "sum(diag(A X))", "X", "A",
         {"A": "matrix(n,m)", "X": "matrix(m,n)"}),
    # Cookbook (105)
    Case("trace", "tr(kron(A, X))", "X", "tr(A) I",
         {"A": "matrix(p,p)", "X": "matrix(n,n)"}),
    # Cookbook (100)
    Case("trace", "tr(X' A)", "A", "Xᵀ", {"A": "matrix(m,n)", "X": "matrix(m,n)"}),

    # -- trace, second and higher order (Cookbook §2.5.2–2.5.4) -------------------------------
    # Cookbook (106)
    Case("trace2", "tr(X^2)", "X", "2 X", {"X": "matrix(n,n)"}),
    # Cookbook (107)
    Case("trace2", "tr(X^2 B)", "X", "X B + B X", SQ),
    # Cookbook (108)
    Case("trace2", "tr(X' B X)", "X", "Xᵀ (B + Bᵀ)",
         {"X": "matrix(n,m)", "B": "matrix(n,n)"}),
    # Cookbook (108)
    Case("trace2", "tr(X' A X)", "X", "Xᵀ (A + Aᵀ)",
         {"X": "matrix(n,m)", "A": "matrix(n,n)"}),
    # Cookbook (109)
    Case("trace2", "tr(B X X')", "X", "Xᵀ (B + Bᵀ)",
         {"X": "matrix(n,m)", "B": "matrix(n,n)"}),
    # Cookbook (110)
    Case("trace2", "tr(X X' B)", "X", "Xᵀ (B + Bᵀ)",
         {"X": "matrix(n,m)", "B": "matrix(n,n)"}),
    # Cookbook (111)
    Case("trace2", "tr(X B X')", "X", "(B + Bᵀ) Xᵀ",
         {"X": "matrix(m,n)", "B": "matrix(n,n)"}),
    # Cookbook (112)
    Case("trace2", "tr(B X' X)", "X", "(B + Bᵀ) Xᵀ",
         {"X": "matrix(m,n)", "B": "matrix(n,n)"}),
    # Cookbook (113)
    Case("trace2", "tr(X' X B)", "X", "(B + Bᵀ) Xᵀ",
         {"X": "matrix(m,n)", "B": "matrix(n,n)"}),
    # Cookbook (114)
    Case("trace2", "tr(A X B X)", "X", "B X A + A X B", SQ),
    # Cookbook (115)
    Case("trace2", "tr(X' X)", "X", "2 Xᵀ", {"X": "matrix(m,n)"}),
    # Cookbook (115)
    Case("trace2", "tr(X X')", "X", "2 Xᵀ", {"X": "matrix(m,n)"}),
    # Cookbook (116)
    Case("trace2", "tr(B' X' C X B)", "X", "B Bᵀ Xᵀ (C + Cᵀ)",
         {"X": "matrix(n,m)", "C": "matrix(n,n)", "B": "matrix(m,p)"}),
    # Cookbook (117)
    Case("trace2", "tr(X' B X C)", "X", "Cᵀ Xᵀ Bᵀ + C Xᵀ B",
         {"X": "matrix(n,m)", "B": "matrix(n,n)", "C": "matrix(m,m)"}),
    # Cookbook (118)
    Case("trace2", "tr(A X B X' C)", "X", "B Xᵀ C A + Bᵀ Xᵀ Aᵀ Cᵀ",
         {"A": "matrix(p,m)", "X": "matrix(m,n)", "B": "matrix(n,n)", "C": "matrix(m,p)"}),
    # Cookbook (118)
    Case("trace2", "tr(X A X' B)", "X", "A Xᵀ B + Aᵀ Xᵀ Bᵀ",
         {"X": "matrix(m,n)", "A": "matrix(n,n)", "B": "matrix(m,m)"}),
    # Cookbook (119)
    Case("trace2", "tr((A X B + C) (A X B + C)')", "X", "2 B (A X B + C)ᵀ A",
         {"A": "matrix(p,m)", "X": "matrix(m,n)", "B": "matrix(n,q)", "C": "matrix(p,q)"}),
    # Cookbook (121)
    Case("trace2", "tr(X^3)", "X", "3 X^2", {"X": "matrix(n,n)"}),
    # Cookbook (121)
    Case("trace2", "tr(X^4)", "X", "4 X^3", {"X": "matrix(n,n)"}),
    # Cookbook (121)
    Case("trace2", "tr(X^5)", "X", "5 X^4", {"X": "matrix(n,n)"}),
    # Cookbook (122), k = 2
    Case("trace2", "tr(A X^2)", "X", "A X + X A", SQ),
    # Cookbook (122), k = 3
    Case("trace2", "tr(A X^3)", "X", "A X^2 + X A X + X^2 A", SQ),
    # Cookbook (107)
    Case("trace2", "tr(A X X)", "X", "A X + X A", SQ),
    # Cookbook (107), cyclic
    Case("trace2", "tr(X A X)", "X", "A X + X A", SQ),
    # Cookbook (124), B = I
    Case("trace2", "tr(inv(X) A)", "X", "-X⁻¹ A X⁻¹", SQ, WC),
    # Cookbook (124)
    Case("trace2", "tr(A inv(X) B)", "X", "-X⁻¹ B A X⁻¹",
         {"A": "matrix(p,n)", "X": "matrix(n,n)", "B": "matrix(n,p)"}, WC),
    # Cookbook (64), A = 0
    Case("trace2", "tr(inv(X))", "X", "-X⁻¹ X⁻¹", SQ, WC),
    # Cookbook (64)
    Case("trace2", "tr(inv(X + A))", "X", "-(X + A)⁻¹ (X + A)⁻¹", SQ,
         {"X": "spd", "A": "spd"}),
    # Cookbook (99), (106)
    Case("trace2", "tr(X^2 + 3 X)", "X", "2 X + 3 I", SQ),
    # Cookbook (121)
    Case("trace2", "tr(X^3 - 2 X^2 + X)", "X", "3 X^2 - 4 X + I", SQ),
    # Cookbook (100), (106)
    Case("trace2", "tr(X (A + X))", "X", "A + 2 X", SQ),
    # Cookbook (99), chain rule
    Case("trace2", "tr(X)^2", "X", "2 tr(X) I", SQ),
    # Cookbook (100), product rule
    Case("trace2", "tr(A X) tr(B X)", "X", "tr(B X) A + tr(A X) B", SQ),
    # Cookbook (121) of Xᵀ X
    Case("trace2", "tr(X' X X' X)", "X", "4 Xᵀ X Xᵀ", {"X": "matrix(m,n)"}),

    # -- determinants and log-determinants (Cookbook §2.1) ------------------------------------
    # Cookbook (49)
    Case("det", "det(X)", "X", "det(X) X⁻¹", SQ, WC),
    # Cookbook (57)
    Case("det", "logdet(X)", "X", "X⁻¹", SQ, SPD),
    # Cookbook (57)
    Case("det", "log(det(X))", "X", "X⁻¹", SQ, SPD),
    # Cookbook (57)
    Case("det", "log(abs(det(X)))", "X", "X⁻¹", SQ, WC),
    # Cookbook (51), square
    Case("det", "det(A X B)", "X", "det(A X B) X⁻¹", SQ,
         {"A": "well_conditioned", "X": "well_conditioned", "B": "well_conditioned"}, tag="square"),
    # M&N ch. 8
    Case("det", "det(A X B)", "X", "det(A X B) B (A X B)⁻¹ A",
         {"A": "matrix(p,m)", "X": "matrix(m,n)", "B": "matrix(n,p)"}),
    # Cookbook (49)
    Case("det", "det(X')", "X", "det(X) X⁻¹", SQ, WC),
    # Cookbook (41)
    Case("det", "det(2 X)", "X", "det(2 X) X⁻¹", SQ, WC),
    # Cookbook (52), A = I
    Case("det", "det(X' X)", "X", "2 det(Xᵀ X) X⁻¹", SQ, WC, tag="square"),
    # Cookbook (53), A = I
    Case("det", "det(X' X)", "X", "2 det(Xᵀ X) (Xᵀ X)⁻¹ Xᵀ",
         {"X": "matrix(n,m)"}),
    # Cookbook (54)
    Case("det", "det(X' A X)", "X", "det(Xᵀ A X) ((Xᵀ Aᵀ X)⁻¹ Xᵀ Aᵀ + (Xᵀ A X)⁻¹ Xᵀ A)",
         {"X": "matrix(n,m)", "A": "matrix(n,n)"}, {"A": "spd"}),
    # Cookbook (52)
    Case("det", "det(X' A X)", "X", "2 det(Xᵀ A X) X⁻¹", SQ,
         {"X": "well_conditioned", "A": "spd"}, tag="square"),
    # Cookbook (55)
    Case("det", "logdet(X' X)", "X", "2 (Xᵀ X)⁻¹ Xᵀ", {"X": "matrix(n,m)"}),
    # Cookbook (58), k = 2
    Case("det", "det(X^2)", "X", "2 det(X^2) X⁻¹", SQ, WC),
    # Cookbook (58), k = 3
    Case("det", "det(X^3)", "X", "3 det(X^3) X⁻¹", SQ, WC),
    # Cookbook (62)
    Case("det", "det(inv(X))", "X", "-det(X⁻¹) X⁻¹", SQ, WC),
    # Cookbook (57), (59)
    Case("det", "logdet(inv(X))", "X", "-X⁻¹", SQ, SPD),
    # Cookbook (49), chain rule
    Case("det", "det(X)^2", "X", "2 det(X)^2 X⁻¹", SQ, WC),
    # Cookbook (49), (62)
    Case("det", "1 / det(X)", "X", "-X⁻¹ / det(X)", SQ, WC),
    # Cookbook (49), chain rule
    Case("det", "sqrt(det(X))", "X", "sqrt(det(X)) X⁻¹ / 2", SQ, SPD),
    # Cookbook (49)
    Case("det", "det(A + X)", "X", "det(A + X) (A + X)⁻¹", SQ,
         {"X": "spd", "A": "spd"}),
    # Cookbook (57)
    Case("det", "logdet(X + A)", "X", "(X + A)⁻¹", SQ, {"X": "spd", "A": "spd"}),
    # Cookbook (57): det(A X) = det(A) det(X)
    Case("det", "logdet(A X)", "X", "X⁻¹", SQ, {"X": "spd", "A": "spd"}),
    # Cookbook (41)
    Case("det", "det(X + t A)", "t", "det(X + t A) tr((X + t A)⁻¹ A)",
         {**SQ, "t": "scalar"}, {"X": "spd", "A": "spd", "t": POS}),
    # Cookbook (41), chain rule of log
    Case("det", "logdet(X + t A)", "t", "tr((X + t A)⁻¹ A)",
         {**SQ, "t": "scalar"}, {"X": "spd", "A": "spd", "t": POS}),
    # Cookbook (41): tr((c X)⁻¹ X) = n / c
    Case("det", "det(c X)", "c", "n det(c X) / c",
         {"X": "matrix(n,n)", "c": "scalar"}, {"X": "well_conditioned", "c": POS}),

]
