"""Typing the syntax tree: names get kinds, operators get their meaning, sizes get unified.

Meanings that depend on kinds are decided here, once kinds are known: a product with a scalar
operand scales, `^` is a power for scalars, elementwise for vectors and a matrix power (`^-1`
the inverse) for matrices, `/` and `./` divide elementwise with scalar expansion, `+ − >` expand
a scalar operand, `max(0, u)` is relu, and `W(x)` is a product when W is a variable.
"""
from __future__ import annotations

from ..core.constants import CONSTANTS
from ..core.linear_ops import LINEAR_OPS, OF_SQUARE_TO_SCALAR
from ..core.matrix_functions import MATRIX_FUNCTIONS
from ..core.matrix_power_chains import INVERSE, MAX_MATRIX_POWER, POWER
from ..core.matrix_powers import MATRIX_POWERS
from ..core.matrix_scalars import MATRIX_SCALARS
from ..errors import MatcalcError, ParseError, ShapeError, Span, UnsupportedError
from ..syntax import ast, parse
from ..syntax.transformer import literal_value
from .constants import size_value, sized
from .declarations import Declaration
from .declared_symbols import declared_symbol
from .dims import GENERATED, SizeVar, declared, generated_names, matrix_sizes, one, times, unify
from .functions import FUNCTIONS
from .naming import NameChecks
from .program_names import is_variable, program_sizes, read, value_names
from .suggest import unknown_call
from .typed import T, fit, like, scalar

PRODUCT_OPS = {"*", "@", "juxt"}
SUM_OPS = {"+", "-"}


_CONSTANTS = {"eye": "the identity matrix", "ones": "the all-ones vector"}
# functions whose argument is a matrix: a scalar argument is the scalar function (1/a, a, log a)
_MATRIX_ARGUMENT = {*MATRIX_FUNCTIONS, *(s.spelling for s in MATRIX_SCALARS.values() if s.square),
                    *(s for op in MATRIX_POWERS.values() for s in op.spellings),
                    *(s for op in LINEAR_OPS.values() if op.typing == OF_SQUARE_TO_SCALAR
                      for s in op.spellings)}


