"""A core expression as a SymPy matrix expression (`Derivative.to_sympy`).

Every operator is written as the SymPy construct with the value `evaluate.py` gives it: variables
become `MatrixSymbol`s (scalars `Symbol`s) with their sizes as SymPy symbols or integers, abstract
symbols ∂f/∂Y the `MatrixSymbol` named as `evaluate` takes its value (`df_dY`), f(Y) an undefined
`Function` f applied to Y. Scalar nodes become SymPy scalars (a 1 × 1 product `xᵀ A x` is its
entry `(x.T*A*x)[0, 0]`); matrix nodes become matrix expressions of the node's shape. vec, vec⁻¹
and the commutation matrix, which SymPy lacks, are `FunctionMatrix`es of their entries.
An operator with no faithful SymPy form raises `UnsupportedError` naming it.
"""
from __future__ import annotations

from collections.abc import Callable
from functools import partial
from types import SimpleNamespace

import sympy as sp
from sympy.matrices.expressions.applyfunc import ElementwiseApplyFunction
from sympy.matrices.expressions.matexpr import MatrixElement, MatrixExpr

from ..core.constants import CONSTANTS
from ..core.elementwise import BINARY
from ..core.elementwise import FUNCTIONS as ELEMENTWISE
from ..core.expr import Expr, postorder
from ..core.extremes import EXTREMES
from ..core.factorisations import FACTORISATIONS
from ..core.linear_ops import LINEAR_OPS
from ..core.matrix_functions import DIVIDED, MATRIX_FUNCTIONS
from ..core.matrix_powers import MATRIX_POWERS
from ..core.matrix_scalars import MATRIX_SCALARS
from ..core.spectral import SPECTRAL
from ..core.vector_functions import VECTOR_FUNCTIONS
from ..errors import UnsupportedError
from ..evaluate import symbol_names
from ..shapes import GENERATED, Dim

_T = sp.Dummy("t")  # the argument of elementwise lambdas

# The scalar function each elementwise operator applies, as evaluate's numpy function does.
SCALAR_FUNCTIONS: dict[str, Callable[[sp.Expr], sp.Expr]] = {
    **{f.name: partial(f.sympy, sp) for f in ELEMENTWISE.values() if f.sympy},  # as declared
    "step": lambda t: sp.Heaviside(t, 0),  # gt: 1 where t > 0, else 0 (also at 0)
}


def size(dim: Dim) -> sp.Expr:
    """A matcalc size as a SymPy integer or product of symbols (generated names unmarked)."""
    out = sp.Integer(dim.coeff)
    for name in dim.symbols:
        out *= sp.Symbol(name.replace(GENERATED, ""))
    return out


def to_sympy(expr: Expr) -> sp.Basic:
    """The SymPy form of the core expression `expr` (its value is `evaluate`'s)."""
    done: dict[Expr, sp.Basic] = {}
    for node in postorder(expr):
        rule = _RULES.get(node.op)
        if rule is None:
            raise UnsupportedError(f"no SymPy form for the matcalc operator '{node.op}'")
        out = rule(node, [done[a] for a in node.args])
        done[node] = scalar(out) if node.is_scalar else out
    return done[expr]


def scalar(value: sp.Basic) -> sp.Expr:
    """A SymPy scalar: the entry of a 1 × 1 matrix expression, anything else as it is."""
    if isinstance(value, (MatrixExpr, sp.MatrixBase)):
        return MatrixElement(value, 0, 0)
    return value


def is_matrix(value: sp.Basic) -> bool:
    """Whether a SymPy value is a matrix (expression or explicit), not a scalar."""
    return isinstance(value, (MatrixExpr, sp.MatrixBase))


def _shape(node: Expr) -> tuple[sp.Expr, sp.Expr]:
    return size(node.shape.rows), size(node.shape.cols)


def elementwise(fn: Callable[[sp.Expr], sp.Expr], value: sp.Basic) -> sp.Basic:
    """`fn` applied to every entry of a matrix expression (or to a scalar)."""
    if not is_matrix(value):
        return fn(value)
    return ElementwiseApplyFunction(sp.Lambda(_T, fn(_T)), value)


def _total(value: sp.Basic) -> sp.Expr:
    """The sum of the entries: 𝟏ᵀ X 𝟏 (a scalar)."""
    if not is_matrix(value):
        return value
    rows, cols = value.shape
    left = [] if rows == 1 else [sp.OneMatrix(1, rows)]
    right = [] if cols == 1 else [sp.OneMatrix(cols, 1)]
    return scalar(sp.MatMul(*left, value, *right))


