"""Code for the matrix functions expm, logm, sqrtm, their Fréchet derivatives L_f(X, E) and
the matrices J_f(X) of E ↦ L_f(X, E) (core/matrix_functions.py), per backend.

- numpy: scipy.linalg.expm, logm, sqrtm (real, refusing an argument with an eigenvalue on the
  closed negative real axis, found by np.linalg.eigvals, as evaluate does), expm_frechet; L_log
  by the block identity log([[X, E], [0, X]]) = [[log X, L_log(X, E)], [0, log X]]; L_sqrt by
  S L + L S = E (scipy.linalg.solve_sylvester with S = sqrtm(X)).
- jax: jax.scipy.linalg.expm, expm_frechet and solve_sylvester (L_sqrt); sqrtm by the scaled
  Denman–Beavers iteration and logm by inverse scaling and squaring (codegen/matrix_roots.py,
  under jax.jit by lax.while_loop, differentiable by jax.grad through their adjoints), L_log by
  the block identity.
- torch: torch.linalg.matrix_exp, and L_exp by the block identity; sqrtm and logm as in jax
  (codegen/matrix_roots.py), L_log and L_sqrt by the block identity.
J_f(X) is built column by column: column k is vec L_f(X, Eₖ) for the k-th unit matrix Eₖ.
L_exp(X, E) with X symmetric by its structure (a symmetric or spd variable, A + Aᵀ, ...) is the
Daleckii–Krein form Q (F ⊙ (Qᵀ E Q)) Qᵀ in every backend: one eigh, X = Q Λ Qᵀ, and the
divided differences Fᵢⱼ = (e^λᵢ − e^λⱼ)/(λᵢ − λⱼ) = e^max(λᵢ, λⱼ) (1 − e^−|λᵢ − λⱼ|)/|λᵢ − λⱼ|
(e^λᵢ where they are equal), which cannot overflow before e^λ does. The divided differences
divdiff_f(λ) are the helpers _divdiff_f their declarations give (core/matrix_functions.py), the
same code over np, jnp or torch.
"""
from __future__ import annotations

from ..core.expr import Expr
from ..core.matrix_functions import BRANCH_CUT, DIVIDED, MATRIX_FUNCTIONS
from ..core.structural import is_symmetric
from ..errors import UnsupportedError
from .matrix_roots import JAX_HELPERS as JAX_ROOTS
from .matrix_roots import TORCH_HELPERS as TORCH_ROOTS
from .matrix_roots import refuse_cut

_CUT_CHECK = (
    "    if np.iscomplexobj(value):  # the principal value is real off the closed negative axis\n"
    "        if np.abs(value.imag).max() > 1e-8 * np.abs(value).max(initial=1.0):\n"
    "            raise ValueError('{0}(X): X has an eigenvalue on the closed negative real "
    "axis')\n"
    "        value = value.real\n"
    "    return value")

_EXP_SYMMETRIC = (
    "def _frechet_exp_symmetric(x, e):  # L_exp(X, E) = Q (F ⊙ (Qᵀ E Q)) Qᵀ, X = Q Λ Qᵀ\n"
    "    lam, q = {m}.linalg.eigh(x)\n"
    "    gap = {m}.abs(lam[:, None] - lam[None, :])\n"
    "    ratio = -{m}.expm1(-gap) / {m}.where(gap == 0, 1.0, gap)  # (1 - e^-gap) / gap\n"
    "    top = {m}.exp({m}.maximum(lam[:, None], lam[None, :]))\n"
    "    f = top * {m}.where(gap == 0, 1.0, ratio)  # (e^λi - e^λj) / (λi - λj)\n"
    "    return q @ (f * (q.T @ e @ q)) @ q.T")


def _exp_symmetric(module: str) -> str:
    """The helper _frechet_exp_symmetric over `module` (np, jnp or torch)."""
    return _EXP_SYMMETRIC.format(m=module)


def _real_value(f) -> str:
    """The numpy helper _f computing f(X) by scipy.linalg, refusing a value that is not real
    (for f defined off a branch cut: logm, sqrtm)."""
    return (f"def _{f.name}(x):\n    _refuse_cut('{f.name}', x)\n"
            f"    value = scipy.linalg.{f.name}(x)\n"
            + _CUT_CHECK.format(f.name))


