"""What each backend spells: one table of code templates per array library.

Templates are `str.format` patterns over the operands' code (`{0}`, `{1}`, ...). Vectors are
1-D arrays and scalars 0-d (their orientation is known statically), matrices 2-D. A template
that needs a helper names it in `helpers`; the helper's source is emitted once at the top of the
generated module. Everything here is fixed text: no user input reaches a template.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..core.constants import CONSTANTS
from ..core.elementwise import BINARY, FUNCTIONS
from ..core.extremes import EXTREMES
from ..core.linear_ops import LINEAR_OPS
from ..core.matrix_powers import MATRIX_POWERS
from ..core.matrix_scalars import MATRIX_SCALARS
from ..core.vector_functions import VECTOR_FUNCTIONS
from .conditions import HELPERS as CONDITION_HELPERS
from .factorisations import HELPERS as FACTORISATION_HELPERS
from .matrix_functions import HELPERS as MATRIX_HELPERS
from .spectral import HELPERS as SPECTRAL_HELPERS

ELEMENTWISE = tuple(FUNCTIONS)  # each spelled by its declaration (core/elementwise.py)


@dataclass(frozen=True)
class Backend:
    name: str
    imports: tuple[str, ...]
    templates: dict[str, str]
    helpers: dict[str, str] = field(default_factory=dict)  # name used -> its definition
    modules: tuple[str, ...] = ()  # modules the generated code may import

    def spell(self, key: str, *operands: str) -> str:
        return self.templates[key].format(*operands)


_DECLARED = (*FUNCTIONS.values(), *BINARY.values(), *VECTOR_FUNCTIONS.values(), *EXTREMES.values(),
             *MATRIX_SCALARS.values())


def _elementwise(backend: str) -> dict[str, str]:
    """The declared functions' templates for `backend`: the elementwise ones, max and min, and
    the softmax family, max(x) and min(x) with their weights ismax and ismin, det, logdet and
    the norms, and the named constants (π)."""
    return {**{f.name: f.code[backend] for f in (*_DECLARED, *CONSTANTS.values())},
            **{e.indicator: f"_{e.indicator}({{0}})" for e in EXTREMES.values()}}


def _declared(backend: str) -> dict[str, str]:
    """The templates of the declared linear operators, X⁻¹ and Xᵏ (core/linear_ops.py,
    core/matrix_powers.py), by the template names codegen/emit.py spells."""
    return dict(op.code[backend] for op in (*LINEAR_OPS.values(), *MATRIX_POWERS.values()))


def _helpers(backend: str) -> dict[str, str]:
    """The helper definitions the declared functions' templates use in `backend`."""
    return {marker: code for f in _DECLARED for marker, code in f.helpers.get(backend, {}).items()}


_COMMON = {  # methods and operators the three libraries share
    "matmul": "{0} @ {1}", "T": "{0}.T",
    "total": "{0}.sum()", "rowsums": "{0}.sum(axis=1)", "colsums": "{0}.sum(axis=0)",
    "unvec": "{0}.reshape({2}, {1}).T",
    "col": "{0}[:, None]", "row": "{0}[None, :]", "flat": "{0}.reshape(-1)",
    "commute": "{0}.reshape({2}, {1}).T.reshape(-1)",  # K_{m,n} v for v of length m n
    "commute_cols": "{0}.reshape({2}, {1}, -1).swapaxes(0, 1).reshape({1} * {2}, -1)",
    "commute_rows": "{0}.reshape(-1, {1}, {2}).swapaxes(1, 2).reshape(-1, {1} * {2})",
    "power": "{0} ** {1}", "neg": "-{0}",
    # whether the LU factors {0} of the matrix {1} are of a non-singular one: the spread of
    # U's diagonal (numpy estimates the condition number instead: LAPACK gecon)
    "lu_conditioned": "_conditioned({0}[0].diagonal())",
}

