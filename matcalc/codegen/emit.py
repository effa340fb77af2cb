"""Expressions to statements: one emission rule per operator, spelled by a backend table.

Values keep natural array shapes: scalars 0-d, vectors (column or row, known statically) 1-D,
matrices 2-D. A broadcast scalar (`expand`) stays a scalar inside sums and elementwise
products; traces and diagonals of products never form the product (traces.py).

Inverses, solves and log-determinants go through solves.py, which factorises a matrix used
more than once only once.
"""
from __future__ import annotations

import math
from fractions import Fraction

from ..core import build as b
from ..core.constants import CONSTANTS
from ..core.elementwise import BINARY
from ..core.expr import Expr, postorder
from ..core.extremes import EXTREMES, INDICATORS
from ..core.factorisations import FACTORISATIONS
from ..core.linear_ops import LINEAR_OPS
from ..core.matrix_functions import DIVIDED, MATRIX_FUNCTIONS
from ..core.matrix_powers import MATRIX_POWERS
from ..core.matrix_scalars import MATRIX_SCALARS
from ..core.ops import as_float
from ..core.spectral import SPECTRAL
from ..core.vector_functions import SAME, VECTOR_FUNCTIONS
from ..errors import UnsupportedError
from ..shapes import Dim, Shape
from .backends import ELEMENTWISE, Backend
from .chains import Products
from .factorisations import factorisation_code
from .factors import Value
from .matrix_functions import divided_code, matrix_function_code
from .solves import Solves
from .source import Builder, wrap
from .spectral import spectral_code, vectors_used
from .spread import negative, spreads, with_common_row_scale, with_shared_negation
from .traces import diagonal_code, formed_products, trace_code

_DECLARED = {**LINEAR_OPS, **MATRIX_POWERS}  # each names its Emitter method and its code
_UNIT_LEAVES = ("identity", "ones", "commutation")  # I₁ = 𝟏₁ = K₁,₁ = 1
# what has a value of its own at a 1 × 1 argument (as each declares), and the 1 × 1 leaves
_ONE_BY_ONE = frozenset((*(op.name for op in LINEAR_OPS.values() if op.scalar_of_1x1),
                         *MATRIX_SCALARS, *_UNIT_LEAVES,
                         *(op.name for op in MATRIX_POWERS.values() if op.of_a_scalar)))


