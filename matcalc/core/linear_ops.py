"""The linear operators sum, mean, tr, vec, diag, diag of a matrix (diagpart), tril and the
bilinear ⊗, declared once each and read by every stage.

A linear map L has the differential d L(U) = L(dU) (its JVP, built by the core builder the
declaration names) and an adjoint Lᵀ that the read-out pulls a cotangent back through, in two
forms (diff/adjoint.py): the trace form, tr(M L(dU)) = tr(Lᵀ(M) dU) for a scalar result, and
the vec form, M d vec L(U) = (M J_L) d vec(U) for a vector or matrix result. ⊗ is linear in
each operand (the product rule), its adjoints those of Magnus–Neudecker Theorem 3.10.

A `LinearOp` says everything matcalc knows about one of them: its op name and the language's
names for it, its meaning, how lowering types it (a `typing` kind of lower/functions.py), its
shape rule and numpy value, its JVP's builder and title, its adjoints, how it prints (a call
of its printed name in text, ASCII and LaTeX, or ⊗ infix), its code per backend (the template
codegen/emit.py spells; emit keeps its own strategies, e.g. tr(A B) as sum(A * Bᵀ) and M 𝟏 as
M.sum(axis=1), in the `Emitter` method the declaration names), its bounds rule (a kind of
codegen/signs.py), its SymPy form and the SymPy class read back, and an example for the docs.
Three facets tell code generation and evaluate what they may rely on:

- `scalar_of_1x1`: of a 1 × 1 argument a it is a (tr(a) = diag(a) = sum(a) = a), so the code
  of the call is the code of the argument;
- `transpose_free`: a transposed argument costs nothing (sum(Xᵀ) and tr(Xᵀ) read a transposed
  view as fast as the matrix), so codegen/transposes.py may compute one matrix for both it and
  its transpose where this operator is the transpose's user;
- `in_products`: how a matrix product applies it instead of forming it (codegen/factors.py,
  codegen/chains.py): SCALES, diag(v) M = v ⊙ M's rows and M diag(v) = M's columns ⊙ vᵀ;
  RESHAPES, (A ⊗ B) vec(V) = vec(B V Aᵀ); "" formed like any other matrix.

The sums, products, ⊙ and the transpose stay in core/algebra.py and core/structural.py: they are
the algebra every other operator is written in, not entries of a catalogue.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import ShapeError
from ..shapes import SCALAR, Dim, Shape
from .expr import Expr
from .notations import DIAGONAL_MATRIX, DIAGONAL_OF_MATRIX, EW, FLATTENED, PRODUCT_OF_SIZES, Infix

# how lowering types a call (lower/functions.py), and how codegen/signs.py bounds the entries
TO_SCALAR, OF_SQUARE_TO_SCALAR, DIAGONAL, FLATTEN, TRIANGLE, PAIR = (
    "to a scalar", "of a square matrix to a scalar", "diagonal", "flatten", "triangle", "pair")
SIGNED_SUM, SAME_ENTRIES, WITH_ZEROS, DIAGONAL_ENTRIES, PRODUCTS, UNBOUNDED = (
    "a sum keeps one sign", "its argument's entries", "its argument's entries and zeros",
    "the diagonal's entries", "products of entries", "")
# how a transpose passes through an operator (core/transpose.py): into its argument, f(A)ᵀ =
# f(Aᵀ), or into each operand, (A ⊗ B)ᵀ = Aᵀ ⊗ Bᵀ (kept where it adds no transpose mark)
INTO_ARGUMENT, INTO_EACH = "f(A)ᵀ = f(Aᵀ)", "(A ⊗ B)ᵀ = Aᵀ ⊗ Bᵀ"
# how a matrix product applies a factor instead of forming it (codegen/chains.py)
SCALES, RESHAPES = "scales rows or columns", "applied through reshapes"


@dataclass(frozen=True)
class LinearOp:
    name: str  # the op name
    spellings: tuple[str, ...]  # the language's names for it (diagpart: written diag(X))
    meaning: str
    typing: str  # how lower/functions.py types a call (TO_SCALAR, ...)
    shape: Callable[[tuple[Shape, ...]], Shape]  # the operands' shapes -> the value's
    numpy: Callable[..., np.ndarray]  # of the operands' 2-D arrays
    builder: str  # the core builder (core/build.py) applying it: L(dU) is its JVP
    rule: str  # the JVP's title in derivations: linear: d tr(U) = tr(dU)
    trace_adjoint: Callable | None  # (b, t, node, i, M) -> Lᵀ(M); None: through the vec form
    vec_adjoint: Callable  # (b, t, node, i, M) -> M J_L
    printed: str  # its name in a call (text, ASCII, LaTeX \operatorname), or the infix ⊗
    code: dict[str, tuple[str, str]]  # backend -> (template name, template over {0}, {1})
    emitter: str  # the codegen/emit.py Emitter method writing it
    bounds: str  # its codegen/signs.py rule kind (UNBOUNDED: none)
    sympy: Callable[[Any, Expr, list], Any]  # (interop/to_sympy.py's kit, node, args)
    example: tuple[str, str, str]  # (expression, variable, derivative printed): the docs' row
    sympy_class: str = ""  # the SymPy class from_sympy reads back as a call of spellings[0]
    notation: Infix | None = None  # printed between its operands (core/notations.py), or a call
    transposes: str = ""  # INTO_EACH: (A ⊗ B)ᵀ = Aᵀ ⊗ Bᵀ; "": a transpose stays outside
    sizes: str = ""  # what its printed form says of its sizes (core/notations.py)
    of_vectors: bool = False  # of the operators spelled alike, the one typed for a vector
    scalar_of_1x1: bool = False  # of a 1 × 1 argument it is the argument (tr(a) = a)
    transpose_free: bool = False  # a transposed argument costs nothing (sum(Xᵀ), tr(Xᵀ))
    in_products: str = ""  # SCALES or RESHAPES: applied, not formed, in a product; "" formed

    @property
    def arity(self) -> int:
        return 2 if self.typing == PAIR else 1

    @property
    def infix(self) -> bool:
        return self.notation is not None


def lower_ones(b, m, n) -> Expr:
    """L, the m × n matrix of ones on and below the diagonal: vec(tril(E)) = diag(vec L) vec E."""
    return b.tril(b.mul(b.ones(m), b.transpose(b.ones(n))))


# -- shape rules ------------------------------------------------------------------------------

def _to_scalar(shapes) -> Shape:
    return SCALAR


def of_square(title: str, result: Callable[[Shape], Shape]):
    """The shape rule of an operator of one square matrix: `result` of its shape."""
    def rule(shapes) -> Shape:
        if not shapes[0].is_square:
            raise ShapeError(f"{title} needs a square matrix, got {shapes[0].describe()}")
        return result(shapes[0])
    return rule


def _diag_shape(shapes) -> Shape:
    if not (shapes[0].is_vector or shapes[0].is_scalar):
        raise ShapeError(f"diag needs a vector, got {shapes[0].describe()}")
    return Shape(shapes[0].rows, shapes[0].rows)


def _kron_shape(shapes) -> Shape:
    a, c = shapes
    return Shape(a.rows * c.rows, a.cols * c.cols)


def _scalar_value(f: Callable[[np.ndarray], Any]):
    """A reduction's value as a 1 × 1 array."""
    return lambda x: np.array([[f(x)]], dtype=float)


