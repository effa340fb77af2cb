"""How long matcalc's printed derivatives are, against the textbook forms and against SymPy.

For every case of the identity table (`CASES` of tests/test_identities.py) and every seed example
(tests/data/seed_examples.json): `derive` in numerator layout, count the tokens (`tokens` of
tests/numeric.py) of `str(d)` and of the source's closed form; ratio = ours / textbook. The
goal: <= 1.1 on at least 90 % of the cases, never above 2. Printed per family (seeds: per kind):
cases, share <= 1.1, median and worst ratio, count above 2; then every case above 1.1 with both
forms (the simplifier's to-do list).

Peer in the same run: SymPy. A case is translated mechanically by `sympy_build` of
benchmarks/common.py (shared with derive_speed.py: MatrixSymbols of the declared symbolic sizes,
Trace, Inverse, Determinant, KroneckerProduct, `norm2(u)^2` as `u.T*u`, scalar functions of
scalars or 1 x 1 expressions only). A case SymPy cannot build (elementwise operators, softmax,
sum, scalar + matrix, ...) is not translated ("-"). SymPy's
answer is `f.diff(wrt)`, or SymPy's transpose of it when that is shorter (its gradients are in
denominator layout; it is not charged for the layout). It is a failure when SymPy raises, leaves
a Derivative unevaluated or returns 0 for a nonzero textbook form (SymPy 1.14 does for log(det(X)),
exp(tr(...)), ...); nonzero answers are counted, not checked. Notation-only rewrites before
counting: `.T` -> ᵀ, `**(-1)` -> ⁻¹, `ᵀ⁻¹` -> ⁻ᵀ, `**` -> ^, `*` -> space.

Run from the project root: `python benchmarks/closed_forms.py [--markdown]`.
"""
from __future__ import annotations

import argparse
import statistics
import warnings

import sympy as sp
from common import identity_cases, seed_cases, sympy_build, sympy_outcome, sympy_program, table
from numeric import tokens
from sympy.matrices.expressions import MatrixExpr

from matcalc import derive

GOAL = 1.1


def sympy_form(expr: str, wrt: str, vars: dict, textbook: str) -> tuple[str, str | None]:
    """("-", None) if SymPy cannot build the case; (failure, None); or ("ok", SymPy's text)."""
    try:
        f, x = sympy_build(sympy_program(expr), vars, wrt)
    except Exception:
        return "-", None
    try:
        d = f.diff(x)
    except Exception as e:
        return f"error ({type(e).__name__})", None
    if (status := sympy_outcome(d, textbook)) != "ok":
        return status, None
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
    parts = {"identity table": rows_of(identity_cases()), "seed examples": rows_of(seed_cases())}
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