def _expanded(value: sp.Basic, like: sp.Basic) -> sp.Basic:
    """A scalar broadcast to the shape of the matrix `like` (a matrix is left alone)."""
    if is_matrix(value) or not is_matrix(like):
        return value
    return sp.MatMul(value, sp.OneMatrix(*like.shape))


def _minus(a: sp.Basic, b: sp.Basic) -> sp.Basic:
    """a - b, unevaluated for matrices (SymPy's operators call doit)."""
    return sp.MatAdd(a, sp.MatMul(-1, b)) if is_matrix(a) else a - b


def _var(node, args):
    name = node.attr("name")
    return sp.Symbol(name) if node.is_scalar else sp.MatrixSymbol(name, *_shape(node))


def _tangent(node, args):
    name = "d" + node.attr("name")
    return sp.Symbol(name) if node.is_scalar else sp.MatrixSymbol(name, *_shape(node))


def _symbol(node, args):
    """∂f/∂Y: a symbol named as `evaluate` takes its value (df_dY)."""
    name = symbol_names(node)[1]
    return sp.Symbol(name) if node.is_scalar else sp.MatrixSymbol(name, *_shape(node))


def _const(node, args):
    value = node.attr("value")
    return sp.Rational(value.numerator, value.denominator)


def _zero(node, args):
    return sp.Integer(0) if node.is_scalar else sp.ZeroMatrix(*_shape(node))


def _commutation(node, args):
    """K with K vec(A) = vec(Aᵀ), A m × n: row i n + j has its 1 in column j m + i."""
    m, n = size(node.attr("m")), size(node.attr("n"))
    r, c = sp.Dummy("r"), sp.Dummy("c")
    entry = sp.KroneckerDelta(c, sp.Mod(r, n) * m + sp.floor(r / n))
    return sp.FunctionMatrix(m * n, m * n, sp.Lambda((r, c), entry))


def _tril(node, args, diagonal=1):
    """tril(X) = L ⊙ X, L the ones on and below the diagonal (a FunctionMatrix of r ≥ c);
    Φ(X) (tril_half) with `diagonal` ½ on the diagonal."""
    if not is_matrix(args[0]):
        return args[0] * diagonal
    r, c = sp.Dummy("r"), sp.Dummy("c")
    lower = sp.FunctionMatrix(*args[0].shape, sp.Lambda((r, c), sp.Piecewise(
        (1, r > c), (diagonal, sp.Eq(r, c)), (0, True))))
    return sp.HadamardProduct(lower, args[0])


def _reshaped(value: sp.Basic, rows: sp.Expr, cols: sp.Expr) -> sp.Basic:
    """The column-major reshape of a matrix expression to rows × cols."""
    if not is_matrix(value):
        return value
    old_rows, old_cols = value.shape
    if (old_rows, old_cols) == (rows, cols):
        return value
    if (old_rows, old_cols) == (cols, rows) and 1 in (rows, cols):
        return sp.Transpose(value)
    r, c = sp.Dummy("r"), sp.Dummy("c")
    k = c * rows + r  # the column-major position of (r, c)
    entry = MatrixElement(value, sp.Mod(k, old_rows), sp.floor(k / old_rows))
    return sp.FunctionMatrix(rows, cols, sp.Lambda((r, c), entry))


def _mul(node, args):
    coeff = sp.Mul(*[a for a in args if not is_matrix(a)])
    chain = [a for a in args if is_matrix(a)]
    if not chain:
        return coeff
    product = chain[0] if len(chain) == 1 else sp.MatMul(*chain)
    return product if coeff == 1 else sp.MatMul(coeff, *chain)


def _add(node, args):
    return sp.MatAdd(*args) if is_matrix(args[0]) else sp.Add(*args)


def _hadamard(node, args):
    return sp.HadamardProduct(*args) if is_matrix(args[0]) else sp.Mul(*args)


def _kron(node, args):
    a, b = args
    if is_matrix(a) and is_matrix(b):
        return sp.KroneckerProduct(a, b)
    return sp.MatMul(a, b) if is_matrix(a) or is_matrix(b) else a * b


def _transpose(node, args):
    return sp.Transpose(args[0]) if is_matrix(args[0]) else args[0]


def _mean(node, args):
    return _total(args[0]) / size(node.arg.shape.size)