# -- adjoints -----------------------------------------------------------------------------------

def _trace_sum(b, t, node, i, m):
    """tr(M sum(dP)) = tr(M 𝟏 𝟏ᵀ dP)."""
    return b.mul(m, b.ones_matrix(node.arg.shape.T))


def _per_entry(b, node):
    return b.inverse_of(b.dim(node.arg.shape.size))


def _diag_selector(b, n):
    """E = diag(vec I)(I ⊗ 𝟏), the n² × n matrix with vec(diag(v)) = E v."""
    return b.mul(b.diag(b.vec(b.identity(n))), b.kron(b.identity(n), b.ones(n)))


def _vec_kron(b, t, node, i, m):
    """vec(dA ⊗ B) = (Iₙ ⊗ K_{q,m} ⊗ I_p)(I_{mn} ⊗ vec B) vec(dA), and likewise for dB
    (Magnus & Neudecker, Theorem 3.10), for A m × n and B p × q."""
    a, c = node.args
    (m_, n_), (p_, q_) = (a.shape.rows, a.shape.cols), (c.shape.rows, c.shape.cols)
    shuffle = b.kron(b.kron(b.identity(n_), b.commutation(q_, m_)), b.identity(p_))
    if i == 0:
        spread = b.kron(b.identity(a.shape.size), b.vec(c))
    else:
        spread = b.kron(b.vec(a), b.identity(c.shape.size))
    return b.mul(m, shuffle, spread)


