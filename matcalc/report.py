"""The machine-readable result of a derivation, shared by `matcalc --json` and `matcalc serve`.

`build(...)` returns one JSON-ready dict (described by matcalc/schema/result.json); `error(err)`
is the dict printed or answered instead when the input is bad. Neither has mathematics of its own.
"""
from __future__ import annotations

import json
import math
from importlib import resources
from typing import Any

from . import api
from .differential import differential as _differential
from .equivalent import equivalent
from .errors import MatcalcError
from .shapes import describe, size_text

BACKENDS = ("numpy", "jax", "torch")


def build(expr: str, wrt: str, vars: dict[str, str] | None = None, layout: str = "numerator",
          hessian: bool = False, steps: bool = False, check: bool = False,
          code: str | None = None, differential: bool = False,
          claim: str | None = None) -> dict[str, Any]:
    """The result object of one derivation (raises `MatcalcError` on bad input)."""
    differentiate = api.hessian if hessian else api.derive
    d = differentiate(expr, wrt, vars=vars or None, layout=layout)
    out: dict[str, Any] = {
        "input": expr, "wrt": wrt, "variables": d.variables, "layout": layout,
        "order": d.order, "text": d.text(), "ascii": d.text(ascii=True), "latex": d.latex(),
        "warnings": list(d.warnings), "shape": shape(d), "conditions": list(d.conditions),
    }
    if steps:
        s = d.steps()
        out["steps"] = {"text": s.text(), "latex": s.latex()}
    if differential:
        form = _differential(expr, wrt, vars or None, order=d.order)
        out["differential"] = {"text": form.text(), "ascii": form.text(ascii=True),
                               "latex": form.latex()}
    if code is not None:
        out["code"] = {"backend": code, "source": d.to_source(code)}
    if claim is not None:
        verdict = equivalent(claim, expr, wrt, vars or None, layout)
        out["claim"] = {"answer": claim, "equal": verdict.equal, "line": str(verdict)}
    if check:
        result = d.check()
        error = float(result.max_error)  # JSON has no NaN or infinity: null instead
        out["check"] = {"max_error": error if math.isfinite(error) else None,
                        "ok": bool(result.ok), "points": result.points,
                        "line": str(result)}
    return out


def shape(d: api.Derivative) -> dict[str, str]:
    """The result's size, rows × cols (a vec matrix's side is a product: `m·n`), and the kind
    of the expression differentiated (a scalar's derivative by X is a gradient; a Hessian is
    always of a scalar: `d.function` is then the gradient differentiated once more)."""
    function = "scalar" if d.order == 2 else describe(d.function.shape)
    return {"rows": size_text(d.expr.shape.rows), "cols": size_text(d.expr.shape.cols),
            "function": function}


def variables(expr: str, vars: dict[str, str] | None = None) -> dict[str, Any]:
    """Only the variables of a program with their inferred kinds (for a page typing along)."""
    program = api._lowered(expr, vars or None)
    return {"input": expr, "variables": program.declarations()}


def error(err: BaseException) -> dict[str, Any]:
    """{"error": {...}}: the class name, the message (with the caret excerpt when there is
    one), and the place in the source when the error has a span."""
    if isinstance(err, MatcalcError):
        body: dict[str, Any] = {"kind": type(err).__name__, "message": str(err),
                                "detail": err.message}
        if err.span is not None:
            body["line"], body["column"] = err.span.line, err.span.column
            body["span"] = {"start": err.span.start, "end": err.span.end}
        excerpt = err.excerpt()
        if excerpt:
            body["excerpt"] = excerpt
        return {"error": body}
    message = " ".join(str(err).split())
    return {"error": {"kind": "InternalError", "detail": message,
                      "message": f"internal error (a bug in matcalc): "
                                 f"{type(err).__name__}: {message}"}}


def usage_error(message: str, kind: str = "UsageError") -> dict[str, Any]:
    """An error that is not a `MatcalcError`: a bad command line or a bad request."""
    return {"error": {"kind": kind, "message": message, "detail": message}}


def schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of `build`'s and `error`'s objects."""
    text = resources.files("matcalc").joinpath("schema/result.json").read_text("utf-8")
    return json.loads(text)


def dumps(obj: dict[str, Any]) -> str:
    """JSON text as printed by the CLI (UTF-8 characters kept, keys in build order)."""
    return json.dumps(obj, ensure_ascii=False, indent=2)