def _square(matrix_form, scalar_form):
    def rule(node, args):
        return matrix_form(args[0]) if is_matrix(args[0]) else scalar_form(args[0])
    return rule


def _pow(node, args):
    """u .^ v entrywise: HadamardPower(u, v) for a matrix base (v a scalar or of u's shape);
    a scalar base a raised to each entry of a matrix v, a .^ v, as the elementwise t ↦ aᵗ."""
    base, exponent = args
    if is_matrix(base):
        return sp.HadamardPower(base, exponent)
    return elementwise(lambda t: base ** t, exponent)


def _gt(node, args):
    left, right = args
    return elementwise(SCALAR_FUNCTIONS["step"], _minus(left, _expanded(right, left)))


def _follows(f):
    """max(u, v) = v + relu(u − v) and min(u, v) = v − relu(v − u), entrywise."""
    def rule(node, args):
        u, v = args
        first, second = (u, v) if f.relu_sign > 0 else (v, u)
        if not is_matrix(u):
            return v + f.relu_sign * sp.Max(first - second, 0)
        part = elementwise(SCALAR_FUNCTIONS["relu"], _minus(first, second))
        return sp.MatAdd(v, part if f.relu_sign > 0 else -part)
    return rule


def _entries(value: sp.Basic, title: str) -> sp.ImmutableMatrix:
    """The explicit entries of a matrix expression of known sizes (a scalar: itself)."""
    if not is_matrix(value):
        return sp.ImmutableMatrix([[value]])
    if not all(isinstance(n, (int, sp.Integer)) for n in value.shape):
        raise UnsupportedError(f"{title} of a matrix of symbolic size has no SymPy form: "
                               f"declare its sizes (vector(3))")
    return sp.ImmutableMatrix(value)


def _extreme(e):
    """max(x) = Max of x's entries (min: Min), for x of known sizes."""
    pick = sp.Max if e.spelling == "max" else sp.Min
    return lambda node, args: pick(*_entries(args[0], f"{e.spelling}(x)"))


def _weights(e):
    """ismax(x)ᵢ = [xᵢ = max(x)] / #ties, entry by entry, for x of known sizes."""
    pick = sp.Max if e.spelling == "max" else sp.Min

    def rule(node, args):
        entries = _entries(args[0], f"{e.indicator}(x)")
        top = pick(*entries)
        hits = entries.applyfunc(lambda t: sp.Piecewise((1, sp.Eq(t, top)), (0, True)))
        weights = hits / sum(hits)
        return weights if is_matrix(args[0]) else weights[0, 0]
    return rule


_SCALAR_KIT = SimpleNamespace(sp=sp, is_matrix=is_matrix, total=_total, elementwise=elementwise)


def _of_matrix(s):
    """A scalar function of a matrix in SymPy, as declared (core/matrix_scalars.py), through
    the module, is_matrix, the total of the entries and entrywise application."""
    return lambda node, args: s.sympy(_SCALAR_KIT, args[0])


class _Kit:
    """What a vector function's SymPy form (core/vector_functions.py) is written with: exp and
    log (square, sqrt) entry by entry, the total of a vector (a scalar) or of each row (a column,
    X 𝟏) and the mean, that statistic spread back over the vector or along each row, a scalar
    added to it, a quotient by it, a difference."""

    def __init__(self, by_rows: bool, like: sp.Basic):
        self.by_rows = by_rows and is_matrix(like) and like.shape[1] != 1
        self.cols = like.shape[1] if self.by_rows else 1
        self.count = self.cols if self.by_rows else \
            like.shape[0] * like.shape[1] if is_matrix(like) else 1

    exp = staticmethod(partial(elementwise, sp.exp))
    log = staticmethod(partial(elementwise, sp.log))
    sqrt = staticmethod(partial(elementwise, sp.sqrt))
    minus = staticmethod(_minus)

    @staticmethod
    def square(x: sp.Basic) -> sp.Basic:
        return sp.HadamardPower(x, 2) if is_matrix(x) else x ** 2

    def mean(self, x: sp.Basic) -> sp.Basic:
        return self.total(x) / self.count

    @staticmethod
    def plus(statistic: sp.Basic, scalar: sp.Basic) -> sp.Basic:
        """statistic + a scalar (to each entry of a column of statistics)."""
        return sp.MatAdd(statistic, _expanded(scalar, statistic)) if is_matrix(statistic) \
            else statistic + scalar

    def total(self, x: sp.Basic) -> sp.Basic:
        return sp.MatMul(x, sp.OneMatrix(self.cols, 1)) if self.by_rows else _total(x)

    def spread(self, total: sp.Basic, like: sp.Basic) -> sp.Basic:
        return sp.MatMul(total, sp.OneMatrix(1, self.cols)) if self.by_rows \
            else _expanded(total, like)

    def divide(self, x: sp.Basic, total: sp.Basic) -> sp.Basic:
        if self.by_rows:
            return sp.HadamardProduct(x, self.spread(sp.HadamardPower(total, -1), x))
        return sp.MatMul(1 / total, x) if is_matrix(x) else x / total


