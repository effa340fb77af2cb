"""Second-order rules: subexpressions of a gradient that the differential takes as units.

A Hessian is the derivative of the (simplified) gradient. Through layer normalisation,
y = layernorm(x) = c / s, c = x − mean(x) 𝟏, s = sqrt(mean(c.^2) + ε), n the length of x,
J = ∂y/∂x = (I − (y yᵀ + 𝟏 𝟏ᵀ) / n) / s, that gradient holds two subexpressions whose
differentials have short exact forms the term-by-term rules do not find:
- the scale s: ds = yᵀ dx / n + dε / (2 s) (core/vector_functions.py declares it beside the
  differential of y; term by term, d sqrt(mean(c.^2) + ε) leaves 𝟏ᵀ c = 0 unseen and s³ in
  the result);
- a gradient through y, g = Jᵀ a = (a − (aᵀ y) y / n − sum(a) 𝟏 / n) / s for a cotangent a:
      dg = J da − (g yᵀ + y gᵀ + (aᵀ y) J) dx / (n s)
  (J is symmetric, aᵀ dy = gᵀ dx), so the Hessian of aᵀ layernorm(x) for a constant a is
  −(g yᵀ + y gᵀ + (aᵀ y) J) / (n s), and of φ(layernorm(x)) it is Jᵀ ∇²φ J plus that term
  with a = ∇φ (J² + ... for norm2(layernorm(x) − t)^2: the Gauss–Newton term 2 JᵀJ).
layernorm_rows(X) normalises each row as a vector: its scale is a column s and the gradient
diag(1 ⊘ s) (A − (Y ⊙ ((A ⊙ Y) 𝟏 𝟏ᵀ) + A 𝟏 𝟏ᵀ) / n) is g = Jᵀ a of each row; its rule is the
same row by row, written in vec terms with the row blocks of J (`_OfRows`).

Why here and not in the simplifier: the compact form is a fact about how g varies, known where
the differential is taken; once read out, g, gᵀ and J are multiplied out into terms no local
rewrite folds back (it would need 𝟏ᵀ y = 0 and aᵀ J = gᵀ inside products). So `shortcuts`
finds s and each product holding g (recognised exactly: the simplified Jᵀ a of the candidate
a is the very node; by rows, the terms taken for the projections of a simplify to them) and
closed_form.py passes their rules to the engine (diff/engine.py's `known`); the steps show
them by name (`titles`). The simplifier only keeps the symmetric pair g yᵀ + y gᵀ together
(simplify/sums.py, expand-products).
"""
from __future__ import annotations

from .core import build as b
from .core.expr import Expr, postorder
from .core.vector_functions import VECTOR_FUNCTIONS, layer_norm_by_scale, layer_scale_differential
from .diff.engine import differential
from .simplify import simplify


def _distributed(term: Expr) -> list[Expr]:
    """The terms of `term` with each sum among its factors multiplied out:
    c L (u + v) R → c L u R, c L v R (a sum itself: its terms, times c)."""
    scalars, chain = b.matmul_chain(term)
    for k, f in enumerate(chain):
        if f.op == "add":
            return [t for u in f.args
                    for t in _distributed(b.mul(*scalars, *chain[:k], u, *chain[k + 1:]))]
    return [term]


def _cotangent(layer, scalars: list[Expr], inner: Expr) -> tuple[Expr, Expr] | None:
    """(a, T) for a gradient c (a / c − P(a)) through `layer` (inner its sum, c the product of
    `scalars`, P(a) = layer.projections(a)) or None: the sum's terms multiplied out, a is c
    times those that are not projections (layer.projection) and T c times those that are,
    which is −P(a) when `_takes` says so."""
    terms = [t for u in inner.args for t in _distributed(u)]
    rest = [t for t in terms if not layer.projection(t)]
    if len(rest) == len(terms) or not rest:
        return None
    return (b.mul(*scalars, b.add(*rest)),
            b.mul(*scalars, b.add(*(t for t in terms if layer.projection(t)))))


def _takes(layer, a: Expr, taken: Expr) -> bool:
    """P(a) + T, multiplied out, simplifies to 0: T = −P(a) exactly (the simplifier keeps
    values)."""
    return b.is_zero(simplify(_multiplied_out(b.add(layer.projections(a), taken))))


_OVER_SUMS = {"mul": b.mul, "hadamard": b.hadamard}  # distribute over a sum factor


