"""What the benchmarks share: the cases (identity table and seed examples), their mechanical
translation to SymPy, and a table printer.

Cases are tuples `(group, id, expr, wrt, vars, textbook)`: for the identity table
(`CASES` of tests/test_identities.py) the group is the family and the textbook form the
`expected` column; for the seed examples (tests/data/seed_examples.json, as tests/test_seeds.py
reads it) the group is the kind and the textbook form the `numerator` field.

SymPy translation (`sympy_build`): juxtaposition -> `*`, `'` -> `.T`, `^` -> `**`, bindings ->
Python names, evaluated over the table of `sympy_namespace`: MatrixSymbols of the declared
symbolic sizes (undeclared names: real scalars), Trace, Inverse, Determinant, KroneckerProduct,
`norm2(u)^2` as `u.T*u` (a trace for a matrix), scalar functions of scalars or 1 x 1 expressions
only (SymPy's exp(X) is the matrix exponential). A case SymPy cannot build (elementwise operators,
softmax, sum, scalar + matrix, ...) raises. `sympy_outcome` classifies SymPy's derivative.
"""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "tests" / "data" / "seed_examples.json"
for _path in (ROOT / "tests", ROOT):  # this checkout's matcalc, not an installed copy
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))


def identity_cases() -> list[tuple]:
    from test_identities import CASES

    return [(c.family, c.id, c.expr, c.wrt, c.vars, c.expected) for c in CASES]


def seed_cases() -> list[tuple]:
    examples = json.loads(SEEDS.read_text(encoding="utf-8"))["examples"]
    return [(e["kind"], e["id"], e["expr"], e["wrt"], e["vars"], e["numerator"])
            for e in examples]


def sympy_namespace() -> dict:
    """The translation table: functions of the input language -> SymPy constructions."""
    import sympy as sp
    from sympy.matrices.expressions import MatrixExpr

    def scalar_only(f):
        def g(*args):
            if any(isinstance(a, MatrixExpr) and a.shape != (1, 1) for a in args):
                raise TypeError("elementwise function of a vector or matrix")
            return f(*args)
        return g

    def sq(u):  # norm2(u)^2
        return u.T * u if u.shape[1] == 1 else sp.Trace(u.T * u)

    scalar = {"exp": sp.exp, "log": sp.log, "sqrt": sp.sqrt, "sin": sp.sin, "cos": sp.cos,
              "tan": sp.tan, "tanh": sp.tanh, "abs": sp.Abs, "sign": sp.sign, "max": sp.Max,
              "relu": lambda u: sp.Max(0, u), "sigmoid": lambda u: 1 / (1 + sp.exp(-u)),
              "softplus": lambda u: sp.log(1 + sp.exp(u))}
    return {"tr": sp.Trace, "inv": sp.Inverse, "det": sp.Determinant,
            "logdet": lambda u: sp.log(sp.Determinant(u)), "kron": sp.KroneckerProduct,
            "dot": lambda u, v: u.T * v, "sq": sq, "norm2": lambda u: sp.sqrt(sq(u)),
            **{name: scalar_only(f) for name, f in scalar.items()}}


class Names(dict):
    """An eval namespace in which an undeclared name is a real scalar (as matcalc types it)."""

    def __missing__(self, name: str):
        import sympy as sp

        return sp.Symbol(name, real=True)


def sympy_symbols(vars: dict) -> dict:
    """MatrixSymbols (vectors n x 1) of the declared symbolic sizes; real Symbols for scalars."""
    import sympy as sp

    out = {}
    for name, decl in vars.items():
        kind, _, args = decl.partition("(")
        dims = [sp.Symbol(a.strip()) for a in args.rstrip(")").split(",") if a.strip()]
        key = "lam" if name == "lambda" else name
        if kind == "scalar":
            out[key] = sp.Symbol(name, real=True)
        else:  # vector(n), matrix(m,n), spd(n), symmetric(n) (SymPy's diff ignores symmetry)
            out[key] = sp.MatrixSymbol(name, dims[0], 1 if kind == "vector" else dims[-1])
    return out


def to_python(text: str) -> str:
    text = re.sub(r"\blambda\b", "lam", text)
    text = re.sub(r"norm2\(([^()]*)\)\^2", r"sq(\1)", text)
    text = re.sub(r"(?<=[\w)'])\s+(?=[\w(])", "*", text.strip())
    return text.replace("'", ".T").replace("^", "**")


def sympy_program(expr: str) -> list[tuple[str | None, object]]:
    """The case's statements as compiled Python: [(bound name or None for the last, code)]."""
    *bindings, last = [s for s in re.split(r"[;\n]", expr) if s.strip()]
    out: list[tuple[str | None, object]] = []
    for stmt in bindings:
        name, rhs = stmt.split("=")
        out.append((name.strip(), compile(to_python(rhs), "<case>", "eval")))
    return out + [(None, compile(to_python(last), "<case>", "eval"))]


def sympy_build(program: list, vars: dict, wrt: str):
    """(f, the SymPy symbol of wrt): the case built from its compiled program; may raise."""
    import sympy as sp

    ns = Names({**sympy_namespace(), **sympy_symbols(vars)})
    f = None
    for name, code in program:
        value = eval(code, {"__builtins__": {}}, ns)
        if name is None:
            f = sp.sympify(value)
        else:
            ns[name] = value
    return f, ns["lam" if wrt == "lambda" else wrt]


def sympy_outcome(d, textbook: str) -> str:
    """"ok", or why SymPy's derivative `d` is a failure: unevaluated, or 0 for a nonzero form."""
    import sympy as sp
    from sympy.matrices.expressions import ZeroMatrix

    if isinstance(d, sp.Derivative) or d.has(sp.Derivative):
        return "unevaluated"
    if (isinstance(d, ZeroMatrix) or d == 0) and textbook.strip() != "0":
        return "returns 0"
    return "ok"


def table(headers: list[str], rows: list[list], markdown: bool) -> None:
    """Print rows as a Markdown table (numeric-looking columns right-aligned) or plain text."""
    if markdown:
        print("| " + " | ".join(headers) + " |")
        numeric = [all(re.match(r"[\d-]", str(c)) for c in col) for col in zip(*rows)]
        print("|---|" + "".join("---:|" if n else "---|" for n in numeric[1:]))
        for r in rows:
            print("| " + " | ".join(str(c).replace("|", "\\|") for c in r) + " |")
    else:
        widths = [max(len(str(x)) for x in col) for col in zip(headers, *rows)]
        for r in [headers, *rows]:
            print("  ".join(str(c).ljust(w) for c, w in zip(r, widths)).rstrip())
    print()
