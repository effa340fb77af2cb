"""Cases of the identity table (tests/test_identities.py): vec Jacobians, vector by matrix,
elementwise functions, softmax and cross-entropy (M&N ch. 9–10; P&H §4; DL §6.2.2.3)."""
from __future__ import annotations

from identity_case import POS, WC, Case

CASES: list[Case] = [
    # -- vec Jacobians of matrix-valued functions (M&N ch. 9–10; Cookbook §10.2) -------------
    # M&N Theorem 2.2; Cookbook §10.2.2
    Case("vec", "A X B", "X", "Bᵀ ⊗ A",
         {"A": "matrix(p,m)", "X": "matrix(m,n)", "B": "matrix(n,q)"}),
    # M&N: commutation matrix
    Case("vec", "X'", "X", "K", {"X": "matrix(m,n)"}),
    # M&N; Cookbook (59)
    Case("vec", "inv(X)", "X", "-(X⁻ᵀ ⊗ X⁻¹)", {"X": "matrix(n,n)"}, WC),
    # M&N
    Case("vec", "X .* B", "X", "diag(vec(B))", {"X": "matrix(m,n)", "B": "matrix(m,n)"}),
    # M&N, elementwise exp
    Case("vec", "exp(X)", "X", "diag(vec(exp(X)))", {"X": "matrix(m,n)"}),
    # M&N
    Case("vec", "X W", "X", "Wᵀ ⊗ I", {"X": "matrix(m,n)", "W": "matrix(n,p)"}),
    # M&N
    Case("vec", "A X", "X", "I ⊗ A", {"A": "matrix(p,m)", "X": "matrix(m,n)"}),
    # M&N ch. 9
    Case("vec", "X X", "X", "Xᵀ ⊗ I + I ⊗ X", {"X": "matrix(n,n)"}),
    # M&N ch. 9
    Case("vec", "X' X", "X", "(Xᵀ ⊗ I) K + I ⊗ Xᵀ", {"X": "matrix(m,n)"}),
    # M&N ch. 9
    Case("vec", "X X'", "X", "X ⊗ I + (I ⊗ X) K", {"X": "matrix(m,n)"}),
    # M&N; Cookbook (59)
    Case("vec", "A inv(X) B", "X", "-(Bᵀ X⁻ᵀ) ⊗ (A X⁻¹)",
         {"A": "matrix(p,n)", "X": "matrix(n,n)", "B": "matrix(n,q)"}, WC),
    # M&N ch. 9
    Case("vec", "X^3", "X", "(X^2)ᵀ ⊗ I + Xᵀ ⊗ X + I ⊗ X^2", {"X": "matrix(n,n)"}),
    # M&N, elementwise
    Case("vec", "X .^ 2", "X", "2 diag(vec(X))", {"X": "matrix(m,n)"}),
    # M&N, elementwise
    Case("vec", "X ./ B", "X", "diag(vec(1 ⊘ B))",
         {"X": "matrix(m,n)", "B": "matrix(m,n)"}, {"B": "nonzero"}),
    # M&N; DL §6.3
    Case("vec", "sigmoid(X)", "X", "diag(vec(σ(X) ⊙ (1 - σ(X))))", {"X": "matrix(m,n)"}),
    # M&N: d vec X = vec dX
    Case("vec", "vec(X)", "X", "I", {"X": "matrix(m,n)"}),
    # vec(tril(dX)) = diag(vec L) vec(dX), L the lower-triangular ones
    Case("vec", "tril(X)", "X", "diag(vec(tril(𝟏 𝟏ᵀ)))", {"X": "matrix(m,n)"}),
    # tr(A tril(dX)) = tr(tril(Aᵀ)ᵀ dX)
    Case("trace", "tr(A tril(X))", "X", "tril(Aᵀ)ᵀ", {"A": "matrix(n,m)", "X": "matrix(m,n)"}),
    # M&N, matrix by scalar
    Case("vec", "c X", "c", "X", {"X": "matrix(m,n)", "c": "scalar"}),
    # M&N
    Case("vec", "X' A", "X", "(Aᵀ ⊗ I) K", {"X": "matrix(m,n)", "A": "matrix(m,p)"}),
    # M&N ch. 9
    Case("vec", "x x'", "x", "x ⊗ I + I ⊗ x", {"x": "vector(n)"}),
    # M&N Theorem 3.10
    Case("vec", "kron(A, X)", "X", "(I ⊗ K ⊗ I) (vec(A) ⊗ I)",
         {"A": "matrix(p,q)", "X": "matrix(m,n)"}),
    # M&N Theorem 3.10
    Case("vec", "kron(X, A)", "X", "(I ⊗ K ⊗ I) (I ⊗ vec(A))",
         {"A": "matrix(p,q)", "X": "matrix(m,n)"}),
    # M&N: x ⊗ y = (I ⊗ y) x
    Case("vec", "kron(x, y)", "x", "I ⊗ y", {"x": "vector(n)", "y": "vector(m)"}),
    # M&N
    Case("vec", "A X + X' B", "X", "I ⊗ A + (Bᵀ ⊗ I) K",
         {"A": "matrix(n,n)", "X": "matrix(n,n)", "B": "matrix(n,n)"}),

    # -- vector by matrix (M&N ch. 9) ------------------------------------------------------------
    # M&N
    Case("vecbymat", "W x", "W", "xᵀ ⊗ I", {"W": "matrix(m,n)", "x": "vector(n)"}),
    # M&N
    Case("vecbymat", "W' x", "W", "I ⊗ xᵀ", {"W": "matrix(n,m)", "x": "vector(n)"}),
    # M&N
    Case("vecbymat", "A W x", "W", "xᵀ ⊗ A",
         {"A": "matrix(p,m)", "W": "matrix(m,n)", "x": "vector(n)"}),
    # M&N
    Case("vecbymat", "W x + b", "W", "xᵀ ⊗ I",
         {"W": "matrix(m,n)", "x": "vector(n)", "b": "vector(m)"}),
    # M&N
    Case("vecbymat", "X a", "X", "aᵀ ⊗ I", {"X": "matrix(m,n)", "a": "vector(n)"}),
    # M&N (row vector)
    Case("vecbymat", "a' X", "X", "I ⊗ aᵀ", {"X": "matrix(m,n)", "a": "vector(m)"}),
    # M&N; DL §6.5
    Case("vecbymat", "tanh(W x + b)", "W", "diag(1 - tanh(W x + b).^2) (xᵀ ⊗ I)",
         {"W": "matrix(m,n)", "x": "vector(n)", "b": "vector(m)"}),
    # M&N; DL §6.5
    Case("vecbymat", "relu(W x + b)", "W", "diag(W x + b > 0) (xᵀ ⊗ I)",
         {"W": "matrix(m,n)", "x": "vector(n)", "b": "vector(m)"}),
    # M&N; DL §6.2.2.3
    Case("vecbymat", "softmax(W x)", "W",
         "(diag(softmax(W x)) - softmax(W x) softmax(W x)ᵀ) (xᵀ ⊗ I)",
         {"W": "matrix(m,n)", "x": "vector(n)"}),

    # -- elementwise vector functions (P&H §4) -------------------------------------------------
    # P&H §4.2
    Case("elementwise", "x .* y", "x", "diag(y)", {"x": "vector(n)", "y": "vector(n)"}),
    # P&H §4.2
    Case("elementwise", "x ./ y", "y", "-diag(x ⊘ y.^2)",
         {"x": "vector(n)", "y": "vector(n)"}, {"y": "nonzero"}),
    # P&H §4.2
    Case("elementwise", "exp(x)", "x", "diag(exp(x))", {"x": "vector(n)"}),
    # P&H §4.2
    Case("elementwise", "log(x)", "x", "diag(1 ⊘ x)", {"x": "vector(n)"}, {"x": POS}),
    # P&H §4.2, power rule
    Case("elementwise", "sqrt(x)", "x", "diag(1 ⊘ sqrt(x)) / 2", {"x": "vector(n)"}, {"x": POS}),
    # P&H §4.2, product rule
    Case("elementwise", "(A x) .* (B x)", "x", "diag(A x) B + diag(B x) A",
         {"A": "matrix(m,n)", "B": "matrix(m,n)", "x": "vector(n)"}),
    # P&H §4.2
    Case("elementwise", "x .* x", "x", "2 diag(x)", {"x": "vector(n)"}),
    # P&H §4.2
    Case("elementwise", "x .^ 3", "x", "3 diag(x.^2)", {"x": "vector(n)"}),
    # P&H §4.3
    Case("elementwise", "W x", "x", "W", {"W": "matrix(m,n)", "x": "vector(n)"}),
    # P&H §4.3
    Case("elementwise", "W' x", "x", "Wᵀ", {"W": "matrix(n,m)", "x": "vector(n)"}),
    # P&H §4.3
    Case("elementwise", "A x + b", "x", "A",
         {"A": "matrix(m,n)", "x": "vector(n)", "b": "vector(m)"}),
    # P&H §4.5 (vector chain rule); DL §6.3
    Case("elementwise", "tanh(W x + b)", "x", "diag(1 - tanh(W x + b).^2) W",
         {"W": "matrix(m,n)", "x": "vector(n)", "b": "vector(m)"}),
    # DL §3.10 (logistic sigmoid), chain rule
    Case("elementwise", "sigmoid(W x + b)", "x", "diag(σ(W x + b) ⊙ (1 - σ(W x + b))) W",
         {"W": "matrix(m,n)", "x": "vector(n)", "b": "vector(m)"}),
    # P&H §5; DL §6.3.1
    Case("elementwise", "relu(W x + b)", "x", "diag(W x + b > 0) W",
         {"W": "matrix(m,n)", "x": "vector(n)", "b": "vector(m)"}),
    # P&H §4.2
    Case("elementwise", "max(u, v)", "u", "diag(u > v)", {"u": "vector(n)", "v": "vector(n)"}),
    # DL §6.3.1: max(0, z) is relu
    Case("elementwise", "max(0, W x)", "x", "diag(W x > 0) W",
         {"W": "matrix(m,n)", "x": "vector(n)"}),
    # the largest entry: ∂ max(z) / ∂z = e_{argmax z}ᵀ (ties split, jax.grad of jnp.max)
    # (known sizes: SymPy writes them with the entries, Max(x₁, …))
    Case("elementwise", "max(W x)", "x", "ismax(W x)ᵀ W", {"W": "matrix(3,2)", "x": "vector(2)"}),
    Case("elementwise", "min(X)", "X", "ismin(X)ᵀ", {"X": "matrix(2,3)"}),
    Case("elementwise", "ismax(x)' y", "y", "ismax(x)ᵀ", {"x": "vector(3)", "y": "vector(3)"}),
    Case("elementwise", "y' ismin(x)", "y", "ismin(x)ᵀ", {"x": "vector(3)", "y": "vector(3)"}),
    # subgradient convention
    Case("elementwise", "abs(x)", "x", "diag(sign(x))", {"x": "vector(n)"}),
    # DL §3.10 (softplus)
    Case("elementwise", "softplus(W x)", "x", "diag(σ(W x)) W",
         {"W": "matrix(m,n)", "x": "vector(n)"}),
    # P&H §4.2
    Case("elementwise", "tan(x)", "x", "diag(1 + tan(x).^2)", {"x": "vector(n)"},
         {"x": "uniform(-0.5,0.5)"}),
    # P&H §4.2
    Case("elementwise", "cos(x)", "x", "-diag(sin(x))", {"x": "vector(n)"}),
    # subgradient convention
    Case("elementwise", "sign(x)", "x", "0", {"x": "vector(n)"}),
    # diag(x) y = x ⊙ y
    Case("elementwise", "diag(x) y", "x", "diag(y)", {"x": "vector(n)", "y": "vector(n)"}),
    # P&H §4.3 (scalar expansion)
    Case("elementwise", "x + c", "c", "𝟏", {"x": "vector(n)", "c": "scalar"}),
    # P&H §4.3
    Case("elementwise", "c x", "c", "x", {"x": "vector(n)", "c": "scalar"}),
    # relu written out
    Case("elementwise", "sum((x > 0) .* x)", "x", "(x > 0)ᵀ", {"x": "vector(n)"}),

    # -- softmax, logsumexp, cross-entropy (DL §6.2.2.3; PRML §4.3.4) -------------------------
    # DL §6.2.2.3
    Case("softmax", "softmax(x)", "x", "diag(softmax(x)) - softmax(x) softmax(x)ᵀ",
         {"x": "vector(n)"}),
    # DL §6.2.2.3, chain rule
    Case("softmax", "softmax(W x + b)", "x",
         "(diag(softmax(W x + b)) - softmax(W x + b) softmax(W x + b)ᵀ) W",
         {"W": "matrix(m,n)", "x": "vector(n)", "b": "vector(m)"}),
    # DL §4.1 (logsumexp)
    Case("softmax", "logsumexp(x)", "x", "softmax(x)ᵀ", {"x": "vector(n)"}),
    # logsumexp written out
    Case("softmax", "log(sum(exp(x)))", "x", "softmax(x)ᵀ", {"x": "vector(n)"}),
    # DL §4.1 (logsumexp), chain rule
    Case("softmax", "logsumexp(W x + b)", "x", "softmax(W x + b)ᵀ W",
         {"W": "matrix(m,n)", "x": "vector(n)", "b": "vector(m)"}),
    # DL §4.1 (logsumexp), chain rule
    Case("softmax", "logsumexp(W x + b)", "W", "x softmax(W x + b)ᵀ",
         {"W": "matrix(m,n)", "x": "vector(n)", "b": "vector(m)"}),
    # PRML (4.109)
    Case("softmax", "-y' log(softmax(W x))", "x", "(sum(y) softmax(W x) - y)ᵀ W",
         {"W": "matrix(m,n)", "x": "vector(n)", "y": "vector(m)"}),
    # PRML (4.109)
    Case("softmax", "-y' log(softmax(W x))", "W", "x (sum(y) softmax(W x) - y)ᵀ",
         {"W": "matrix(m,n)", "x": "vector(n)", "y": "vector(m)"}),
    # the softmax of each row (a batch of samples); by Z: tests/test_softmax_rows.py
    Case("softmax", "tr(G' softmax_rows(Z))", "G", "softmax_rows(Z)'",
         {"G": "matrix(m,n)", "Z": "matrix(m,n)"}),
    # logsumexp of each row: its gradient is the softmax of each row
    Case("softmax", "sum(logsumexp_rows(Z))", "Z", "softmax_rows(Z)'", {"Z": "matrix(m,n)"}),
    # batch cross-entropy, rows of Y not assumed to sum to 1 (PRML (4.109) by rows)
    Case("softmax", "-sum(Y .* log_softmax_rows(Z))", "Z",
         "(softmax_rows(Z) .* (Y ones ones') - Y)'", {"Y": "matrix(m,n)", "Z": "matrix(m,n)"}),
    # PRML (4.106), Σ y ≠ 1 allowed
    Case("softmax", "-y' log(softmax(z))", "z", "(sum(y) softmax(z) - y)ᵀ",
         {"z": "vector(n)", "y": "vector(n)"}),
    # PRML (4.109), bias
    Case("softmax", "-y' log(softmax(W x + b))", "b", "(sum(y) softmax(W x + b) - y)ᵀ",
         {"W": "matrix(m,n)", "x": "vector(n)", "y": "vector(m)", "b": "vector(m)"}),
    # PRML (4.109)
    Case("softmax", "logsumexp(W x) - y' W x", "W", "x (softmax(W x) - y)ᵀ",
         {"W": "matrix(m,n)", "x": "vector(n)", "y": "vector(m)"}),
    # PRML (4.109)
    Case("softmax", "logsumexp(W x) - y' W x", "x", "(softmax(W x) - y)ᵀ W",
         {"W": "matrix(m,n)", "x": "vector(n)", "y": "vector(m)"}),
    # Σ softmax = 1
    Case("softmax", "sum(softmax(x))", "x", "0", {"x": "vector(n)"}),
    # layer normalisation y = c / s, c = x − mean(x) 𝟏, s = sqrt(mean(c.^2) + ε): dy = (P − y yᵀ
    # / n) dx / s, P = I − 𝟏 𝟏ᵀ / n (Ba, Kiros & Hinton 2016, without gain and bias)
    Case("softmax", "layernorm(x, e)", "x",
         "(I - ones ones' / n - layernorm(x, e) layernorm(x, e)' / n) / "
         "sqrt(mean((x - mean(x)).^2) + e)", {"x": "vector(n)", "e": "scalar"}, {"e": "positive"}),
    # ∂y/∂ε = −y / (2 s²)
    Case("softmax", "layernorm(x, e)", "e", "-layernorm(x, e) / (2 (mean((x - mean(x)).^2) + e))",
         {"x": "vector(n)", "e": "scalar"}, {"e": "positive"}),
    # each row: (g − mean(g) 𝟏 − y mean(g ⊙ y)) / s, here transposed (numerator layout)
    Case("softmax", "sum(layernorm_rows(X, e) .* G)", "X",
         "(diag(1 ./ sqrt((X - X ones ones' / n).^2 ones / n + e)) (G - G ones ones' / n - "
         "layernorm_rows(X, e) .* ((G .* layernorm_rows(X, e)) ones ones') / n))'",
         {"X": "matrix(m,n)", "G": "matrix(m,n)", "e": "scalar"}, {"e": "positive"}),

]