class Emitter:
    """Emits expressions as statements of one function, given the names of its inputs."""

    def __init__(self, backend: Backend, roots: list[Expr], names: dict[Expr, str],
                 sizes: dict[str, str]):
        self.backend = backend
        self.spell = backend.spell
        self.builder = Builder()
        self.names = names  # input leaves (variables, abstract symbols) -> parameter names
        self.sizes = sizes  # size symbol -> the name its value is bound to
        self.used_sizes: set[str] = set()
        self.products = Products(self)
        self._memo: dict[Expr, Value] = {}
        self._gathering: set[Expr] = set()  # sums whose row scaling is being taken out
        self.solves = Solves(self, roots)
        self._nodes = {n for root in roots for n in postorder(root)}
        self.formed = formed_products(roots)  # products formed whatever else is done
        self.shared = _shared_nodes(roots)  # roots and nodes with several users
        self.decomposed = vectors_used(roots)  # spectral arguments decomposed in full
        self.decompositions: dict[tuple[Expr, bool], str] = {}  # (argument, eigh) -> its name

    def let(self, code: str) -> str:
        return self.builder.let(code)

    @staticmethod
    def literal(value: Fraction | int) -> str:
        """A constant as a float literal, so that constant subexpressions compute in floats
        as `evaluate` does (abs(4.0) ** -1 is 0.25; integer arrays have no negative powers
        and jax's sigmoid takes no integers); ±1e999 past float64's range."""
        number = as_float(Fraction(value))
        return repr(number) if math.isfinite(number) else ("-1e999" if number < 0 else "1e999")

    @staticmethod
    def exponent(node: Expr) -> str | None:
        """An integer constant exponent as an integer literal (uᵏ is then an exact integer
        power in every backend, differentiable by jax at u ≤ 0), else None."""
        if node.op != "const" or node.attr("value").denominator != 1:
            return None
        k = node.attr("value").numerator
        return str(k) if abs(k) < 10 ** 15 else None

    def size(self, dim: Dim) -> str:
        words = [str(dim.coeff)] if dim.coeff != 1 or not dim.symbols else []
        for symbol in dim.symbols:
            if symbol not in self.sizes:
                raise UnsupportedError(f"cannot generate code: the size {symbol.lstrip('~')} is "
                                       f"not the size of any input")
            self.used_sizes.add(symbol)
            words.append(self.sizes[symbol])
        return " * ".join(words)

    def _dims(self, shape: Shape) -> str:
        if shape.is_scalar:
            return "()"
        if not shape.is_matrix:
            return self.size(shape.rows if shape.cols.is_one else shape.cols)
        return f"({self.size(shape.rows)}, {self.size(shape.cols)})"

    def value(self, node: Expr) -> Value:
        done = self._memo.get(node)
        if done is None:
            for n in postorder(node):  # children first: no deep recursion
                if n not in self._memo:
                    code = self._emit(n)
                    atomic = code.isidentifier() or code.replace(".", "").isdigit()
                    self._memo[n] = Value(code if atomic else self.let(code), n.shape)
            done = self._memo[node]
        return done

    def computed(self, node: Expr | Value) -> bool:
        """Whether `node`'s value is in the code already (a statement or an input)."""
        return isinstance(node, Value) or node in self._memo

    def _code(self, node: Expr) -> str:
        return self.value(node).code

    def _emit(self, node: Expr) -> str:
        if node in self.names:
            return self.names[node]
        op = node.op
        if op in _ONE_BY_ONE and (node.args[0] if node.args else node).is_scalar:
            return self._one_by_one(node)
        if op in ELEMENTWISE:
            return self.spell(op, self._lifted(node.args[0]), *self._operands(node.args[1:]))
        if op in BINARY:  # max(u, v), min(u, v)
            return self.spell(op, *self._operands(node.args))
        if op in EXTREMES or op in INDICATORS:  # max(x), ismax(x)
            return self.spell(op, self._code(node.arg))
        if op in VECTOR_FUNCTIONS:
            return self._of_vectors(node)
        if op in MATRIX_SCALARS:
            return self._of_matrix(node)
        if op in CONSTANTS:  # π: the backend's constant, the float nearest it
            return self.spell(op)
        rule = emission_rule(op)
        if rule is None:
            raise UnsupportedError(f"cannot generate code for the operator '{op}'")
        return rule(self, node)

    def _one_by_one(self, node: Expr) -> str:
        """A matrix function of a 1 × 1 argument (a 0-d value here), or a 1 × 1 constant
        matrix, as declared: tr(a) = det(a) = diag(a) = a (core/linear_ops.py's scalar_of_1x1),
        logdet(a) = log|a|, norm2(a) = norm1(a) = |a| (core/matrix_scalars.py), a⁻¹ = 1 / a and
        aᵏ (core/matrix_powers.py's of_a_scalar); I₁ = 𝟏₁ = K₁,₁ = 1."""
        if not node.args:
            return self.literal(1)
        declared = MATRIX_SCALARS.get(node.op)
        if declared is not None and declared.of_one_by_one:
            code = self._lifted(node.arg)
            for fn in declared.of_one_by_one:
                code = self.spell(fn, code)
            return code
        power = MATRIX_POWERS.get(node.op)
        if power is not None:
            return power.of_a_scalar.format(wrap(self._code(node.arg)), node.attr("k"))
        return self._code(node.arg)

    def _own(self, node: Expr, *operands: str) -> str:
        """A declared operator's code as its declaration spells it in this backend."""
        return _DECLARED[node.op].code[self.backend.name][1].format(*operands)

    def _constant(self, value: int) -> str:
        """The value of an expression of variables that is a constant (softmax of a scalar):
        a backend scalar, as the values of such expressions are (torch's functions take
        tensors only)."""
        return self.spell("lift", self.literal(value))

    def _lifted(self, arg: Expr) -> str:
        """A function's argument, a constant one as a backend scalar (torch's functions take
        tensors only)."""
        code = self._code(arg)
        return code if arg.free else self.spell("lift", code)

    def _broadcast(self, args: tuple[Expr, ...]) -> list[str]:
        """The code of the operands of an arithmetic operator (+, ⊙), a vector spread by a
        product with ones (spread.py) as the library's broadcast of the vector."""
        args = b.unexpanded(args)
        return [self._code(a) if s is None else self._spread(*s)
                for a, s in zip(args, spreads(args))]

    def _spread(self, side: str, vector: Expr) -> str:
        return self.spell(side, wrap(self._code(vector)))

    def _operands(self, args: tuple[Expr, ...]) -> list[str]:
        """The code of the operands of a function of several arguments, constants lifted."""
        return [self._lifted(a) for a in b.unexpanded(args)]

    # -- leaves -----------------------------------------------------------------------------

    def _const(self, node):
        return self.literal(node.attr("value"))

    def _dim(self, node):
        """A size as a value: a float, as every other constant."""
        return f"float({self.size(node.attr('size'))})"

    def _identity(self, node):
        return self.spell("eye", self.size(node.attr("n")))

    def _ones(self, node):
        return self.spell("ones", self.size(node.attr("n")))

    def _zero(self, node):
        return "0.0" if node.is_scalar else self.spell("zeros", self._dims(node.shape))

    def _commutation(self, node):
        return self.spell("commutation", self.size(node.attr("m")), self.size(node.attr("n")))

    def _var(self, node):
        raise UnsupportedError(f"cannot generate code: '{node.attr('name')}' is not an input")

    _tangent = _absgrad = _apply = _var

    # -- linear and bilinear ----------------------------------------------------------------

    def _add(self, node):
        grouped = with_common_row_scale(node.args)
        if grouped is not None and node not in self._gathering:
            self._gathering.add(node)  # (a product distributes it back to node: chains.py)
            try:
                return self._code(grouped)
            finally:
                self._gathering.discard(node)
        codes = self._broadcast(node.args)
        found = spreads(b.unexpanded(node.args))
        out = codes[0]
        for term, code, spread in zip(node.args[1:], codes[1:], found[1:]):
            if spread is not None:
                side, vector = spread
                out += (f" - {self._spread(side, b.mul(b.const(-1), vector))}"
                        if negative(vector) else f" + {code}")
                continue
            negated = self.products.negated(term.arg if term.op == "expand" else term)
            out += f" - {wrap(negated)}" if negated is not None else f" + {code}"
        return out

    def _mul(self, node):
        return self.products.product(node)

    def _hadamard(self, node):
        """The product folded from the left, each partial product a statement, so that
        products sharing their first factors compute them once (E ⊙ R ⊘ U and E ⊙ R ⊘ U.^2)."""
        args = with_shared_negation(node.args, self.computed) or node.args
        codes = self._broadcast(args)
        head = codes[0]
        for code in codes[1:-1]:
            head = self.let(f"{wrap(head)} * {wrap(code)}")
        return f"{wrap(head)} * {wrap(codes[-1])}"

    def _kron(self, node):
        x, y = node.args
        if x.is_scalar or y.is_scalar:
            return f"{wrap(self._code(x))} * {wrap(self._code(y))}"
        if x.shape.is_matrix == y.shape.is_matrix and x.shape.is_row == y.shape.is_row:
            return self._own(node, self._code(x), self._code(y))  # both 2-D or both 1-D
        two_d = [self.products._operand2d(a) or self._code(a) for a in (x, y)]
        out = self._own(node, *two_d)
        return out if node.shape.is_matrix else self.spell("flat", wrap(out))

    def _transpose(self, node):
        code = self._code(node.arg)
        return self.spell("T", wrap(code)) if node.shape.is_matrix else code

    def _reduce(self, node):
        """sum(X), mean(X) (of a 1 × 1 argument: `_one_by_one`)."""
        return self._own(node, wrap(self._code(node.arg)))

    _tr = trace_code
    _diagpart = diagonal_code

    def _vec(self, node):
        code = self._code(node.arg)
        return self._own(node, wrap(code)) if node.arg.shape.is_matrix else code

    def _unvec(self, node):
        code = self._code(node.arg)
        if not node.shape.is_matrix:
            return code
        return self.spell("unvec", wrap(code), self.size(node.shape.rows),
                          self.size(node.shape.cols))

    def _expand(self, node):
        scalar = self._code(node.arg)
        if node.is_scalar:
            return scalar
        return f"{wrap(scalar)} * {self.spell('ones', self._dims(node.shape))}"

    def _tril(self, node):
        code = self._code(node.arg)
        return self._own(node, code) if node.arg.shape.is_matrix else code

    def _diag(self, node):
        """diag(v) (of a 1 × 1 argument: `_one_by_one`)."""
        return self._own(node, self._code(node.arg))

    # -- nonlinear --------------------------------------------------------------------------

    def _pow(self, node):
        base, exponent = node.args
        power = self.exponent(exponent) or self._code(exponent)
        return self.spell("power", wrap(self._code(base)), wrap(power))

    def _gt(self, node):
        return self.spell("gt", *self._operands(node.args))

    def _inv(self, node):
        """X⁻¹ standing alone (of a 1 × 1 argument: `_one_by_one`): a solve with the factors
        X shares with its other solves or with X's LU refused where X is singular or nearly so
        (codegen/solves.py), by Cholesky where X is declared spd and the backend spells it,
        else the library's inverse."""
        x = node.arg
        if self.solves.shared(x) or self.solves.refusing(x):
            return self.solves.solve(x, self.spell("eye", self.size(x.shape.rows)), False, node)
        return self.solves.spd_inverse(x) or self._own(node, self._code(x))

    def _of_matrix(self, node):
        """A scalar function of a matrix, spelled as declared (core/matrix_scalars.py), or from
        the factors of its argument where it is declared factored."""
        if MATRIX_SCALARS[node.op].factored:
            return self._logdet_from_factors(node)
        return self.spell(node.op, self._code(node.arg))

    def _logdet_from_factors(self, node):
        """log|det X|, sharing X's factors with its solves (codegen/solves.py)."""
        return self.solves.logdet(node)

    def _mpow(self, node):
        return self._own(node, self._code(node.arg), str(node.attr("k")))

    def _of_vectors(self, node: Expr) -> str:
        """A function of the softmax family, spelled as declared (core/vector_functions.py)
        over the last axis (a vector's, a matrix's rows); where each vector or row is one entry
        (a scalar, a column taken by rows) its value there: softmax 1, log softmax 0, the entry
        itself for logsumexp."""
        f, arg = VECTOR_FUNCTIONS[node.op], node.args[0]
        if f.by_scale is not None:  # layernorm: through its scale where a derivative has it
            scale, by_scale = f.by_scale(b, node)
            if scale in self._nodes:
                return self._code(by_scale)
        if not (arg.shape.cols.is_one if f.by_rows else arg.is_scalar):  # (a parameter: lifted)
            return self.spell(node.op, self._code(arg), *map(self._lifted, node.args[1:]))
        if f.of_one_entry == SAME:
            return self._code(arg)
        value = int(f.of_one_entry)
        if node.is_scalar:
            return self._constant(value)
        return self.spell("ones" if value else "zeros", self._dims(node.shape))

    _frechet = _frechet_matrix = matrix_function_code  # (L_f(X, E), J_f(X) of expm, ...)


