"""Cases of the identity table (tests/test_identities.py): machine-learning losses, compositions
and abstract functions, scalar calculus (PRML, DL)."""
from __future__ import annotations

from identity_case import LOGREG, MLP, MLP_EXPR, NLL, NLL_VARS, POS, SCALAR_X, Case, abstract

CASES: list[Case] = [
    # -- machine-learning losses (PRML, DL) ---------------------------------------------------
    # PRML §4.3.2 (±1 labels)
    Case("loss", "sum(log(1 + exp(-y .* (X w))))", "w", "-(y ⊙ σ(-y ⊙ (X w)))ᵀ X",
         LOGREG),
    # same, with softplus
    Case("loss", "sum(softplus(-y .* (X w)))", "w", "-(y ⊙ σ(-y ⊙ (X w)))ᵀ X", LOGREG),
    # PRML (4.91)
    Case("loss", "-sum(y .* log(sigmoid(X w)) + (1 - y) .* log(1 - sigmoid(X w)))", "w",
         "(σ(X w) - y)ᵀ X", LOGREG, {"y": "uniform(0,1)"}),
    # PRML (4.91), one sample
    Case("loss", "-(t log(sigmoid(w' x)) + (1 - t) log(1 - sigmoid(w' x)))", "w",
         "(σ(wᵀ x) - t) xᵀ", {"w": "vector(n)", "x": "vector(n)", "t": "scalar"},
         {"t": "uniform(0,1)"}),
    # PRML (4.91), log-likelihood
    Case("loss", "sum(y .* (X w) - log(1 + exp(X w)))", "w", "(y - σ(X w))ᵀ X",
         LOGREG),
    # PRML (3.13), MSE
    Case("loss", "mean((X w - y).^2)", "w", "(2/N) (X w - y)ᵀ X", LOGREG),
    # PRML (3.13)
    Case("loss", "norm2(X w - y)^2", "w", "2 (X w - y)ᵀ X", LOGREG),
    # PRML (3.13)
    Case("loss", "norm2(X w - y)^2 / 2", "w", "(X w - y)ᵀ X", LOGREG),
    # PRML (3.27), ridge
    Case("loss", "norm2(X w - y)^2 + lambda norm2(w)^2", "w",
         "2 (X w - y)ᵀ X + 2 λ wᵀ", LOGREG),
    # PRML (3.29), lasso (subgradient)
    Case("loss", "norm2(X w - y)^2 + lambda norm1(w)", "w",
         "2 (X w - y)ᵀ X + λ sign(w)ᵀ", LOGREG),
    # elastic net
    Case("loss", "norm2(X w - y)^2 + lambda norm1(w) + mu norm2(w)^2", "w",
         "2 (X w - y)ᵀ X + λ sign(w)ᵀ + 2 μ wᵀ", LOGREG),
    # PRML (3.19), bias
    Case("loss", "norm2(X w + b - y)^2", "b", "2 sum(X w + b - y)", LOGREG),
    # Poisson regression (GLM)
    Case("loss", "sum(exp(X w) - y .* (X w))", "w", "(exp(X w) - y)ᵀ X", LOGREG),
    # DL §6.5, linear layer
    Case("loss", "norm2(W x + b - y)^2", "W", "2 x (W x + b - y)ᵀ",
         {"W": "matrix(m,n)", "x": "vector(n)", "b": "vector(m)", "y": "vector(m)"}),
    # DL §6.5
    Case("loss", "(sigmoid(w' x) - t)^2", "w", "2 (σ(wᵀ x) - t) σ(wᵀ x) (1 - σ(wᵀ x)) xᵀ",
         {"w": "vector(n)", "x": "vector(n)", "t": "scalar"}),
    # DL §7.1.1, weight decay
    Case("loss", "lambda norm2(W)^2 / 2", "W", "λ Wᵀ", {"W": "matrix(m,n)"}),
    # DL §6.5.4
    Case("loss", MLP_EXPR, "W1", "2 x (W2 relu(W1 x + b1) + b2 - y)ᵀ W2 diag(W1 x + b1 > 0)",
         MLP),
    # DL §6.5.4
    Case("loss", MLP_EXPR, "W2", "2 relu(W1 x + b1) (W2 relu(W1 x + b1) + b2 - y)ᵀ", MLP),
    # DL §6.5.4
    Case("loss", MLP_EXPR, "b1", "2 (W2 relu(W1 x + b1) + b2 - y)ᵀ W2 diag(W1 x + b1 > 0)",
         MLP),
    # DL §6.5.4
    Case("loss", MLP_EXPR, "b2", "2 (W2 relu(W1 x + b1) + b2 - y)ᵀ", MLP),
    # DL §6.5.4
    Case("loss", MLP_EXPR, "x", "2 (W2 relu(W1 x + b1) + b2 - y)ᵀ W2 diag(W1 x + b1 > 0) W1",
         MLP),
    # DL §6.5.4
    Case("loss", "sum((W2 tanh(W1 x) - y).^2)", "W1",
         "2 x (W2 tanh(W1 x) - y)ᵀ W2 diag(1 - tanh(W1 x).^2)", MLP),
    # Cookbook (119); matrix factorisation
    Case("loss", "norm2(X - U V')^2", "U", "-2 Vᵀ (X - U Vᵀ)ᵀ",
         {"X": "matrix(m,n)", "U": "matrix(m,p)", "V": "matrix(n,p)"}),
    # Cookbook (119)
    Case("loss", "norm2(X - U V')^2", "V", "-2 Uᵀ (X - U Vᵀ)",
         {"X": "matrix(m,n)", "U": "matrix(m,p)", "V": "matrix(n,p)"}),
    # PRML §2.3.4; Cookbook (81)
    Case("loss", NLL, "mu", "(μ - x)ᵀ (S⁻¹ + S⁻ᵀ) / 2", NLL_VARS, {"S": "spd"}),
    # PRML §2.3.4; Cookbook (57), (61)
    Case("loss", NLL, "S", "(S⁻¹ - S⁻¹ (x - μ) (x - μ)ᵀ S⁻¹) / 2", NLL_VARS,
         {"S": "spd"}),
    # Cookbook (81)
    Case("loss", NLL, "x", "(x - μ)ᵀ (S⁻¹ + S⁻ᵀ) / 2", NLL_VARS, {"S": "spd"}),
    # Rayleigh quotient
    Case("loss", "x' A x / (x' x)", "x",
         "xᵀ (A + Aᵀ) / (xᵀ x) - 2 (xᵀ A x) xᵀ / (xᵀ x)^2",
         {"A": "matrix(n,n)", "x": "vector(n)"}),
    # PCA objective, Cookbook (108)
    Case("loss", "tr(W' S W)", "W", "Wᵀ (S + Sᵀ)",
         {"W": "matrix(n,p)", "S": "matrix(n,n)"}),

    # -- compositions and abstract functions -------------------------------------------------
    # Cookbook (115)
    Case("composition", "exp(tr(X' X))", "X", "2 exp(tr(Xᵀ X)) Xᵀ", {"X": "matrix(m,n)"}),
    # Cookbook (81)
    Case("composition", "log(x' A x)", "x", "xᵀ (A + Aᵀ) / (xᵀ A x)",
         {"A": "matrix(n,n)", "x": "vector(n)"}, {"A": "spd"}),
    # seed pinard_abs_AXB
    Case("composition", "f(A X + B)", "X", "∂f/∂(A X + B) A",
         {"A": "matrix(p,m)", "X": "matrix(m,n)", "B": "matrix(p,n)"},
         abstract=(abstract("f", "A X + B", "df_d(A X + B)"),)),
    # seed pinard_abs_AXB
    Case("composition", "Y = A X + B; f(Y)", "X", "∂f/∂Y A",
         {"A": "matrix(p,m)", "X": "matrix(m,n)", "B": "matrix(p,n)"},
         abstract=(abstract("f", "Y", "df_dY"),)),
    # chain rule
    Case("composition", "f(W x)", "x", "∂f/∂(W x) W", {"W": "matrix(m,n)", "x": "vector(n)"},
         abstract=(abstract("f", "W x", "df_d(W x)"),)),
    # chain rule
    Case("composition", "f(W x)", "W", "x ∂f/∂(W x)", {"W": "matrix(m,n)", "x": "vector(n)"},
         abstract=(abstract("f", "W x", "df_d(W x)"),)),
    Case("composition", "g(f(W x) .* y)", "x", "(∂g/∂(f(W x) y) y) ∂f/∂(W x) W",
         {"W": "matrix(m,n)", "x": "vector(n)", "y": "vector(p)"},
         abstract=(abstract("g", "f(W x) .* y", "dg_d(f(W x) y)",
                            concrete="(sum(cos({u})) + sum(({u}) .^ 3) / 3)"),
                   abstract("f", "W x", "df_d(W x)"))),
    Case("composition", "g(f(W x) .* y)", "W", "(∂g/∂(f(W x) y) y) x ∂f/∂(W x)",
         {"W": "matrix(m,n)", "x": "vector(n)", "y": "vector(p)"},
         abstract=(abstract("g", "f(W x) .* y", "dg_d(f(W x) y)",
                            concrete="(sum(cos({u})) + sum(({u}) .^ 3) / 3)"),
                   abstract("f", "W x", "df_d(W x)"))),
    # language.md
    Case("composition", "f(X)", "X", "∂f/∂X", {"X": "matrix(m,n)"},
         abstract=(abstract("f", "X", "df_dX"),)),
    # chain rule
    Case("composition", "f(x' x)", "x", "2 ∂f/∂(xᵀ x) xᵀ", {"x": "vector(n)"},
         abstract=(abstract("f", "x' x", "df_d(x^T x)"),)),
    # chain rule, Cookbook (81)
    Case("composition", "f(x' A x)", "x", "∂f/∂(xᵀ A x) xᵀ (A + Aᵀ)",
         {"A": "matrix(n,n)", "x": "vector(n)"},
         abstract=(abstract("f", "x' A x", "df_d(x^T A x)"),)),
    # chain rule
    Case("composition", "f(g(x))", "x", "∂f/∂(g(x)) ∂g/∂x", {"x": "vector(n)"},
         abstract=(abstract("f", "g(x)", "df_d(g(x))"),
                   abstract("g", "x", "dg_dx", concrete="(sum(cos({u})) + sum(({u}) .^ 3) / 3)"))),
    # product rule
    Case("composition", "f(X) g(X)", "X", "f(X) ∂g/∂X + g(X) ∂f/∂X", {"X": "matrix(m,n)"},
         abstract=(abstract("f", "X", "df_dX"),
                   abstract("g", "X", "dg_dX", concrete="(sum(cos({u})) + sum(({u}) .^ 3) / 3)"))),
    # chain rule
    Case("composition", "sin(x' x)", "x", "2 cos(xᵀ x) xᵀ", {"x": "vector(n)"}),
    # chain rule
    Case("composition", "sqrt(x' x)", "x", "xᵀ / sqrt(xᵀ x)", {"x": "vector(n)"}),
    # DL §3.10 (logistic sigmoid), chain rule
    Case("composition", "sigmoid(w' x)", "w", "σ(wᵀ x) (1 - σ(wᵀ x)) xᵀ",
         {"w": "vector(n)", "x": "vector(n)"}),
    # DL §6.5
    Case("composition", "tanh(relu(W x))", "x", "diag((1 - tanh(relu(W x)).^2) ⊙ (W x > 0)) W",
         {"W": "matrix(m,n)", "x": "vector(n)"}),
    # DL §6.5.4
    Case("composition", "sum(tanh(W2 relu(W1 x)))", "W1",
         "x (1 - tanh(W2 relu(W1 x)).^2)ᵀ W2 diag(W1 x > 0)", MLP),
    # DL §6.5.4
    Case("composition", "tanh(W2 tanh(W1 x))", "x",
         "diag(1 - tanh(W2 tanh(W1 x)).^2) W2 diag(1 - tanh(W1 x).^2) W1", MLP),
    # Cookbook (69), chain rule
    Case("composition", "exp(a' x)", "x", "exp(aᵀ x) aᵀ", {"x": "vector(n)", "a": "vector(n)"}),
    # Cookbook (69), chain rule
    Case("composition", "cos(a' x)", "x", "-sin(aᵀ x) aᵀ", {"x": "vector(n)", "a": "vector(n)"}),
    # DL §3.10 (softplus)
    Case("composition", "log(1 + exp(w' x))", "w", "σ(wᵀ x) xᵀ",
         {"w": "vector(n)", "x": "vector(n)"}),
    # Gaussian kernel
    Case("composition", "exp(-norm2(x - mu)^2 / 2)", "x",
         "-exp(-norm2(x - μ)^2 / 2) (x - μ)ᵀ", {"x": "vector(n)", "mu": "vector(n)"}),
    # chain rule
    Case("composition", "(x' x)^2", "x", "4 (xᵀ x) xᵀ", {"x": "vector(n)"}),
    # chain rule, Cookbook (81)
    Case("composition", "(x' A x)^2", "x", "2 (xᵀ A x) xᵀ (A + Aᵀ)",
         {"A": "matrix(n,n)", "x": "vector(n)"}),
    # Cookbook (129), chain rule
    Case("composition", "log(norm2(x))", "x", "xᵀ / norm2(x)^2", {"x": "vector(n)"}),
    # Cookbook (129), chain rule
    Case("composition", "norm2(x)^3", "x", "3 norm2(x) xᵀ", {"x": "vector(n)"}),
    # language.md bindings
    Case("composition", "y = A x; z = tanh(y); sum(z)", "x", "(1 - tanh(A x).^2)ᵀ A",
         {"A": "matrix(m,n)", "x": "vector(n)"}),
    # Cookbook (100), chain rule
    Case("composition", "exp(tr(A X))", "X", "exp(tr(A X)) A",
         {"A": "matrix(n,m)", "X": "matrix(m,n)"}),
    # Cookbook (115)
    Case("composition", "log(tr(X' X))", "X", "2 Xᵀ / tr(Xᵀ X)", {"X": "matrix(m,n)"}),
    # Cookbook (99), chain rule
    Case("composition", "f(tr(X))", "X", "∂f/∂(tr(X)) I", {"X": "matrix(n,n)"},
         abstract=(abstract("f", "tr(X)", "df_d(tr(X))"),)),

    # -- scalar calculus --------------------------------------------------------------------
    # power rule
    Case("scalar", "x^3", "x", "3 x^2", SCALAR_X),
    # power rule
    Case("scalar", "1 / x", "x", "-1 / x^2", SCALAR_X, {"x": "nonzero"}),
    # power rule
    Case("scalar", "x^-2", "x", "-2 x^-3", SCALAR_X, {"x": "nonzero"}),
    # power rule
    Case("scalar", "x^a", "x", "a x^(a - 1)", SCALAR_X, {"x": POS}),
    # power rule
    Case("scalar", "x^0.5", "x", "0.5 x^-0.5", SCALAR_X, {"x": POS}),
    # exponential rule
    Case("scalar", "a^x", "x", "log(a) a^x", SCALAR_X, {"a": POS}),
    # exponential rule
    Case("scalar", "2^x", "x", "log(2) 2^x", SCALAR_X),
    # logarithmic differentiation
    Case("scalar", "x^x", "x", "x^x (log(x) + 1)", SCALAR_X, {"x": POS}),
    # quotient rule
    Case("scalar", "x / (1 + x^2)", "x", "(1 - x^2) / (1 + x^2)^2", SCALAR_X),
    # quotient rule, over the common denominator
    Case("scalar", "(x^2 + 1) / (x - 1)", "x", "(x^2 - 2 x - 1) / (x - 1)^2", SCALAR_X,
         {"x": "uniform(1.5,3)"}),  # (away from the pole at 1)
    Case("scalar", "(x - 1) / (x + 1)", "x", "2 / (x + 1)^2", SCALAR_X, {"x": POS}),
    Case("scalar", "x^3 / (x^2 + 1)", "x", "(x^4 + 3 x^2) / (x^2 + 1)^2", SCALAR_X),
    # quotient rule
    Case("scalar", "log(x) / x", "x", "(1 - log(x)) / x^2", SCALAR_X, {"x": POS}),
    # product rule
    Case("scalar", "x exp(x)", "x", "(x + 1) exp(x)", SCALAR_X),
    # product rule
    Case("scalar", "x^2 sin(x)", "x", "2 x sin(x) + x^2 cos(x)", SCALAR_X),
    # product rule
    Case("scalar", "x log(x) - x", "x", "log(x)", SCALAR_X, {"x": POS}),
    # product rule
    Case("scalar", "sin(x) cos(x)", "x", "cos(x)^2 - sin(x)^2", SCALAR_X),
    # chain rule
    Case("scalar", "exp(x^2)", "x", "2 x exp(x^2)", SCALAR_X),
    # chain rule
    Case("scalar", "(x^2 + 1)^5", "x", "10 x (x^2 + 1)^4", SCALAR_X),
    # chain rule
    Case("scalar", "sqrt(1 + x^2)", "x", "x / sqrt(1 + x^2)", SCALAR_X),
    # chain rule
    Case("scalar", "log(x^2 + 1)", "x", "2 x / (x^2 + 1)", SCALAR_X),
    # chain rule
    Case("scalar", "log(sin(x))", "x", "cos(x) / sin(x)", SCALAR_X, {"x": "uniform(0.3,2.8)"}),
    # chain rule
    Case("scalar", "exp(sin(x))", "x", "cos(x) exp(sin(x))", SCALAR_X),
    # chain rule
    Case("scalar", "cos(x)^2", "x", "-2 cos(x) sin(x)", SCALAR_X),
    # Pythagoras
    Case("scalar", "sin(x)^2 + cos(x)^2", "x", "0", SCALAR_X),
    # power rule
    Case("scalar", "sqrt(x)", "x", "1 / (2 sqrt(x))", SCALAR_X, {"x": POS}),
    # derivative table: tan' = 1 + tan²
    Case("scalar", "tan(x)", "x", "1 + tan(x)^2", SCALAR_X, {"x": "uniform(-1,1)"}),
    # derivative table: tanh' = 1 - tanh²; DL §6.3.2
    Case("scalar", "tanh(x)", "x", "1 - tanh(x)^2", SCALAR_X),
    # DL §3.10 (logistic sigmoid)
    Case("scalar", "sigmoid(x)", "x", "σ(x) (1 - σ(x))", SCALAR_X),
    # DL §3.10 (logistic sigmoid), written out
    Case("scalar", "1 / (1 + exp(-x))", "x", "σ(x) (1 - σ(x))", SCALAR_X),
    # DL §3.10 (logistic sigmoid), written out
    Case("scalar", "exp(x) / (1 + exp(x))", "x", "σ(x) (1 - σ(x))", SCALAR_X),
    # DL §3.10 (softplus)
    Case("scalar", "softplus(x)", "x", "σ(x)", SCALAR_X),
    # DL §3.10 (softplus), written out
    Case("scalar", "log(1 + exp(x))", "x", "σ(x)", SCALAR_X),
    # DL §6.3.1 (0 at 0)
    Case("scalar", "relu(x)", "x", "(x > 0)", SCALAR_X),
    # subgradient convention
    Case("scalar", "abs(x)", "x", "sign(x)", SCALAR_X),
    # subgradient convention
    Case("scalar", "sign(x)", "x", "0", SCALAR_X),
    # subgradient convention
    Case("scalar", "max(x, y)", "x", "(x > y)", SCALAR_X),
    # partial derivative
    Case("scalar", "x^2 y^3", "y", "3 x^2 y^2", SCALAR_X),
    # partial derivative
    Case("scalar", "exp(x y)", "x", "y exp(x y)", SCALAR_X),
    # sum and power rules
    Case("scalar", "c x^2 + b x + a", "x", "2 c x + b", {**SCALAR_X, "b": "scalar", "c": "scalar"}),

]
