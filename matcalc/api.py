"""The public entry points: `derive`, `hessian`, `value_and_grad` and `value` (the
`Derivative` result is derivative.py's).

This module orchestrates the pipeline (parse → lower → differentiate and read out in a layout →
simplify → render / evaluate) and contains no mathematics of its own.
"""
from __future__ import annotations

import functools
from dataclasses import replace
from typing import Any

import numpy as np

from .closed_form import hessian_of, jacobian
from .codegen import Output, compile_function, generate, parameter_variables
from .core import build as b
from .core.constants import CONSTANTS
from .core.expr import Expr, postorder
from .core.parameters import computed_parameters
from .core.rebuild import substitute
from .derivative import Derivative, docstring, returned
from .diff.readout import LAYOUTS
from .errors import (
    DeclarationError,
    MatcalcError,
    ParseError,
    ShapeError,
    UnsupportedError,
)
from .evaluate import Env, bind, check_parameters, evaluate
from .lower import Lowered, lower
from .names import canonical
from .render import UNICODE, render
from .shapes import describe
from .simplify import simplify
from .symbols import filed, identifiers, text_symbols
from .syntax import parse


def _lowered(expr: str | Derivative, vars: dict[str, str] | None,
             wrt: str | None = None) -> Lowered:
    """The lowered program; `wrt`, the name differentiated by, is a name the program uses (a
    glued `Wx` by W is `W x`)."""
    if isinstance(expr, Derivative):
        if vars is not None:
            raise DeclarationError("a Derivative keeps the declarations it was derived with; "
                                   "do not pass vars again")
        return replace(expr.program, expr=expr.expr)
    if not isinstance(expr, str):
        raise DeclarationError("the expression must be a string of the matcalc language")
    try:
        key = None if vars is None else tuple(vars.items()) if isinstance(vars, dict) else vars
        used = frozenset({canonical(wrt)}) if isinstance(wrt, str) else frozenset()
        try:
            return _remembered(expr, key, used)
        except TypeError:  # declarations that are not hashable: not remembered
            return lower(parse(expr), vars, used=used)
    except MatcalcError as err:
        raise err.with_source(expr)
    except RecursionError:
        raise ParseError("the program is nested too deeply (split it with bindings "
                         "name = ...)", source=expr) from None


@functools.lru_cache(maxsize=64)
def _remembered(expr: str, declared: tuple | None, used: frozenset[str]) -> Lowered:
    """The last programs lowered (immutable: re-deriving a program skips parse and lower)."""
    return lower(parse(expr), None if declared is None else dict(declared), used=used)


def _variable(program: Lowered, wrt: str) -> Expr:
    wrt = canonical(wrt) if isinstance(wrt, str) else wrt
    if not isinstance(wrt, str) or wrt not in program.variables:
        if wrt in program.bindings:
            raise DeclarationError(
                f"'{wrt}' is a bound intermediate (name = ...), not a variable: differentiate "
                f"by one of the variables {', '.join(program.variables) or '(none)'}")
        listed = ", ".join(program.variables) or "none"
        if wrt in CONSTANTS:  # π (core/constants.py)
            c = CONSTANTS[wrt]
            raise DeclarationError(
                f"'{wrt}' ({c.printed['unicode']}) is {c.meaning}, not a variable: to "
                f"differentiate by a variable named {wrt}, declare it (vars={{'{wrt}': "
                f"'scalar'}}, or --var {wrt}:scalar)")
        raise DeclarationError(
            f"'{wrt}' is not a variable of the expression (its variables: {listed}); declare "
            f"it to get a zero derivative")
    return program.variables[wrt]


def derive(expr: str | Derivative, wrt: str, vars: dict[str, str] | None = None,
           layout: str = "numerator") -> Derivative:
    """The derivative of the program `expr` by the variable `wrt` in `layout`.

    `expr` may also be a `Derivative`: its closed form is differentiated again (the variables
    keep their declarations), so `derive(derive(f, "x"), "x")` is a second derivative, or a
    SymPy matrix expression (`wrt` then its symbol or name; see matcalc/interop/from_sympy.py).

    >>> print(derive("W x + b", "x"))
    W
    >>> print(derive("x' A x", "x", layout="denominator"))
    (A + Aᵀ) x
    """
    _check_layout(layout)
    if not isinstance(expr, (str, Derivative)):  # a SymPy expression: declarations from shapes
        expr, vars, wrt = _from_sympy(expr, wrt, vars)
    program = _lowered(expr, vars, wrt)
    variable = _variable(program, wrt)
    return Derivative(program, variable, layout,
                      _guarded(program, lambda: jacobian(program.expr, variable, layout),
                               again=isinstance(expr, Derivative)))


def hessian(expr: str, wrt: str, vars: dict[str, str] | None = None,
            layout: str = "numerator") -> Derivative:
    """The Hessian of a scalar expression: the Jacobian of its gradient (the n × n matrix for a
    vector variable, the mn × mn vec Hessian d vec(∇f) / d vec(X)ᵀ for a matrix one).

    >>> print(hessian("x' A x", "x"))
    A + Aᵀ
    """
    _check_layout(layout)
    if not isinstance(expr, (str, Derivative)):
        expr, vars, wrt = _from_sympy(expr, wrt, vars)
    program = _lowered(expr, vars, wrt)
    variable = _variable(program, wrt)
    if not program.expr.is_scalar:
        raise ShapeError(f"the Hessian needs a scalar expression; this one is "
                         f"{describe(program.expr.shape)}", source=program.source)
    gradient = _guarded(program, lambda: jacobian(program.expr, variable, "denominator",
                                                  shown=False))
    of_gradient = replace(program, expr=gradient)
    return Derivative(of_gradient, variable, layout,
                      _guarded(program, lambda: hessian_of(gradient, variable, layout), again=True),
                      order=2,
                      checked=tuple(computed_parameters(program.expr)))


