"""SymPy interoperation: closed forms as SymPy matrix expressions and SymPy input to `derive`."""
from .from_sympy import from_sympy
from .to_sympy import to_sympy

__all__ = ["from_sympy", "to_sympy"]
