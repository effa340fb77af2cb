"""Code generation: derivatives as readable numpy, jax or torch functions.

`generate` writes a module's source (imports, helpers, one function with a docstring giving the
closed form); `compile_function` builds the callable from that text alone. The pipeline is
backends (what each library spells) → emit (one rule per operator) and chains (products) →
source (statements, common subexpressions once, inlining) → module (the function's text).
"""
from ..symbols import parameters
from .backends import BACKENDS
from .module import Output, compile_function, generate, parameter_variables

__all__ = ["BACKENDS", "Output", "compile_function", "generate", "parameter_variables",
           "parameters"]
