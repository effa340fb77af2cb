"""Matrix products as cheap code.

A product's factors are split where their inner size is 1 (an outer product); each piece is
then folded from a vector end when it has one (every step a matrix-vector product), or, when
all its factors are matrices, with consecutive dense factors multiplied in the order numpy's
`multi_dot` picks at call time. Structured factors are applied rather than formed:

    diag(v) M    = v[:, None] * M                 M diag(v) = M * v
    X⁻¹ B        = solve(X, B)                    B X⁻¹     = solve(Xᵀ, Bᵀ)ᵀ
    (A ⊗ B) v    = vec(B V Aᵀ),  v = vec(V)       K_{m,n} vec(V) = vec(Vᵀ)
                   (but u ⊗ I and I ⊗ u, for a vector u, are formed: they are thin)
    𝟏ᵀ M, M 𝟏    = column sums, row sums of M     (S₁ + S₂) v = S₁ v + S₂ v
    (M ⊙ u 𝟏ᵀ) 𝟏 = u ⊙ (M 𝟏)   (a vector spread along a sum is taken out of it)
    A (u vᵀ + w zᵀ) B = (A u)(Bᵀ v)ᵀ + (A w)(Bᵀ z)ᵀ  (a few outer products between matrices)

A palindrome Mᵀ diag(d) M with weights d ≥ 0 (proved by signs.py) is Rᵀ R, R = diag(√d) M,
and M diag(d) Mᵀ is R Rᵀ, R = M diag(√d), where the backend has a product of a matrix with its
own transpose in half the flops (numpy: BLAS syrk); Mᵀ diag(c 𝟏) M is c (Mᵀ M) for any c.
"""
from __future__ import annotations

from ..core import build as b
from ..core.algebra import matmul_chain
from ..core.expr import Expr
from ..core.transpose import transposed
from ..shapes import Shape
from . import factors as kinds
from .factors import Factor, Value, classify, forming_cost, summed_by_ones
from .signs import nonnegative
from .source import wrap
from .spread import spread_factor

LOW_RANK = 4  # the outer products of a sum a product distributes over (A (u vᵀ + v uᵀ) B)


def times(a: str, b: str) -> str:
    """The code of the product of two sizes (a factor 1 left out)."""
    return b if a == "1" else a if b == "1" else f"{a} * {b}"


def _divisor(s: Expr) -> Expr | None:
    """bᵏ when the scalar s is b⁻ᵏ for a number k > 0 (a / b², as written, rather than
    a * b ** (-2)); else None."""
    if s.op == "pow" and s.args[1].op == "const" and s.args[1].attr("value") < 0:
        return b.power(s.args[0], b.const(-s.args[1].attr("value")))
    return None


def _flattened(code: str, shape: Shape) -> str:
    """A 2-D result of a vector's product as the value of `shape`: 1-D, or 0-d for a scalar
    (uᵀ (A ⊗ B) v computed through reshapes is a 1 × 1 array)."""
    return f"{wrap(code)}.reshape({'()' if shape.is_scalar else '-1'})"