def _multiplied_out(e: Expr) -> Expr:
    """e with its products, elementwise products, transposes and sums (of entries) distributed
    over sums: ((u − v)ᵀ y) y → (uᵀ y) y − (vᵀ y) y, so that like terms meet (other nodes are
    kept whole)."""
    total = len(e.args) == 1 and e.is_scalar and e is b.reduce_sum(e.args[0])  # sum(u)
    if e.op not in ("add", "transpose", *_OVER_SUMS) and not total:
        return e
    args = [_multiplied_out(a) for a in e.args]
    if e.op == "add":
        return b.add(*args)
    if e.op == "transpose" or total:
        apply = b.reduce_sum if total else b.transpose
        inner = args[0]
        return b.add(*(apply(t) for t in inner.args)) if inner.op == "add" else apply(inner)
    make = _OVER_SUMS[e.op]
    for k, f in enumerate(args):
        if f.op == "add":
            return _multiplied_out(b.add(*(make(*args[:k], t, *args[k + 1:]) for t in f.args)))
    return make(*args)


class _OfVector:
    """y = layernorm(x) of a vector of length n, J = (I − (y yᵀ + 𝟏 𝟏ᵀ) / n) / s symmetric:
    g = Jᵀ a = (a − (aᵀ y) y / n − sum(a) 𝟏 / n) / s, dg = J da − (g yᵀ + y gᵀ + (aᵀ y) J) dx
    / (n s)."""

    def __init__(self, y: Expr, s: Expr):
        self.y, self.s, self.n = y, s, y.shape.rows
        ones = b.ones(self.n)
        spread = b.add(b.mul(y, b.transpose(y)), b.mul(ones, b.transpose(ones)))
        self.jacobian = b.mul(b.sub(b.identity(self.n), b.mul(spread, b.inverse_of(b.dim(self.n)))),
                              b.inverse_of(s))

    def find(self, scalars: list[Expr], chain: list[Expr], k: int) -> tuple | None:
        """(g, a, k + 1) when the scalars times chain[k] are g = Jᵀ a, else None: g is
        c (a − (aᵀ y) y / n − sum(a) 𝟏 / n) / s (`_cotangent`; the simplified Jᵀ a is the very
        node, or the projections taken are those of a)."""
        inverse = b.inverse_of(self.s)
        if chain[k].op != "add" or not any(f is inverse for f in scalars):
            return None
        found = _cotangent(self, [f for f in scalars if f is not inverse], chain[k])
        if found is None:
            return None
        g, (a, taken) = b.mul(*scalars, chain[k]), found
        return (g, a, k + 1) if simplify(self.vjp(a)) is g or _takes(self, a, taken) else None

    def vjp(self, a: Expr) -> Expr:
        """Jᵀ a = (a − (aᵀ y) y / n − sum(a) 𝟏 / n) / s."""
        y, inverse_n = self.y, b.inverse_of(b.dim(self.n))
        return b.mul(b.add(a, b.neg(b.mul(b.mul(b.transpose(a), y), y, inverse_n)),
                           b.neg(b.mul(b.reduce_sum(a), b.ones(self.n), inverse_n))),
                     b.inverse_of(self.s))

    def projections(self, a: Expr) -> Expr:
        """((aᵀ y) y + sum(a) 𝟏) / n, what Jᵀ a takes from a."""
        y = self.y
        both = b.add(b.mul(b.mul(b.transpose(a), y), y), b.mul(b.reduce_sum(a), b.ones(self.n)))
        return b.mul(both, b.inverse_of(b.dim(self.n)))

    def projection(self, term: Expr) -> bool:
        """term is c (wᵀ y) y or c sum(w) 𝟏 (a scalar times y or 𝟏 that depends on y or
        sums)."""
        scalars, chain = b.matmul_chain(term)
        if chain == [self.y]:
            return any(f.op == "mul" and self.y in postorder(f) for f in scalars)
        return len(chain) == 1 and chain[0].op == "ones" and any(
            f.args and f is b.reduce_sum(f.args[0]) for f in scalars)

    def linear(self, x: Expr, name: str) -> dict:
        """dy = J dx, as J prints."""
        return {self.y: lambda memo: b.mul(self.jacobian, _operand(memo, x, name))}

    def along(self, da: Expr) -> Expr:
        return b.mul(self.jacobian, da)

    def curvature(self, dx: Expr, g: Expr, a: Expr) -> Expr:
        """(g yᵀ + y gᵀ + (aᵀ y) J) dx / (n s)."""
        y = self.y
        outer = b.add(b.mul(g, b.transpose(y)), b.mul(y, b.transpose(g)),
                      b.mul(b.mul(b.transpose(a), y), self.jacobian))
        return b.mul(outer, dx, b.inverse_of(b.mul(b.dim(self.n), self.s)))


