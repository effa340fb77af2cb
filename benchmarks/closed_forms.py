"""How long matcalc's printed derivatives are, against the textbook forms and against SymPy.

For every case of the identity table (`CASES` of tests/test_identities.py) and every seed example
(../shared/seed_examples.json): `derive` in numerator layout, count the tokens (`tokens` of
tests/numeric.py) of `str(d)` and of the source's closed form; ratio = ours / textbook. Issue 5's
goal: <= 1.1 on at least 90 % of the cases, never above 2. Printed per family (seeds: per kind):
cases, share <= 1.1, median and worst ratio, count above 2; then every case above 1.1 with both
forms (the simplifier's to-do list).

Peer in the same run: SymPy. A case is translated mechanically (juxtaposition -> `*`, `'` -> `.T`,
`^` -> `**`, bindings -> Python names) over the table of `sympy_namespace`: MatrixSymbols of the
declared symbolic sizes (undeclared names: real scalars), Trace, Inverse, Determinant,
KroneckerProduct, `norm2(u)^2` as `u.T*u` (a trace for a matrix), scalar functions of scalars or
1 x 1 expressions only (SymPy's exp(X) is the matrix exponential). A case SymPy cannot build
(elementwise operators, softmax, sum, scalar + matrix, ...) is not translated ("-"). SymPy's
answer is `f.diff(wrt)`, or SymPy's transpose of it when that is shorter (its gradients are in
denominator layout; it is not charged for the layout). It is a failure when SymPy raises, leaves
a Derivative unevaluated or returns 0 for a nonzero textbook form (SymPy 1.14 does for log(det(X)),
exp(tr(...)), ...); nonzero answers are counted, not checked. Notation-only rewrites before
counting: `.T` -> ᵀ, `**(-1)` -> ⁻¹, `ᵀ⁻¹` -> ⁻ᵀ, `**` -> ^, `*` -> space.

Run from the project root: `python benchmarks/closed_forms.py [--markdown]`.
"""
from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import warnings
from pathlib import Path

import sympy as sp
from sympy.matrices.expressions import MatrixExpr, ZeroMatrix

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seed_examples.json"
sys.path.insert(0, str(ROOT / "tests"))

from numeric import tokens  # noqa: E402
from test_identities import CASES  # noqa: E402

from matcalc import derive  # noqa: E402

GOAL = 1.1


def sympy_namespace() -> dict:
    """The translation table: functions of the input language -> SymPy constructions."""
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
        return sp.Symbol(name, real=True)


def sympy_symbols(vars: dict) -> dict:
    """MatrixSymbols (vectors n x 1) of the declared symbolic sizes; real Symbols for scalars."""
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


def sympy_form(expr: str, wrt: str, vars: dict, textbook: str) -> tuple[str, str | None]:
    """("-", None) if SymPy cannot build the case; (failure, None); or ("ok", SymPy's text)."""
    ns = Names({**sympy_namespace(), **sympy_symbols(vars)})
    try:
        *bindings, last = [s for s in re.split(r"[;\n]", expr) if s.strip()]
        for stmt in bindings:
            name, rhs = stmt.split("=")
            ns[name.strip()] = eval(to_python(rhs), {"__builtins__": {}}, ns)
        f = sp.sympify(eval(to_python(last), {"__builtins__": {}}, ns))
    except Exception:
        return "-", None
    try:
        d = f.diff(ns[wrt])
    except Exception as e:
        return f"error ({type(e).__name__})", None
    if isinstance(d, sp.Derivative) or d.has(sp.Derivative):
        return "unevaluated", None
    if (isinstance(d, ZeroMatrix) or d == 0) and textbook.strip() != "0":
        return "returns 0", None
    forms = [d, d.T] if vars.get(wrt) != "scalar" and isinstance(d, MatrixExpr) else [d]
    texts = [str(f).replace(".T", "ᵀ").replace("**(-1)", "⁻¹").replace("ᵀ⁻¹", "⁻ᵀ")
             .replace("**", "^").replace("*", " ") for f in forms]
    return "ok", min(texts, key=lambda t: len(tokens(t)))


