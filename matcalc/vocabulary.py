"""The language's vocabulary as documentation: tables built from the declarations.

Each family of declared functions has a table in docs/language.md, between its marker line and
END: the elementwise functions (core/elementwise.py), the softmax family
(core/vector_functions.py), the scalar functions of a matrix (core/matrix_scalars.py), the
linear operators and matrix powers (core/linear_ops.py, core/matrix_powers.py), max and min
(core/elementwise.py's two-operand ones, core/extremes.py), the matrix functions
(core/matrix_functions.py), the spectral functions (core/spectral.py), the factorisations
and solves (core/factorisations.py) and the names the language refuses
(lower/unimplemented.py). `python -m matcalc.vocabulary
docs/language.md` rewrites them there, and tests/test_elementwise_functions.py fails when the
file differs from the declarations. A function is documented by declaring it; a family is
documented by one line of `TABLES`.
"""
from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from .core.elementwise import BINARY, FUNCTIONS
from .core.extremes import EXTREMES
from .core.factorisations import FACTORISATIONS
from .core.linear_ops import LINEAR_OPS
from .core.matrix_functions import (
    DIVIDED_EXAMPLE,
    DIVIDED_MEANING,
    FRECHET_EXAMPLE,
    FRECHET_MEANING,
    JACOBIAN_EXAMPLE,
    JACOBIAN_MEANING,
    MATRIX_FUNCTIONS,
)
from .core.matrix_powers import MATRIX_POWERS
from .core.matrix_scalars import MATRIX_SCALARS
from .core.spectral import SPECTRAL
from .core.vector_functions import VECTOR_FUNCTIONS
from .lower.unimplemented import UNIMPLEMENTED

END = "<!-- end of the generated table -->"
_HEAD = ("| function | example | by | derivative (numerator layout) |", "| --- | --- | --- | --- |")


def begin(family: str, sources: str) -> str:
    """The marker line a family's generated table follows."""
    return (f"<!-- {family}: generated from {sources} by "
            f"`python -m matcalc.vocabulary docs/language.md` -->")


def _cell(meaning: str) -> str:
    return meaning.replace("|", "\\|")  # (a bar would end the cell)


def _code(names) -> str:
    return ", ".join(f"`{name}`" for name in names)


def row(names: str, meaning: str, example: tuple[str, str, str], written: str = "") -> str:
    """One row: the names (Markdown) with the meaning (and how else the language writes it),
    the example, its variable and the derivative matcalc prints in numerator layout."""
    expr, wrt, shown = example
    named = f"{names} ({_cell(meaning)})" if names else _cell(meaning)
    also = f", written {_cell(written)}" if written else ""
    return f"| {named}{also} | `{expr}` | `{wrt}` | `{shown}` |"


def _table(rows) -> str:
    return "\n".join((*_HEAD, *rows))


def elementwise_table() -> str:
    """The elementwise functions: name and other spellings, meaning, example, as declared."""
    return _table(row(_code((f.name, *f.spellings)), f.meaning, f.example)
                  for f in FUNCTIONS.values())


def vector_function_table() -> str:
    """The softmax family, as declared: spelling (and printed form where it differs), meaning,
    example."""
    def meaning(f) -> str:
        printed = "(".join(f.printed) + "(u" + ")" * len(f.printed)
        return f.meaning + (f", printed `{printed}`" if f.printed != (f.spelling,) else "")
    return _table(row(f"`{f.spelling}`", meaning(f), f.example) for f in VECTOR_FUNCTIONS.values())


def matrix_scalar_table() -> str:
    """The scalar functions of a matrix (det, logdet, the norms), as declared."""
    return _table(row(f"`{s.spelling}`", s.meaning, s.example) for s in MATRIX_SCALARS.values())


def linear_row(op) -> str:
    """A linear operator's row (`kron`, `⊗`) or a matrix power's (`inv`, and how the language
    writes it besides a call: A^-1, A⁻¹)."""
    infix = [op.notation.symbols["unicode"].strip()] if getattr(op, "infix", False) else []
    return row(_code((*op.spellings, *infix)), op.meaning, op.example, getattr(op, "syntax", ""))


def linear_table() -> str:
    """The linear operators, then X⁻¹ and Xᵏ, as declared."""
    return _table(linear_row(op) for op in (*LINEAR_OPS.values(), *MATRIX_POWERS.values()))


