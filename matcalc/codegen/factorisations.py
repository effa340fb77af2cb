"""Code for chol(S), solve(A, B), pinv(X) and Φ(M) = tril_half(M) (core/factorisations.py), per
backend.

- chol: numpy/jax/torch's cholesky (the lower factor).
- solve(A, B): the emitter's solves (codegen/solves.py: one LU or Cholesky factorisation of A
  shared by its solves; scipy.linalg.cho_solve when A is declared spd); a solve with a Cholesky
  factor L = chol(S) (L⁻¹ B, L⁻ᵀ B, from inverses of L in products) is a triangular solve, and
  a solve with S whose factor chol(S) the code computes anyway is two.
- pinv: X⁺ = R⁻¹ Qᵀ from the thin QR X = Q R by a triangular solve, as evaluate computes it
  ((XᵀX)⁻¹Xᵀ for X of full column rank; the libraries' SVD pinv truncates small singular
  values instead); of a column vector x, xᵀ / (xᵀ x).
- Φ(M): tril(M) − diag(diag(M)) / 2.
"""
from __future__ import annotations

from ..core.expr import Expr

TEMPLATES = {
    "numpy": {
        "qr": "np.linalg.qr({0})", "pinv": "scipy.linalg.solve_triangular({0}[1], {0}[0].T)",
        "tril_half": "np.tril({0}) - np.diag(np.diag({0})) / 2",
        "solve_lower": "scipy.linalg.solve_triangular({0}, {1}, lower=True)",
        "solve_lower_T": "scipy.linalg.solve_triangular({0}, {1}, lower=True, trans='T')"},
    "jax": {
        "qr": "jnp.linalg.qr({0})", "pinv": "jax.scipy.linalg.solve_triangular({0}[1], {0}[0].T)",
        "tril_half": "jnp.tril({0}) - jnp.diag(jnp.diag({0})) / 2",
        "solve_lower": "jax.scipy.linalg.solve_triangular({0}, {1}, lower=True)",
        "solve_lower_T": "jax.scipy.linalg.solve_triangular({0}, {1}, lower=True, trans='T')"},
    "torch": {
        "qr": "torch.linalg.qr({0})",
        "pinv": "torch.linalg.solve_triangular({0}[1], {0}[0].T, upper=True)",
        "tril_half": "torch.tril({0}) - torch.diag(torch.diag({0})) / 2",
        "solve_lower": "_solve_lower({0}, {1}, False)",
        "solve_lower_T": "_solve_lower({0}, {1}, True)"},
}
HELPERS = {
    "numpy": {}, "jax": {},
    "torch": {"_solve_lower": (
        "def _solve_lower(l, b, transposed):  # L⁻¹ b or L⁻ᵀ b, L lower triangular\n"
        "    m = b[:, None] if b.ndim == 1 else b\n"
        "    x = torch.linalg.solve_triangular(l.T if transposed else l, m, "
        "upper=transposed)\n"
        "    return x[:, 0] if b.ndim == 1 else x")},
}


def _spell(emitter, key: str, *operands: str) -> str:
    return TEMPLATES[emitter.backend.name][key].format(*operands)


def triangular_solve(emitter, x: Expr, rhs: str, transposed: bool,
                     factor: Expr | None = None) -> str:
    """L⁻¹ rhs (L⁻ᵀ rhs when `transposed`) for x = L = chol(S) by a triangular solve; for x = S
    with its factor L = chol(S) computed anyway, S⁻¹ rhs = L⁻ᵀ (L⁻¹ rhs) by two."""
    if factor is not None:
        lower = emitter.value(factor).code
        half = emitter.let(_spell(emitter, "solve_lower", lower, rhs))
        return _spell(emitter, "solve_lower_T", lower, half)
    key = "solve_lower_T" if transposed else "solve_lower"
    return _spell(emitter, key, emitter.value(x).code, rhs)


def factorisation_code(emitter, node: Expr) -> str:
    """The code of chol(S), solve(A, B), pinv(X) or Φ(M) in the emitter's backend."""
    args = [emitter.value(a).code for a in node.args]
    if node.op == "chol":
        return emitter.spell("cholesky", args[0])
    if node.op == "solve":
        return emitter.solves.solve(node.args[0], args[1], False)
    if node.op == "pinv" and not node.arg.shape.is_matrix:  # x⁺ = xᵀ / (xᵀ x)
        return f"{args[0]} / ({emitter.spell('matmul', args[0], args[0])})"
    if node.op == "pinv":  # R⁻¹ Qᵀ
        return _spell(emitter, "pinv", emitter.let(_spell(emitter, "qr", args[0])))
    return _spell(emitter, node.op, args[0])