class Typer:
    """`used`: names used besides the program's own (the variable differentiated by);
    `checked` False: a typing that only asks whether a reading types (see `types`)."""

    def __init__(self, program: ast.Program, declarations: dict[str, Declaration],
                 identity_names: frozenset[str] = frozenset(), used: frozenset[str] = frozenset(),
                 checked: bool = True, product_at: int = -1):
        self.text = program.text
        self.identity_names = identity_names
        self.declarations = declarations
        self.product_at = product_at
        self.bound: dict[str, T] = {}
        self.variables: dict[str, T] = {}
        self.size_names = program_sizes(program, declarations, identity_names)  # n, n_x
        self.value_names = value_names(program) | self.size_names.names()
        self._sizes: dict[str, list[SizeVar]] = {}
        self.names = NameChecks(self, self.value_names | {b.name for b in program.bindings}
                                | set(used), active=checked)

    # -- entry points ------------------------------------------------------------------------
    def program(self, program: ast.Program) -> T:
        try:
            for bind in program.bindings:
                if bind.name in self.declarations:
                    raise ShapeError(f"'{bind.name}' is declared as a variable but bound "
                                     f"here; a binding's kind comes from its right-hand side",
                                     bind.name_span)
                self.bound[bind.name] = self.expr(bind.value)
            root = self.expr(program.result)
        except MatcalcError as err:
            self.names.refuse_glued(typed=False)
            raise self.names.explained(err) from None
        self.names.refuse_glued(typed=True)
        return root

    def types(self, text: str, declarations: dict[str, Declaration] | None = None,
              product_at: int = -1) -> bool:
        """Whether the program `text` types with `declarations` (this program's by default),
        its names read as they are (no notes, no glued names), and with the products around
        offset `product_at` (if any) matrix products: no scalar uᵀ v scales a further factor."""
        declarations = self.declarations if declarations is None else declarations
        try:
            program = read(parse(text), declarations)
            Typer(program, declarations, self.identity_names, checked=False,
                  product_at=product_at).program(program)
        except (MatcalcError, RecursionError):
            return False
        return True

    def expect(self, root: T, shape) -> None:
        """Let the program's value have `shape` where that fixes open sizes (e.g. the size of
        `I` in a claimed derivative `z I`); a mismatch is left for the caller to report."""
        for mine, dim in ((root.rows, shape.rows), (root.cols, shape.cols)):
            unify(mine, one() if dim.is_one else declared(dim.number or str(dim)))

    def expr(self, node: ast.Expr) -> T:
        return getattr(self, "t_" + type(node).__name__)(node)

    def source(self, node) -> str:
        return self.text[node.span.start:node.span.end]

    # -- atoms -------------------------------------------------------------------------------
    def t_Number(self, node: ast.Number) -> T:
        return scalar("const", span=node.span, text=node.text, value=literal_value(node.text))

    def t_Name(self, node: ast.Name) -> T:
        name = node.name
        if name in self.bound:
            return self.bound[name]
        if name not in self.declarations:
            if name in self.identity_names or name == "I":  # I: the identity, as printed
                name = "eye"
            elif name in self.size_names:
                return size_value(name, self.size_names.size(name, self), node.span)
        if name in CONSTANTS and name not in self.declarations:  # π (core/constants.py)
            return scalar(name, span=node.span, text=node.name)
        if name in ("eye", "ones") and name not in self.declarations:
            n = SizeVar(f"{GENERATED}n_{name}", weak=True)
            cols = n if name == "eye" else one()
            return T("identity" if name == "eye" else "ones", (), n, cols, node.span, name)
        if (name in FUNCTIONS and name not in self.declarations) or self._is_function(name):
            raise ParseError(f"'{name}' is a function: call it as {name}(…)", node.span)
        if name not in self.variables and name not in self.declarations:
            self.names.check_new(name, node.span)
        return self.variable(name, node.span)

    def t_Sized(self, node: ast.Sized) -> T:
        return sized(self, node)

    def sizes_of(self, name: str) -> list[SizeVar]:
        """The sizes of the variable `name` (its rows, and a matrix's columns): declared, or
        inferred (~n_x, ~m_X, ~n_X); the same ones however often asked, so that a size read
        by its name (n_x) before x is typed is x's."""
        if name not in self._sizes:
            decl = self.declarations.get(name) or Declaration.default_for(name)
            self._sizes[name] = [declared(s) if s is not None else SizeVar(GENERATED + g)
                                 for s, g in zip(decl.sizes, generated_names(name, decl.kind))]
        return self._sizes[name]

    def variable(self, name: str, span: Span | None) -> T:
        if name not in self.variables:
            decl = self.declarations.get(name) or Declaration.default_for(name)
            sizes = self.sizes_of(name)
            rows, cols = matrix_sizes(*sizes) if len(sizes) == 2 else (*sizes, one(), one())[:2]
            if decl.structure != "general":  # square: one size
                unify(rows, cols)
            self.variables[name] = T("var", (), rows, cols, span, name, name=name,
                                     structure=decl.structure)
        return self.variables[name]

    # -- operators ---------------------------------------------------------------------------
    def t_Unary(self, node: ast.Unary) -> T:
        operand = self.expr(node.operand)
        return operand if node.op == "+" else like("neg", operand, operand, span=node.span)

    def t_Postfix(self, node: ast.Postfix) -> T:
        x = self.expr(node.operand)
        name = node.operand.name if isinstance(node.operand, ast.Name) else None
        if node.op == "T" and x.is_scalar and name in self.variables and \
                name not in self.declarations:
            raise ShapeError(
                f"{name}ᵀ: '{name}' is a scalar by the naming defaults (a–g and lowercase "
                f"Greek names are scalars), so transposing it does nothing; declare it, e.g. "
                f"vars={{'{name}': 'vector'}} or --var {name}:vector", node.span)
        if node.op == "T":
            return T("transpose", (x,), x.cols, x.rows, node.span, self.source(node))
        if node.op == "pinv":
            return T("pinv", (x,), x.cols, x.rows, node.span, self.source(node))
        inverse = self.inverse(x, node.span)
        return inverse if node.op == "inv" else T("transpose", (inverse,), x.cols, x.rows,
                                                   node.span, self.source(node))

    def square(self, title: str, x: T, span: Span | None) -> None:
        """Require a square matrix (unifying its two sizes)."""
        if x.is_vector or not unify(x.rows, x.cols):
            raise ShapeError(f"{title} needs a square matrix, got {x.describe()}", span)

    def inverse(self, x: T, span: Span | None) -> T:
        self.square("inverse", x, span)
        return like("recip" if x.is_scalar else INVERSE, x, x, span=span, text=x.text)

    def _links(self, node: ast.Binary, tier: set[str]) -> tuple[T, list[tuple[ast.Binary, T]]]:
        """A left-associative chain `a op b op c ...` of `tier`'s operators, typed without
        recursion: (the first operand, [(each link, its right operand)])."""
        links = []
        while isinstance(node, ast.Binary) and node.op in tier:
            links.append(node)
            node = node.left
        first = self.expr(node)
        first.text = first.text or self.source(node)
        typed = []
        for link in reversed(links):
            right = self.expr(link.right)
            right.text = right.text or self.source(link.right)
            typed.append((link, right))
        return first, typed

    def sum_chain(self, node: ast.Binary) -> T:
        """a ± b ± c ...: one n-ary sum; scalar terms broadcast to the others' shape."""
        first, links = self._links(node, SUM_OPS)
        terms, model = [first], first
        for link, right in links:
            if link.op == "-":
                right = like("neg", right, right, span=link.op_span, text=right.text)
            if model.is_scalar and not right.is_scalar:
                terms = [self.broadcast(t, right)[0] for t in terms]
                model = right
            right = self.broadcast(model, right)[1]
            fit("+" if link.op == "+" else "−", model, right, link.op_span,
                why="they must have the same shape")
            terms.append(right)
        return like("add", model, *terms, span=node.op_span, text=self.source(node))

    def product_chain(self, node: ast.Binary) -> T:
        """a b c ... (and *, @): one n-ary product, sizes unified factor by factor."""
        first, links = self._links(node, PRODUCT_OPS)
        factors, model, inner = [first], first, False
        strict = node.span.start <= self.product_at < node.span.end
        for link, right in links:
            factors.append(right)
            if not (model.is_scalar or right.is_scalar):
                model = self.product(model, right, link.op_span, self.source(link))  # sizes
                if model.is_scalar:  # uᵀ v ...: a scalar, which scales what follows
                    model = T("mul", tuple(factors), model.rows, model.cols, link.op_span,
                              self.source(link))
                    factors, inner = [model], True
            elif model.is_scalar:
                if strict and inner:
                    raise ShapeError("a scalar uᵀ v times a further factor", link.op_span)
                model = right
            elif not model.is_vector:
                self.names.right_factor(right)
        if len(factors) == 1:
            return factors[0]
        return T("mul", tuple(factors), model.rows, model.cols, node.op_span, self.source(node))

    def t_Binary(self, node: ast.Binary) -> T:
        if node.op in SUM_OPS:
            return self.sum_chain(node)
        if node.op in PRODUCT_OPS:
            return self.product_chain(node)
        left, right = self.expr(node.left), self.expr(node.right)
        left.text = left.text or self.source(node.left)
        right.text = right.text or self.source(node.right)
        span, text = node.op_span, self.source(node)
        if node.op in PRODUCT_OPS:
            return self.product(left, right, span, text)
        if node.op in ("+", "-", ">"):
            left, right = self.broadcast(left, right)
            title = {"+": "+", "-": "−", ">": ">"}[node.op]
            fit(title, left, right, span, why="they must have the same shape")
            op = {"+": "add", "-": "sub", ">": "gt"}[node.op]
            return like(op, left, left, right, span=span, text=text)
        if node.op == ".*":
            return self.elementwise("⊙", "hadamard", left, right, span, text, noted=True)
        if node.op in ("./", "/"):
            recip = like("recip", right, right, span=span)
            return self.elementwise(node.op, "hadamard", left, recip, span, text,
                                    noted=node.op == "./")
        if node.op == "kron":
            return T("kron", (left, right), times(left.rows, right.rows),
                     times(left.cols, right.cols), span, text)
        return self.power(node, left, right, span, text)

    def product(self, left: T, right: T, span: Span, text: str) -> T:
        if left.is_scalar or right.is_scalar:
            model = right if left.is_scalar else left
            return like("mul", model, left, right, span=span, text=text)
        if not unify(left.cols, right.rows):
            raise ShapeError(
                f"matrix product: {left.describe()} times {right.describe()}: the columns of "
                f"the left ({left.cols.label()}) do not match the rows of the right "
                f"({right.rows.label()})", span)
        return T("mul", (left, right), left.rows, right.cols, span, text)

    def broadcast(self, left: T, right: T) -> tuple[T, T]:
        """Scalar expansion: a scalar operand of an elementwise operator takes the other shape."""
        if left.is_scalar and not right.is_scalar:
            self.names.broadcast(left, right)
            left = like("expand", right, left, span=left.span, text=left.text)
        elif right.is_scalar and not left.is_scalar:
            self.names.broadcast(right, left)
            right = like("expand", left, right, span=right.span, text=right.text)
        return left, right

    def elementwise(self, title, op, left: T, right: T, span, text, noted: bool = False) -> T:
        """An elementwise product (or quotient: right a `recip`); a scalar operand scales.
        `noted`: ⊙ and ./ note a defaulted scalar operand (* and / need no vector there)."""
        if left.is_scalar or right.is_scalar:
            if noted and left.is_scalar != right.is_scalar:
                self.names.broadcast(*((left, right) if left.is_scalar else (right, left)))
            return like("mul", right if left.is_scalar else left, left, right, span=span,
                        text=text)
        fit(title, left, right, span, why="they must have the same shape")
        return like(op, left, left, right, span=span, text=text)

    def power(self, node: ast.Binary, base: T, exponent: T, span: Span, text: str) -> T:
        """u ^ p: a matrix power for a matrix u and ^, else elementwise; a non-scalar exponent
        (a .^ x, x .^ y) has u's shape, a scalar u is expanded to its shape."""
        if node.op == "^" and not (base.is_scalar or base.is_vector):
            if not exponent.is_scalar:
                raise ShapeError(f"matrix power {text}: the exponent must be an integer (use "
                                 f".^ for an elementwise power)", span)
            return self.matrix_power(node, base, span, text)
        if not (exponent.is_scalar or base.is_scalar):
            fit("power", base, exponent, span,
                why="an elementwise power's base and exponent have one shape, or one is scalar")
        return like("pow", exponent if base.is_scalar else base, base, exponent, span=span,
                    text=text)

    def matrix_power(self, node: ast.Binary, base: T, span: Span, text: str) -> T:
        k = _integer(node.right)
        if k is None:
            raise ShapeError(f"matrix power {text}: the exponent must be an integer "
                             f"(use .^ for an elementwise power)", span)
        if k == 0:
            raise ShapeError(f"matrix power {text}: A^0 is the identity; write eye", span)
        if abs(k) > MAX_MATRIX_POWER:
            raise UnsupportedError(
                f"matrix power {text}: the exponent is beyond {MAX_MATRIX_POWER}, the largest "
                f"matcalc differentiates (the derivative of Xᵏ is a sum of k terms Xⁱ dX Xᵏ⁻¹⁻ⁱ)",
                span)
        self.square("matrix power", base, span)
        x = self.inverse(base, span) if k < 0 else base
        return x if abs(k) == 1 else like(POWER.name, x, x, span=span, text=text,
                                          **{POWER.exponent: abs(k)})

    def t_Call(self, node: ast.Call) -> T:
        symbol = declared_symbol(self, node)
        if symbol is not None:
            return self.variable(symbol, node.span)
        args = [self.expr(a) for a in node.args]
        for arg, a in zip(args, node.args):
            arg.text = arg.text or self.source(a)
        name = node.func
        if self._is_function(name):
            return self.abstract(node, args)
        if is_variable(name, self.declarations, set(self.bound), self.value_names):
            if len(args) != 1:
                raise ParseError(f"'{name}' is a variable: {name}(…) multiplies it by one "
                                 f"operand, got {len(args)}", node.func_span)
            return self.product(self.t_Name(ast.Name(name, node.func_span)), args[0],
                                node.func_span, self.source(node))
        if name in FUNCTIONS:
            if name in _MATRIX_ARGUMENT and len(args) == 1 and args[0].is_scalar:
                self.names.matrix_argument(args[0])
            return FUNCTIONS[name](self, node, args)
        if name in _CONSTANTS and name not in self.declarations:
            raise ParseError(f"'{name}' is {_CONSTANTS[name]}, not a function: its size is "
                             f"inferred ({name}), or give it as a subscript "
                             f"({'I' if name == 'eye' else name}_3, "
                             f"{'I' if name == 'eye' else name}_n); a product with a "
                             f"parenthesised factor is written {name} * (…)", node.func_span)
        return self.abstract(node, args)

    def _is_function(self, name: str) -> bool:
        decl = self.declarations.get(name)
        return decl is not None and decl.kind == "function"

    def abstract(self, node: ast.Call, args: list[T]) -> T:
        unknown = None if self._is_function(node.func) else \
            unknown_call(node.func, len(args), node.func_span)
        if unknown is not None:
            raise unknown
        if len(args) != 1:
            raise ParseError(f"the abstract function '{node.func}' must take exactly one "
                             f"argument, got {len(args)}", node.func_span)
        arg = node.args[0]
        argname = arg.name if isinstance(arg, ast.Name) else ""  # "": print the argument
        return scalar("apply", args[0], span=node.span, text=self.source(node),
                      fname=node.func, argname=argname)


def _integer(node) -> int | None:
    sign = 1
    if isinstance(node, ast.Unary):
        sign, node = (-1 if node.op == "-" else 1), node.operand
    if isinstance(node, ast.Number):
        value = literal_value(node.text)
        if value.denominator == 1:
            return sign * int(value)
    return None

