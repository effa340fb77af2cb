"""Code for the factorisations and solves (core/factorisations.py), per backend, from their
declarations' code facets.

- its `code`: steps over the arguments' code (chol: the library's Cholesky; pinv:
  X⁺ = R⁻¹ Qᵀ from the thin QR X = Q R by a triangular solve, as evaluate computes it, not the
  libraries' SVD pinv, which truncates small singular values; Φ(M): tril(M) − diag(diag(M))/2),
  its first step's value checked where it `holds` (codegen/conditions.py); its `vector_code`
  at a vector argument (pinv(x) = xᵀ / (xᵀ x));
- `solves_first` (solve(A, B)): the emitter's solves (codegen/solves.py: one LU or Cholesky
  factorisation of A shared by its solves; scipy.linalg.cho_solve when A is declared spd);
- `lower_factor` (chol): a solve with L = chol(S) (L⁻¹ B, L⁻ᵀ B, from inverses of L in
  products) is a triangular solve, and a solve with S whose factor L the code computes anyway
  is two.
"""
from __future__ import annotations

from ..core.expr import Expr
from ..core.factorisations import FACTORISATIONS
from ..domain import CONDITIONS
from ..render import UNICODE
from .conditions import checked

TEMPLATES = {
    "numpy": {
        "solve_lower": "scipy.linalg.solve_triangular({0}, {1}, lower=True)",
        "solve_lower_T": "scipy.linalg.solve_triangular({0}, {1}, lower=True, trans='T')"},
    "jax": {
        "solve_lower": "jax.scipy.linalg.solve_triangular({0}, {1}, lower=True)",
        "solve_lower_T": "jax.scipy.linalg.solve_triangular({0}, {1}, lower=True, trans='T')"},
    "torch": {
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
LOWER_FACTORS = frozenset(f.name for f in FACTORISATIONS.values() if f.lower_factor)


def _spell(emitter, key: str, *operands: str) -> str:
    return TEMPLATES[emitter.backend.name][key].format(*operands)


def triangular_solve(emitter, x: Expr, rhs: str, transposed: bool,
                     factor: Expr | None = None) -> str:
    """L⁻¹ rhs (L⁻ᵀ rhs when `transposed`) for x = L a lower factor (chol(S)) by a triangular
    solve; for x = S with its factor L computed anyway, S⁻¹ rhs = L⁻ᵀ (L⁻¹ rhs) by two."""
    if factor is not None:
        lower = emitter.value(factor).code
        half = emitter.let(_spell(emitter, "solve_lower", lower, rhs))
        return _spell(emitter, "solve_lower_T", lower, half)
    key = "solve_lower_T" if transposed else "solve_lower"
    return _spell(emitter, key, emitter.value(x).code, rhs)


def factorisation_code(emitter, node: Expr) -> str:
    """The code of a factorisation or solve (chol(S), solve(A, B), pinv(X), Φ(M)) in the
    emitter's backend, its first step refused where its condition fails."""
    declared = FACTORISATIONS[node.op]
    args = [emitter.value(a).code for a in node.args]
    if declared.solves_first:
        return emitter.solves.solve(node.args[0], args[1], False, node)
    if declared.vector_code and not node.arg.shape.is_matrix:
        return declared.vector_code.format(*args)
    backend = emitter.backend.name
    first, *rest = declared.code[backend]
    code = first.format(*args)
    sentence = CONDITIONS[node.op](node, UNICODE) if declared.holds else None
    if sentence:
        code = checked(emitter, code, declared.holds[backend], node, sentence)
    for step in rest:
        code = step.format(emitter.let(code))
    return code