class Products:
    """Code for products, for one emitter (which supplies values, sizes and statements)."""

    def __init__(self, emitter) -> None:
        self.em = emitter
        self.spell = emitter.backend.spell

    def _let(self, code: str, shape: Shape) -> Value:
        return Value(self.em.let(code), shape)

    def product(self, node: Expr) -> str:
        """A product's code; its scalar factors scale the smallest dense factor when that is
        smaller than the result (2 (a bᵀ) is (2 a) bᵀ, but 2 (Aᵀ v) stays 2 (Aᵀ v))."""
        scalars, chain = matmul_chain(node)
        size = lambda i: forming_cost(Factor("dense", chain[i]))  # noqa: E731
        result = forming_cost(Factor("dense", node))
        dense = [i for i, f in enumerate(chain) if classify(f) is None and size(i) < result]
        if scalars and len(chain) > 1 and dense:
            at = min(dense, key=size)
            factor = self.em.value(chain[at])
            scaled = Value(self.em.let(self.scaled(scalars, factor.code)), factor.shape)
            return self.chain(chain[:at] + [scaled] + chain[at + 1:]).code
        return self.scaled(scalars, self.chain(chain).code if chain else None)

    def _value(self, f: Expr | Value) -> Value:
        return f if isinstance(f, Value) else self.em.value(f)

    def scaled(self, scalars: list[Expr], code: str | None) -> str:
        """`code` times the scalar factors (negative constants as a minus sign); without
        `code`, the product of the scalars."""
        sign, words, divisors = "", [], []
        for s in scalars:
            if s.op == "const" and s.attr("value") < 0:
                sign = "" if sign else "-"
                if s.attr("value") != -1:
                    words.append(self.em.literal(-s.attr("value")))
            elif _divisor(s) is not None:
                divisors.append(wrap(self.em.value(_divisor(s)).code))
            else:
                words.append(wrap(self.em.value(s).code))
        words += [wrap(code)] if code is not None else []
        body = " * ".join(words) if words else "1"
        if len(words) == 1 and code is not None and not divisors:
            body = code
        if divisors:
            body = " / ".join([body if words else "1.0", *divisors])
        return f"-{wrap(body)}" if sign else body

    def chain(self, factors: list[Expr]) -> Value:
        """The product of non-scalar factors."""
        pieces, start = [], 0
        for at in range(1, len(factors) + 1):
            if at == len(factors) or factors[at - 1].shape.cols.is_one:
                pieces.append(self._piece(factors[start:at]))
                start = at
        scalars = [p for p in pieces if p.shape.is_scalar]
        ends = [p for p in pieces if not p.shape.is_scalar]
        if len(ends) == 2:
            out = Shape(ends[0].shape.rows, ends[1].shape.cols)
            value = self._let(self.spell("outer", ends[0].code, ends[1].code), out)
        else:
            value = ends[0] if ends else scalars.pop()
        if not scalars:
            return value
        code = " * ".join(wrap(p.code) for p in scalars + [value])
        return self._let(code, value.shape)

    def _piece(self, factors: list[Expr]) -> Value:
        if len(factors) == 1:
            return self._value(factors[0])
        if factors[-1].shape.cols.is_one:  # ... v: matrix-vector products from the right
            acc, rest = self._value(factors[-1]), factors[:-1]
            if summed_by_ones(factors[-1], rest[-1]):  # M 𝟏: the row sums of M
                acc, rest = self._sums(rest[-1], factors[-1], "col"), rest[:-1]
            for f in reversed(rest):
                acc = self.left(f, acc)
            return acc
        if factors[0].shape.rows.is_one:  # uᵀ ...: from the left
            acc, rest = self._value(factors[0]), factors[1:]
            if summed_by_ones(factors[0], rest[0]):  # 𝟏ᵀ M: the column sums of M
                acc, rest = self._sums(rest[0], factors[0], "row"), rest[1:]
            for f in rest:
                acc = self.right(acc, f)
            return acc
        return self._matrices(factors)

    def _sums(self, matrix: Expr, ones: Expr, side: str) -> Value:
        """M 𝟏 (side "col") or 𝟏ᵀ M (side "row"), a vector spread along the sum taken out of
        it (spread.spread_factor): no matrix of the spread vector, no product with it."""
        taken = None if matrix in self.em.shared else spread_factor(matrix, side)
        summed = self._value(matrix if taken is None else taken[0])
        sums = self.right(summed, ones) if side == "col" else self.left(ones, summed)
        if taken is None:
            return sums
        return self._let(f"{wrap(sums.code)} * {wrap(self.em.value(taken[1]).code)}",
                         sums.shape)

    def _matrices(self, factors: list[Expr]) -> Value:
        """A product of matrices: dense runs by multi_dot, structured factors applied."""
        gram = self._gram(factors)
        if gram is not None:
            return gram
        low_rank = self._low_rank(factors)
        if low_rank is not None:
            return low_rank
        items: list[Value | Factor] = []
        run: list[Value] = []
        for f in factors + [None]:
            kind = classify(f) if isinstance(f, Expr) else None
            if kind is not None and kind.kind == kinds.TERMS:
                kind = None  # a sum of matrices times a matrix: form the sum
            if f is not None and kind is None:
                run.append(self._value(f))
                continue
            if run:
                items.append(self._dense_run(run))
                run = []
            if kind is not None and kind.kind != kinds.IDENTITY:
                items.append(kind)
        if not items:
            return self._value(factors[0])
        at = min(range(len(items)), key=lambda i: forming_cost(items[i]))
        acc = items[at] if isinstance(items[at], Value) else self.em.value(items[at].node)
        for item in items[at + 1:]:  # the others are applied to it, from both sides
            acc = self.right(acc, item.node if isinstance(item, Factor) else item)
        for item in reversed(items[:at]):
            acc = self.left(item.node if isinstance(item, Factor) else item, acc)
        return acc

    def _low_rank(self, factors: list[Expr]) -> Value | None:
        """A (Σᵢ uᵢ vᵢᵀ) B = Σᵢ (A uᵢ) (Bᵀ vᵢ)ᵀ: a sum of at most LOW_RANK outer products
        between matrices is distributed, each term's product then split at its inner size 1
        and computed by matrix-vector products (Qᵀ (u vᵀ + v uᵀ) Q in O(n²), not two n × n
        products); None when no factor is such a sum or it has no matrix beside it."""
        for at, f in enumerate(factors):
            kind = classify(f) if isinstance(f, Expr) else None
            if kind is None or kind.kind != kinds.TERMS or len(kind.parts) > LOW_RANK:
                continue
            terms = [matmul_chain(t) for t in kind.parts]
            if all(any(g.shape.cols.is_one for g in chain[:-1]) for _, chain in terms):
                shape = Shape(factors[0].shape.rows, factors[-1].shape.cols)
                return self._sum([self.scaled(scalars, self.chain(
                    factors[:at] + chain + factors[at + 1:]).code) for scalars, chain in terms],
                    shape)
        return None

    def _gram(self, factors: list[Expr]) -> Value | None:
        """Mᵀ diag(d) M = Rᵀ R with R = diag(√d) M (R Rᵀ with R = M diag(√d) when M's first
        factor is a transpose), for dense factors and d ≥ 0; None when that does not apply."""
        mid = len(factors) // 2
        if not all(isinstance(f, Expr) for f in factors):  # (a factor already computed)
            return None
        center, right = classify(factors[mid]), factors[mid + 1:]
        if ("gram" not in self.em.backend.templates or len(factors) % 2 == 0
                or center is None or center.kind != kinds.SCALES
                or any(classify(f) is not None for f in right)
                or any(transposed(f) is not g for f, g in zip(factors[:mid], reversed(right)))):
            return None
        shape, s = Shape(factors[0].shape.rows, factors[-1].shape.cols), self.spell
        weights = center.parts[0]
        if weights.op == "expand":  # Mᵀ (c I) M = c Mᵀ M, whatever the sign of c
            scalar = self.em.value(weights.arg).code
            gram = self.em.let(s("gram", self._piece(right).code))
            return self._let(f"{wrap(scalar)} * {wrap(gram)}", shape)
        if not nonnegative(weights):
            return None
        root = s("sqrt", self.em.value(weights).code)
        if right[0].op == "transpose":  # M diag(d) Mᵀ: scale the columns of M
            scaled = self.em.let(f"{wrap(self._piece(factors[:mid]).code)} * {wrap(root)}")
            return self._let(s("gram_rows", scaled), shape)
        scaled = self.em.let(f"{s('col', wrap(root))} * {wrap(self._piece(right).code)}")
        return self._let(s("gram", scaled), shape)

    def _dense_run(self, run: list[Value]) -> Value:
        shape = Shape(run[0].shape.rows, run[-1].shape.cols)
        if len(run) == 1:
            return run[0]
        if len(run) == 2:
            return self._let(self.spell("matmul", wrap(run[0].code), wrap(run[1].code)), shape)
        return self._let(self.spell("multi_dot", ", ".join(v.code for v in run)), shape)

    # -- f @ acc and acc @ f for one factor f --------------------------------------------

    def left(self, f: Expr | Value, acc: Value) -> Value:
        """f acc, for acc a column vector (1-D) or a matrix (2-D)."""
        if acc.shape.is_scalar:  # an outer product met on the way: f times a scalar
            f = f if isinstance(f, Value) else self.em.value(f)
            return self._let(f"{wrap(f.code)} * {wrap(acc.code)}", f.shape)
        if isinstance(f, Value):
            return self._let(self.spell("matmul", wrap(f.code), wrap(acc.code)),
                             Shape(f.shape.rows, acc.shape.cols))
        shape = Shape(f.shape.rows, acc.shape.cols)
        kind, s, a = classify(f), self.spell, acc.code
        if kind is None and f.op == "transpose" and f.arg.shape.is_matrix and not acc.is_2d:
            m = self.em.value(f.arg).code  # Mᵀ v as v M: XLA forms Mᵀ (3.3 ms, not 0.7, 1000²)
            return self._let(self.spell("matmul", wrap(a), wrap(m)), shape)
        if kind is None:
            return self.left(self.em.value(f), acc)
        if kind.kind == kinds.IDENTITY:
            return acc
        if kind.kind == kinds.SCALES:
            v = self.em.value(kind.parts[0]).code
            return self._let(f"{wrap(v if not acc.is_2d else s('col', v))} * {wrap(a)}", shape)
        if kind.kind == kinds.SOLVED:
            return self._let(self.em.solves.solve(kind.parts[0], a, kind.parts[1]), shape)
        if kind.kind == kinds.RESHAPES:
            return self._let(self._kron_left(kind, acc, shape), shape)
        if kind.kind == kinds.COMMUTATION:
            m, n = (self.em.size(d) for d in kind.parts)
            return self._let(s("commute_cols" if acc.is_2d else "commute", wrap(a), m, n), shape)
        if kind.kind == kinds.ONES:  # a row of ones: column sums
            return self._let(s("colsums" if acc.is_2d else "total", wrap(a)), shape)
        return self._sum([self._term_left(t, acc) for t in kind.parts], shape)

    def right(self, acc: Value, f: Expr | Value) -> Value:
        """acc f, for acc a row vector (1-D) or a matrix (2-D)."""
        if acc.shape.is_scalar:
            f = f if isinstance(f, Value) else self.em.value(f)
            return self._let(f"{wrap(acc.code)} * {wrap(f.code)}", f.shape)
        if isinstance(f, Value):
            return self._let(self.spell("matmul", wrap(acc.code), wrap(f.code)),
                             Shape(acc.shape.rows, f.shape.cols))
        shape = Shape(acc.shape.rows, f.shape.cols)
        kind, s, a = classify(f), self.spell, acc.code
        if kind is None:
            return self.right(acc, self.em.value(f))
        if kind.kind == kinds.IDENTITY:
            return acc
        if kind.kind == kinds.SCALES:
            return self._let(f"{wrap(a)} * {wrap(self.em.value(kind.parts[0]).code)}", shape)
        if kind.kind == kinds.SOLVED:  # B X⁻¹ = (X⁻ᵀ Bᵀ)ᵀ
            x, flipped = kind.parts
            if not acc.is_2d:
                return self._let(self.em.solves.solve(x, a, not flipped), shape)
            solved = self.em.let(self.em.solves.solve(x, s("T", wrap(a)), not flipped))
            return self._let(s("T", wrap(solved)), shape)
        if kind.kind == kinds.RESHAPES:
            return self._let(self._kron_right(acc, kind, shape), shape)
        if kind.kind == kinds.COMMUTATION:
            m, n = (self.em.size(d) for d in kind.parts)
            if acc.is_2d:
                return self._let(s("commute_rows", wrap(a), m, n), shape)
            return self._let(s("commute", wrap(a), n, m), shape)  # uᵀ K_{m,n} = (K_{n,m} u)ᵀ
        if kind.kind == kinds.ONES:  # a column of ones: row sums
            return self._let(s("rowsums" if acc.is_2d else "total", wrap(a)), shape)
        return self._sum([self._term_right(acc, t) for t in kind.parts], shape)

    def _term_left(self, term: Expr, acc: Value) -> str:
        scalars, factors = matmul_chain(term) if term.op == "mul" else ([], [term])
        for f in reversed(factors):
            acc = self.left(f, acc)
        return self.scaled(scalars, acc.code)

    def _term_right(self, acc: Value, term: Expr) -> str:
        scalars, factors = matmul_chain(term) if term.op == "mul" else ([], [term])
        for f in factors:
            acc = self.right(acc, f)
        return self.scaled(scalars, acc.code)

    def _sum(self, terms: list[str], shape: Shape) -> Value:
        code = terms[0]
        for t in terms[1:]:
            code += f" - {wrap(t[1:])}" if t.startswith("-") else f" + {t}"
        return self._let(code, shape)

    # -- Kronecker products applied through reshapes -------------------------------------

    def _kron_operands(self, kind: Factor):
        a, b = kind.parts
        size = self.em.size
        dims = (size(a.shape.rows), size(a.shape.cols), size(b.shape.rows), size(b.shape.cols))
        return self._operand2d(a), self._operand2d(b), dims

    def _operand2d(self, node: Expr, flip: bool = False) -> str | None:
        """The operand (its transpose with `flip`) as a 2-D array, None for an identity."""
        if node.op == "identity":
            return None
        value = self.em.value(node)
        if value.is_2d:
            return self.spell("T", wrap(value.code)) if flip else wrap(value.code)
        column = node.shape.cols.is_one != flip
        return self.spell("col" if column else "row", wrap(value.code))

    def _kron_left(self, kind: Factor, acc: Value, shape: Shape) -> str:
        """(A ⊗ B) M: vec(B V Aᵀ) column by column, with V the (b2 × a2) unvec of a column."""
        a, b, (a1, a2, b1, b2) = self._kron_operands(kind)
        m = wrap(acc.code)
        if not acc.is_2d:
            v = f"{m}.reshape({a2}, {b2})"
            inner = v if b is None else f"{v} @ {b}.T"
            return _flattened(inner if a is None else f"{a} @ {wrap(inner)}", shape)
        if a is None:
            return f"({b} @ {m}.reshape({a2}, {b2}, -1)).reshape({times(a1, b1)}, -1)"
        if b is None:
            return f"({a} @ {m}.reshape({a2}, -1)).reshape({times(a1, b1)}, -1)"
        return (f"({a} @ ({b} @ {m}.reshape({a2}, {b2}, -1)).reshape({a2}, -1))"
                f".reshape({times(a1, b1)}, -1)")

    def _kron_right(self, acc: Value, kind: Factor, shape: Shape) -> str:
        """L (A ⊗ B), row by row: (Aᵀ L_k B) for L_k the (a1 × b1) reshape of a row."""
        _, b, (a1, a2, b1, b2) = self._kron_operands(kind)
        at = self._operand2d(kind.parts[0], flip=True)
        m = wrap(acc.code)
        if not acc.is_2d:
            v = f"{m}.reshape({a1}, {b1})"
            inner = v if b is None else f"{v} @ {b}"
            return _flattened(inner if at is None else f"{at} @ {wrap(inner)}", shape)
        if at is None:
            return f"({m}.reshape(-1, {a1}, {b1}) @ {b}).reshape(-1, {times(a2, b2)})"
        if b is None:
            return f"({at} @ {m}.reshape(-1, {a1}, {b1})).reshape(-1, {times(a2, b2)})"
        return f"({at} @ ({m}.reshape(-1, {a1}, {b1}) @ {b})).reshape(-1, {times(a2, b2)})"