def _of_vectors(f):
    """A function of the softmax family in exp, log and sums, as declared."""
    return lambda node, args: f.sympy(_Kit(f.by_rows, args[0]), *args)


def _elementwise(name: str):
    """f applied to each entry of its argument, f(t, δ) with a parameter's value (huber)."""
    return lambda node, args: elementwise(lambda t: SCALAR_FUNCTIONS[name](t, *args[1:]),
                                          args[0])


def _no_matrix_function(node, args):
    """SymPy has no matrix exponential, logarithm or square root of a symbolic matrix (nor
    their Fréchet derivatives), nor a Cholesky factor of one."""
    raise UnsupportedError(f"no SymPy form for the matrix function '{node.attr('f') or node.op}'"
                           f" of a symbolic matrix")


def _no_divided_differences(node, args):
    """SymPy has no matrix of divided differences (f′ where two entries are equal)."""
    raise UnsupportedError(f"no SymPy form for {node.op}(λ), the divided differences of "
                           f"{DIVIDED[node.op].scalar} (they come from the eigenvalues of a "
                           f"symbolic matrix, which SymPy has no closed form for)")


def _no_spectral_function(node, args):
    """SymPy has no closed form for the eigenvalues or singular values of a symbolic matrix."""
    raise UnsupportedError(f"no SymPy form for the spectral function '{node.op}' of a symbolic "
                           f"matrix")


# what the declared operators' SymPy forms are written with (core/linear_ops.py,
# core/matrix_powers.py, core/factorisations.py)
_DECLARED_KIT = SimpleNamespace(sp=sp, total=_total, mean=_mean, square=_square,
                                reshaped=_reshaped, shape=_shape, tril=_tril, kron=_kron,
                                is_matrix=is_matrix)


def _declared(op):
    """A declared operator's SymPy form."""
    return lambda node, args: op.sympy(_DECLARED_KIT, node, args)


_RULES: dict[str, Callable] = {
    "var": _var, "tangent": _tangent, "const": _const, "zero": _zero,
    "dim": lambda node, args: size(node.attr("size")),
    **{c.name: lambda node, args, c=c: getattr(sp, c.sympy) for c in CONSTANTS.values()},
    "identity": lambda node, args: sp.Identity(size(node.attr("n"))),
    "ones": lambda node, args: sp.OneMatrix(size(node.attr("n")), 1),
    "commutation": _commutation,
    "absgrad": _symbol,
    "apply": lambda node, args: sp.Function(node.attr("fname"), commutative=True)(args[0]),
    "add": _add, "mul": _mul, "hadamard": _hadamard, "transpose": _transpose,
    **{op.name: _declared(op) for op in (*LINEAR_OPS.values(), *MATRIX_POWERS.values())},
    "unvec": lambda node, args: _reshaped(args[0], *_shape(node)),
    "expand": lambda node, args: sp.MatMul(args[0], sp.OneMatrix(*_shape(node))),
    **{f.name: _declared(f) if f.sympy else _no_matrix_function
       for f in FACTORISATIONS.values()},
    "pow": _pow, "gt": _gt, **{f.name: _follows(f) for f in BINARY.values()},
    **{e.name: _extreme(e) for e in EXTREMES.values()},
    **{e.indicator: _weights(e) for e in EXTREMES.values()},
    **{s.name: _of_matrix(s) for s in MATRIX_SCALARS.values()},
    **{f.name: _of_vectors(f) for f in VECTOR_FUNCTIONS.values()},
    **dict.fromkeys((*MATRIX_FUNCTIONS, "frechet", "frechet_matrix"), _no_matrix_function),
    **dict.fromkeys(SPECTRAL, _no_spectral_function),
    **dict.fromkeys(DIVIDED, _no_divided_differences),
    **{name: _elementwise(name) for name in SCALAR_FUNCTIONS if name != "step"},
}
