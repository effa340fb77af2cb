"""A SymPy matrix expression as a matcalc program (`derive(sympy_expr, wrt)`).

The expression is written out as matcalc text (generated here, operands parenthesised unless
names or numbers; never user text) with one declaration per symbol from its shape: n × 1 →
vector(n), 1 × n → a vector(n) used transposed (the language has no row vectors), k × l →
matrix(k,l), a `Symbol` or 1 × 1 symbol → scalar (a size symbol used as a value, too), an
undefined function f(Y) → an abstract function. Names that are not identifiers of the language,
or are its reserved words, are replaced by sanitised ones. Anything without a matcalc
counterpart raises `UnsupportedError` naming the SymPy class.
"""
from __future__ import annotations

import math
import re

import sympy as sp
from sympy.core.function import AppliedUndef

from ..core.constants import CONSTANTS
from ..core.elementwise import FUNCTIONS as ELEMENTWISE
from ..core.linear_ops import LINEAR_OPS
from ..core.matrix_powers import MATRIX_POWERS
from ..core.matrix_scalars import MATRIX_SCALARS
from ..errors import DeclarationError, UnsupportedError
from ..lower.declarations import NAME
from ..lower.functions import FUNCTIONS
from .to_sympy import is_matrix

_NUMBER = r"\d+(?:\.\d+)?(?:e[-+]?\d+)?"
_ATOM = re.compile(rf"(?:{NAME.pattern}'?|{_NUMBER}|\(-?{_NUMBER}(?:/\d+)?\))")
RESERVED = frozenset(FUNCTIONS) | {"eye", "ones", "I", "T", *CONSTANTS}  # (pi: the number π)

# SymPy scalar functions and the matcalc function of the same value (elementwise on matrices).
_T = sp.Symbol("t")
FUNCTION_NAMES = {type(e): f.name for f in ELEMENTWISE.values() if f.sympy and not f.parameter
                  for e in [f.sympy(sp, _T)] if isinstance(e, sp.Function) and e.args == (_T,)}


def from_sympy(expr, wrt, vars: dict[str, str] | None = None
               ) -> tuple[str, dict[str, str], object]:
    """(program text, declarations, name of `wrt`) for the SymPy expression `expr`.

    `wrt` is a SymPy symbol of `expr` or its name; `vars` may override the declaration of a
    symbol (by its SymPy name), e.g. {"S": "spd(n)"}.
    """
    if not isinstance(expr, sp.Basic):
        raise DeclarationError("the expression must be a string of the matcalc language or a "
                               "SymPy expression")
    writer = _Writer(expr)
    try:
        text = writer.emit(expr, {})
    except RecursionError:
        raise UnsupportedError("the SymPy expression is nested too deeply") from None
    declared = dict(writer.declarations)
    for name, declaration in (vars or {}).items():
        if name not in writer.by_name:
            raise DeclarationError(f"'{name}' is not a symbol of the SymPy expression")
        declared[writer.names[writer.by_name[name]]] = declaration
    return text, declared, writer.variable(wrt)


def _identifier(name: str, taken: set[str]) -> str:
    """`name` if it is a free identifier of the language, else a sanitised variant."""
    if NAME.fullmatch(name) and name not in RESERVED and name not in taken:
        return name
    base = re.sub(r"\W", "_", name) or "v"
    if not NAME.fullmatch(base):
        base = "v_" + base
    candidate, k = base, 1
    while candidate in RESERVED or candidate in taken:
        candidate, k = f"{base}_{k}", k + 1
    return candidate


