"""Names: the Greek letters matcalc knows (spelled or as Unicode), how names display, and the
Python identifier a name becomes as a parameter of generated code.

Lowercase Greek names are scalars by default and capital ones (Sigma, Σ) matrices (language.md);
in Unicode text `theta` shows as θ, in LaTeX as \\theta, in ASCII as typed.
"""
from __future__ import annotations

import keyword
import re

GREEK = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "zeta": "ζ",
    "eta": "η", "theta": "θ", "iota": "ι", "kappa": "κ", "lambda": "λ", "mu": "μ", "nu": "ν",
    "xi": "ξ", "pi": "π", "rho": "ρ", "sigma": "σ", "tau": "τ", "upsilon": "υ", "phi": "φ",
    "chi": "χ", "psi": "ψ", "omega": "ω", "Gamma": "Γ", "Delta": "Δ", "Theta": "Θ",
    "Lambda": "Λ", "Xi": "Ξ", "Pi": "Π", "Sigma": "Σ", "Upsilon": "Υ", "Phi": "Φ", "Psi": "Ψ",
    "Omega": "Ω",
}
GREEK_SPELLING = {letter: name for name, letter in GREEK.items()}

_SPLIT = re.compile(r"^([^\W\d_]+?)_?(\d+|(?<=_)\w+)?$")


def is_greek(name: str) -> bool:
    return name in GREEK or name in GREEK_SPELLING


def greek_stem(name: str) -> str | None:
    """The Greek letter a name is (spelled or Unicode, with an optional subscript: theta,
    θ1, Sigma_0), or None."""
    base = split_subscript(name)[0]
    return base if is_greek(base) else name if is_greek(name) else None


def spelled(name: str) -> str:
    """The ASCII spelling of a name (θ → theta); other names unchanged."""
    return GREEK_SPELLING.get(name, name)


def canonical(name: str) -> str:
    """The name as matcalc keeps it: a Greek letter stem spelled (θ → theta, θ1 → theta1),
    so that θ and theta are one variable and printed Unicode reads back."""
    base, _ = split_subscript(name)
    return GREEK_SPELLING[base] + name[len(base):] if base in GREEK_SPELLING else name


def unicode_name(name: str) -> str:
    """The name as typed, with a spelled Greek stem shown as its letter (theta1 → θ1)."""
    base, _ = split_subscript(name)
    return GREEK[base] + name[len(base):] if base in GREEK else name


def split_subscript(name: str) -> tuple[str, str]:
    """'W1' -> ('W', '1'), 'x_2' -> ('x', '2'), 'theta' -> ('theta', '')."""
    match = _SPLIT.match(name)
    if match is None:
        return name, ""
    return match.group(1), match.group(2) or ""


def latex_name(name: str, bold: bool) -> str:
    base, sub = split_subscript(spelled(name))
    if base in GREEK:
        core = f"\\{base}"
        core = f"\\boldsymbol{{{core}}}" if bold else core
    else:
        core = f"\\mathbf{{{base}}}" if bold else (base if len(base) == 1 else
                                                    f"\\mathit{{{base}}}")
    return core + (f"_{{{sub}}}" if sub else "")


def safe_identifier(name: str, taken: set[str]) -> str:
    """A Python identifier for `name`: itself when it is one (not a keyword or dunder), else a
    sanitised spelling; never one of `taken`."""
    ident = name if name.isidentifier() else re.sub(r"\W+", "_", name).strip("_") or "v"
    if not ident.isidentifier():
        ident = "v_" + ident
    if keyword.iskeyword(ident) or keyword.issoftkeyword(ident) or ident.startswith("_"):
        ident = ident.strip("_") + "_"
        if not ident.isidentifier() or keyword.iskeyword(ident):
            ident = "v_" + ident
    while ident in taken:
        ident += "_"
    return ident
