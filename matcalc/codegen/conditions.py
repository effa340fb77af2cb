"""Conditions in generated code: a value computed where its operator's condition fails (the
sentence domain.py states: "X has full column rank") is refused, as `evaluate` refuses it.

Each check reuses what the code computes anyway and evaluate's tolerances, read from the
declarations: an LU or triangular factor's condition number past core/factorisations.py's
MAX_CONDITION (the condition number past which evaluate takes a matrix as singular; numpy
estimates it by LAPACK as evaluate does, torch and jax bound the factor's diagonal spread), a
failed Cholesky factorisation, a symmetric argument off by more than core/spectral.py's
SYMMETRY_TOLERANCE, eigenvalues (singular values) closer than its GAP_TOLERANCE where a vector
op needs them simple. numpy and torch raise ValueError naming the expression and the condition;
jax returns NaN for every entry of the refused value (jnp.where on the check): jax.jit traces
the function, so a Python raise cannot see the values, and jax.experimental.checkify would
change what the function returns (an error value beside it) for every caller; NaN spreads to
every result computed from the value, so a refusal is never a plausible number.
"""
from __future__ import annotations

from ..core.expr import Expr
from ..core.factorisations import MAX_CONDITION
from ..core.spectral import GAP_TOLERANCE, SYMMETRY_TOLERANCE
from ..domain import shown

_LIBRARY = {"numpy": "np", "jax": "jnp", "torch": "torch"}

_RAISING = ("def _checked(value, holds, message):  # value, refused where its condition fails\n"
            "    if not holds:\n"
            "        raise ValueError(message)\n"
            "    return value")
_NAN = ("def _checked(value, holds, message):  # value, NaN where its condition fails (jit\n"
        "    # cannot raise)\n"
        "    return jax.tree_util.tree_map(lambda v: jnp.where(holds, v, jnp.nan) if "
        "jnp.issubdtype(v.dtype, jnp.floating) else v, value)")

_CHOLESKY = {
    "numpy": "def _cholesky(s):  # (L with S = L Lᵀ, whether S is symmetric positive definite)\n"
             "    try:\n"
             "        return np.linalg.cholesky(s), _symmetric(s)\n"
             "    except np.linalg.LinAlgError:\n"
             "        return s, False",
    "jax": "def _cholesky(s):  # (L with S = L Lᵀ, whether S is symmetric positive definite)\n"
           "    factor = jnp.linalg.cholesky(s)\n"
           "    return factor, jnp.isfinite(factor).all() & _symmetric(s)",
    "torch": "def _cholesky(s):  # (L with S = L Lᵀ, whether S is symmetric positive definite)\n"
             "    factor, info = torch.linalg.cholesky_ex(s)\n"
             "    return factor, (info == 0) & _symmetric(s)",
}


def _largest_at_least_one(backend: str, array: str) -> str:
    """max(1, max |entries of array|) in `backend`."""
    if backend == "torch":
        return f"torch.clamp({array}.abs().max(), min=1.0)"
    return f"{_LIBRARY[backend]}.abs({array}).max(initial=1.0)"


def _helpers(backend: str) -> dict[str, str]:
    lib = _LIBRARY[backend]
    scale = _largest_at_least_one
    sort = "torch.sort(values).values" if backend == "torch" else f"{lib}.sort(values)"
    return {
        "_checked": _NAN if backend == "jax" else _RAISING,
        "_conditioned": (
            f"def _conditioned(d):  # a factor's diagonal d: max |dᵢ| / min |dᵢ| below "
            f"{MAX_CONDITION:g}\n    a = {lib}.abs(d)\n"
            f"    return a.min() * {MAX_CONDITION!r} > a.max()"),
        "_symmetric": (
            f"def _symmetric(s):  # each entry within {SYMMETRY_TOLERANCE:g} of its transposed "
            f"one, relative to the largest (at least 1)\n"
            f"    return {lib}.abs(s - s.T).max() <= {SYMMETRY_TOLERANCE!r} * "
            f"{scale(backend, 's')}"),
        "_simple": (
            f"def _simple(values, which):  # no two of values closer than {GAP_TOLERANCE:g} "
            f"relative to the largest (at least 1):\n"
            f"    # anywhere ('all'), at the top ('max') or at the bottom ('min')\n"
            f"    v = {sort}\n"
            f"    apart = {lib}.diff(v) > {GAP_TOLERANCE!r} * {scale(backend, 'v')}\n"
            f"    return (apart if which == 'all' else apart[-1:] if which == 'max' else "
            f"apart[:1]).all()"),
        "_full_rank": (
            f"def _full_rank(s):  # the least singular value above {GAP_TOLERANCE:g} relative "
            f"to the largest (at least 1)\n"
            f"    return s.min() > {GAP_TOLERANCE!r} * {scale(backend, 's')}"),
        "_cholesky": _CHOLESKY[backend],
        **(_ESTIMATED if backend == "numpy" else {}),
    }


# numpy's checks of LU and triangular factors estimate the 1-norm condition number as evaluate
# does (LAPACK gecon, trcon: O(n²) after the factorisation); the pivots' spread, which the
# other backends bound (torch and jax have no estimator), misses matrices such as I minus the
# strict upper triangle of ones (unit pivots, condition number about 1e18 at n = 60)
_ESTIMATED = {
    "_lu_conditioned": (
        f"def _lu_conditioned(a, factors):  # a's 1-norm condition number below "
        f"{MAX_CONDITION:g}, estimated from its LU\n"
        f"    rcond, _ = scipy.linalg.lapack.dgecon(factors[0], np.abs(a).sum(axis=0).max(), "
        f"norm='1')\n"
        f"    return rcond * {MAX_CONDITION!r} >= 1.0"),
    "_triangle_conditioned": (
        f"def _triangle_conditioned(r):  # an upper triangular r's 1-norm condition number "
        f"below {MAX_CONDITION:g}\n"
        f"    rcond, _ = scipy.linalg.lapack.dtrcon(r, norm='1', uplo='U', diag='N')\n"
        f"    return rcond * {MAX_CONDITION!r} >= 1.0"),
}


HELPERS = {backend: _helpers(backend) for backend in _LIBRARY}


def refusal(node: Expr, sentence: str) -> str:
    """The message of a refused value: "pinv(X): the condition 'X has full column rank' does
    not hold here"."""
    return f"{shown(node)}: the condition '{sentence}' does not hold here"


def checked(emitter, code: str, holds: str, node: Expr, sentence: str) -> str:
    """`code`'s value, refused (in the emitter's backend) where `holds`, a 0-d boolean over it
    ({0}), is false: the condition `sentence` of `node`."""
    value = emitter.let(code)
    return emitter.let(f"_checked({value}, {holds.format(value)}, {refusal(node, sentence)!r})")
