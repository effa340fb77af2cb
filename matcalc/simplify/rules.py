"""The simplification rules: each a named identity that does not lengthen the expression (but
for spelling 𝟏ᵀ v as sum(v), as textbooks do, for tr(A ⊗ B) = tr(A) tr(B) and
sum(A ⊗ B) = sum(A) sum(B), which take the factors apart, and for (diag(d) A) ⊙ B =
diag(d) (A ⊙ B), whose parentheses let a sum's common diag(d) be factored out).

A rule has a head operator, a function returning the rewritten node (or None when it does not
apply) and an `example`: a derivative (expression, variable, declarations) whose simplification
uses the rule in at least one layout, so that tests/test_simplify.py checks every rule
numerically where it fires. The functions live by family in products.py, sums.py,
functions.py and reductions.py. Local canonicalisation (flattening, like terms, I·A = A, ...)
is not here: the smart constructors in core.build always do it.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..core.expr import Expr
from ..core.matrix_scalars import MATRIX_SCALARS
from . import functions as fn
from . import matrix_functions as mf
from . import products as pr
from . import reductions as rd
from . import structured as st
from . import sums as su

Example = tuple[str, str, dict[str, str]]


@dataclass(frozen=True)
class Rule:
    name: str
    head: str
    apply: Callable[[Expr], Expr | None]
    identity: str
    example: Example
    shorter_only: bool = False  # keep a rewrite only if its printed form is not longer
    shown: bool = False  # only in the form shown (engine.shown_form), not in `simplify`


RULES: tuple[Rule, ...] = (
    Rule("power-of-power", "mpow", pr.power_of_power, "(Xᵃ)ᵇ = Xᵃᵇ, a and b integers",
         ("tr((X^3)^4)", "X", {})),
    Rule("orthogonal-product", "mul", pr.orthogonal_product,
         "Qᵀ Q = Q Qᵀ = I, Q declared orthogonal(n)",
         ("tr(Q' A Q)", "Q", {"Q": "orthogonal(n)", "A": "matrix(n,n)"})),
    Rule("diagonal-selection", "mul", st.diagonal_selection,
         "U (A ⊗ B) U = diag(vec(A ⊙ B)), U = diag(vec(I)), A or B diagonal",
         ("diag(diag(inv(D)))", "D", {"D": "diagonal(n)"})),
    Rule("lower-selection", "mul", st.lower_selection,
         "L K (Aᵀ ⊗ B) L = diag(vec(Aᵀ ⊙ B)), L = diag(vec(tril(𝟏 𝟏ᵀ))), A and B lower "
         "triangular", ("tril(inv(L)')", "L", {"L": "lowertri(n)"})),
    Rule("commutation-involution", "mul", st.commutation_involution,
         "K (K + I) = (K + I) K = K + I, (K + I)² = 2 (K + I), K K = I, K² = I in a factor, "
         "K = K_{n,n}",
         ("(S + A)'", "S", {"S": "symmetric(n)", "A": "matrix(n,n)"})),
    Rule("commuting-kron", "mul", st.commuting_kron,
         "K (A ⊗ A) K = A ⊗ A, (K + I) (A ⊗ A) (K + I) = 2 (A ⊗ A) (K + I) (and for "
         "A ⊗ B + B ⊗ A): K (A ⊗ B) K = B ⊗ A, K² = I", ("chol(S)", "S", {"S": "spd"})),
    Rule("ones-row-diag", "mul", pr.ones_row_diag, "𝟏ᵀ diag(v) = vᵀ",
         ("sum(w .* x)", "x", {})),
    Rule("diag-diag", "mul", pr.diag_diag, "diag(a) diag(c) = diag(a ⊙ c)",
         ("diag(a) diag(c) x", "x", {"a": "vector", "c": "vector"})),
    Rule("diag-times-vector", "mul", pr.diag_vector, "diag(a) B c = a ⊙ (B c); diag(a) 𝟏 = a",
         ("y' tanh(x)", "x", {}), shorter_only=True),
    Rule("row-diag", "mul", pr.row_diag, "vᵀ diag(u) = (u ⊙ v)ᵀ",
         ("x' diag(a) x", "x", {"a": "vector"}), shorter_only=True),
    Rule("transposed-sum-factor", "mul", pr.transposed_sum_factor, "(Aᵀ − Bᵀ) C = (A − B)ᵀ C",
         ("sum(exp(X w) - y .* (X w))", "w", {})),
    Rule("ones-sum", "mul", pr.ones_sum, "𝟏ᵀ v = vᵀ 𝟏 = sum(v)",
         ("-y' log(softmax(z))", "z", {})),
    Rule("ones-inner", "mul", pr.ones_inner, "𝟏ᵀ 𝟏 = n",
         ("(ones_n' ones_n) x", "x", {"x": "vector(n)"})),
    Rule("ones-outer-hadamard", "hadamard", pr.ones_outer_hadamard, "(𝟏 𝟏ᵀ) ⊙ A = A, 𝟏 ⊙ v = v",
         ("sum(A .* X)", "X", {})),
    Rule("diag-out-of-hadamard", "hadamard", pr.diag_out_of_hadamard,
         "(diag(d) A) ⊙ B = diag(d) (A ⊙ B)", ("sum(layernorm_rows(X) .* G)", "X", {})),
    Rule("inverse-of-product", "mul", pr.inverse_of_product, "(A B)⁻¹ = B⁻¹ A⁻¹, A and B square",
         ("logdet(A X)", "X", {"A": "matrix(n,n)", "X": "matrix(n,n)"}), shorter_only=True),
    Rule("kron-mixed-product", "mul", pr.kron_mixed_product, "(A ⊗ B)(C ⊗ D) = A C ⊗ B D",
         ("(A X)' y", "X", {})),
    Rule("kron-factor", "add", pr.kron_factor,
         "(I ⊗ B) C + A ⊗ B = (I ⊗ B) (C + A ⊗ I), and on the right",
         ("layernorm_rows(X)", "X", {}), shorter_only=True),
    Rule("kron-factor-through", "add", pr.kron_factor_through,
         "C (L ⊗ R) + (A L) ⊗ (B R) = (C + A ⊗ B) (L ⊗ R), and on the left",
         ("layernorm_rows(X W)", "W", {}), shorter_only=True),
    Rule("kron-commutation", "mul", pr.kron_commutation, "(aᵀ ⊗ B) K = B ⊗ aᵀ",
         ("W' x", "W", {})),
    Rule("factor-left", "add", su.factor_left, "A B + A C = A (B + C)",
         ("x' A x", "x", {}), shorter_only=True),
    Rule("factor-right", "add", su.factor_right, "B A + C A = (B + C) A",
         ("tr(exp(C) X P) + tr(exp(C) X Q)", "X", {}), shorter_only=True),
    Rule("factor-hadamard", "add", su.factor_hadamard, "A ⊙ B + A ⊙ C = A ⊙ (B + C)",
         ("tr(G' softmax_rows(Z))", "Z", {})),
    Rule("inner-product-transpose", "add", su.inner_product_transpose,
         "(wᵀ x) A + (xᵀ w) B = (wᵀ x) A + (wᵀ x) B: uᵀ v = vᵀ u, uᵀ A v = vᵀ Aᵀ u",
         ("w' x x' w", "x", {"w": "vector", "x": "vector"}), shorter_only=True),
    Rule("inner-product-factor", "add", su.inner_product_factor,
         "(aᵀ x) bᵀ + (xᵀ b) aᵀ = xᵀ (a bᵀ + b aᵀ), (aᵀ x) b + (xᵀ b) a = (b aᵀ + a bᵀ) x",
         ("a' x x' b", "x", {"a": "vector", "b": "vector", "x": "vector"}), shorter_only=True),
    Rule("factor-scalars", "add", su.factor_scalars, "a B / q + a C / q = a (B + C) / q",
         ("log(x' A x)", "x", {})),
    Rule("common-denominator", "add", su.common_denominator,
         "a / u + b / u² = (a u + b) / u², multiplied out: 1 / u − 2 x² / u² = (1 − x²) / u²",
         ("x / (1 + x^2)", "x", {"x": "scalar"}), shorter_only=True, shown=True),
    Rule("common-number", "mul", su.common_number, "c (2 A + 2 B) = 2 c (A + B)",
         ("(x' A x)^2", "x", {})),
    Rule("common-number-elementwise", "hadamard", su.common_number,
         "P ⊙ (2 A + 2 B) = 2 (P ⊙ (A + B))",
         ("S = Q K'; P = softmax_rows(S); norm2(P V - T)^2", "Q", {})),
    Rule("number-out-of-sum", "add", su.number_out_of_sum, "A / 2 + B / 2 = (A + B) / 2",
         ("sqrt(x' A x)", "x", {}), shorter_only=True),
    Rule("negate-difference", "mul", su.negate_difference, "−c F(a − b) = c F(b − a), F linear",
         ("sum((y - X w) .^ 2)", "w", {})),
    Rule("distribute-number", "mul", su.distribute_number, "c (a + d x) = c a + c d x",
         ("9*(x + x^2)", "x", {"x": "scalar"}), shorter_only=True),
    Rule("expand-products", "add", su.expand_products, "y ⊙ (1 − s) − (1 − y) ⊙ s = y − s",
         ("s = sigmoid(X w); -sum(y .* log(s) + (1 - y) .* log(1 - s))", "w", {}),
         shorter_only=True),
    Rule("transposes-of-sum", "add", su.transposes_of_sum, "Aᵀ + Bᵀ = (A + B)ᵀ",
         ("s = sigmoid(X w); -sum(y .* log(s) + (1 - y) .* log(1 - s))", "w", {}),
         shorter_only=True),
    Rule("softplus", "log", fn.log_one_plus_exp, "log(1 + exp(v)) = softplus(v)",
         ("sum(log(1 + exp(-y .* (X w))))", "w", {})),
    Rule("logistic", "pow", fn.reciprocal_one_plus_exp, "(1 + exp(v)).^−k = σ(−v).^k",
         ("sum(1 ./ (1 + exp(-x)))", "x", {})),
    Rule("zero-one-power", "pow", fn.zero_one_power, "I.^k = I, 𝟏.^k = 𝟏 (k > 0)",
         ("tr(eye .* X)", "X", {})),
    Rule("sign-over-abs", "mul", fn.sign_over_abs, "sign(u) / |u| = 1 / u",
         ("log(abs(a))", "a", {"a": "scalar"})),
    Rule("sign-over-abs-elementwise", "hadamard", fn.sign_over_abs, "sign(u) ⊘ |u| = 1 ⊘ u",
         ("log(abs(x))", "x", {})),
    Rule("clip-indicator", "hadamard", fn.clip_indicator, "(δ > u) ⊙ (min(u, δ) > −δ) = (δ > |u|)",
         ("max(min(A x - y, 1), -1)", "x", {})),
    Rule("clip-indicator-scalar", "mul", fn.clip_indicator, "(δ > u) (min(u, δ) > −δ) = (δ > |u|)",
         ("max(min(a, d), -d)", "a", {"a": "scalar", "d": "scalar"})),
    Rule("exp-sigmoid", "hadamard", fn.exp_times_sigmoid, "exp(v) ⊙ σ(−v) = σ(v)",
         ("exp(x) ./ (1 + exp(x))", "x", {})),
    Rule("exp-sigmoid-scalar", "mul", fn.exp_times_sigmoid, "exp(v) σ(−v) = σ(v)",
         ("exp(a) / (1 + exp(a))", "a", {"a": "scalar"})),
    *(Rule(f"{s.name}-transpose", s.name, rd.of_transpose, s.of_transpose,
           (f"{s.name}(X')", "X", {})) for s in MATRIX_SCALARS.values() if s.of_transpose),
    *(Rule(f"{s.name}-inverse", s.name, rd.of_inverse, s.of_inverse[0],
           (f"{s.name}(inv(X))", "X", {})) for s in MATRIX_SCALARS.values() if s.of_inverse),
    Rule("trace-transpose", "tr", rd.of_transpose, "tr(Xᵀ) = tr(X)",
         ("tr(X')", "X", {})),
    Rule("sum-transpose", "sum", rd.of_transpose, "sum(Xᵀ) = sum(X)",
         ("sum(X')", "X", {})),
    Rule("trace-kron", "tr", rd.of_kron, "tr(A ⊗ B) = tr(A) tr(B), A and B square",
         ("tr(kron(X, A))", "X", {"X": "matrix(n,n)", "A": "matrix(m,m)"})),
    Rule("sum-kron", "sum", rd.of_kron, "sum(A ⊗ B) = sum(A) sum(B)",
         ("sum(kron(X, A))", "X", {})),
    Rule("sum-softmax", "sum", rd.sum_of_softmax, "sum(softmax(u)) = 1, sum(softmax_rows(Z)) = m_Z",
         ("sum(softmax(u)) * a", "a", {"a": "scalar"})),
    *(Rule(f"{name}-of-one-column", name, rd.of_one_column, identity, example)
      for name, identity, example in (
          ("softmax_rows", "softmax_rows(z) = 𝟏 for z of one column",
           ("tr(G' softmax_rows(Z))", "Z", {"Z": "matrix(n,1)", "G": "matrix(n,1)"})),
          ("log_softmax_rows", "log_softmax_rows(z) = 0 for z of one column",
           ("sum(Y .* log_softmax_rows(Z))", "Z", {"Z": "matrix(n,1)", "Y": "matrix(n,1)"})),
          ("logsumexp_rows", "logsumexp_rows(z) = z for z of one column",
           ("sum(logsumexp_rows(Z) .* y)", "Z", {"Z": "matrix(n,1)", "y": "vector(n)"})),
          ("layernorm_rows", "layernorm_rows(z, ε) = 0 for z of one column",
           ("tr(G' layernorm_rows(Z))", "Z", {"Z": "matrix(n,1)", "G": "matrix(n,1)"})))),
    Rule("log-softmax", "log", rd.log_of_softmax, "log(softmax(u)) = logsoftmax(u), by rows too",
         ("-y' log(softmax(z))", "z", {})),
    Rule("log-abs-det", "log", rd.log_of_abs_det, "log|det X| = logdet(X)",
         ("log(abs(det(X)))", "X", {})),
    Rule("half-logdet-cholesky", "sum", rd.half_logdet_of_cholesky,
         "sum(log(diag(chol(S)))) = logdet(S) / 2, S symmetric positive definite",
         ("2 sum(log(diag(chol(S))))", "S", {"S": "spd"})),
    Rule("frechet-commuting", "frechet", mf.frechet_of_commuting,
         "L_f(X, E) = E f′(X) when E commutes with X (E = I, A with X = t A, a function of X)",
         ("tr(expm(X))", "X", {})),
    Rule("trace-frechet", "tr", mf.trace_of_frechet, "tr(L_f(X, E)) = tr(f′(X) E)",
         ("tr(expm(X + t B))", "t", {"t": "scalar"})),
    Rule("frechet-sum", "add", mf.sum_of_frechet, "L_f(X, E₁) + L_f(X, E₂) = L_f(X, E₁ + E₂)",
         ("tr(A expm(S))", "S", {"S": "symmetric"})),
    Rule("log-sum-exp", "log", rd.log_of_sum_exp, "log(Σ exp(u)) = logsumexp(u)",
         ("log(sum(exp(u)))", "u", {})),
    Rule("daleckii-krein", "frechet", mf.daleckii_krein,
         "L_f(S, E) = Q (F ⊙ (Qᵀ E Q)) Qᵀ, Q = eigbasis(S), F = divdiff_f(eigvals(S)), "
         "S symmetric", ("u' expm(S) v", "S", {"S": "symmetric"}), shown=True),
)
