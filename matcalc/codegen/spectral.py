"""Code for the spectral functions (core/spectral.py), per backend: one decomposition per
argument, shared by every use of it.

An argument whose vectors some node uses (eigvecs, eigvec_max, svecs_left, polar, ...) is
decomposed once by `_eigh` (np.linalg.eigh, jnp.linalg.eigh, torch.linalg.eigh) or `_svd` (the
thin SVD: svd(full_matrices=False), torch.linalg.svd(full_matrices=False)), the vectors signed as
evaluate signs them (each eigenvector's, each left singular vector's entry of largest magnitude
positive, the right one following); an argument of which only values are used gets the values
alone (eigvalsh, svd(compute_uv=False), torch.linalg.svdvals). The decomposition is a tuple:
(λ ascending, V) or (U, σ descending, V); each op's value from it, or from the values alone, is
its declaration's `code`.
"""
from __future__ import annotations

from ..core.expr import Expr, postorder
from ..core.spectral import SPECTRAL, SYMMETRIC, needed_for_vectors
from ..domain import CONDITIONS, PREMISES
from ..render import UNICODE
from .conditions import checked

_SIGNS = {
    "numpy": "def _signs(v):  # +1 or -1 per column: its entry of largest magnitude positive\n"
             "    s = np.sign(v[np.abs(v).argmax(axis=0), np.arange(v.shape[1])])\n"
             "    return np.where(s == 0, 1.0, s)",
    "jax": "def _signs(v):  # +1 or -1 per column: its entry of largest magnitude positive\n"
           "    s = jnp.sign(v[jnp.abs(v).argmax(axis=0), jnp.arange(v.shape[1])])\n"
           "    return jnp.where(s == 0, 1.0, s)",
    "torch": "def _signs(v):  # +1 or -1 per column: its entry of largest magnitude positive\n"
             "    s = torch.sign(v[v.abs().argmax(dim=0), torch.arange(v.shape[1])])\n"
             "    return torch.where(s == 0, torch.ones_like(s), s)",
}
_LIBRARY = {"numpy": "np.linalg", "jax": "jnp.linalg", "torch": "torch.linalg"}
_VALUES = {  # (eigenvalues, singular values) alone
    "numpy": ("np.linalg.eigvalsh({0})", "np.linalg.svd({0}, compute_uv=False)"),
    "jax": ("jnp.linalg.eigvalsh({0})", "jnp.linalg.svd({0}, compute_uv=False)"),
    "torch": ("torch.linalg.eigvalsh({0})", "torch.linalg.svdvals({0})"),
}


def _helpers(backend: str) -> dict[str, str]:
    library = _LIBRARY[backend]
    transpose = ".mH" if backend == "torch" else ".T"
    return {
        "_signs": _SIGNS[backend],
        "_eigh": f"def _eigh(s):  # λ ascending, V signed\n"
                 f"    lam, v = {library}.eigh(s)\n    return lam, v * _signs(v)",
        "_svd": f"def _svd(x):  # the thin SVD: U, σ descending, V, signed\n"
                f"    u, s, vt = {library}.svd(x, full_matrices=False)\n"
                f"    signs = _signs(u)\n    return u * signs, s, vt{transpose} * signs",
    }


HELPERS = {backend: _helpers(backend) for backend in _LIBRARY}

def vectors_used(roots: list[Expr]) -> set[Expr]:
    """The arguments of spectral functions whose eigenvectors or singular vectors some node of
    `roots` uses (they are decomposed in full; the others' values alone are computed)."""
    return {n.arg for root in roots for n in postorder(root)
            if n.op in SPECTRAL and SPECTRAL[n.op].vectors}


def spectral_code(emitter, node: Expr) -> str:
    """The code of a spectral function of node.arg, from its one shared decomposition."""
    f, x = SPECTRAL[node.op], node.arg
    backend = emitter.backend.name
    full = x in emitter.decomposed
    key = (x, f.argument == SYMMETRIC)
    if key not in emitter.decompositions:
        argument = emitter.value(x).code
        premise = PREMISES[node.op](node, UNICODE) if node.op in PREMISES else None
        if premise:  # S is symmetric (unless it is by its structure)
            argument = checked(emitter, argument, "_symmetric({0})", node, premise)
        code = (f"_eigh({argument})" if f.argument == SYMMETRIC else f"_svd({argument})") \
            if full else _VALUES[backend][f.argument != SYMMETRIC].format(argument)
        emitter.decompositions[key] = emitter.let(code)
    decomposition = emitter.decompositions[key]
    needed = needed_for_vectors(f)
    if needed:
        decomposition = checked(emitter, decomposition, _unique(needed, f.argument), node,
                                CONDITIONS[node.op](node, UNICODE))
    return f.code[0 if full else 1].format(decomposition)


def _unique(needed: tuple[str, ...], argument: str) -> str:
    """The check, over a decomposition {0}, that its values are as `needed` (simple anywhere,
    at the top or bottom, full rank) for the vectors to be unique."""
    values = "{0}[0]" if argument == SYMMETRIC else "{0}[1]"
    return " & ".join(f"_full_rank({values})" if which == "rank" else
                      f"_simple({values}, {which!r})" for which in needed)
