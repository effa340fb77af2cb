"""The language's vocabulary as documentation: tables built from the declarations.

docs/language.md's table of elementwise functions is this module's `elementwise_table()`, its
table of the softmax family `vector_function_table()` and of the scalar functions of a matrix
`matrix_scalar_table()`, each between two marker lines;
`python -m matcalc.vocabulary docs/language.md` rewrites them there, and
tests/test_elementwise_functions.py fails when the file differs from the declarations
(matcalc/core/elementwise.py, matcalc/core/vector_functions.py, matcalc/core/matrix_scalars.py).
A function is documented by declaring it.
"""
from __future__ import annotations

import sys
from pathlib import Path

from .core.elementwise import FUNCTIONS
from .core.matrix_scalars import MATRIX_SCALARS
from .core.vector_functions import VECTOR_FUNCTIONS

BEGIN = ("<!-- the elementwise functions: generated from matcalc/core/elementwise.py by "
         "`python -m matcalc.vocabulary docs/language.md` -->")
VECTOR_BEGIN = ("<!-- the softmax family: generated from matcalc/core/vector_functions.py by "
                "`python -m matcalc.vocabulary docs/language.md` -->")
MATRIX_SCALAR_BEGIN = ("<!-- the scalar functions of a matrix: generated from "
                       "matcalc/core/matrix_scalars.py by "
                       "`python -m matcalc.vocabulary docs/language.md` -->")
END = "<!-- end of the generated table -->"
_HEAD = ["| function | example | by | derivative (numerator layout) |", "| --- | --- | --- | --- |"]


def _cell(meaning: str) -> str:
    return meaning.replace("|", "\\|")  # (a bar would end the cell)


def elementwise_table() -> str:
    """The Markdown table of the elementwise functions: name, meaning, an example, the variable
    and the derivative matcalc prints (numerator layout), as declared."""
    rows = list(_HEAD)
    for f in FUNCTIONS.values():
        expr, wrt, shown = f.example
        spelled = "".join(f", `{s}`" for s in f.spellings)
        rows.append(f"| `{f.name}`{spelled} ({_cell(f.meaning)}) | `{expr}` | `{wrt}` | "
                    f"`{shown}` |")
    return "\n".join(rows)


def vector_function_table() -> str:
    """The Markdown table of the softmax family, as declared: spelling (and printed form where
    it differs), meaning, an example, the variable and the derivative matcalc prints."""
    rows = list(_HEAD)
    for f in VECTOR_FUNCTIONS.values():
        expr, wrt, shown = f.example
        printed = "(".join(f.printed) + "(u" + ")" * len(f.printed)
        also = f", printed `{printed}`" if f.printed != (f.spelling,) else ""
        rows.append(f"| `{f.spelling}` ({_cell(f.meaning)}{also}) | `{expr}` | `{wrt}` | "
                    f"`{shown}` |")
    return "\n".join(rows)


def matrix_scalar_table() -> str:
    """The Markdown table of the scalar functions of a matrix (det, logdet, the norms), as
    declared: spelling, meaning, an example, the variable and the derivative matcalc prints."""
    rows = list(_HEAD)
    for s in MATRIX_SCALARS.values():
        expr, wrt, shown = s.example
        rows.append(f"| `{s.spelling}` ({_cell(s.meaning)}) | `{expr}` | `{wrt}` | `{shown}` |")
    return "\n".join(rows)


_TABLES = ((BEGIN, elementwise_table), (VECTOR_BEGIN, vector_function_table),
           (MATRIX_SCALAR_BEGIN, matrix_scalar_table))


def with_table(text: str) -> str:
    """`text` with the part after each generated table's BEGIN line, up to END, replaced by the
    current table (a table whose BEGIN line `text` lacks is left out)."""
    for begin, table in _TABLES:
        if begin not in text:
            continue
        head, rest = text.split(begin + "\n", 1)
        _, tail = rest.split(END, 1)
        text = f"{head}{begin}\n{table()}\n{END}{tail}"
    return text


def main(argv: list[str]) -> int:
    """Rewrite the generated tables in each file named in `argv`."""
    for name in argv:
        path = Path(name)
        path.write_text(with_table(path.read_text(encoding="utf-8")), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