class _Writer:
    """Names the symbols of one SymPy expression and writes its matcalc text."""

    def __init__(self, expr: sp.Basic):
        symbols = expr.atoms(sp.MatrixSymbol, sp.Symbol, AppliedUndef)
        bound = {v for lam in expr.find(sp.Lambda) for v in lam.variables}
        symbols = {s for s in symbols if not isinstance(s, sp.Dummy) and s not in bound}
        shapes = {s for m in symbols if isinstance(m, sp.MatrixSymbol) for s in m.shape}
        self.names: dict[sp.Basic, str] = {}
        self.by_name: dict[str, sp.Basic] = {}
        self.declarations: dict[str, str] = {}
        taken: set[str] = set()
        for s in sorted(symbols, key=lambda s: (str(s), type(s).__name__)):
            if s in shapes and not isinstance(s, sp.MatrixSymbol) and not self._used(expr, s):
                continue  # a size symbol only
            key = s.func if isinstance(s, AppliedUndef) else s
            if key in self.names:
                continue
            name = _identifier(str(key), taken)
            taken.add(name)
            self.names[key] = name
            self.by_name.setdefault(str(key), key)
            self.declarations[name] = self._declaration(s)

    @staticmethod
    def _used(expr: sp.Basic, symbol: sp.Symbol) -> bool:
        """Whether a size symbol also appears as a value (outside shapes)."""
        stack = [expr]
        while stack:
            e = stack.pop()
            if e == symbol:
                return True
            if not isinstance(e, (sp.MatrixSymbol, sp.Identity, sp.ZeroMatrix, sp.OneMatrix)):
                stack.extend(e.args)
        return False

    def _declaration(self, s: sp.Basic) -> str:
        if isinstance(s, AppliedUndef):
            if len(s.args) != 1:
                raise UnsupportedError(f"the undefined function {s.func} takes {len(s.args)} "
                                       f"arguments; an abstract function takes one")
            return "function"
        if not isinstance(s, sp.MatrixSymbol):
            return "scalar"
        rows, cols = s.shape
        if rows == 1 and cols == 1:
            return "scalar"
        if cols == 1 or rows == 1:
            return f"vector({self.size(cols if rows == 1 else rows)})"
        return f"matrix({self.size(rows)},{self.size(cols)})"

    def size(self, dim: sp.Expr) -> str:
        if dim.is_Integer and dim > 0:
            return str(dim)
        if isinstance(dim, sp.Symbol):
            return _identifier(str(dim), set())
        raise UnsupportedError(f"the size {dim} of a SymPy matrix symbol: matcalc declares "
                               f"sizes as positive integers or single size symbols")

    def variable(self, wrt) -> object:
        """The matcalc name of `wrt` (a symbol or a SymPy name); other values unchanged."""
        if isinstance(wrt, sp.Basic):
            if wrt not in self.names:
                raise DeclarationError(f"'{wrt}' is not a symbol of the SymPy expression")
            return self.names[wrt]
        if isinstance(wrt, str) and wrt in self.by_name:
            return self.names[self.by_name[wrt]]
        return wrt

    # -- writing ---------------------------------------------------------------------------
    def emit(self, e: sp.Basic, env: dict[sp.Basic, str]) -> str:
        """The text of `e`; `env` maps the argument of an elementwise lambda to its matrix."""
        if e in env:
            return env[e]
        if isinstance(e, sp.MatrixSymbol):
            rows, cols = e.shape
            return f"{self.names[e]}'" if rows == 1 and cols != 1 else self.names[e]
        if isinstance(e, sp.Symbol):
            if e not in self.names:
                raise UnsupportedError(f"the SymPy symbol {e} is bound by a construct matcalc "
                                       f"does not have")
            return self.names[e]
        if isinstance(e, sp.Number) or isinstance(e, sp.NumberSymbol):
            return _number(e)
        method = getattr(self, "w_" + type(e).__name__, None)
        if method is None and isinstance(e, AppliedUndef):
            method = self.w_undefined
        if method is None and type(e) in FUNCTION_NAMES:
            return f"{FUNCTION_NAMES[type(e)]}({self.emit(e.args[0], env)})"
        if method is None:
            raise UnsupportedError(f"the SymPy construct {type(e).__name__} ({e}) has no "
                                   f"matcalc counterpart")
        return method(e, env)

    def group(self, e: sp.Basic, env: dict) -> str:
        """The text of `e` as an operand: in parentheses unless it is a name or a number."""
        text = self.emit(e, env)
        return text if _ATOM.fullmatch(text) else f"({text})"

    def _all(self, e, env, sep: str) -> str:
        return sep.join(self.group(a, env) for a in e.args)

    def w_Add(self, e, env):
        text = ""
        for i, term in enumerate(e.args):
            negated = _negated(term)
            if negated is not None:
                text += (" - " if i else "-") + self.group(negated, env)
            else:
                text += (" + " if i else "") + self.group(term, env)
        return text

    w_MatAdd = w_Add

    def w_Mul(self, e, env):
        negated = _negated(e)
        if negated is not None:
            return f"-{self.group(negated, env)}"
        entrywise = [a for a in e.args if _depends(a, env)]
        plain = [a for a in e.args if not _depends(a, env)]
        parts = [self.group(a, env) for a in plain]
        if entrywise:
            parts.append("(" + " .* ".join(self.group(a, env) for a in entrywise) + ")")
        return " * ".join(parts)

    def w_MatMul(self, e, env):
        negated = _negated(e)
        if negated is not None:
            return f"-{self.group(negated, env)}"
        return self._all(e, env, " * ")

    def w_Pow(self, e, env):
        base, exponent = e.args
        if _depends(exponent, env) and _depends(base, env):  # u^v = exp(log(u) v)
            return self.emit(sp.exp(sp.Mul(sp.log(base), exponent, evaluate=False)), env)
        if _depends(exponent, env):  # a scalar to each entry: a .^ v
            return f"{self.group(base, env)} .^ {self.group(exponent, env)}"
        if exponent == sp.S.Half:
            return f"sqrt({self.emit(base, env)})"
        op = " .^ " if _depends(base, env) else "^"
        return f"{self.group(base, env)}{op}{self.group(exponent, env)}"

    def w_MatPow(self, e, env):
        base, k = e.args
        if not (k.is_Integer and k != 0):
            raise UnsupportedError(f"the matrix power {e}: matcalc takes nonzero integer "
                                   f"exponents (HadamardPower for entrywise powers)")
        text = f"inv({self.emit(base, env)})" if k < 0 else self.group(base, env)
        return text if abs(k) == 1 else f"({text})^{abs(k)}"

    def w_HadamardPower(self, e, env):
        """u .^ v: a matrix base, the exponent a scalar or a matrix of the base's shape."""
        base, exponent = e.args
        if not is_matrix(base) or (is_matrix(exponent) and exponent.shape != base.shape):
            raise UnsupportedError(f"the HadamardPower {e}: matcalc takes a matrix base and a "
                                   f"scalar exponent or one of the base's shape")
        return f"{self.group(base, env)} .^ {self.group(exponent, env)}"

    def w_HadamardProduct(self, e, env):
        return self._all(e, env, " .* ")

    def w_KroneckerProduct(self, e, env):
        text = self.group(e.args[0], env)
        for arg in e.args[1:]:
            text = f"kron({text}, {self.emit(arg, env)})"
        return text

    def w_Transpose(self, e, env):
        return f"{self.group(e.arg, env)}'"

    def _call(name: str):
        return lambda self, e, env: f"{name}({self.emit(e.args[0], env)})"

    def w_DiagMatrix(self, e, env):
        v = e.args[0]
        rows, cols = v.shape
        return f"diag(({self.emit(v, env)})')" if rows == 1 and cols != 1 else \
            f"diag({self.emit(v, env)})"

    def w_DiagonalMatrix(self, e, env):
        return f"diag(diag({self.emit(e.args[0], env)}))"

    def w_Identity(self, e, env):
        return f"I_{{{self.size(e.shape[0])}}}"

    def w_OneMatrix(self, e, env):
        """𝟏_m, 𝟏_nᵀ, and the m × n matrix of ones as 𝟏_m 𝟏_nᵀ."""
        rows, cols = e.shape
        if cols == 1:
            return f"ones_{{{self.size(rows)}}}"
        if rows == 1:
            return f"ones_{{{self.size(cols)}}}'"
        return f"(ones_{{{self.size(rows)}}} ones_{{{self.size(cols)}}}')"

    def w_ZeroMatrix(self, e, env):
        return f"0_{{{self.size(e.shape[0])},{self.size(e.shape[1])}}}"

    def w_Heaviside(self, e, env):
        """The unit step H(u) with H(0) = 0 (to_sympy's form of u > 0): u > 0."""
        if len(e.args) != 2 or e.args[1] != 0:
            raise UnsupportedError(f"the SymPy construct Heaviside ({e}): matcalc's step "
                                   f"u > 0 is Heaviside(u, 0), 0 at 0")
        return f"({self.group(e.args[0], env)} > 0)"

    def w_Max(self, e, env):
        if len(e.args) != 2:
            raise UnsupportedError(f"Max of {len(e.args)} arguments (matcalc's max takes two)")
        return f"max({self.emit(e.args[0], env)}, {self.emit(e.args[1], env)})"

    def w_Piecewise(self, e, env):
        """A declared function with a parameter that SymPy writes piecewise, as to_sympy writes
        it (huber(t, δ): t²/2 where |t| ≤ δ, ...): recognised by writing it again from the t
        and δ of its first condition, |t| ≤ δ; huber(t) where δ is the default."""
        sides = getattr(e.args[0].cond, "args", ())
        for f in (f for f in ELEMENTWISE.values() if f.parameter and f.sympy):
            for magnitude, delta in (sides, sides[::-1]) if len(sides) == 2 else ():
                if isinstance(magnitude, sp.Abs) and f.sympy(sp, magnitude.args[0], delta) == e:
                    given = [] if delta == f.parameter.default else [self.emit(delta, env)]
                    return f"{f.name}({', '.join([self.emit(magnitude.args[0], env), *given])})"
        raise UnsupportedError(f"the SymPy construct Piecewise ({e}) has no matcalc counterpart")

    def w_MatrixElement(self, e, env):
        parent, i, j = e.args
        if parent.shape == (1, 1) and i == 0 and j == 0:
            return self.emit(parent, env)  # the entry of a 1 × 1 product is a scalar
        raise UnsupportedError(f"the SymPy construct MatrixElement ({e}): matcalc has no indexing")

    def w_ElementwiseApplyFunction(self, e, env):
        fn, matrix = e.function, e.expr
        inner = self.group(matrix, env)
        if isinstance(fn, sp.Lambda):
            (t,), body = fn.variables, fn.expr
        else:
            t = sp.Dummy("t")
            body = fn(t)
        return self.emit(body, {**env, t: inner})

    def w_undefined(self, e, env):
        return f"{self.names[e.func]}({self.emit(e.args[0], env)})"


