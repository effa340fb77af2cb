"""matcalc: derivatives of matrix expressions as textbook closed forms.

>>> from matcalc import derive
>>> print(derive("W x + b", "x"))
W
"""
from .api import Derivative, derive, hessian, value, value_and_grad
from .check import CheckResult
from .differential import Differential, differential
from .equivalent import Verdict, equivalent
from .errors import (
    DeclarationError,
    EvaluationError,
    MatcalcError,
    ParseError,
    ShapeError,
    UnsupportedError,
)
from .syntax import parse

__version__ = "0.1.0"
__all__ = [
    "CheckResult", "DeclarationError", "Derivative", "Differential", "EvaluationError",
    "MatcalcError", "ParseError", "ShapeError", "UnsupportedError", "Verdict", "derive",
    "differential", "equivalent", "hessian", "parse", "value", "value_and_grad",
]
