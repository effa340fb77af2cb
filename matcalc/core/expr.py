"""Core expression nodes: immutable, shape-carrying and interned.

`mk(op, *args, **attrs)` is the only way to build an `Expr`: it asks the operator's shape rule
(core.ops) for the node's shape (which raises `ShapeError` naming the operator) and returns the
one node with that op, those args and attrs, so equal expressions are the same object and memo
tables keyed by node are cheap. Smart constructors with local canonicalisation live in
core.build; nothing here rewrites.
"""
from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Hashable, Iterator
from typing import Any

from ..shapes import Shape

_INTERN: weakref.WeakValueDictionary = weakref.WeakValueDictionary()
_INTERNING = threading.Lock()

TANGENT_MARK = "∂"  # free-name prefix of tangent leaves, never a variable's name

# Filled by core.ops at import: op name -> spec with .shape(args, attrs) and .rank.
SPECS: dict[str, Any] = {}


class Expr:
    """A node: `op` names the operator, `args` are child nodes, `attrs` are hashable data."""

    __slots__ = ("op", "args", "attrs", "shape", "free", "weight", "key", "__weakref__")

    op: str
    args: tuple[Expr, ...]
    attrs: tuple[tuple[str, Hashable], ...]
    shape: Shape
    free: frozenset[str]  # variables (and ∂-prefixed tangents) the node depends on
    weight: int  # node count, transposes and expansions free: a size for ordering
    key: str  # deterministic structural key used to order commutative operands

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("Expr nodes are immutable")

    def attr(self, name: str, default: Any = None) -> Any:
        for key, value in self.attrs:
            if key == name:
                return value
        return default

    @property
    def arg(self) -> Expr:
        """The only argument of a unary node."""
        return self.args[0]

    @property
    def is_scalar(self) -> bool:
        return self.shape.is_scalar

    @property
    def is_vector(self) -> bool:
        return self.shape.is_vector

    def depends_on(self, name: str) -> bool:
        return name in self.free

    def __repr__(self) -> str:
        return f"Expr({self.key})"

    def __reduce__(self):  # interned nodes are rebuilt through mk, never copied
        return (_rebuild, (self.op, self.args, self.attrs))


def _rebuild(op: str, args: tuple[Expr, ...], attrs: tuple) -> Expr:
    return mk(op, *args, **dict(attrs))


def _key(op: str, args: tuple[Expr, ...], attrs: tuple) -> str:
    if op == "var":
        return dict(attrs)["name"]
    if op == "transpose":
        return args[0].key + "'"
    if op == "expand":  # a broadcast scalar sorts where the scalar would
        return args[0].key
    inner = ",".join([str(v) for _, v in attrs] + [a.key for a in args])
    return f"{op}({inner})"


def mk(op: str, *args: Expr, **attrs: Hashable) -> Expr:
    """Build (or find) the node `op(*args)` with `attrs`; the shape rule validates the operands."""
    frozen = tuple(sorted(attrs.items()))
    ident = (op, args, frozen)
    node = _INTERN.get(ident)
    if node is not None:
        return node
    shape = SPECS[op].shape(args, attrs)
    with _INTERNING:  # two threads building the same node must get one node
        node = _INTERN.get(ident)
        if node is None:
            node = _new(op, args, frozen, attrs, shape)
            _INTERN[ident] = node
    return node


def _new(op: str, args: tuple[Expr, ...], frozen: tuple, attrs: dict, shape: Shape) -> Expr:
    node = object.__new__(Expr)
    put = object.__setattr__
    put(node, "op", op)
    put(node, "args", args)
    put(node, "attrs", frozen)
    put(node, "shape", shape)
    free = frozenset().union(*(a.free for a in args)) if args else frozenset()
    if op == "var":
        free = free | {attrs["name"]}
    elif op == "tangent":
        free = free | {TANGENT_MARK + attrs["name"]}
    put(node, "free", free)
    put(node, "weight", sum(a.weight for a in args) + (op not in ("transpose", "expand")))
    put(node, "key", _key(op, args, frozen))
    return node


def postorder(root: Expr) -> Iterator[Expr]:
    """Every distinct node below and including `root`, children before parents."""
    seen: set[int] = set()
    stack: list[tuple[Expr, bool]] = [(root, False)]
    while stack:
        node, expanded = stack.pop()
        if id(node) in seen:
            continue
        if expanded:
            seen.add(id(node))
            yield node
            continue
        stack.append((node, True))
        stack.extend((a, False) for a in reversed(node.args) if id(a) not in seen)


def rebuild_bottom_up(root: Expr, visit: Callable[[Expr, tuple[Expr, ...]], Expr]) -> Expr:
    """Map every node bottom-up: `visit(node, new_args)` returns its replacement (memoised)."""
    done: dict[Expr, Expr] = {}
    for node in postorder(root):
        done[node] = visit(node, tuple(done[a] for a in node.args))
    return done[root]
