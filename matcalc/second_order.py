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

Why here and not in the simplifier: the compact form is a fact about how g varies, known where
the differential is taken; once read out, g, gᵀ and J are multiplied out into terms no local
rewrite folds back (it would need 𝟏ᵀ y = 0 and aᵀ J = gᵀ inside products). So `shortcuts`
finds s and each product holding g (recognised exactly: the simplified Jᵀ a of the candidate
a is the very node) and closed_form.py passes their rules to the engine (diff/engine.py's
`known`); the steps show them by name (`titles`). The simplifier only keeps the symmetric
pair g yᵀ + y gᵀ together (simplify/sums.py, expand-products).
"""
from __future__ import annotations

from .core import build as b
from .core.expr import Expr, postorder
from .core.vector_functions import layer_norm_by_scale, layer_scale_differential
from .diff.engine import differential
from .simplify import simplify


def _vjp(y: Expr, s: Expr, a: Expr) -> Expr:
    """Jᵀ a = (a − (aᵀ y) y / n − sum(a) 𝟏 / n) / s for y = layernorm(x) of length n."""
    n = b.dim(y.shape.rows)
    return b.mul(b.add(a, b.neg(b.mul(b.mul(b.transpose(a), y), y, b.inverse_of(n))),
                       b.neg(b.mul(b.reduce_sum(a), b.ones(y.shape.rows), b.inverse_of(n)))),
                 b.inverse_of(s))


def _jacobian(y: Expr, s: Expr) -> Expr:
    """J = (I − (y yᵀ + 𝟏 𝟏ᵀ) / n) / s, ∂y/∂x for y = layernorm(x) of length n."""
    n, ones = y.shape.rows, b.ones(y.shape.rows)
    spread = b.add(b.mul(y, b.transpose(y)), b.mul(ones, b.transpose(ones)))
    return b.mul(b.sub(b.identity(n), b.mul(spread, b.inverse_of(b.dim(n)))), b.inverse_of(s))


def _cotangent(node: Expr, y: Expr, s: Expr) -> Expr | None:
    """a when node is Jᵀ a (up to the simplifier's canonical form), else None: node is
    c (a − (aᵀ y) y / n − sum(a) 𝟏 / n) / s, a the terms other than the two projections."""
    scalars, chain = b.matmul_chain(node)
    inverse = b.inverse_of(s)
    if len(chain) != 1 or chain[0].op != "add" or not any(f is inverse for f in scalars):
        return None
    rest = [t for t in chain[0].args if not _projection(t, y)]
    if len(rest) == len(chain[0].args) or not rest:
        return None
    a = b.mul(*(f for f in scalars if f is not inverse), b.add(*rest))
    return a if simplify(_vjp(y, s, a)) is node else None


def _projection(term: Expr, y: Expr) -> bool:
    """term is c (wᵀ y) y or c sum(w) 𝟏 (a scalar times y or 𝟏 that depends on y or sums)."""
    scalars, chain = b.matmul_chain(term)
    if chain == [y]:
        return any(f.op == "mul" and y in postorder(f) for f in scalars)
    return len(chain) == 1 and chain[0].op == "ones" and any(f.op == "sum" for f in scalars)


def _scales(layers: list[Expr]) -> dict:
    """{s: ds} for the scale s of each layer normalisation (either kind), ds written with its
    node y as declared (core/vector_functions.py: ds = yᵀ dx / n + dε / (2 s))."""
    out = {}
    for y in layers:
        def rule(memo, y=y):
            return layer_scale_differential(b, y, *(memo.get(a) for a in y.args))
        s = layer_norm_by_scale(b, y)[0]
        out[s] = out[simplify(s)] = rule
    return out


def _gradients(expr: Expr, name: str, y: Expr) -> dict:
    """{node: d node} for each node L Jᵀ a (a product ending in the gradient g = Jᵀ a through
    y = layernorm(x, ε), ε constant; L may be empty) in expr: d(L g) = dL g + L dg."""
    x = y.args[0]
    s = simplify(layer_norm_by_scale(b, y)[0])
    jacobian = _jacobian(y, s)
    linear = {y: lambda memo: b.mul(jacobian, memo[x])}  # dy = J dx, as J prints

    def of_gradient(memo, g, a):
        """dg = J da − (g yᵀ + y gᵀ + (aᵀ y) J) dx / (n s)."""
        n = b.dim(y.shape.rows)
        curvature = b.mul(b.add(b.mul(g, b.transpose(y)), b.mul(y, b.transpose(g)),
                                b.mul(b.mul(b.transpose(a), y), jacobian)), memo[x])
        out = b.neg(b.mul(curvature, b.inverse_of(b.mul(n, s))))
        da = differential(a, name, {**shortcuts(a, name), **linear})
        return out if da is None else b.add(b.mul(jacobian, da), out)

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
        for k, factor in enumerate(chain):
            g = b.mul(*scalars, factor) if factor.op == "add" else None
            a = _cotangent(g, y, s) if g is not None else None
            if a is not None:
                out[node] = lambda memo, k=k, chain=chain, g=g, a=a: of_product(
                    memo, chain[:k], g, a, chain[k + 1:])
                break
    return out


SCALE_TITLE = "layer norm's scale: d sqrt(mean(c.^2) + ε) = yᵀ dx / n + dε / (2 s), y = c / s"
GRADIENT_TITLE = ("layer norm's second-order rule: d(Jᵀ a) = J da − (g yᵀ + y gᵀ + (aᵀ y) J) dx "
                  "/ (n s), g = Jᵀ a")


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
    expr and the gradients through them (layernorm of a vector, ε constant) that depend on
    the variable `name`."""
    layers = [n for n in postorder(expr) if n.op in ("layernorm", "layernorm_rows") and
              name in n.free]
    out = _scales(layers)
    for y in layers:
        if y.op == "layernorm" and name not in y.args[1].free:
            out.update(_gradients(expr, name, y))
    return out
