"""Smart constructors: the only builders the rest of matcalc uses.

Each validates shapes (through `mk`) and applies only local, always-beneficial canonicalisation:
flattening of sums and products, numeric coefficients folded and gathered in front, exact zeros
and identities dropped, like terms and like powers combined, commutative operands sorted.
Non-local rewrites (factoring, diag identities, ...) are the simplifier's (simplify/rules.py).
The constructors live by layer, each importing only the ones below it: leaves and scalar
expansion (core/leaves.py), sums and products (core/algebra.py), the structural operators and
functions (core/structural.py). Callers import them all from here.
"""
from __future__ import annotations

from .algebra import *  # noqa: F401,F403
from .expr import mk  # noqa: F401
from .leaves import *  # noqa: F401,F403
from .solves import *  # noqa: F401,F403
from .structural import *  # noqa: F401,F403