def extremes_table() -> str:
    """max and min: of two operands entry by entry, of one operand its largest (smallest)
    entry, and that entry's weights ismax (ismin), as declared."""
    return _table((
        *(row(f"`{f.spelling}(u, v)`", f.meaning, f.example) for f in BINARY.values()),
        *(row(f"`{e.spelling}(x)`", f"{e.meaning}; of a matrix, of all its entries", e.example)
          for e in EXTREMES.values()),
        *(row(f"`{e.indicator}(x)`", e.indicator_meaning, e.indicator_example)
          for e in EXTREMES.values())))


def matrix_function_table() -> str:
    """The matrix functions (each defined where its condition holds), their Fréchet derivatives
    L_f(X, E), those derivatives' matrices J_f(X) and the divided differences divdiff_f(λ) of
    their Daleckii–Krein form, as declared."""
    def where(f) -> str:
        return f"; defined where {f.condition}" if f.condition else ""
    declared = MATRIX_FUNCTIONS.values()
    conditional = [f for f in declared if f.condition]
    cut = (f"; {', '.join(f.jacobian_name for f in conditional)} defined where "
           f"{conditional[0].condition}") if conditional else ""
    return _table((
        *(row(f"`{f.name}`", f"{f.meaning}{where(f)}", f.example) for f in declared),
        row(_code(f"{f.frechet_name}(X, E)" for f in declared),
            FRECHET_MEANING, FRECHET_EXAMPLE),
        row(_code(f"{f.jacobian_name}(X)" for f in declared),
            f"{JACOBIAN_MEANING}{cut}", JACOBIAN_EXAMPLE),
        row(_code(f"{f.divided_name}(λ)" for f in declared), DIVIDED_MEANING, DIVIDED_EXAMPLE)))


def spectral_table() -> str:
    """The eigenvalues and singular values and their factors, as declared (a factor has no
    derivative: its example differentiates around it)."""
    def meaning(f) -> str:
        return f.meaning + ("; no derivative through it" if f.vectors else "")
    return _table(row(f"`{f.name}`", meaning(f), f.example) for f in SPECTRAL.values())


def factorisation_table() -> str:
    """chol, solve, pinv (written X⁺) and Φ = tril_half, as declared."""
    return _table(row(f"`{f.name}`", f.meaning, f.example, f.written)
                  for f in FACTORISATIONS.values())


def refused_table() -> str:
    """Every name the language refuses (lower/unimplemented.py): a typical call, what the name
    means elsewhere, and what to write instead ("none" where the language cannot say it; the
    condition where the workaround holds only on part of the domain)."""
    def instead(u) -> str:
        written = " or ".join(f"`{text}`" for text in u.instead) or "none"
        return f"{written} ({u.condition})" if u.condition else written
    return "\n".join(("| name | what it is | write instead |", "| --- | --- | --- |",
                      *(f"| `{u.usage}` | {_cell(u.what)} | {instead(u)} |"
                        for u in UNIMPLEMENTED.values())))


TABLES: tuple[tuple[str, Callable[[], str]], ...] = (
    (begin("the elementwise functions", "matcalc/core/elementwise.py"), elementwise_table),
    (begin("the softmax family", "matcalc/core/vector_functions.py"), vector_function_table),
    (begin("the scalar functions of a matrix", "matcalc/core/matrix_scalars.py"),
     matrix_scalar_table),
    (begin("the linear operators and matrix powers",
           "matcalc/core/linear_ops.py and matcalc/core/matrix_powers.py"), linear_table),
    (begin("max and min", "matcalc/core/elementwise.py and matcalc/core/extremes.py"),
     extremes_table),
    (begin("the matrix functions", "matcalc/core/matrix_functions.py"), matrix_function_table),
    (begin("the spectral functions", "matcalc/core/spectral.py"), spectral_table),
    (begin("the factorisations and solves", "matcalc/core/factorisations.py"),
     factorisation_table),
    (begin("the refused names", "matcalc/lower/unimplemented.py"), refused_table),
)


def generated(text: str, marker: str) -> str | None:
    """The table `text` has after `marker`, up to END (None: `text` lacks the marker)."""
    if marker not in text:
        return None
    return text.split(marker + "\n", 1)[1].split("\n" + END, 1)[0]


def with_table(text: str) -> str:
    """`text` with the part after each generated table's marker line, up to END, replaced by
    the current table (a table whose marker `text` lacks is left out)."""
    for marker, table in TABLES:
        if marker not in text:
            continue
        head, rest = text.split(marker + "\n", 1)
        _, tail = rest.split(END, 1)
        text = f"{head}{marker}\n{table()}\n{END}{tail}"
    return text


def main(argv: list[str]) -> int:
    """Rewrite the generated tables in each file named in `argv`."""
    for name in argv:
        path = Path(name)
        path.write_text(with_table(path.read_text(encoding="utf-8")), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