_NUMPY_HELPERS = {
    "_refuse_cut": refuse_cut("np"),
    **{f"_{f.name}": _real_value(f) for f in MATRIX_FUNCTIONS.values()
       if f.condition == BRANCH_CUT},
    "_frechet_exp": "def _frechet_exp(x, e):  # L_exp(X, E)\n"
                    "    return scipy.linalg.expm_frechet(x, e, compute_expm=False)",
    "_frechet_log": "def _frechet_log(x, e):  # L_log(X, E): log([[X, E], [0, X]])'s corner\n"
                    "    n = x.shape[0]\n"
                    "    return _logm(np.block([[x, e], [np.zeros_like(x), x]]))[:n, n:]",
    "_frechet_sqrt": "def _frechet_sqrt(x, e):  # L_sqrt(X, E) solves S L + L S = E, S = √X\n"
                     "    s = _sqrtm(x)\n    return scipy.linalg.solve_sylvester(s, s, e)",
    "_frechet_exp_symmetric": _exp_symmetric("np"),
    "_frechet_matrix": "def _frechet_matrix(frechet, x):  # J with vec L(X, E) = J vec(E)\n"
                       "    n = x.shape[0]\n"
                       "    return np.stack([frechet(x, u.reshape(n, n).T).T.reshape(-1)\n"
                       "                     for u in np.eye(n * n)], axis=1)",
}
_JAX_HELPERS = {
    **JAX_ROOTS,
    "_frechet_exp": "def _frechet_exp(x, e):  # L_exp(X, E)\n"
                    "    return jax.scipy.linalg.expm_frechet(x, e, compute_expm=False)",
    "_frechet_sqrt": "def _frechet_sqrt(x, e):  # L_sqrt(X, E) solves S L + L S = E, S = √X\n"
                     "    s = _sqrtm(x)\n    return jax.scipy.linalg.solve_sylvester(s, s, e)",
    "_frechet_exp_symmetric": _exp_symmetric("jnp"),
    "_frechet_matrix": "def _frechet_matrix(frechet, x):  # J with vec L(X, E) = J vec(E)\n"
                       "    n = x.shape[0]\n"
                       "    return jnp.stack([frechet(x, u.reshape(n, n).T).T.reshape(-1)\n"
                       "                      for u in jnp.eye(n * n)], axis=1)",
}
_TORCH_HELPERS = {
    **TORCH_ROOTS,
    "_frechet_exp": "def _frechet_exp(x, e):  # L_exp(X, E): exp([[X, E], [0, X]])'s corner\n"
                    "    n = x.shape[0]\n"
                    "    top = torch.cat([x, e], dim=1)\n"
                    "    bottom = torch.cat([torch.zeros_like(x), x], dim=1)\n"
                    "    return torch.linalg.matrix_exp(torch.cat([top, bottom]))[:n, n:]",
    "_frechet_exp_symmetric": _exp_symmetric("torch"),
    "_frechet_matrix": "def _frechet_matrix(frechet, x):  # J with vec L(X, E) = J vec(E)\n"
                       "    n = x.shape[0]\n"
                       "    eye = torch.eye(n * n, dtype=torch.float64)\n"
                       "    return torch.stack([frechet(x, u.reshape(n, n).T).T.reshape(-1)\n"
                       "                        for u in eye], dim=1)",
}

HELPERS = {"numpy": _NUMPY_HELPERS, "jax": _JAX_HELPERS, "torch": _TORCH_HELPERS}
for _backend, _module in (("numpy", "np"), ("jax", "jnp"), ("torch", "torch")):
    HELPERS[_backend].update({f"_{op}": f.divided_code.format(m=_module)
                              for op, f in DIVIDED.items()})
_JACOBIAN = "_frechet_matrix({0}, {1})"  # J_f(X) column by column from L_f's function {0}


def matrix_function_code(emitter, node: Expr) -> str:
    """The code of f(X), L_f(X, E) or J_f(X) in the emitter's backend, as f's declaration
    spells it there (core/matrix_functions.py), refused where the backend has none."""
    backend = emitter.backend.name
    f = MATRIX_FUNCTIONS[node.attr("f") or node.op]
    code = f.code.get(backend, f"{backend} has no {f.name}")
    if isinstance(code, str):
        raise UnsupportedError(f"cannot generate {backend} code for {f.name}: {code}; "
                               f"the numpy backend computes it (scipy.linalg)")
    operands = [emitter.value(a).code for a in node.args]
    if node.op == f.name:
        return code.value.format(*operands)
    if len(operands) == 1:  # J_f(X)
        return _JACOBIAN.format(code.frechet, *operands)
    symmetric = code.frechet_symmetric and is_symmetric(node.args[0])  # (one eigh)
    return f"{code.frechet_symmetric if symmetric else code.frechet}({', '.join(operands)})"


def divided_code(emitter, node: Expr) -> str:
    """divdiff_f(λ) by its declared helper _divdiff_f, of λ (a 1-D array)."""
    return f"_{node.op}({emitter.value(node.arg).code})"