def rows_of(cases) -> list[dict]:
    out = []
    for group, name, expr, wrt, vars, textbook in cases:
        ours, (status, form) = str(derive(expr, wrt, vars=vars)), sympy_form(expr, wrt, vars,
                                                                              textbook)
        out.append({"group": group, "id": name, "ours": ours, "textbook": textbook,
                    "ratio": len(tokens(ours)) / len(tokens(textbook)), "sympy": status,
                    "sympy_form": form,
                    "sympy_ratio": form and len(tokens(form)) / len(tokens(textbook))})
    return out


def table(headers: list[str], rows: list[list], markdown: bool) -> None:
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


def stats(ratios: list[float], n: int | None = None) -> list:
    """[cases, <= GOAL (share), median, worst, > 2]; with `n`, failures count as misses."""
    n = len(ratios) if n is None else n
    if not ratios:
        return [n, "0 (0 %)", "-", "-", 0]
    good = sum(r <= GOAL for r in ratios)
    return [n, f"{good} ({100 * good / n:.0f} %)", f"{statistics.median(ratios):.2f}",
            f"{max(ratios):.2f}", sum(r > 2 for r in ratios)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--markdown", action="store_true", help="print Markdown tables")
    md = parser.parse_args().markdown
    code = (lambda s: f"`{s}`") if md else str
    bold = (lambda s: f"**{s}**") if md else str

    def head(title: str) -> None:
        print(f"{'### ' if md else ''}{title}\n")

    warnings.simplefilter("ignore")  # SymPy's deprecation warnings inside its array code
    seeds = json.loads(SEEDS.read_text(encoding="utf-8"))["examples"]
    parts = {"identity table": rows_of((c.family, c.id, c.expr, c.wrt, c.vars, c.expected)
                                       for c in CASES),
             "seed examples": rows_of((e["kind"], e["id"], e["expr"], e["wrt"], e["vars"],
                                       e["numerator"]) for e in seeds)}
    for title, rows in parts.items():
        head(f"{title.capitalize()}: matcalc's tokens / textbook's ({len(rows)} cases)")
        groups = dict.fromkeys(r["group"] for r in rows)
        body = [[g, *stats([r["ratio"] for r in rows if r["group"] == g])] for g in groups]
        body.append([bold("all"), *stats([r["ratio"] for r in rows])])
        table(["family" if title == "identity table" else "kind", "cases", f"≤ {GOAL}",
               "median", "worst", "> 2"], body, md)
    every = [r for rows in parts.values() for r in rows]
    above = sorted((r for r in every if r["ratio"] > GOAL), key=lambda r: -r["ratio"])
    head(f"Cases above {GOAL} ({len(above)} of {len(every)})")
    table(["case", "ratio", "matcalc", "textbook"],
          [[code(r["id"]), f"{r['ratio']:.2f}", code(r["ours"]), code(r["textbook"])]
           for r in above], md)

    head(f"SymPy {sp.__version__} on the cases it can express (SymPy's tokens / textbook's; "
         f"failures count as misses; matcalc on the same cases)")
    body = []
    for title, rows in parts.items():
        for g in [*dict.fromkeys(r["group"] for r in rows), None]:
            mine = [r for r in rows if g in (None, r["group"]) and r["sympy"] != "-"]
            ok = [r["sympy_ratio"] for r in mine if r["sympy"] == "ok"]
            if mine:
                body.append([g or bold(f"all {title}"), len(mine), len(mine) - len(ok),
                             *stats(ok, len(mine))[1:], *stats([r["ratio"] for r in mine])[1:3]])
    table(["family / kind", "translated", "SymPy fails", f"SymPy ≤ {GOAL}", "SymPy median",
           "SymPy worst", "SymPy > 2", f"matcalc ≤ {GOAL}", "matcalc median"], body, md)
    failed = [r for r in every if r["sympy"] not in ("-", "ok")]
    head(f"SymPy's failures ({len(failed)})")
    table(["case", "SymPy", "textbook"],
          [[code(r["id"]), r["sympy"], code(r["textbook"])] for r in failed], md)
    longest = sorted((r for r in every if r["sympy"] == "ok"), key=lambda r: -r["sympy_ratio"])
    head("SymPy's five longest answers")
    table(["case", "ratio", "SymPy", "textbook"],
          [[code(r["id"]), f"{r['sympy_ratio']:.2f}", code(r["sympy_form"]), code(r["textbook"])]
           for r in longest[:5]], md)


if __name__ == "__main__":
    main()