NUMPY = Backend(
    "numpy",
    ("import numpy as np",),
    {**_COMMON, **_elementwise("numpy"), **_declared("numpy"),
     "asarray": "np.asarray({0}, dtype=float)", "scalar_in": "float(np.reshape({0}, ()))",
     # Rᵀ R and R Rᵀ of one array: numpy's matmul calls BLAS syrk (half a GEMM's flops);
     # XLA and torch multiply them as two matrices, so their tables leave these out
     "gram": "{0}.T @ {0}", "gram_rows": "{0} @ {0}.T",
     "scalar_out": "float({0})", "lift": "{0}",
     "gt": "np.greater({0}, {1}).astype(float)",
     "eye": "np.eye({0})", "ones": "np.ones({0})", "zeros": "np.zeros({0})",
     "outer": "np.outer({0}, {1})",
     "einsum": "np.einsum({0})", "multi_dot": "np.linalg.multi_dot([{0}])",
     "solve_system": "np.linalg.solve({0}, {1})",
     "cholesky": "np.linalg.cholesky({0})",
     "commutation": "_commutation({0}, {1})",
     "lu_factor": "scipy.linalg.lu_factor({0})", "lu_solve": "scipy.linalg.lu_solve({0}, {1})",
     "lu_conditioned": "_lu_conditioned({1}, {0})",
     "lu_solve_T": "scipy.linalg.lu_solve({0}, {1}, trans=1)",
     "lu_logabsdet": "np.log(np.abs(np.diagonal({0}[0]))).sum()",
     "cho_factor": "scipy.linalg.cho_factor({0})",
     "cho_solve": "scipy.linalg.cho_solve({0}, {1})",
     "cho_logdet": "2.0 * np.log(np.diagonal({0}[0])).sum()",
     "cho_inverse": "_cho_inverse({0})"},
    {**_helpers("numpy"), **MATRIX_HELPERS["numpy"], **SPECTRAL_HELPERS["numpy"],
     **CONDITION_HELPERS["numpy"],
     "_commutation": "def _commutation(m, n):\n"
                    "    return np.eye(m * n)[np.arange(m * n).reshape(n, m).T.reshape(-1)]",
     "_cho_inverse": "def _cho_inverse(s):  # (S⁻¹, whether S is positive definite) by "
                     "LAPACK potrf, potri:\n"
                     "    # n³ flops, the LU inverse's 2n³\n"
                     "    factor, info = scipy.linalg.lapack.dpotrf(s, lower=True, clean=False)\n"
                     "    inverse, _ = scipy.linalg.lapack.dpotri(factor, lower=True)\n"
                     "    return np.tril(inverse) + np.tril(inverse, -1).T, info == 0",
     "scipy.linalg": "import scipy.linalg"},
    ("numpy", "scipy", "scipy.linalg", "scipy.special"),
)

JAX = Backend(
    "jax",
    ("import jax", "import jax.numpy as jnp", "import jax.scipy.linalg",
     "import jax.scipy.special"),
    {**_COMMON, **_elementwise("jax"), **_declared("jax"),
     "asarray": "jnp.asarray({0})", "scalar_in": "jnp.asarray({0}).reshape(())",
     "scalar_out": "jnp.asarray({0})", "lift": "{0}",
     "gt": "jnp.greater({0}, {1}).astype(float)",
     "eye": "jnp.eye({0})", "ones": "jnp.ones({0})", "zeros": "jnp.zeros({0})",
     "outer": "jnp.outer({0}, {1})",
     "einsum": "jnp.einsum({0})", "multi_dot": "jnp.linalg.multi_dot([{0}])",
     "solve_system": "jnp.linalg.solve({0}, {1})",
     "cholesky": "jnp.linalg.cholesky({0})",
     "commutation": "_commutation({0}, {1})",
     "lu_factor": "jax.scipy.linalg.lu_factor({0})",
     "lu_solve": "jax.scipy.linalg.lu_solve({0}, {1})",
     "lu_solve_T": "jax.scipy.linalg.lu_solve({0}, {1}, trans=1)",
     "lu_logabsdet": "jnp.log(jnp.abs(jnp.diagonal({0}[0]))).sum()",
     "cho_factor": "jax.scipy.linalg.cho_factor({0})",
     "cho_solve": "jax.scipy.linalg.cho_solve({0}, {1})",
     "cho_logdet": "2.0 * jnp.log(jnp.diagonal({0}[0])).sum()"},
    {**_helpers("jax"), **MATRIX_HELPERS["jax"], **SPECTRAL_HELPERS["jax"],
     **CONDITION_HELPERS["jax"],
     "_commutation": "def _commutation(m, n):\n"
                    "    return jnp.eye(m * n)[jnp.arange(m * n).reshape(n, m).T.reshape(-1)]"},
    ("jax", "jax.numpy", "jax.scipy.linalg", "jax.scipy.special"),
)

