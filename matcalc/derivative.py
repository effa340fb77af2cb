"""The result of differentiating: `Derivative`, a closed form with its printed forms, its
conditions, its numeric check, its derivation, its value and its generated code.

api.py builds it (derive, hessian); it holds no mathematics of its own.
"""
from __future__ import annotations

import functools
import re
from typing import Any

import numpy as np

from .check import CheckResult, check
from .codegen import Output, compile_function, generate, parameter_variables
from .core.expr import Expr, postorder
from .core.extremes import subgradient_notes
from .core.parameters import computed_parameters
from .domain import CONDITIONS, conditions
from .evaluate import Env, bind, check_parameters, evaluate_all
from .lower import Lowered
from .lower.structures import STRUCTURES
from .names import spelled
from .render import ASCII, LATEX, UNICODE, render
from .render.where import Where, where_clauses
from .shapes import GENERATED
from .simplify import simplify
from .steps import Steps, steps
from .symbols import Symbol, filed, identifiers, symbol_declarations, symbols_of


class Derivative:
    """dF/dX as a closed form: `str(d)` text, `d.latex()` LaTeX, `d.evaluate(**arrays)` values."""

    def __init__(self, program: Lowered, wrt: Expr, layout: str, result: Expr, order: int = 1,
                 checked: tuple[Expr, ...] | None = None):
        self.program = program
        self.variable = wrt
        self.layout = layout
        self.expr = result
        self.order = order  # 2 for a Hessian (the derivative of the gradient `program.expr`)
        # the functions whose computed parameters evaluation and generated code check (those
        # of the program differentiated: a Hessian's gradient may no longer show them)
        self.checked = tuple(computed_parameters(program.expr)) if checked is None else checked

    @property
    def wrt(self) -> str:
        return self.variable.attr("name")

    @property
    def source(self) -> str:
        return self.program.source

    @property
    def warnings(self) -> tuple[str, ...]:
        """Notes on names whose default kind changes what the program means (`mu` of
        `x - mu` is a scalar by default, `lam` of `lam * norm2(w)^2` a vector), each naming the
        declaration that gives the other meaning; and on max(x), min(x), whose derivative is
        a subgradient where entries tie."""
        return self.program.warnings + subgradient_notes(self.program.expr)

    @property
    def function(self) -> Expr:
        """The differentiated expression (bindings substituted)."""
        return self.program.expr

    @property
    def conditions(self) -> tuple[str, ...]:
        """Where the function and this derivative are defined and the result holds, each a
        sentence (logm(X): 'X has no eigenvalue on the closed negative real axis'); empty
        when the result holds wherever its expression is defined."""
        return conditions(self.function, self.expr)

    @property
    def ascii_conditions(self) -> tuple[str, ...]:
        """`conditions` with their expressions in the ASCII notation (XᵀX as X^T X): ASCII
        sentences, as `text(ascii=True)` is."""
        return conditions(self.function, self.expr, notation=ASCII)

    def text(self, ascii: bool = False, where: bool = True) -> str:
        """The closed form; with `where`, a repeated subexpression is named once when that is
        shorter (diag(s) - s sᵀ  where s = softmax(x))."""
        return self._shown(ASCII if ascii else UNICODE, where)

    def _shown(self, notation, where: bool) -> str:
        return self.where_form.render(notation) if where else render(self.expr, notation)

    @functools.cached_property
    def where_form(self) -> Where:
        """The closed form with its where clauses (the program's bound names kept)."""
        reserved = set(self.program.variables) | set(self.program.bindings)
        named = {simplify(node): name for name, node in self.program.bindings.items()}
        return where_clauses(self.expr, reserved, named)

    def __str__(self) -> str:
        return self.text()

    def __repr__(self) -> str:
        return f"<Derivative d/d{self.wrt} ({self.layout} layout): {self}>"

    def latex(self, where: bool = True) -> str:
        return self._shown(LATEX, where)

    def _repr_latex_(self) -> str:
        return f"${self.latex()}$"

    @property
    def variables(self) -> dict[str, str]:
        """Every variable of the program with its kind and sizes, e.g. {'x': 'vector(n)'}."""
        return self.program.declarations()

    @property
    def declarations(self) -> dict[str, str]:
        """The `vars` under which every printed form of this derivative reads back: the
        variables, each abstract derivative by its full ASCII name with its kind
        ({'df_d(A X + B)': 'matrix(n_X,m_A)'}) and each abstract function as 'function'; so
        `value(d.text(), vars=d.declarations, **arrays)` is `d.evaluate(**arrays)`."""
        return {**self.variables, **symbol_declarations(self.expr)}

    def check(self, points: int = 3, seed: int = 0) -> CheckResult:
        """Compare the closed form with central finite differences at random points; the result
        prints as one line and has `.max_error` and `.ok`."""
        structure = STRUCTURES.get(self.variable.attr("structure"))
        return check(self.function, self.expr, self.variable, self.program.variables,
                     self.layout, points, seed,
                     tangent_rows=self.order == 2 and structure is not None and structure.curved)

    def steps(self) -> Steps:
        """The derivation: statements, differentials with the rules used, the chain rule, the
        read-off and the simplifier's rewrites (print it, or `.latex()` in a notebook)."""
        return steps(self)

    def to_source(self, backend: str = "numpy") -> str:
        """Python source of a function computing this derivative with `backend` ('numpy',
        'jax' or 'torch'): its parameters are the variables of the function differentiated
        (and `wrt`), then the abstract symbols, under the names `evaluate` takes made Python
        identifiers (`lambda_`, `df_d_A_X_B`); called by keyword, it takes every name
        `evaluate` takes as well (θ=..., **{"df_d(A X + B)": ...}, a declared variable the
        function does not use, which it ignores), and its docstring lists them. It accepts
        what `evaluate` accepts for each argument (a 1 × 1 matrix as a float or a (1, 1)
        array), its docstring states the closed form, and its result is shaped like
        `evaluate`'s (scalars 0-d, a float from numpy; vectors 1-D)."""
        title = "The Hessian" if self.order == 2 else f"d/d{self.wrt}"
        program = "; ".join(line.strip() for line in self.source.splitlines() if line.strip())
        forms = [self.text(), *([self.holds_when()] if self.conditions else [])]
        output = Output((self.expr,), symbols=tuple(self.symbols()), checked=self.checked,
                        takes=(self.program.expr, self.variable))
        arguments = parameter_variables(self.program.variables, output)
        doc = docstring(f"{title} of {program} by {self.wrt}, {self.layout} layout:", forms,
                        {n: k for n, k in self.variables.items() if n in arguments}, self.expr,
                        backend)
        return generate(self.program.variables, output, backend, self._function_name(), doc)

    def holds_when(self, ascii: bool = False) -> str:
        """The conditions as one line, as the command line prints it after the result and the
        generated code's docstring states it: 'holds when X has no eigenvalue …' ('' when
        there are none); with `ascii`, its expressions in the ASCII notation, as
        `text(ascii=True)` prints the result."""
        said = self.ascii_conditions if ascii else self.conditions
        return f"holds when {'; and '.join(said)}" if said else ""

    def to_function(self, backend: str = "numpy"):
        """The function of `to_source(backend)`, compiled (works under jax.jit, jax.vmap,
        jax.grad and torch.compile for those backends)."""
        return compile_function(self.to_source(backend), self._function_name(), backend)

    def _function_name(self) -> str:
        ident = re.sub(r"\W", "_", spelled(self.wrt))
        return f"d2_d{ident}2" if self.order == 2 else f"d_d{ident}"

    def to_sympy(self):
        """The closed form as a SymPy matrix expression (MatrixSymbols of the variables with
        their sizes, abstract symbols by their ASCII names); see matcalc/interop/to_sympy.py."""
        from .interop import to_sympy  # (SymPy is imported only when used)
        return to_sympy(self.expr)

    def symbols(self) -> list[Symbol]:
        """The abstract symbols the closed form shows, whose values evaluate takes: each the
        pair (printed, ASCII) of its full names, with `.shown` (the pair the where form shows,
        ∂f/∂(s ⊙ y) and df_d(s .* y)) and `.names`, every name its value is accepted under
        (those four, and f for f(Y) when f has one argument)."""
        return symbols_of((self.expr,), self.where_form.shown)

    def evaluate(self, **arrays: Any) -> np.ndarray | float:
        """The value of the closed form, in this derivative's layout.

        Pass every variable of the expression (vectors as 1-D or (n, 1) arrays) and the values
        of abstract symbols under any name a printed form shows (`df_dY=...`, or
        `**{"df_d(s .* y)": ...}` for ∂f/∂(s ⊙ y)  where s = σ(W x); `d.symbols()` lists
        them), or under the parameter names of `to_source` (`lambda_=...`,
        `df_d_A_X_B=...`), each once. Scalar results come back as floats, results that are
        vectors or row vectors as 1-D arrays.
        """
        arrays = filed(arrays, self.program.variables, {s.ascii: s for s in self.symbols()},
                       identifiers(self.program.variables, (self.expr,)))
        values, sizes = bind(self.program.variables, arrays, self.program.kinds)
        env = Env(values, sizes, arrays, self.layout)
        check_parameters(self.checked, env)
        *_, value = evaluate_all((*self._domain_nodes, self.expr), env)
        return returned(value, self.expr)

    @functools.cached_property
    def _domain_nodes(self) -> tuple[Expr, ...]:
        """The function's nodes whose operator has a condition (domain.CONDITIONS: logm, chol,
        solve, …) and that the closed form does not compute: `evaluate` computes them first, so
        that it refuses a point outside the function's domain where the closed form would be
        defined (tr(logm(X)) gives X⁻ᵀ, defined where logm(X) is not)."""
        shown = set(postorder(self.expr))
        return tuple(node for node in postorder(self.function)
                     if node.op in CONDITIONS and node not in shown
                     and not any(n.op in ("apply", "absgrad") for n in postorder(node)))



