"""Counting the length of printed forms in tokens: names, numbers and symbols, with ᵀ and ⁻¹
tokens of their own (the measure the simplifier's guard and the benchmarks use)."""
from __future__ import annotations

import re

_TOKEN = re.compile(r"∂\w+/∂\w+|\.\^|[^\W\d]\w*|\d+|\S")


def text_tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.replace("ᵀ", " ᵀ ").replace("⁻¹", " ⁻¹ "))
