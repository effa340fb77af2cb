"""Core expression nodes: immutable, shape-carrying and interned.

`mk(op, *args, **attrs)` is the only way to build an `Expr`: it asks the operator's shape rule
(core.ops) for the node's shape (which raises `ShapeError` naming the operator) and returns the
one node with that op, those args and attrs, so equal expressions are the same object and memo
tables keyed by node are cheap. Smart constructors with local canonicalisation live in
core.build; nothing here rewrites.
"""
from __future__ import annotations

import hashlib
import re
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

    __slots__ = ("op", "args", "attrs", "shape", "free", "weight", "key", "is_scalar",
                 "__weakref__")

    op: str
    args: tuple[Expr, ...]
    attrs: tuple[tuple[str, Hashable], ...]
    shape: Shape
    free: frozenset[str]  # variables (and ∂-prefixed tangents) the node depends on
    weight: int  # node count, transposes and expansions free: a size for ordering
    key: str  # deterministic structural key used to order commutative operands
    is_scalar: bool  # shape 1 × 1 (asked of nearly every node: stored, not recomputed)

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


KEY_CHARS = 256  # longer structural keys keep this prefix and a digest of the rest
_CUT = "\uffff"  # sorts after every character of a key: a prefix sorts first


def _prefix(key: str) -> str:
    return key.split(_CUT, 1)[0]


def _key(op: str, args: tuple[Expr, ...], attrs: tuple) -> str:
    """The structural key: the expression written out (W x → "mul(W,x)") while that is short;
    past KEY_CHARS its first KEY_CHARS characters, then a digest of the whole, so that a node
    deep in a chain does not carry the text of its (exponentially long) printed tree."""
    if op == "var":
        return dict(attrs)["name"]
    if op == "expand":  # a broadcast scalar sorts where the scalar would
        return args[0].key
    if op == "transpose":
        text = _prefix(args[0].key) + "'"
    else:
        text = f"{op}({','.join([str(v) for _, v in attrs] + [_prefix(a.key) for a in args])})"
    if len(text) <= KEY_CHARS and not any(_CUT in a.key for a in args):
        return text
    whole = "\x00".join([op, repr(attrs), *(a.key for a in args)])
    return text[:KEY_CHARS] + _CUT + hashlib.blake2b(whole.encode(), digest_size=10).hexdigest()


_DIGITS = re.compile(r"[0-9]+")


def natural(key: str) -> str:
    """`key` with each run of digits led by its length (W2 → W0012, W10 → W00210), so that
    structural keys compare in natural order (W2 before W10) and still one-to-one: the order in
    which commutative operands are sorted."""
    return _DIGITS.sub(lambda m: f"{len(m[0]):03d}{m[0]}", key)


def mk(op: str, *args: Expr, **attrs: Hashable) -> Expr:
    """Build (or find) the node `op(*args)` with `attrs`; the shape rule validates the operands."""
    frozen = tuple(sorted(attrs.items())) if len(attrs) > 1 else tuple(attrs.items())
    ident = (op, args, frozen)
    ref = _INTERN.data.get(ident)  # WeakValueDictionary.get without its Python-level wrapper
    node = None if ref is None else ref()
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
    put(node, "free", _free(op, args, attrs))
    put(node, "weight", sum(a.weight for a in args) + (op not in ("transpose", "expand")))
    put(node, "key", _key(op, args, frozen))
    put(node, "is_scalar", shape.is_scalar)
    return node


FREE_NAMES = 64  # a node depending on more names answers `name in node.free` lazily


def _free(op: str, args: tuple[Expr, ...], attrs: dict):
    """The names a node depends on: a frozenset (a child's own when it is the union), or past
    FREE_NAMES names a `LazyFree`, so that a chain over L variables does not hold L² names."""
    if op in ("var", "tangent"):
        return frozenset({attrs["name"] if op == "var" else TANGENT_MARK + attrs["name"]})
    sets = [a.free for a in args]
    if any(isinstance(f, LazyFree) for f in sets):
        return LazyFree(args)
    biggest = max(sets, key=len, default=frozenset())
    if all(f <= biggest for f in sets):
        return biggest
    union = frozenset().union(*sets)
    return union if len(union) <= FREE_NAMES else LazyFree(args)


class LazyFree:
    """The free names of a node with many: `name in free` walks down once per name and
    remembers the answer per node (iteratively, however deep)."""

    __slots__ = ("args", "known")

    def __init__(self, args: tuple[Expr, ...]):
        self.args = args
        self.known: dict[str, bool] = {}

    def __bool__(self) -> bool:
        return True  # (it has more than FREE_NAMES names)

    def __iter__(self) -> Iterator[str]:
        names: set[str] = set()
        for node in postorder_new(_Holder(self), ()):
            if not isinstance(node.free, LazyFree):
                names |= node.free
        return iter(sorted(names))

    def __contains__(self, name: str) -> bool:
        stack, expanded = [(self, False)], set()
        while stack:
            free, ready = stack.pop()
            if name in free.known:
                continue
            if ready:
                free.known[name] = any(name in a.free for a in free.args)
            elif id(free) not in expanded:
                expanded.add(id(free))
                stack.append((free, True))
                stack.extend((a.free, False) for a in free.args
                             if isinstance(a.free, LazyFree) and name not in a.free.known)
        return self.known[name]


class _Holder:
    """A stand-in root for walking the nodes below a LazyFree."""

    def __init__(self, free: LazyFree):
        self.args, self.free = free.args, frozenset()


def postorder(root: Expr) -> Iterator[Expr]:
    """Every distinct node below and including `root`, children before parents."""
    return postorder_new(root, _NOTHING)


_NOTHING: frozenset = frozenset()


def postorder_new(root: Expr, known) -> Iterator[Expr]:
    """Like `postorder`, but skipping the nodes in `known` (a memo: `node in known`) and all
    below them: walking a memoised DAG again costs only its new nodes."""
    seen: set[int] = set()
    stack: list[tuple[Expr, bool]] = [(root, False)]
    while stack:
        node, expanded = stack.pop()
        if id(node) in seen or node in known:
            continue
        if expanded:
            seen.add(id(node))
            yield node
            continue
        stack.append((node, True))
        stack.extend((a, False) for a in reversed(node.args)
                     if id(a) not in seen and a not in known)


def rebuild_bottom_up(root: Expr, visit: Callable[[Expr, tuple[Expr, ...]], Expr]) -> Expr:
    """Map every node bottom-up: `visit(node, new_args)` returns its replacement (memoised)."""
    done: dict[Expr, Expr] = {}
    for node in postorder(root):
        done[node] = visit(node, tuple(done[a] for a in node.args))
    return done[root]
