"""The simplifier: named, value-preserving rewrite rules (rules.py) run to a fixpoint
(engine.py)."""
from .engine import simplify

__all__ = ["simplify"]