_F64 = "dtype=torch.float64"
TORCH = Backend(
    "torch",
    ("import torch",),
    {**_COMMON, **_elementwise("torch"), **_declared("torch"),
     "rowsums": "{0}.sum(dim=1)", "colsums": "{0}.sum(dim=0)",
     "asarray": f"torch.as_tensor({{0}}, {_F64})",
     "scalar_in": f"torch.as_tensor({{0}}, {_F64}).reshape(())",
     "scalar_out": f"torch.as_tensor({{0}}, {_F64})", "lift": f"torch.as_tensor({{0}}, {_F64})",
     "gt": "torch.gt({0}, {1}).to(torch.float64)",
     "eye": f"torch.eye({{0}}, {_F64})", "ones": f"torch.ones({{0}}, {_F64})",
     "zeros": f"torch.zeros({{0}}, {_F64})", "outer": "torch.outer({0}, {1})",
     "einsum": "torch.einsum({0})", "multi_dot": "torch.linalg.multi_dot([{0}])",
     "solve_system": "_solve({0}, {1})",
     "cholesky": "torch.linalg.cholesky({0})",
     "commutation": "_commutation({0}, {1})",
     "lu_factor": "torch.linalg.lu_factor({0})", "lu_solve": "_lu_solve({0}, {1}, False)",
     "lu_solve_T": "_lu_solve({0}, {1}, True)",
     "lu_logabsdet": "torch.log(torch.abs(torch.diagonal({0}[0]))).sum()",
     "cho_factor": "(torch.linalg.cholesky({0}),)",
     "cho_inverse": "_cho_inverse({0})",
     "cho_solve": "_cho_solve({0}, {1})",
     "cho_logdet": "2.0 * torch.log(torch.diagonal({0}[0])).sum()"},
    {**_helpers("torch"), **MATRIX_HELPERS["torch"], **SPECTRAL_HELPERS["torch"],
     **FACTORISATION_HELPERS["torch"], **CONDITION_HELPERS["torch"],
     "_solve": "def _solve(a, b):  # torch solves matrices; a vector b goes in as a column\n"
              "    return torch.linalg.solve(a, b[:, None])[:, 0] if b.ndim == 1 else "
              "torch.linalg.solve(a, b)",
     "_lu_solve": "def _lu_solve(f, b, transposed):\n"
                 "    x = torch.linalg.lu_solve(f[0], f[1], b[:, None] if b.ndim == 1 else b, "
                 "adjoint=transposed)\n    return x[:, 0] if b.ndim == 1 else x",
     "_cho_solve": "def _cho_solve(f, b):\n"
                  "    x = torch.cholesky_solve(b[:, None] if b.ndim == 1 else b, f[0])\n"
                  "    return x[:, 0] if b.ndim == 1 else x",
     "_cho_inverse": "def _cho_inverse(s):  # (S⁻¹, whether S is positive definite) by "
                     "Cholesky\n"
                     "    factor, info = torch.linalg.cholesky_ex(s)\n"
                     "    return torch.cholesky_inverse(factor), info == 0",
     "_commutation": "def _commutation(m, n):\n"
                    f"    return torch.eye(m * n, {_F64})"
                    "[torch.arange(m * n).reshape(n, m).T.reshape(-1)]"},
    ("torch",),
)

BACKENDS = {b.name: b for b in (NUMPY, JAX, TORCH)}
