"""The language's vocabulary as documentation: tables built from the declarations.

docs/language.md's table of elementwise functions is this module's `elementwise_table()`,
between two marker lines; `python -m matcalc.vocabulary docs/language.md` rewrites it there,
and tests/test_elementwise_functions.py fails when the file differs from the declarations
(matcalc/core/elementwise.py). A function is documented by declaring it.
"""
from __future__ import annotations

import sys
from pathlib import Path

from .core.elementwise import FUNCTIONS

BEGIN = ("<!-- the elementwise functions: generated from matcalc/core/elementwise.py by "
         "`python -m matcalc.vocabulary docs/language.md` -->")
END = "<!-- end of the generated table -->"


def elementwise_table() -> str:
    """The Markdown table of the elementwise functions: name, meaning, an example, the variable
    and the derivative matcalc prints (numerator layout), as declared."""
    rows = ["| function | example | by | derivative (numerator layout) |",
            "| --- | --- | --- | --- |"]
    for f in FUNCTIONS.values():
        expr, wrt, shown = f.example
        spelled = "".join(f", `{s}`" for s in f.spellings)
        meaning = f.meaning.replace("|", "\\|")  # (a bar would end the cell)
        rows.append(f"| `{f.name}`{spelled} ({meaning}) | `{expr}` | `{wrt}` | `{shown}` |")
    return "\n".join(rows)


def with_table(text: str) -> str:
    """`text` with the part between BEGIN and END replaced by the current table."""
    head, rest = text.split(BEGIN + "\n", 1)
    _, tail = rest.split(END, 1)
    return f"{head}{BEGIN}\n{elementwise_table()}\n{END}{tail}"


def main(argv: list[str]) -> int:
    """Rewrite the generated table in each file named in `argv`."""
    for name in argv:
        path = Path(name)
        path.write_text(with_table(path.read_text(encoding="utf-8")), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