# -- code --------------------------------------------------------------------------------------

def _same_code(template: str, code: str) -> dict[str, tuple[str, str]]:
    """One template in numpy, jax and torch (a method the three share)."""
    return {backend: (template, code) for backend in ("numpy", "jax", "torch")}


def _library_code(template: str, call: str, torch: str = "") -> dict[str, tuple[str, str]]:
    """np.f(...), jnp.f(...), torch.f(...) (or torch's own template)."""
    return {"numpy": (template, f"np.{call}"), "jax": (template, f"jnp.{call}"),
            "torch": (template, torch or f"torch.{call}")}


# -- the declarations ---------------------------------------------------------------------------

DECLARED = (
    LinearOp(
        "sum", ("sum",), "the sum of all entries", TO_SCALAR, _to_scalar, _scalar_value(np.sum),
        "reduce_sum", "linear: d sum(U) = sum(dU)", _trace_sum,
        lambda b, t, node, i, m: b.mul(m, b.transpose(b.ones(node.arg.shape.size))),
        "sum", _same_code("sum", "{0}.sum()"), "_reduce", SIGNED_SUM,
        lambda k, node, args: k.total(args[0]), ("sum(W x)", "x", "𝟏ᵀ W"),
        scalar_of_1x1=True, transpose_free=True),
    LinearOp(
        "mean", ("mean",), "the mean of all entries", TO_SCALAR, _to_scalar,
        _scalar_value(np.mean), "mean", "linear: d mean(U) = mean(dU)",
        lambda b, t, node, i, m: b.mul(_per_entry(b, node), _trace_sum(b, t, node, i, m)),
        lambda b, t, node, i, m: b.mul(_per_entry(b, node), m,
                                    b.transpose(b.ones(node.arg.shape.size))),
        "mean", _same_code("mean", "{0}.mean()"), "_reduce", SIGNED_SUM,
        lambda k, node, args: k.mean(node, args), ("mean(x)", "x", "𝟏_{n_x}ᵀ / n_x"),
        scalar_of_1x1=True),
    LinearOp(
        "tr", ("tr", "trace"), "the trace of a square matrix", OF_SQUARE_TO_SCALAR,
        of_square("tr", lambda s: SCALAR), _scalar_value(np.trace), "trace",
        "linear: d tr(U) = tr(dU)",
        lambda b, t, node, i, m: b.mul(m, b.identity(node.arg.shape.rows)),  # tr(M tr(dP) I)
        lambda b, t, node, i, m: b.mul(m, b.transpose(b.vec(b.identity(node.arg.shape.rows)))),
        "tr", _same_code("trace", "{0}.trace()"), "_tr", UNBOUNDED,
        lambda k, node, args: k.square(k.sp.Trace, lambda s: s)(node, args),
        ("tr(A X)", "X", "A"), sympy_class="Trace", scalar_of_1x1=True, transpose_free=True),
    LinearOp(
        "diag", ("diag",), "the diagonal matrix of a vector", DIAGONAL, _diag_shape,
        lambda v: np.diag(v[:, 0]), "diag", "linear: d diag(U) = diag(dU)",
        lambda b, t, node, i, m: b.transpose(b.diagpart(m)),  # tr(M diag(dv))
        lambda b, t, node, i, m: b.mul(m, _diag_selector(b, node.shape.rows)),
        "diag", _library_code("diag", "diag({0})"), "_diag", WITH_ZEROS,
        lambda k, node, args: k.square(k.sp.DiagMatrix, lambda s: s)(node, args),
        ("diag(x) y", "x", "diag(y)"), sizes=DIAGONAL_MATRIX, of_vectors=True,
        scalar_of_1x1=True, in_products=SCALES),
    LinearOp(
        "diagpart", ("diag",), "the diagonal of a square matrix, a vector", DIAGONAL,
        of_square("diag", lambda s: Shape(s.rows, Dim.of(1))),
        lambda x: np.diag(x).reshape(-1, 1), "diagpart", "linear: d diag(U) = diag(dU)",
        lambda b, t, node, i, m: b.diag(b.transpose(m)),  # tr(M diag(dP))
        lambda b, t, node, i, m: b.mul(m, t(_diag_selector(b, node.shape.rows))),
        "diag", _same_code("diagonal", "{0}.diagonal()"), "_diagpart", DIAGONAL_ENTRIES,
        lambda k, node, args: k.square(k.sp.DiagonalOf, lambda s: s)(node, args),
        ("sum(diag(X))", "X", "I_{m_X}"), sympy_class="DiagonalOf", sizes=DIAGONAL_OF_MATRIX,
        scalar_of_1x1=True),
    LinearOp(
        "vec", ("vec",), "the columns stacked into one (column-major)", FLATTEN,
        lambda shapes: Shape(shapes[0].size, Dim.of(1)),
        lambda x: x.reshape(-1, 1, order="F"), "vec", "linear: d vec(U) = vec(dU)",
        None, lambda b, t, node, i, m: m,
        "vec", _same_code("vec", "{0}.T.reshape(-1)"), "_vec", SAME_ENTRIES,
        lambda k, node, args: k.reshaped(args[0], *k.shape(node)),
        ("vec(X)", "X", "I_{m_X n_X}"), sizes=FLATTENED, scalar_of_1x1=True),
    LinearOp(
        "tril", ("tril",), "the lower triangle, the diagonal included", TRIANGLE,
        lambda shapes: shapes[0], np.tril, "tril", "linear: d tril(U) = tril(dU)",
        lambda b, t, node, i, m: b.transpose(b.tril(t(m))),  # tr(M tril(dP))
        lambda b, t, node, i, m: b.mul(m, b.diag(b.vec(lower_ones(b, node.shape.rows,
                                                               node.shape.cols)))),
        "tril", _library_code("tril", "tril({0})"), "_tril", UNBOUNDED,
        lambda k, node, args: k.tril(node, args), ("tr(A tril(X))", "X", "tril(Aᵀ)ᵀ"),
        scalar_of_1x1=True),
    LinearOp(
        "kron", ("kron",), "the Kronecker product", PAIR, _kron_shape, np.kron, "kron",
        "product rule: d(A ⊗ B) = dA ⊗ B + A ⊗ dB", None, _vec_kron,
        "kron", _library_code("kron", "kron({0}, {1})",
                              "torch.kron({0}.contiguous(), {1}.contiguous())"),
        "_kron", PRODUCTS, lambda k, node, args: k.kron(node, args),
        ("tr(kron(A, X))", "X", "tr(A) I_{m_X}"),
        notation=Infix({"unicode": " ⊗ ", "latex": " \\otimes "}, EW, associative=True),
        transposes=INTO_EACH, sizes=PRODUCT_OF_SIZES, in_products=RESHAPES),
)

LINEAR_OPS: dict[str, LinearOp] = {op.name: op for op in DECLARED}
