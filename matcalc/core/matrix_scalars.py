"""Scalar functions of a matrix (or vector): det, logdet, norm2, norm1, declared once.

A `MatrixScalar` says everything matcalc knows about one of them: its op name (also its
spelling in the language), its meaning, whether its argument must be square, its numpy value,
its differential written with the core builders (so that it differentiates again: Hessians),
that differential's text for the derivation steps, whether a second derivative is available,
the interval its values lie in, its LaTeX head, its code in numpy, jax and torch (with the
helpers the code names), its value where the argument is 1 × 1, its SymPy form (and the SymPy
class read back as it), the domain the numerical check samples, the condition under which its
derivative holds, and an example for the documentation. Lowering, differentiation, evaluate,
the printers, the domain check, code generation, SymPy interop, the syntax panel and the docs'
table read `MATRIX_SCALARS`; none keeps a list of names.

The differential is a function of (b, X, f, dX): `b` the core's builders (passed in by
diff/matrix_fns.py, as this module sits below them), X the argument, f the node f(X) and dX the
argument's differential; d f = tr(Gᵀ dX) with G the gradient in denominator layout:

    d det(X)    = det(X) tr(X⁻¹ dX)      G = det(X) X⁻ᵀ        (Cookbook 42)
    d logdet(X) = tr(X⁻¹ dX)             G = X⁻ᵀ               (Cookbook 43; log |det X|)
    d norm2(X)  = tr(Xᵀ dX) / ‖X‖        G = X / ‖X‖           (Euclidean / Frobenius)
    d norm1(X)  = tr(sign(X)ᵀ dX)        G = sign(X)           (Σ |Xᵢⱼ|, a subgradient at 0)

To add a member (eigmax(S), specnorm(X), ...): append a `MatrixScalar` to `DECLARED` with
every field; every stage takes it up from there. Then run `python -m matcalc.vocabulary
docs/language.md` (its row of the docs' table, checked numerically by
tests/test_readme_table.py), and run tests/test_matrix_scalars.py, whose completeness test
names any facet a stage does not read. A new kind of `domain` needs its sampling rule in
domain.py (`_BY_MATRIX_DOMAIN`); a `condition` is a sentence about its argument "{0}", stated
with every result that takes it. `second_derivative` False says its differential does not
differentiate again (the ops it builds must then refuse their derivative with a clear error,
as L_f(X, E)'s do; tests/test_hessian.py leaves it out of its second-derivative checks).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

INF = float("inf")
NONNEGATIVE = (0.0, INF)

# the draws of the numerical check (domain.py): where the argument may be sampled
SMOOTH = "smooth"  # anywhere
WELL_CONDITIONED = "well conditioned"  # far from singular
NONZERO = "not the zero matrix"  # a kink at X = 0 (norm2)
NO_ZERO_ENTRY = "no zero entry"  # a kink where an entry is 0 (norm1)


@dataclass(frozen=True)
class MatrixScalar:
    name: str  # the op name and its spelling in the language
    meaning: str  # error messages and the docs
    square: bool  # of a square matrix (False: of any vector or matrix)
    numpy: Callable[[np.ndarray], float]
    differential: Callable[[Any, Any, Any, Any], Any]  # (b, X, f(X), dX) -> d f(X)
    derivative_text: str  # the rule as the derivation steps show it
    second_derivative: bool  # its differential differentiates again (Hessians)
    values: tuple[tuple[float, float], str] | None  # (interval of its values, the fact), or None
    latex_command: bool  # LaTeX has a command for it (\det); else \operatorname{name}
    code: dict[str, str]  # backend -> a template over the argument's code {0}
    of_one_by_one: tuple[str, ...]  # the elementwise functions it is of a 1 × 1 argument
    sympy: Callable[[Any, Any], Any]  # (kit, x) -> its SymPy form (interop/to_sympy.py's kit)
    example: tuple[str, str, str]  # (expression, variable, derivative printed): the docs' row
    domain: str = SMOOTH  # SMOOTH, WELL_CONDITIONED, NONZERO or NO_ZERO_ENTRY (domain.py)
    condition: str = ""  # where its derivative holds, of its argument {0}: "{0} is non-singular"
    sympy_class: str = ""  # the SymPy class read back as it (Determinant); "" none
    factored: bool = False  # code from the LU / Cholesky factors shared with solves by X
    of_transpose: str = ""  # the identity f(Xᵀ) = f(X) the simplifier applies ("" none)
    of_inverse: tuple[str, Callable[[Any, Any], Any]] | None = None  # (identity, (b, f(X)) ->
    # f(X⁻¹)): det(X⁻¹) = 1 / det(X), the simplifier's rewrite
    log_abs_is: str = ""  # the op log|f(X)| is: log|det X| = logdet(X)
    helpers: dict[str, dict[str, str]] = field(default_factory=dict)  # backend -> {marker: def}

    @property
    def spelling(self) -> str:
        return self.name

    @property
    def spellings(self) -> tuple[str, ...]:
        """Its other names in the language (none)."""
        return ()


# -- differentials ------------------------------------------------------------------------------

def _d_det(b, x, f, dx):
    return b.mul(f, b.trace(b.mul(b.inv(x), dx)))


def _d_logdet(b, x, f, dx):
    return b.trace(b.mul(b.inv(x), dx))


def _d_norm2(b, x, f, dx):
    return b.mul(b.inverse_of(f), b.trace(b.mul(b.transpose(x), dx)))


def _d_norm1(b, x, f, dx):
    return b.trace(b.mul(b.transpose(b.apply("sign", x)), dx))


# -- SymPy, through the kit's sp (the module), is_matrix, total and elementwise -----------------

def _sympy_det(k, x):
    return k.sp.Determinant(x) if k.is_matrix(x) else x


def _sympy_logdet(k, x):
    return k.sp.log(k.sp.Abs(_sympy_det(k, x)))


def _sympy_norm2(k, x):
    return k.sp.sqrt(k.total(k.sp.HadamardPower(x, 2))) if k.is_matrix(x) else k.sp.Abs(x)


def _sympy_norm1(k, x):
    return k.total(k.elementwise(k.sp.Abs, x))


def _code(numpy: str, jax: str, torch: str) -> dict[str, str]:
    return {"numpy": numpy, "jax": jax, "torch": torch}


def _linalg(name: str) -> dict[str, str]:
    """np.linalg.name, jnp.linalg.name, torch.linalg.name of the argument."""
    return _code(f"np.linalg.{name}({{0}})", f"jnp.linalg.{name}({{0}})",
                 f"torch.linalg.{name}({{0}})")


_JAX_DET = {"_det": "def _det(a):  # from LU (jnp.linalg.det's 2 × 2 and 3 × 3 cofactor formulas "
                    "cancel)\n    sign, logabsdet = jnp.linalg.slogdet(a)\n"
                    "    return sign * jnp.exp(logabsdet)"}

DECLARED = (
    MatrixScalar(
        "det", "the determinant", True, np.linalg.det, _d_det,
        "d det(X) = det(X) tr(X⁻¹ dX) (Cookbook 42).", True, None, True,
        {**_linalg("det"), "jax": "_det({0})"}, (), _sympy_det, ("det(X)", "X", "det(X) X⁻¹"),
        sympy_class="Determinant", helpers={"jax": _JAX_DET}, of_transpose="det(Xᵀ) = det(X)",
        of_inverse=("det(X⁻¹) = 1 / det(X)", lambda b, f: b.inverse_of(f)),
        log_abs_is="logdet"),
    MatrixScalar(
        "logdet", "log |det X|", True, lambda x: np.linalg.slogdet(x)[1], _d_logdet,
        "d log|det X| = tr(X⁻¹ dX) (Cookbook 43).", True, None, False,
        {backend: template + "[1]" for backend, template in _linalg("slogdet").items()},
        ("abs", "log"), _sympy_logdet, ("logdet(X)", "X", "X⁻¹"), WELL_CONDITIONED,
        factored=True, of_transpose="log|det Xᵀ| = log|det X|", condition="{0} is non-singular",
        of_inverse=("log|det X⁻¹| = −log|det X|", lambda b, f: b.neg(f))),
    MatrixScalar(
        "norm2", "the Euclidean (Frobenius) norm", False, np.linalg.norm, _d_norm2,
        "d‖X‖ = tr(Xᵀ dX) / ‖X‖ (Euclidean or Frobenius norm).", True,
        (NONNEGATIVE, "‖u‖₂ ≥ 0"), False,
        _linalg("norm"), ("abs",), _sympy_norm2, ("norm2(x)", "x", "xᵀ / norm2(x)"), NONZERO),
    MatrixScalar(
        "norm1", "the sum of absolute values", False, lambda x: np.abs(x).sum(), _d_norm1,
        "d‖X‖₁ = tr(sign(X)ᵀ dX).", True, (NONNEGATIVE, "‖u‖₁ ≥ 0"), False,
        _code("np.abs({0}).sum()", "jnp.abs({0}).sum()", "torch.abs({0}).sum()"), ("abs",),
        _sympy_norm1, ("norm1(x)", "x", "sign(x)ᵀ"), NO_ZERO_ENTRY),
)

MATRIX_SCALARS: dict[str, MatrixScalar] = {s.name: s for s in DECLARED}