def docstring(head: str, forms: list[str], variables: dict[str, str], result: Expr | None,
               backend: str) -> str:
    declared = ", ".join(f"{name}: {kind}" for name, kind in variables.items())
    size = lambda dim: str(dim).replace(GENERATED, "")  # noqa: E731
    if result is None:
        returns = "(value, gradients), each gradient shaped like its variable"
    elif result.is_scalar:
        returns = "a float" if backend == "numpy" else "a 0-d array"
    elif result.shape.is_matrix:
        returns = f"an array of shape ({size(result.shape.rows)}, {size(result.shape.cols)})"
    else:
        length = result.shape.rows if result.shape.cols.is_one else result.shape.cols
        returns = f"a 1-D array of length {size(length)}"
    body = "\n".join(f"    {form}" for form in forms)
    return (f"{head}\n\n{body}\n\nArguments: {declared or 'none'} (vectors as 1-D arrays).\n"
            f"Returns {returns}. Generated by matcalc for {backend}.\n")



def returned(out: np.ndarray, expr: Expr) -> np.ndarray | float:
    """Scalars as floats, column and row vectors as 1-D arrays, matrices as 2-D arrays."""
    if expr.shape.is_scalar:
        return float(out[0, 0])
    if expr.shape.cols.is_one or expr.shape.rows.is_one:
        return out.reshape(-1)
    return out