def _read_back(op) -> None:
    """A declared operator's SymPy class (Inverse, Trace, DiagonalOf) written as its call."""
    setattr(_Writer, f"w_{op.sympy_class}",
            lambda self, e, env: f"{op.spellings[0]}({self.emit(e.args[0], env)})")


for _op in (*LINEAR_OPS.values(), *MATRIX_POWERS.values()):  # (core/linear_ops.py, ...)
    if _op.sympy_class:
        _read_back(_op)


def _negated(e: sp.Basic) -> sp.Basic | None:
    """-e when `e` is a product with a negative numeric coefficient, else None."""
    if not isinstance(e, (sp.Mul, sp.MatMul)) or not (e.args[0].is_Number and e.args[0] < 0):
        return None
    rest = ([-e.args[0]] if e.args[0] != -1 else []) + list(e.args[1:])
    if len(rest) == 1:
        return rest[0]
    return e.func(*rest, evaluate=False) if isinstance(e, sp.Mul) else sp.MatMul(*rest)


for _s in MATRIX_SCALARS.values():  # Determinant: det(…), as declared (core/matrix_scalars.py)
    if _s.sympy_class:
        setattr(_Writer, f"w_{_s.sympy_class}", _Writer._call(_s.spelling))


def _depends(e: sp.Basic, env: dict) -> bool:
    """Whether `e` is a matrix inside an elementwise lambda (it uses the lambda's argument)."""
    return bool(env) and any(e.has(t) for t in env)


def _number(e: sp.Basic) -> str:
    named = next((c.name for c in CONSTANTS.values() if e is getattr(sp, c.sympy)), None)
    if named is not None:  # π (core/constants.py)
        return named
    if e.is_Integer:
        return f"({e})" if e < 0 else str(e)
    if e.is_Rational:
        return f"({e.p}/{e.q})"
    try:
        value = float(e)
    except TypeError:
        raise UnsupportedError(f"the SymPy number {e} is not real") from None
    if not math.isfinite(value):
        raise UnsupportedError(f"the SymPy number {e} is not finite")
    text = repr(abs(value))
    return f"(-{text})" if value < 0 else text

