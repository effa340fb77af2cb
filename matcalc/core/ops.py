"""The operator catalogue: one `defop` stanza per operator.

Each stanza gives the operator's differentiation family (how diff/ treats it), its shape rule
(raising `ShapeError` that names the operator and the shapes), and its numpy evaluation on
already-evaluated arguments (2-D float arrays; column-major vec), and the facets its declaration
gives the other stages: how it prints (core/notations.py), what its printed form says of its
sizes, how a transpose passes through it and the core builder applying it. Derivative rules live
in diff/, keyed by the same names; tests check every table covers OPS.
The declared families (core/elementwise.py, core/vector_functions.py, core/extremes.py,
core/matrix_functions.py, core/linear_ops.py, core/matrix_powers.py) give their stanzas here
from their declarations.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import EvaluationError, ShapeError
from ..shapes import SCALAR, Dim, Shape
from .constants import CONSTANTS
from .elementwise import BINARY, FUNCTIONS
from .expr import SPECS, Expr
from .extremes import EXTREMES
from .factorisations import cholesky, pinv, solve, tril_half
from .linear_ops import INTO_ARGUMENT, INTO_EACH, LINEAR_OPS
from .matrix_functions import MATRIX_FUNCTIONS, jacobian_matrix
from .matrix_powers import MATRIX_POWERS
from .matrix_scalars import MATRIX_SCALARS
from .notations import AppliedInverse, Headed, Infix, Postfix, Subscripted, Superscript
from .spectral import SPECTRAL, result_shape
from .vector_functions import VECTOR_FUNCTIONS, VectorFunction

LEAF, LINEAR, BILINEAR, ELEMENTWISE, SPECIAL, ZERO = (
    "leaf", "linear", "bilinear", "elementwise", "special", "zero")


@dataclass(frozen=True)
class OpSpec:
    name: str
    family: str
    shape: Callable[[tuple[Expr, ...], dict[str, Any]], Shape]
    evaluate: Callable[..., np.ndarray] | None  # (values, attrs) -> array; None: evaluate.py
    title: str  # how error messages name the operator
    in_language: bool  # False: only derivatives produce it (users cannot write it)
    notation: Postfix | Infix | Superscript | Headed | AppliedInverse | Subscripted | None = None
    # (how it prints, core/notations.py; None: a call of its name)
    sizes: str = ""  # what its printed form says of its sizes (core/notations.py)
    transposes: str = ""  # how a transpose passes through it (core/linear_ops.py); "": not
    builder: str = ""  # the core builder (core/build.py) applying it; "": b.apply


OPS: dict[str, OpSpec] = {}


def defop(name: str, family: str, shape, evaluate=None, title: str | None = None,
          in_language: bool = True, **facets) -> OpSpec:
    spec = OpSpec(name, family, shape, evaluate, title or name, in_language, **facets)
    OPS[name] = SPECS[name] = spec
    return spec


def notation_of(op: str):
    """The notation an operator declares (core/notations.py); None: a call of its name, or a
    structural operator printed its own way."""
    spec = OPS.get(op)
    return spec.notation if spec is not None else None


def _fail(title: str, *shapes: Shape, why: str = "") -> ShapeError:
    listed = " and ".join(s.describe() for s in shapes)
    return ShapeError(f"{title}: operand shapes {listed} do not fit" + (f" ({why})" if why else ""))


# -- shape rules -----------------------------------------------------------------------------

def _attr_shape(args, attrs) -> Shape:
    return attrs["shape"]


def _scalar(args, attrs) -> Shape:
    return SCALAR


def _same(title: str):
    def rule(args, attrs) -> Shape:
        first = args[0].shape
        for other in args[1:]:
            if other.shape != first:
                raise _fail(title, first, other.shape, why="they must have the same shape")
        return first
    return rule


def _first(args, attrs) -> Shape:
    return args[0].shape


def _square(title: str, result: Callable[[Shape], Shape]):
    def rule(args, attrs) -> Shape:
        shape = args[0].shape
        if not shape.is_square:
            raise ShapeError(f"{title} needs a square matrix, got {shape.describe()}")
        return result(shape)
    return rule


def _of_vectors(f: VectorFunction):
    """A vector function's shape rule: a column vector (or a scalar) gives its shape, or a
    scalar when f reduces; by rows any matrix gives its shape, or a column when f reduces."""
    def rule(args, attrs) -> Shape:
        shape = args[0].shape
        if not (f.by_rows or shape.is_vector or shape.is_scalar):
            raise ShapeError(f"{f.spelling} needs a vector, got {shape.describe()}")
        if f.parameter and not args[1].is_scalar:
            raise ShapeError(f"{f.spelling}: {f.parameter.name} must be a scalar, got "
                             f"{args[1].shape.describe()}")
        if not f.reduces:
            return shape
        return Shape(shape.rows, Dim.of(1)) if f.by_rows else SCALAR
    return rule


def _along_rows(f: VectorFunction):
    """A vector function's value: of each row of the matrix, or of the column as one row (its
    parameter, if any, a number)."""
    def value(values, attrs):
        x, parameters = values[0], [v[0, 0] for v in values[1:]]
        if f.by_rows:
            return f.numpy(x, *parameters)
        return f.numpy(x.reshape(1, -1), *parameters).reshape((1, 1) if f.reduces else x.shape)
    return value


def _mul_shape(args, attrs) -> Shape:
    chain = [a.shape for a in args if not a.is_scalar]
    for left, right in zip(chain, chain[1:]):
        if left.cols != right.rows:
            raise _fail("matrix product", left, right,
                        why=f"columns {left.cols} ≠ rows {right.rows}")
    return Shape(chain[0].rows, chain[-1].cols) if chain else SCALAR


def _pow_shape(args, attrs) -> Shape:
    """u.^p: u and p of one shape, or either a scalar (a .^ x: the shape of x)."""
    base, exponent = args[0].shape, args[1].shape
    if base.is_scalar or exponent.is_scalar or base == exponent:
        return exponent if base.is_scalar else base
    raise _fail("power", base, exponent,
                why="an elementwise power's base and exponent have one shape, or one is scalar")


def _pow(values, attrs) -> np.ndarray:
    """u.^p entry by entry; a 1 × 1 base or exponent applies to every entry."""
    base, exponent = (v[0, 0] if v.shape == (1, 1) else v for v in values)
    return np.array(np.power(base, exponent), dtype=float).reshape(
        values[0].shape if values[0].shape != (1, 1) else values[1].shape)


def _gt_shape(args, attrs) -> Shape:
    a, b = args[0].shape, args[1].shape
    if b.is_scalar or a == b:
        return a
    raise _fail(">", a, b, why="compare equal shapes or with a scalar")


def _frechet_shape(args, attrs) -> Shape:
    """L_f(X, E): X and E square and of one shape."""
    x, e = args[0].shape, args[1].shape
    if not x.is_square or x != e:
        raise _fail(MATRIX_FUNCTIONS[attrs["f"]].frechet_name, x, e,
                    why="X and E are square matrices of one shape")
    return x


def _divided_shape(title: str):
    """divdiff_f(λ): of an n-vector λ (a column), the n × n matrix of divided differences."""
    def rule(args, attrs) -> Shape:
        shape = args[0].shape
        if not shape.cols.is_one:
            raise ShapeError(f"{title} needs a vector (a column) of eigenvalues, got "
                             f"{shape.describe()}")
        return Shape(shape.rows, shape.rows)
    return rule


def _solve_shape(args, attrs) -> Shape:
    """solve(A, B): A square, B with A's rows; the result has B's shape."""
    a, rhs = args[0].shape, args[1].shape
    if not a.is_square or a.cols != rhs.rows:
        raise _fail("solve", a, rhs, why="A is square and B has A's rows")
    return rhs


def _absgrad_shape(args, attrs) -> Shape:
    shape = args[0].shape
    return shape.T if attrs["layout"] == "numerator" else shape


# -- numpy helpers ---------------------------------------------------------------------------

def commutation_matrix(m: int, n: int) -> np.ndarray:
    """K (mn × mn) with K vec(A) = vec(Aᵀ) for A m × n (column-major vec)."""
    k = np.zeros((m * n, m * n))
    for i in range(m):
        for j in range(n):
            k[i * n + j, j * m + i] = 1.0
    return k


def _matmul_all(values, attrs):
    scalars = [v for v in values if v.shape == (1, 1)]
    chain = [v for v in values if v.shape != (1, 1)]
    out = np.linalg.multi_dot(chain) if len(chain) > 1 else (chain[0] if chain else np.ones((1, 1)))
    for s in scalars:
        out = out * s[0, 0]
    return out


def _s(f: Callable[[np.ndarray], Any]):
    """Wrap a reduction so that it returns a 1 × 1 array."""
    return lambda values, attrs: np.array([[f(values[0])]], dtype=float)


def as_float(value) -> float:
    """The float64 nearest an exact constant: ±inf past float64's range (about 1.8e308), as
    IEEE rounding gives (Python's float() of a huge Fraction raises instead)."""
    try:
        return float(value)
    except OverflowError:
        return float("inf") if value > 0 else float("-inf")


def _ew(f: Callable[[np.ndarray], np.ndarray]):
    return lambda values, attrs: f(values[0])


# -- the catalogue ---------------------------------------------------------------------------

defop("var", LEAF, _attr_shape)
defop("tangent", LEAF, _attr_shape)
defop("const", LEAF, _scalar, lambda v, a: np.array([[as_float(a["value"])]]))
defop("dim", LEAF, _scalar)
for _c in CONSTANTS.values():  # π (core/constants.py)
    defop(_c.name, LEAF, _scalar, lambda v, a, c=_c: np.array([[c.value]]),
          title=_c.printed["unicode"])
defop("identity", LEAF, lambda args, a: Shape(a["n"], a["n"]))
defop("ones", LEAF, lambda args, a: Shape(a["n"], Dim.of(1)))
defop("zero", LEAF, _attr_shape)
defop("commutation", LEAF, lambda args, a: Shape(a["m"] * a["n"], a["m"] * a["n"]))
defop("apply", SPECIAL, _scalar, title="abstract function")
defop("absgrad", LEAF, _absgrad_shape, title="abstract derivative")

defop("add", LINEAR, _same("+"), lambda v, a: sum(v[1:], v[0]))
defop("mul", BILINEAR, _mul_shape, _matmul_all, title="matrix product")
defop("hadamard", BILINEAR, _same("⊙"), lambda v, a: np.prod(np.stack(v), axis=0))
defop("transpose", LINEAR, lambda args, a: args[0].shape.T, lambda v, a: v[0].T)
defop("expand", LINEAR, _attr_shape)
defop("unvec", LINEAR, _attr_shape, title="vec⁻¹", in_language=False)  # evaluated with sizes

defop("pow", SPECIAL, _pow_shape, _pow, title="power")
defop("gt", ZERO, _gt_shape, lambda v, a: (v[0] > v[1]).astype(float), title=">")
for _d in MATRIX_SCALARS.values():  # det, logdet, norm2, norm1 (core/matrix_scalars.py)
    defop(_d.name, SPECIAL, _square(_d.name, lambda s: SCALAR) if _d.square else _scalar,
          _s(_d.numpy))

def _valued(f):
    """f(u), or f(u, δ) refusing a δ that is not positive (huber's is undefined there)."""
    def run(values, attrs):
        if f.parameter is not None and not values[1].item() > 0:
            raise EvaluationError(f"{f.name}(u, {f.parameter.name}): {f.parameter.name} must be "
                                  f"positive, got {values[1].item()!r}")
        return f.numpy(*values)
    return run


for _f in FUNCTIONS.values():  # (core/elementwise.py: one declaration each)
    defop(_f.name, ELEMENTWISE if _f.derivative else ZERO, _first, _valued(_f),
          transposes=INTO_ARGUMENT)
for _v in VECTOR_FUNCTIONS.values():  # (core/vector_functions.py: the softmax family)
    defop(_v.name, SPECIAL, _of_vectors(_v), _along_rows(_v), title=_v.spelling)
for _b in BINARY.values():  # max(u, v), min(u, v)
    defop(_b.name, SPECIAL, _same(_b.spelling), lambda v, a, f=_b: f.numpy(v[0], v[1]),
          title=_b.spelling)
for _e in EXTREMES.values():  # max(x), min(x) and their weights ismax(x), ismin(x)
    defop(_e.name, SPECIAL, _scalar, _s(_e.numpy), title=_e.spelling)
    defop(_e.indicator, ZERO, _first, lambda v, a, e=_e: e.weights(v[0]))
for _m in MATRIX_FUNCTIONS.values():  # expm, logm, sqrtm (core/matrix_functions.py)
    defop(_m.name, SPECIAL, _square(_m.name, lambda s: s), _ew(_m.numpy),
          transposes=INTO_ARGUMENT)
# L_exp, J_sqrt: the letter subscripted by the scalar function (LaTeX L_{\exp}, J_{\sqrt{\cdot}})
_OF_FUNCTION = {**dict.fromkeys(("unicode", "ascii"), {m.name: m.scalar
                                                       for m in MATRIX_FUNCTIONS.values()}),
                "latex": {m.name: m.latex_alone for m in MATRIX_FUNCTIONS.values()}}
defop("frechet", SPECIAL, _frechet_shape,
      lambda v, a: MATRIX_FUNCTIONS[a["f"]].frechet(v[0], v[1]), title="Fréchet derivative",
      transposes=INTO_EACH, builder="frechet",  # L_f(X, E)ᵀ = L_f(Xᵀ, Eᵀ)
      notation=Subscripted("L", "f", _OF_FUNCTION))
defop("frechet_matrix", SPECIAL,
      _square("Fréchet derivative matrix", lambda s: Shape(s.rows * s.rows, s.rows * s.rows)),
      lambda v, a: jacobian_matrix(MATRIX_FUNCTIONS[a["f"]].frechet, v[0]),
      title="Fréchet derivative matrix", notation=Subscripted("J", "f", _OF_FUNCTION))
for _m in MATRIX_FUNCTIONS.values():  # divdiff_exp, ... (core/matrix_functions.py)
    defop(_m.divided_name, SPECIAL, _divided_shape(_m.divided_name),
          lambda v, a, f=_m: f.divided(v[0]),
          notation=Headed({"latex": _m.divided_latex}))  # LaTeX \exp^{[1]}(λ)


def _declared(op):
    """A declared operator's shape rule and value, of its operands' shapes and values."""
    return (lambda args, attrs: op.shape(tuple(a.shape for a in args)),
            lambda values, attrs: op.numpy(*values))


def _facets(op) -> dict[str, Any]:
    """The facets a linear operator or a matrix power declares for the other stages."""
    return {"notation": op.notation, "sizes": op.sizes, "transposes": op.transposes,
            "builder": op.builder}


for _l in LINEAR_OPS.values():  # sum, mean, tr, vec, diag, diagpart, tril, ⊗ (core/linear_ops.py)
    defop(_l.name, BILINEAR if _l.arity == 2 else LINEAR, *_declared(_l),
          title="⊗" if _l.infix else _l.spellings[0], **_facets(_l))
for _p in MATRIX_POWERS.values():  # X⁻¹, Xᵏ (core/matrix_powers.py)
    defop(_p.name, SPECIAL, _declared(_p)[0],
          lambda values, attrs, p=_p: p.numpy(values[0], attrs), **_facets(_p))
for _sp in SPECTRAL.values():  # eigvals, eigmax, svals, nucnorm, ... (core/spectral.py)
    defop(_sp.name, SPECIAL, lambda args, a, f=_sp: result_shape(f, args[0].shape),
          _ew(_sp.numpy))
defop("chol", SPECIAL, _square("chol", lambda s: s), _ew(cholesky))  # (core/factorisations.py)
_INVERSE = next(p.notation for p in MATRIX_POWERS.values() if p.exponent == -1)
defop("solve", SPECIAL, _solve_shape, lambda v, a: solve(v[0], v[1]),
      notation=AppliedInverse(_INVERSE, frozenset({"latex"})))  # LaTeX A^{-1} B
defop("pinv", SPECIAL, lambda args, a: args[0].shape.T, _ew(pinv), title="pseudo-inverse",
      notation=Postfix({"unicode": "⁺", "latex": "^{+}"}))  # X⁺; ASCII pinv(X)
defop("tril_half", LINEAR, _square("tril_half", lambda s: s), _ew(tril_half), title="Φ",
      notation=Headed({"latex": "\\Phi"}))  # LaTeX \Phi(M)
