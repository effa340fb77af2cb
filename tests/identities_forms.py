"""Cases of the identity table (tests/test_identities.py): inverses, bilinear and quadratic forms
and norms (Cookbook §2.2, §2.4, §2.6)."""
from __future__ import annotations

from identity_case import POS, SQ, WC, Case

CASES: list[Case] = [
    # -- inverses (Cookbook §2.2) --------------------------------------------------------------
    # Cookbook (61)
    Case("inverse", "a' inv(X) b", "X", "-X⁻¹ b aᵀ X⁻¹",
         {"a": "vector(n)", "b": "vector(n)", "X": "matrix(n,n)"}, WC),
    # Cookbook (61)
    Case("inverse", "a' inv(X) a", "X", "-X⁻¹ a aᵀ X⁻¹",
         {"a": "vector(n)", "X": "matrix(n,n)"}, WC),
    # Cookbook (59)
    Case("inverse", "inv(X + t A)", "t", "-(X + t A)⁻¹ A (X + t A)⁻¹",
         {**SQ, "t": "scalar"}, {"X": "spd", "A": "spd", "t": POS}),
    # Cookbook (59); M&N ch. 9
    Case("inverse", "inv(X) y", "X", "-(X⁻¹ y)ᵀ ⊗ X⁻¹",
         {"X": "matrix(n,n)", "y": "vector(n)"}, WC),
    # Cookbook (81)
    Case("inverse", "x' inv(A) x", "x", "xᵀ (A⁻¹ + A⁻ᵀ)",
         {"A": "matrix(n,n)", "x": "vector(n)"}, {"A": "well_conditioned"}),
    # Cookbook (69)
    Case("inverse", "inv(A) x", "x", "A⁻¹",
         {"A": "matrix(n,n)", "x": "vector(n)"}, {"A": "well_conditioned"}),
    # Cookbook (64), chain rule
    Case("inverse", "tr(inv(X' X))", "X", "-2 (Xᵀ X)⁻¹ (Xᵀ X)⁻¹ Xᵀ",
         {"X": "matrix(n,m)"}),

    # -- bilinear forms and norms in a matrix (Cookbook §2.4, §2.6) ---------------------------
    # Cookbook (70)
    Case("bilinear", "a' X b", "X", "b aᵀ",
         {"a": "vector(m)", "X": "matrix(m,n)", "b": "vector(n)"}),
    # Cookbook (71)
    Case("bilinear", "a' X' b", "X", "a bᵀ",
         {"a": "vector(n)", "X": "matrix(m,n)", "b": "vector(m)"}),
    # Cookbook (72)
    Case("bilinear", "a' X a", "X", "a aᵀ", {"a": "vector(n)", "X": "matrix(n,n)"}),
    # Cookbook (72)
    Case("bilinear", "a' X' a", "X", "a aᵀ", {"a": "vector(n)", "X": "matrix(n,n)"}),
    # Cookbook (77)
    Case("bilinear", "b' X' X c", "X", "(c bᵀ + b cᵀ) Xᵀ",
         {"b": "vector(n)", "X": "matrix(m,n)", "c": "vector(n)"}),
    # Cookbook (77)
    Case("bilinear", "a' X' X b", "X", "(b aᵀ + a bᵀ) Xᵀ",
         {"a": "vector(n)", "X": "matrix(m,n)", "b": "vector(n)"}),
    # Cookbook (82)
    Case("bilinear", "b' X' D X c", "X", "c bᵀ Xᵀ D + b cᵀ Xᵀ Dᵀ",
         {"b": "vector(n)", "X": "matrix(m,n)", "D": "matrix(m,m)", "c": "vector(n)"}),
    # Cookbook (83)
    Case("bilinear", "(X b + c)' D (X b + c)", "X", "b (X b + c)ᵀ (D + Dᵀ)",
         {"b": "vector(n)", "X": "matrix(m,n)", "D": "matrix(m,m)", "c": "vector(m)"}),
    # Cookbook (82), c = b
    Case("bilinear", "b' X' D X b", "X", "b bᵀ Xᵀ (D + Dᵀ)",
         {"b": "vector(n)", "X": "matrix(m,n)", "D": "matrix(m,m)"}),
    # Cookbook (88), any W
    Case("bilinear", "(x - A s)' W (x - A s)", "A", "-s (x - A s)ᵀ (W + Wᵀ)",
         {"x": "vector(m)", "A": "matrix(m,n)", "s": "vector(n)", "W": "matrix(m,m)"}),
    # Cookbook (115): ‖X‖²_F = Tr(Xᵀ X); §2.7
    Case("bilinear", "norm2(X)^2", "X", "2 Xᵀ", {"X": "matrix(m,n)"}),
    # Cookbook (115), chain rule
    Case("bilinear", "norm2(X)", "X", "Xᵀ / norm2(X)", {"X": "matrix(m,n)"}),
    # Cookbook (119)
    Case("bilinear", "norm2(A X - B)^2", "X", "2 (A X - B)ᵀ A",
         {"A": "matrix(p,m)", "X": "matrix(m,n)", "B": "matrix(p,n)"}),
    # Cookbook (119)
    Case("bilinear", "norm2(A X B - C)^2", "X", "2 B (A X B - C)ᵀ A",
         {"A": "matrix(p,m)", "X": "matrix(m,n)", "B": "matrix(n,q)", "C": "matrix(p,q)"}),
    # Cookbook (77)
    Case("bilinear", "norm2(X' a)^2", "X", "2 Xᵀ a aᵀ", {"X": "matrix(m,n)", "a": "vector(m)"}),
    # Cookbook (72)
    Case("bilinear", "x' A x", "A", "x xᵀ", {"A": "matrix(n,n)", "x": "vector(n)"}),
    # Cookbook (70)
    Case("bilinear", "x' A y", "A", "y xᵀ",
         {"A": "matrix(m,n)", "x": "vector(m)", "y": "vector(n)"}),
    # Cookbook (69)
    Case("bilinear", "a' X b", "a", "bᵀ Xᵀ",
         {"a": "vector(m)", "X": "matrix(m,n)", "b": "vector(n)"}),
    # Cookbook (70), a = b = 𝟏
    Case("bilinear", "sum(X)", "X", "𝟏 𝟏ᵀ", {"X": "matrix(m,n)"}),
    # Cookbook (70), scaled
    Case("bilinear", "mean(X)", "X", "𝟏 𝟏ᵀ / (m n)", {"X": "matrix(m,n)"}),
    # Cookbook (103)
    Case("bilinear", "sum(A .* X)", "X", "Aᵀ", {"A": "matrix(m,n)", "X": "matrix(m,n)"}),
    # M&N ch. 9, elementwise
    Case("bilinear", "sum(exp(X))", "X", "exp(X)ᵀ", {"X": "matrix(m,n)"}),

    # -- quadratic forms and norms in a vector (Cookbook §2.4, §2.6) --------------------------
    # Cookbook (69)
    Case("quadratic", "x' a", "x", "aᵀ", {"x": "vector(n)", "a": "vector(n)"}),
    # Cookbook (69)
    Case("quadratic", "a' x", "x", "aᵀ", {"x": "vector(n)", "a": "vector(n)"}),
    # Cookbook (81)
    Case("quadratic", "x' A x", "x", "xᵀ (A + Aᵀ)", {"A": "matrix(n,n)", "x": "vector(n)"}),
    # Cookbook (78)
    Case("quadratic", "(A x + b)' C (D x + e)", "x",
         "(D x + e)ᵀ Cᵀ A + (A x + b)ᵀ C D",
         {"A": "matrix(m,n)", "x": "vector(n)", "b": "vector(m)", "C": "matrix(m,p)",
          "D": "matrix(p,n)", "e": "vector(p)"}),
    # Cookbook (81), B = I
    Case("quadratic", "x' x", "x", "2 xᵀ", {"x": "vector(n)"}),
    # Cookbook (129), a = 0
    Case("quadratic", "norm2(x)", "x", "xᵀ / norm2(x)", {"x": "vector(n)"}),
    # Cookbook (129)
    Case("quadratic", "norm2(x - a)", "x", "(x - a)ᵀ / norm2(x - a)",
         {"x": "vector(n)", "a": "vector(n)"}),
    # Cookbook (131)
    Case("quadratic", "norm2(x)^2", "x", "2 xᵀ", {"x": "vector(n)"}),
    # subgradient of ‖x‖₁
    Case("quadratic", "norm1(x)", "x", "sign(x)ᵀ", {"x": "vector(n)"}),
    # quotient rule, Cookbook (81)
    Case("quadratic", "x' x / (x' A x)", "x",
         "2 xᵀ / (xᵀ A x) - (xᵀ x) xᵀ (A + Aᵀ) / (xᵀ A x)^2",
         {"A": "matrix(n,n)", "x": "vector(n)"}, {"A": "spd"}),
    # Cookbook (85), any W
    Case("quadratic", "(x - s)' W (x - s)", "x", "(x - s)ᵀ (W + Wᵀ)",
         {"x": "vector(n)", "s": "vector(n)", "W": "matrix(n,n)"}),
    # Cookbook (86), any W
    Case("quadratic", "(x - s)' W (x - s)", "s", "-(x - s)ᵀ (W + Wᵀ)",
         {"x": "vector(n)", "s": "vector(n)", "W": "matrix(n,n)"}),
    # Cookbook (84), any W
    Case("quadratic", "(x - A s)' W (x - A s)", "s", "-(x - A s)ᵀ (W + Wᵀ) A",
         {"x": "vector(m)", "A": "matrix(m,n)", "s": "vector(n)", "W": "matrix(m,m)"}),
    # Cookbook (87), any W
    Case("quadratic", "(x - A s)' W (x - A s)", "x", "(x - A s)ᵀ (W + Wᵀ)",
         {"x": "vector(m)", "A": "matrix(m,n)", "s": "vector(n)", "W": "matrix(m,m)"}),
    # Cookbook (69), chain
    Case("quadratic", "(a' x)^2", "x", "2 (aᵀ x) aᵀ", {"x": "vector(n)", "a": "vector(n)"}),
    # Cookbook (69), (81)
    Case("quadratic", "x' A x + b' x + c", "x", "xᵀ (A + Aᵀ) + bᵀ",
         {"A": "matrix(n,n)", "x": "vector(n)", "b": "vector(n)", "c": "scalar"}),
    # Cookbook (69)
    Case("quadratic", "dot(x, y)", "x", "yᵀ", {"x": "vector(n)", "y": "vector(n)"}),
    # Cookbook (81)
    Case("quadratic", "x' A' A x", "x", "2 xᵀ Aᵀ A", {"A": "matrix(m,n)", "x": "vector(n)"}),
    # Cookbook (84), W = I
    Case("quadratic", "norm2(A x - b)^2", "x", "2 (A x - b)ᵀ A",
         {"A": "matrix(m,n)", "x": "vector(n)", "b": "vector(m)"}),
    # Cookbook (81), chain rule
    Case("quadratic", "sqrt(x' A x)", "x", "xᵀ (A + Aᵀ) / (2 sqrt(xᵀ A x))",
         {"A": "matrix(n,n)", "x": "vector(n)"}, {"A": "spd"}),
    # Cookbook (81)
    Case("quadratic", "x' diag(a) x", "x", "2 xᵀ diag(a)", {"x": "vector(n)", "a": "vector(n)"}),
    # Cookbook (69), a = 𝟏
    Case("quadratic", "sum(x)", "x", "𝟏ᵀ", {"x": "vector(n)"}),
    # Cookbook (69), a = 𝟏 / n
    Case("quadratic", "mean(x)", "x", "𝟏ᵀ / n", {"x": "vector(n)"}),
    # Cookbook (81), B = a bᵀ
    Case("quadratic", "a' x x' b", "x", "xᵀ (a bᵀ + b aᵀ)",
         {"x": "vector(n)", "a": "vector(n)", "b": "vector(n)"}),

]