def value_and_grad(expr: str, wrt: str | list[str], vars: dict[str, str] | None = None,
                   backend: str = "numpy"):
    """One function returning the value of a scalar expression and its gradients (each shaped
    like its variable), sharing the work they have in common: `(value, grad)` for one variable,
    `(value, (grad, ...))` for a list. Its arguments are as `Derivative.to_source` describes
    (the value of an abstract f(Y) by keyword as `f` or `"f(Y)"`).

    >>> f = value_and_grad("x' A x", "x")
    >>> f([1.0, 2.0], [[1.0, 0.0], [0.0, 3.0]])
    (13.0, array([ 2., 12.]))
    """
    program = _lowered(expr, vars)
    names = [wrt] if isinstance(wrt, str) else list(wrt)
    if not program.expr.is_scalar:
        raise ShapeError(f"value_and_grad needs a scalar expression; this one is "
                         f"{describe(program.expr.shape)}", source=program.source)
    grads = [derive(expr if vars is None else program.source, name, vars,
                    layout="denominator") for name in names]
    grouping = "value_and_grad" if isinstance(wrt, str) else "value_and_grads"
    symbols = (*text_symbols(program).values(), *(s for g in grads for s in g.symbols()))
    output = Output((computed(program), *(g.expr for g in grads)), grouping, symbols,
                    tuple(computed_parameters(program.expr)),
                    takes=(program.expr, *(g.variable for g in grads)))
    arguments = parameter_variables(program.variables, output)
    doc = docstring(f"The value of {program.source.strip()} and its gradient"
                     f"{'s' if len(names) > 1 else ''} by {', '.join(names)}:",
                     [str(g) for g in grads],
                     {n: k for n, k in grads[0].variables.items() if n in arguments}, None,
                     backend)
    return compile_function(generate(program.variables, output, backend, "value_and_grad",
                                     doc), "value_and_grad", backend)


def _from_sympy(expr, wrt, vars):
    from .interop import from_sympy  # (SymPy is imported only when used)
    return from_sympy(expr, wrt, vars)


def _check_layout(layout: str) -> None:
    if layout not in LAYOUTS:
        raise DeclarationError(f"layout must be 'numerator' or 'denominator', not {layout!r}")


def _guarded(program: Lowered, compute, again: bool = False):
    """Run a differentiation step, attaching the source to errors and refusing deep input; a
    refusal to differentiate a node names it as the user's expression prints it, and, when the
    step differentiates a first derivative `again`, says that the first derivative is
    available."""
    try:
        return compute()
    except UnsupportedError as err:
        raise _named(err, again).with_source(program.source) from None
    except MatcalcError as err:
        raise err.with_source(program.source)
    except RecursionError:
        raise UnsupportedError("the expression is nested too deeply to differentiate "
                               "(split it with bindings name = ...)") from None


_FIRST_AVAILABLE = "; the first derivative is available (derive, or the command without --hessian)"


def _named(err: UnsupportedError, again: bool) -> UnsupportedError:
    """`err` naming its node and the node's arguments as printed (eigvec_max(Aᵀ S A), not
    eigvec_max(S)), noting the first derivative where the refusal is of a second one."""
    node = err.subject
    if node is None:
        return err
    named = err.naming(render(node, UNICODE), *(render(a, UNICODE) for a in node.args))
    return UnsupportedError(named.message + _FIRST_AVAILABLE) if again else named


def value(expr: str, vars: dict[str, str] | None = None, **arrays: Any) -> np.ndarray | float:
    """The numeric value of the program `expr` at `arrays` (for checks against derivatives);
    the value of an abstract function at its argument is passed as `f(Y)=...`, that of a
    declared symbol (`df_d(A X + B)`) under its declared name; either also under the names the
    text shows it by (`f(s .* y)`, `df_d(s .* y)`  where s = sigmoid(W x)); every value also
    under its name in generated code (`df_d_A_X_B`, `lambda_`: symbols.parameter_names)."""
    program = _lowered(expr, vars)
    arrays = filed(arrays, program.variables, text_symbols(program),
                   identifiers(program.variables, (program.expr,)))
    values, sizes = bind(program.variables, arrays, program.kinds)
    env = Env(values, sizes, arrays)
    check_parameters(tuple(computed_parameters(program.expr)), env)
    return returned(evaluate(computed(program), env), program.expr)


def computed(program: Lowered) -> Expr:
    """The program's function as it is computed: simplified, so that its value is computed
    by the stable nodes (log(softmax(z)) as logsoftmax(z), log(sum(exp(u))) as logsumexp(u)).
    Its abstract symbols (f(Y), ∂f/∂Y) stay as the program writes them, whose values are
    passed under those names: each is held out of the simplification as a stand-in leaf."""
    held = [n for n in postorder(program.expr) if n.op in ("apply", "absgrad")]
    if not held:
        return simplify(program.expr)
    stand_ins = {n: b.var(f"__held_{i}", n.shape) for i, n in enumerate(held)}
    simplified = simplify(substitute(program.expr, stand_ins))
    return substitute(simplified, {leaf: n for n, leaf in stand_ins.items()})