def _shared_nodes(roots: list[Expr]) -> frozenset[Expr]:
    """The roots and the nodes that are an argument of more than one node."""
    users: dict[Expr, int] = {}
    for node in {n for root in roots for n in postorder(root)}:
        for a in set(node.args):
            users[a] = users.get(a, 0) + 1
    return frozenset((*roots, *(n for n, k in users.items() if k > 1)))


def emission_rule(op: str):
    """The rule (emitter, node) -> code writing `op` beyond the backend's templates: its
    family's (spectral functions, matrix functions, factorisations), or the `Emitter` method
    its declaration names (core/linear_ops.py, core/matrix_powers.py), else `_op`; None: no rule."""
    if op in SPECTRAL:
        return spectral_code
    if op in MATRIX_FUNCTIONS:
        return matrix_function_code
    if op in DIVIDED:  # divdiff_exp, ... (the matrix functions' divided differences)
        return divided_code
    if op in FACTORISATIONS:
        return factorisation_code
    declared = _DECLARED.get(op)
    return getattr(Emitter, declared.emitter if declared else "_" + op, None)


def returned(backend: Backend, value: Value) -> str:
    """An output's code, scalars converted to the backend's scalar type."""
    return backend.spell("scalar_out", value.code) if value.shape.is_scalar else value.code
