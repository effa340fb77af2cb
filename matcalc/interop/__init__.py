"""SymPy interoperation: closed forms as SymPy matrix expressions and SymPy input to `derive`."""
from .to_sympy import to_sympy

__all__ = ["to_sympy"]