class _OfRows:
    """Y = layernorm_rows(X) of m rows of length n, s the column of the rows' scales, each row
    a vector's layer normalisation (_OfVector), its Jacobian by X in vec terms (column-major) J
    = (I ⊗ diag(1 ⊘ s)) (I − (D R D + R) / n), D = diag(vec(Y)), R = (𝟏 𝟏ᵀ) ⊗ I: the rows'
    blocks of _OfVector's, symmetric as they are. The gradient through Y is, row by row,
    G = J*[A] = diag(1 ⊘ s) (A − (Y ⊙ ((A ⊙ Y) 𝟏 𝟏ᵀ) + A 𝟏 𝟏ᵀ) / n), vec G = J vec A, and
    vec dG = J vec dA − (I ⊗ diag(1 ⊘ s)) (Γ R D + D R Γ + (I ⊗ diag((A ⊙ Y) 𝟏)) J) vec dX / n,
    Γ = diag(vec(G)): the vector's rule of each row (g yᵀ + y gᵀ + (aᵀ y) J) dx / (n s)."""

    def __init__(self, y: Expr, s: Expr):
        self.y, self.n = y, y.shape.cols
        self.scaling = simplify(b.diag(b.inverse_of(s)))
        self.blocks = simplify(b.kron(b.identity(self.n), self.scaling))  # I ⊗ diag(1 ⊘ s)
        self.sums = b.kron(b.mul(b.ones(self.n), b.transpose(b.ones(self.n))),
                           b.identity(y.shape.rows))
        d = b.diag(b.vec(y))
        spread = b.add(b.mul(d, self.sums, d), self.sums)
        inverse_n = b.inverse_of(b.dim(self.n))
        self.jacobian = b.mul(self.blocks, b.sub(b.identity(y.shape.size),
                                                 b.mul(spread, inverse_n)))

    def _spread(self, t: Expr) -> Expr:
        """t 𝟏 𝟏ᵀ: each row's sum along it."""
        return b.mul(t, b.ones(self.n), b.transpose(b.ones(self.n)))

    def projections(self, a: Expr) -> Expr:
        """(Y ⊙ ((A ⊙ Y) 𝟏 𝟏ᵀ) + A 𝟏 𝟏ᵀ) / n, what J*[A] takes from each row of A."""
        y = self.y
        both = b.add(b.hadamard(y, self._spread(b.hadamard(a, y))), self._spread(a))
        return b.mul(both, b.inverse_of(b.dim(self.n)))

    def find(self, scalars: list[Expr], chain: list[Expr], k: int) -> tuple | None:
        """(g, a, k + 2) when the scalars times chain[k] chain[k + 1] are G = J*[A], else None:
        c diag(1 ⊘ s) (A / c − ...) (`_cotangent`)."""
        if chain[k] is not self.scaling or k + 1 == len(chain) or chain[k + 1].op != "add":
            return None
        found = _cotangent(self, scalars, chain[k + 1])
        if found is None or not _takes(self, *found):
            return None
        return b.mul(*scalars, chain[k], chain[k + 1]), found[0], k + 2

    def projection(self, term: Expr) -> bool:
        """term is c W 𝟏 𝟏ᵀ or c Y ⊙ (W 𝟏 𝟏ᵀ)."""
        _, chain = b.matmul_chain(term)
        if len(chain) == 1 and chain[0].op == "hadamard":
            return self.y in chain[0].args and any(self.projection(f) for f in chain[0].args)
        return len(chain) > 2 and chain[-2] is b.ones(self.n) and \
            chain[-1] is b.transpose(b.ones(self.n))

    def linear(self, x: Expr, name: str) -> dict:
        """vec dY = J vec dX, as J prints."""
        return {self.y: lambda memo: self.along(_operand(memo, x, name))}

    def along(self, da: Expr) -> Expr:
        """J*[dA] = vec⁻¹(J vec dA)."""
        return b.unvec(b.mul(self.jacobian, b.vec(da)), self.y.shape)

    def curvature(self, dx: Expr, g: Expr, a: Expr) -> Expr:
        """vec⁻¹((I ⊗ diag(1 ⊘ s)) (Γ R D + D R Γ + (I ⊗ diag((A ⊙ Y) 𝟏)) J) vec dX / n)."""
        y, gamma, d = self.y, b.diag(b.vec(g)), b.diag(b.vec(self.y))
        weights = b.kron(b.identity(self.n), b.diag(b.mul(b.hadamard(a, y), b.ones(self.n))))
        outer = b.add(b.mul(gamma, self.sums, d), b.mul(d, self.sums, gamma),
                      b.mul(weights, self.jacobian))
        return b.unvec(b.mul(self.blocks, outer, b.vec(dx), b.inverse_of(b.dim(self.n))),
                       y.shape)


