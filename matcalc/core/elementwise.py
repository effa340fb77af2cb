"""The elementwise functions of the language: one declaration each, read by every stage.

A `Function` says everything matcalc knows about f applied entry by entry: its name in the
language (and other spellings), what it means, its value in numpy, its derivative f′(u) written
in matcalc's own operators (so that it differentiates again: Hessians), how it prints (text and
LaTeX), its code in numpy, jax and torch, its SymPy counterpart, the interval its values lie in,
where it is smooth (the domain of the derivative check), and an example for the documentation.
Lowering, differentiation, the simplifier's constructors, evaluate, the printers, the domain
check, code generation, SymPy interop and the docs' table all read `FUNCTIONS`; none keeps a
list of names. Adding a function is one `Function(...)` below (and a reference value in
tests/test_elementwise_functions.py).

`BINARY` declares max(u, v) and min(u, v) the same way (`Binary`).

The derivative is a function of (b, u, f): `b` the core's builders (core/build.py, passed in by
diff/elementwise.py, as this module sits below them), u the argument and f the node f(u).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np
import scipy.special

from .constants import PI

INF = float("inf")

# Where f is smooth, for points at which central differences mean something (domain.py), and
# the draw of the documentation example's inputs (tests): every real number; u > 0 (log, sqrt:
# kept at least a margin from 0); u > -1 (log1p); u away from the kink 0 (abs, relu, and
# softsign, whose second derivative has one); |u| < 1 (arcsin, arccos); cos(u) away from 0
# (tan's poles); |u| away from the parameter δ (huber's kinks at ±δ).
REAL, POSITIVE, ABOVE_MINUS_ONE, KINK_AT_ZERO, OPEN_UNIT, OFF_POLES, KINKS_AT_PARAMETER = (
    "real", "positive", "above -1", "kink at 0", "open unit interval", "off the poles",
    "kinks at ±δ")


@dataclass(frozen=True)
class Parameter:
    """A scalar parameter written after the argument, f(u, δ): its name, its default (f(u)
    means f(u, default)), and ∂f/∂δ (b, u, δ) in matcalc's operators. Its value must be
    positive where it is a number."""
    name: str
    default: int
    derivative: Callable[[Any, Any, Any], Any]


@dataclass(frozen=True)
class Function:
    name: str  # the op name, and its spelling in the language
    meaning: str  # "the sine": error messages and the docs
    numpy: Callable[[np.ndarray], np.ndarray]  # evaluate (float64 arrays)
    derivative: Callable[[Any, Any, Any], Any] | None  # (b, u, f(u)) -> f′(u); None: constant
    derivative_text: str  # f′(u) as the derivation steps show it
    code: dict[str, str]  # backend -> a template over the argument's code {0}
    sympy: Callable[[Any, Any], Any] | None  # (sympy, t) -> f(t) as SymPy writes it
    example: tuple[str, str, str]  # (expression, variable, derivative printed): the docs' row
    latex: str = ""  # LaTeX head (default \operatorname{name})
    printed: str = ""  # the name results print (default the name; σ for sigmoid)
    spellings: tuple[str, ...] = ()  # other names the language accepts (σ)
    values: tuple[tuple[float, float], str] | None = None  # (interval of f(u), the fact)
    zero_at_zero: bool = False  # f(0) = 0: f of a zero is zero
    domain: str = REAL
    helpers: dict[str, dict[str, str]] = field(default_factory=dict)  # backend -> {marker: def}
    # f(u, δ): the node's operands are (u, δ), and numpy, derivative (b, u, f, δ), code ({1})
    # and sympy (sp, t, δ) take δ after the argument
    parameter: Parameter | None = None

    @property
    def shown(self) -> str:
        return self.printed or self.name

    @property
    def latex_head(self) -> str:
        return self.latex or f"\\operatorname{{{self.name}}}"


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return np.exp(-np.logaddexp(0.0, -x))


def _one_minus(b, e):
    return b.sub(b.expand(b.const(1), e.shape), e)


def _square(b, e):
    return b.power(e, b.const(2))


def _reciprocal_sqrt(b, e):
    return b.inverse_of(b.apply("sqrt", e))


def _one_plus(b, e):
    return b.add(b.expand(b.const(1), e.shape), e)


def _pi(b):
    return b.apply(PI.name)


def _gaussian(b, u, scale):
    """exp(−u.^2 / s²) ⊘ … : exp(−u.^2) for s² = 1, exp(−u.^2 / 2) for s² = 2."""
    return b.apply("exp", b.mul(b.const(Fraction(-1, scale)), _square(b, u)))


def _erf_derivative(b, u, sign):
    """±2 exp(−u.^2) / sqrt(π): erf′ (+) and erfc′ (−)."""
    return b.mul(b.const(2 * sign), b.inverse_of(b.apply("sqrt", _pi(b))), _gaussian(b, u, 1))


def _gelu_derivative(b, u):
    """gelu′(u) = Φ(u) + u φ(u), with Φ(u) = erfc(−u / sqrt(2)) / 2 the normal distribution
    function (accurate in its lower tail, where 1 + erf cancels) and φ(u) = exp(−u.^2 / 2) /
    sqrt(2 π) its density."""
    cdf = b.mul(b.const(Fraction(1, 2)),
                b.apply("erfc", b.mul(b.const(-1), b.inverse_of(b.apply("sqrt", b.const(2))), u)))
    density = b.mul(b.inverse_of(b.apply("sqrt", b.mul(b.const(2), _pi(b)))),
                    _gaussian(b, u, 2))
    return b.add(cdf, b.hadamard(u, density))


def _huber(u: np.ndarray, delta: np.ndarray) -> np.ndarray:
    magnitude = np.abs(u)
    return np.where(magnitude <= delta, 0.5 * u * u, delta * (magnitude - 0.5 * delta))


def _clip(b, u, delta):
    """huber′(u, δ) = clip(u, −δ, δ) = max(min(u, δ), −δ), δ expanded to u's shape (its
    derivative, huber″, is (δ > u) ⊙ (min(u, δ) > −δ), the indicator of |u| < δ)."""
    return b.apply("maximum", b.apply("minimum", u, b.expand(delta, u.shape)),
                   b.expand(b.neg(delta), u.shape))


def _huber_by_delta(b, u, delta):
    """∂huber(u, δ)/∂δ = |u| − δ where |u| > δ, 0 inside: relu(|u| − δ)."""
    return b.apply("relu", b.sub(b.apply("abs", u), b.expand(delta, u.shape)))


def _huber_code(module: str) -> str:
    """The Huber loss in `module` (np, jnp, torch): torch.nn.functional.huber_loss(u, 0,
    reduction='none', delta=δ) and optax.huber_loss, written with `where` so δ may be an array."""
    return (f"def _huber(u, d):  # u²/2 where |u| ≤ d, d (|u| − d/2) outside\n"
            f"    a = {module}.abs(u)\n"
            f"    return {module}.where(a <= d, 0.5 * u * u, d * (a - 0.5 * d))")


_SCIPY_SPECIAL = {"scipy.special": "import scipy.special"}


def _code(numpy: str, jax: str, torch: str) -> dict[str, str]:
    return {"numpy": numpy, "jax": jax, "torch": torch}


def _same(name: str, torch: str = "") -> dict[str, str]:
    """The function of the same name in each library (np.sin, jnp.sin, torch.sin; torch's
    own name where it differs: torch.asin)."""
    return _code(f"np.{name}({{0}})", f"jnp.{name}({{0}})", f"torch.{torch or name}({{0}})")


NONNEGATIVE = (0.0, INF)
UNIT = (-1.0, 1.0)
HALF_PI = (-1.5708, 1.5708)  # (π/2 = 1.57079632…: bounds need only hold the values)

DECLARED = (
    Function("exp", "the exponential", np.exp, lambda b, u, f: f, "exp(u)", _same("exp"),
             lambda sp, t: sp.exp(t), ("exp(W x)", "x", "diag(exp(W x)) W"), latex="\\exp",
             values=(NONNEGATIVE, "exp(u) > 0 (0 once it underflows)")),
    Function("log", "the natural logarithm", np.log, lambda b, u, f: b.inverse_of(u),
             "(1 ⊘ u)", _same("log"), lambda sp, t: sp.log(t),
             ("log(W x)", "x", "diag(1 ⊘ (W x)) W"), latex="\\log", domain=POSITIVE),
    Function("sin", "the sine", np.sin, lambda b, u, f: b.apply("cos", u), "cos(u)",
             _same("sin"), lambda sp, t: sp.sin(t), ("sin(W x)", "x", "diag(cos(W x)) W"),
             latex="\\sin", values=(UNIT, "sin(u) ∈ [-1, 1]"), zero_at_zero=True),
    Function("cos", "the cosine", np.cos, lambda b, u, f: b.neg(b.apply("sin", u)),
             "−sin(u)", _same("cos"), lambda sp, t: sp.cos(t),
             ("cos(W x)", "x", "-diag(sin(W x)) W"), latex="\\cos",
             values=(UNIT, "cos(u) ∈ [-1, 1]")),
    Function("tan", "the tangent", np.tan,
             lambda b, u, f: b.add(b.expand(b.const(1), u.shape), _square(b, f)),
             "(1 + tan(u).^2)", _same("tan"), lambda sp, t: sp.tan(t),
             ("tan(W x)", "x", "diag(tan(W x).^2 + 1) W"), latex="\\tan", zero_at_zero=True,
             domain=OFF_POLES),
    Function("tanh", "the hyperbolic tangent", np.tanh,
             lambda b, u, f: _one_minus(b, _square(b, f)), "(1 − tanh(u).^2)", _same("tanh"),
             lambda sp, t: sp.tanh(t), ("tanh(W x)", "x", "diag(1 - tanh(W x).^2) W"),
             latex="\\tanh", values=(UNIT, "tanh(u) ∈ [-1, 1]"), zero_at_zero=True),
    Function("sigmoid", "the logistic function 1 / (1 + e⁻ᵘ)", _sigmoid,
             lambda b, u, f: b.hadamard(f, _one_minus(b, f)), "σ(u) ⊙ (1 − σ(u))",
             _code("_sigmoid({0})", "jax.nn.sigmoid({0})", "torch.sigmoid({0})"),
             lambda sp, t: 1 / (1 + sp.exp(-t)),
             ("sigmoid(W x)", "x", "diag(σ(W x) ⊙ (1 - σ(W x))) W"), latex="\\sigma",
             printed="σ", spellings=("σ",),
             values=((0.0, 1.0), "σ(u) = 1 / (1 + e⁻ᵘ) ∈ [0, 1], since 1 + e⁻ᵘ ≥ 1"),
             helpers={"numpy": {"_sigmoid": (
                 "def _sigmoid(x):  # exact in the tails: exp(-x) = inf there gives 0\n"
                 "    with np.errstate(over=\"ignore\"):\n"
                 "        return 1.0 / (1.0 + np.exp(-x))")}}),
    Function("relu", "the rectifier max(u, 0)", lambda x: np.maximum(x, 0.0),
             lambda b, u, f: b.apply("gt", u, b.const(0)), "(u > 0)",
             _code("np.maximum({0}, 0.0)", "jnp.maximum({0}, 0.0)", "torch.relu({0})"),
             lambda sp, t: sp.Max(t, 0), ("max(0, W x)", "x", "diag(W x > 0) W"),
             values=(NONNEGATIVE, "max(u, 0) ≥ 0"), zero_at_zero=True, domain=KINK_AT_ZERO),
    Function("abs", "the absolute value", np.abs, lambda b, u, f: b.apply("sign", u),
             "sign(u)", _same("abs"), lambda sp, t: sp.Abs(t), ("abs(x)", "x", "diag(sign(x))"),
             values=(NONNEGATIVE, "|u| ≥ 0"), zero_at_zero=True, domain=KINK_AT_ZERO),
    Function("sign", "the sign: −1, 0 or 1", np.sign, None, "0", _same("sign"),
             lambda sp, t: sp.sign(t), ("sign(x) .* x", "x", "diag(sign(x))"),
             values=(UNIT, "sign(u) ∈ {-1, 0, 1}"), zero_at_zero=True, domain=KINK_AT_ZERO),
    Function("sqrt", "the square root", np.sqrt,
             lambda b, u, f: b.inverse_of(b.mul(b.const(2), f)), "1 ⊘ (2 sqrt(u))",
             _same("sqrt"), lambda sp, t: sp.sqrt(t), ("sqrt(x)", "x", "diag(1 ⊘ sqrt(x)) / 2"),
             values=(NONNEGATIVE, "√u ≥ 0"), zero_at_zero=True,
             domain=POSITIVE),
    Function("softplus", "the softplus log(1 + eᵘ)", lambda x: np.logaddexp(0.0, x),
             lambda b, u, f: b.apply("sigmoid", u), "σ(u)",
             _code("np.logaddexp(0.0, {0})", "jax.nn.softplus({0})",
                   "torch.logaddexp({0}, torch.zeros_like({0}))"),
             lambda sp, t: sp.log(1 + sp.exp(t)), ("softplus(W x)", "x", "diag(σ(W x)) W"),
             values=(NONNEGATIVE, "softplus(u) = log(1 + eᵘ) > 0")),
    Function("arcsin", "the inverse sine", np.arcsin,
             lambda b, u, f: _reciprocal_sqrt(b, _one_minus(b, _square(b, u))),
             "1 ⊘ sqrt(1 − u.^2)", _same("arcsin", "asin"), lambda sp, t: sp.asin(t),
             ("arcsin(x)", "x", "diag(1 ⊘ sqrt(1 - x.^2))"), latex="\\arcsin",
             values=(HALF_PI, "arcsin(u) ∈ [-π/2, π/2]"), zero_at_zero=True, domain=OPEN_UNIT),
    Function("arccos", "the inverse cosine", np.arccos,
             lambda b, u, f: b.neg(_reciprocal_sqrt(b, _one_minus(b, _square(b, u)))),
             "−1 ⊘ sqrt(1 − u.^2)", _same("arccos", "acos"), lambda sp, t: sp.acos(t),
             ("arccos(x)", "x", "-diag(1 ⊘ sqrt(1 - x.^2))"), latex="\\arccos",
             values=((0.0, 3.1416), "arccos(u) ∈ [0, π]"), domain=OPEN_UNIT),
    Function("arctan", "the inverse tangent", np.arctan,
             lambda b, u, f: b.inverse_of(_one_plus(b, _square(b, u))), "1 ⊘ (1 + u.^2)",
             _same("arctan", "atan"), lambda sp, t: sp.atan(t),
             ("arctan(W x)", "x", "diag(1 ⊘ ((W x).^2 + 1)) W"), latex="\\arctan",
             values=(HALF_PI, "arctan(u) ∈ [-π/2, π/2]"), zero_at_zero=True),
    Function("sinh", "the hyperbolic sine", np.sinh, lambda b, u, f: b.apply("cosh", u),
             "cosh(u)", _same("sinh"), lambda sp, t: sp.sinh(t),
             ("sinh(W x)", "x", "diag(cosh(W x)) W"), latex="\\sinh", zero_at_zero=True),
    Function("cosh", "the hyperbolic cosine", np.cosh, lambda b, u, f: b.apply("sinh", u),
             "sinh(u)", _same("cosh"), lambda sp, t: sp.cosh(t),
             ("cosh(W x)", "x", "diag(sinh(W x)) W"), latex="\\cosh",
             values=((1.0, INF), "cosh(u) = (eᵘ + e⁻ᵘ) / 2 ≥ 1")),
    Function("arcsinh", "the inverse hyperbolic sine", np.arcsinh,
             lambda b, u, f: _reciprocal_sqrt(b, _one_plus(b, _square(b, u))),
             "1 ⊘ sqrt(1 + u.^2)", _same("arcsinh", "asinh"), lambda sp, t: sp.asinh(t),
             ("arcsinh(x)", "x", "diag(1 ⊘ sqrt(x.^2 + 1))"), zero_at_zero=True),
    Function("arctanh", "the inverse hyperbolic tangent", np.arctanh,
             lambda b, u, f: b.inverse_of(_one_minus(b, _square(b, u))), "1 ⊘ (1 − u.^2)",
             _same("arctanh", "atanh"), lambda sp, t: sp.atanh(t),
             ("arctanh(x)", "x", "diag(1 ⊘ (1 - x.^2))"), zero_at_zero=True, domain=OPEN_UNIT),
    Function("log1p", "log(1 + u), accurate for small u", np.log1p,
             lambda b, u, f: b.inverse_of(_one_plus(b, u)), "1 ⊘ (1 + u)", _same("log1p"),
             lambda sp, t: sp.log(1 + t), ("log1p(x)", "x", "diag(1 ⊘ (1 + x))"),
             zero_at_zero=True, domain=ABOVE_MINUS_ONE),
    Function("expm1", "exp(u) − 1, accurate for small u", np.expm1,
             lambda b, u, f: b.apply("exp", u), "exp(u)", _same("expm1"),
             lambda sp, t: sp.exp(t) - 1, ("expm1(W x)", "x", "diag(exp(W x)) W"),
             values=((-1.0, INF), "exp(u) − 1 > −1"), zero_at_zero=True),
    Function("square", "the square of each entry", np.square,
             lambda b, u, f: b.mul(b.const(2), u), "2 u", _same("square"),
             lambda sp, t: t ** 2, ("square(W x)", "x", "2 diag(W x) W"),
             values=(NONNEGATIVE, "u² ≥ 0"), zero_at_zero=True),
    Function("softsign", "the softsign u / (1 + |u|)", lambda x: x / (1.0 + np.abs(x)),
             lambda b, u, f: b.inverse_of(_square(b, _one_plus(b, b.apply("abs", u)))),
             "1 ⊘ (1 + |u|).^2",
             _code("_softsign({0})", "jax.nn.soft_sign({0})",
                   "torch.nn.functional.softsign({0})"),
             lambda sp, t: t / (1 + sp.Abs(t)),
             ("softsign(W x)", "x", "diag(1 ⊘ (abs(W x) + 1).^2) W"),
             values=(UNIT, "|u| / (1 + |u|) < 1"), zero_at_zero=True, domain=KINK_AT_ZERO,
             helpers={"numpy": {"_softsign": "def _softsign(u):\n"
                                             "    return u / (1.0 + np.abs(u))"}}),
    Function("logsigmoid", "the log-sigmoid log σ(u) = −softplus(−u)",
             lambda x: -np.logaddexp(0.0, -x),
             lambda b, u, f: b.apply("sigmoid", b.neg(u)), "σ(−u)",
             _code("_logsigmoid({0})", "jax.nn.log_sigmoid({0})",
                   "torch.nn.functional.logsigmoid({0})"),
             lambda sp, t: -sp.log(1 + sp.exp(-t)),
             ("logsigmoid(W x)", "x", "diag(σ(-W x)) W"),
             values=((-INF, 0.0), "log σ(u) ≤ log 1 = 0"),
             helpers={"numpy": {"_logsigmoid": "def _logsigmoid(u):\n"
                                               "    return -np.logaddexp(0.0, -u)"}}),
    Function("erf", "the error function", scipy.special.erf,
             lambda b, u, f: _erf_derivative(b, u, 1), "2 exp(−u.^2) / sqrt(π)",
             _code("scipy.special.erf({0})", "jax.scipy.special.erf({0})",
                   "torch.special.erf({0})"), lambda sp, t: sp.erf(t),
             ("erf(x)", "x", "2 diag(exp(-x.^2)) / sqrt(π)"),
             values=(UNIT, "erf(u) ∈ [-1, 1]"), zero_at_zero=True,
             helpers={"numpy": _SCIPY_SPECIAL}),
    Function("erfc", "the complementary error function 1 − erf(u)", scipy.special.erfc,
             lambda b, u, f: _erf_derivative(b, u, -1), "−2 exp(−u.^2) / sqrt(π)",
             _code("scipy.special.erfc({0})", "jax.scipy.special.erfc({0})",
                   "torch.special.erfc({0})"), lambda sp, t: sp.erfc(t),
             ("erfc(x)", "x", "-2 diag(exp(-x.^2)) / sqrt(π)"),
             values=((0.0, 2.0), "erfc(u) ∈ [0, 2]"), helpers={"numpy": _SCIPY_SPECIAL}),
    Function("gelu", "the GELU activation u Φ(u), Φ the normal distribution function",
             lambda x: 0.5 * x * scipy.special.erfc(-x / np.sqrt(2.0)),
             lambda b, u, f: _gelu_derivative(b, u), "Φ(u) + u ⊙ φ(u)",
             _code("_gelu({0})", "jax.nn.gelu({0}, approximate=False)",
                   "torch.nn.functional.gelu({0})"),
             lambda sp, t: t * (1 + sp.erf(t / sp.sqrt(2))) / 2,
             ("gelu(x)", "x",
              "diag((x ⊙ exp(-x.^2 / 2)) / sqrt(2 π) + erfc(-x / sqrt(2)) / 2)"),
             values=((-0.17, INF), "u Φ(u) ≥ −0.17"), zero_at_zero=True,
             helpers={"numpy": {**_SCIPY_SPECIAL, "_gelu": (
                 "def _gelu(u):  # u Φ(u), Φ(u) = erfc(-u / √2) / 2\n"
                 "    return 0.5 * u * scipy.special.erfc(-u / np.sqrt(2.0))")}}),
    Function("huber", "the Huber loss: u²/2 for |u| ≤ δ, δ (|u| − δ/2) outside (δ = 1 unless "
             "given)", _huber, lambda b, u, f, delta: _clip(b, u, delta),
             "max(min(u, δ), −δ)", _code("_huber({0}, {1})", "_huber({0}, {1})",
                                         "_huber({0}, {1})"),
             lambda sp, t, delta: sp.Piecewise((t ** 2 / 2, sp.Abs(t) <= delta),
                                               (delta * (sp.Abs(t) - delta / 2), True)),
             ("huber(W x - y)", "x", "diag(max(min(W x - y, 1), -1)) W"),
             values=(NONNEGATIVE, "huber(u) ≥ 0"), zero_at_zero=True,
             domain=KINKS_AT_PARAMETER, parameter=Parameter("δ", 1, _huber_by_delta),
             helpers={backend: {"_huber": _huber_code(module)} for backend, module in
                      (("numpy", "np"), ("jax", "jnp"), ("torch", "torch"))}),
)

FUNCTIONS: dict[str, Function] = {f.name: f for f in DECLARED}
SPELLINGS: dict[str, str] = {s: f.name for f in DECLARED for s in (f.name, *f.spellings)}


@dataclass(frozen=True)
class Binary:
    """An elementwise function of two operands of one shape that equals one of them entry by
    entry (max, min): its op name and spelling, meaning, numpy value, where it follows its first
    operand (`picks_first(b, u, v)`, 1 there and 0 elsewhere: d f(u, v) = p ⊙ du + (1 − p) ⊙
    dv, ties following v as numpy's and jax's subgradients), code, and its form through relu for
    SymPy (`relu_sign` s: v + s relu(s (u − v))). `extreme` combines two bounds (sign facts)."""

    name: str
    spelling: str
    meaning: str
    numpy: Callable[[np.ndarray, np.ndarray], np.ndarray]
    picks_first: Callable[[Any, Any, Any], Any]
    picks_text: str
    code: dict[str, str]
    relu_sign: int
    extreme: Callable[[float, float], float]
    example: tuple[str, str, str]
    helpers: dict[str, dict[str, str]] = field(default_factory=dict)


def _torch_pair(name: str) -> dict[str, str]:
    """torch's max/min of two operands, either of which may be a Python float."""
    return {f"_{name}": f"def _{name}(a, b):\n    return torch.{name}("
                        f"torch.as_tensor(a, dtype=torch.float64), "
                        f"torch.as_tensor(b, dtype=torch.float64))"}


BINARY_DECLARED = (
    Binary("maximum", "max", "the larger of u and v, entry by entry", np.maximum,
           lambda b, u, v: b.apply("gt", u, v), "(u > v)",
           _code("np.maximum({0}, {1})", "jnp.maximum({0}, {1})", "_maximum({0}, {1})"),
           1, max, ("max(x, y)", "x", "diag(x > y)"), {"torch": _torch_pair("maximum")}),
    Binary("minimum", "min", "the smaller of u and v, entry by entry", np.minimum,
           lambda b, u, v: b.apply("gt", v, u), "(v > u)",
           _code("np.minimum({0}, {1})", "jnp.minimum({0}, {1})", "_minimum({0}, {1})"),
           -1, min, ("min(x, y)", "x", "diag(y > x)"), {"torch": _torch_pair("minimum")}),
)
BINARY: dict[str, Binary] = {f.name: f for f in BINARY_DECLARED}
