"""The simplifier: named, value-preserving rewrite rules (rules.py) run to a fixpoint
(engine.py)."""
from .engine import shown_form, simplify

__all__ = ["shown_form", "simplify"]