def _operand(memo: dict, node: Expr, name: str) -> Expr | None:
    """d node: from the walk's memo, or taken here where the walk did not reach the node (a
    layer's operand x / 2 is not a node of its scale, whose centring holds (x − mean(x) 𝟏) / 2)."""
    if node not in memo:
        memo[node] = differential(node, name, shortcuts(node, name))
    return memo[node]


def _scales(layers: list[Expr], name: str) -> dict:
    """{s: ds} for the scale s of each layer normalisation (either kind), ds written with its
    node y as declared (core/vector_functions.py: ds = yᵀ dx / n + dε / (2 s))."""
    out = {}
    for y in layers:
        def rule(memo, y=y):
            return layer_scale_differential(b, y, *(_operand(memo, a, name) for a in y.args))
        s = layer_norm_by_scale(b, y)[0]
        out[s] = out[simplify(s)] = rule
    return out


def _gradients(expr: Expr, name: str, y: Expr) -> dict:
    """{node: d node} for each node L Jᵀ a R (a product holding the gradient g = Jᵀ a through
    y = layernorm(x, ε) or layernorm_rows(x, ε), ε constant; L and R may be empty) in expr:
    d(L g R) = dL g R + L dg R + L g dR."""
    x = y.args[0]
    s = simplify(layer_norm_by_scale(b, y)[0])
    layer = (_OfRows if VECTOR_FUNCTIONS[y.op].by_rows else _OfVector)(y, s)

    def of_gradient(memo, g, a):
        """dg = J da − curvature (J dx's part of it: ε is constant here)."""
        dx = _operand(memo, x, name)
        out = b.neg(layer.curvature(dx, g, a)) if dx is not None else None
        da = differential(a, name, {**shortcuts(a, name), **layer.linear(x, name)})
        if out is None:
            return None if da is None else layer.along(da)
        return out if da is None else b.add(layer.along(da), out)

    def of_product(memo, left, g, a, right):
        """d(L g R) = dL g R + L dg R + L g dR."""
        parts = (left, [g], right)
        terms = [b.mul(*left, of_gradient(memo, g, a), *right)]
        for i in (0, 2):
            part = b.mul(*parts[i]) if parts[i] else None
            d = differential(part, name, shortcuts(part, name)) if part is not None else None
            if d is not None:
                terms.append(b.mul(*(d if j == i else b.mul(*parts[j]) for j in range(3)
                                     if parts[j])))
        return b.add(*terms)

    out = {}
    for node in postorder(expr):
        if name not in node.free or node.op != "mul":
            continue
        scalars, chain = b.matmul_chain(node)
        for k in range(len(chain)):
            found = layer.find(scalars, chain, k)
            if found is not None:
                g, a, end = found
                out[node] = lambda memo, k=k, end=end, chain=chain, g=g, a=a: of_product(
                    memo, chain[:k], g, a, chain[end:])
                break
    return out


SCALE_TITLE = "layer norm's scale: d sqrt(mean(c.^2) + ε) = yᵀ dx / n + dε / (2 s), y = c / s"
GRADIENT_TITLE = ("layer norm's second-order rule: d(Jᵀ a) = J da − (g yᵀ + y gᵀ + (aᵀ y) J) dx "
                  "/ (n s), g = Jᵀ a (of each row by rows)")


def titles(expr: Expr, names: list[str]) -> list[str]:
    """The titles of the rules `shortcuts` applies to expr by any of `names` (for steps)."""
    found = {node for name in names for node in shortcuts(expr, name)}
    return [title for title, used in (
        (GRADIENT_TITLE, any(n.op == "mul" for n in found)),
        (SCALE_TITLE, any(n.op != "mul" for n in found))) if used]


def units(expr: Expr, name: str) -> set[Expr]:
    """The nodes inside those `shortcuts` differentiates whole (steps names none of them)."""
    present = set(postorder(expr))
    return {n for node in shortcuts(expr, name) if node in present for n in postorder(node)}


def shortcuts(expr: Expr, name: str) -> dict:
    """{node: rule(memo) -> its differential} for the scales of the layer normalisations in
    expr (the vector functions declared with a scale, `by_scale`) and the gradients through
    them (ε constant) that depend on the variable `name`."""
    layers = [n for n in postorder(expr) if name in n.free and n.op in VECTOR_FUNCTIONS and
              VECTOR_FUNCTIONS[n.op].by_scale is not None]
    out = _scales(layers, name)
    for y in layers:
        if name not in y.args[1].free:
            out.update(_gradients(expr, name, y))
    return out
