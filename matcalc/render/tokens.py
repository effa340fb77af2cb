"""Counting the length of printed forms in tokens: names, numbers and symbols, with ᵀ and ⁻¹
tokens of their own (the measure the simplifier's guard and the benchmarks use)."""
from __future__ import annotations

import re

_TOKEN = re.compile(r"∂\w+/∂\w+|\.\^|[^\W\d]\w*|\d+|\S")


_SIZED = re.compile(r"(?:I|K|𝟏|0|ones|vec⁻¹|unvec)_(?:\{[^{}]*\}|[A-Za-z0-9_]+)")


def text_tokens(text: str) -> list[str]:
    """Tokens of a printed form; a constant with its sizes (I_n, 0_{m×n}) is one token."""
    text = _SIZED.sub("c", text)
    return _TOKEN.findall(text.replace("ᵀ", " ᵀ ").replace("⁻¹", " ⁻¹ "))
