"""Size variables and their unification (union-find).

While a program is typed, every size is a `SizeVar`: a number, a size symbol the user named, or a
generated symbol (`~n_x`, the length of an undeclared vector x), or a product of two sizes (the
length of a vec). The unit (`one()`: the one row and column of a scalar, the column of a vector) is
the number 1 in a role of its own: a size is the unit or it is not, whatever it is unified with,
so that a vector(1) is a vector of length 1 and a matrix(1,1) a matrix, never a scalar. Unifying
two sizes keeps the most specific (number > user symbol > generated); two different numbers, two
different user symbols, or a symbol and the unit (a matrix whose columns meet a vector's unit
column is a misreading, not an m × 1 matrix) do not unify; a symbol and a length 1 (vector(1),
I_1) do. Generated symbols keep a leading '~' so printers can tell them apart.
"""
from __future__ import annotations

from ..shapes import GENERATED, Dim


class SizeVar:
    __slots__ = ("parent", "value", "pinned", "weak", "unit", "meets_unit")

    def __init__(self, value: int | str | tuple[SizeVar, SizeVar], pinned: bool = False,
                 weak: bool = False, unit: bool = False):
        self.parent: SizeVar | None = None
        self.value = value
        self.pinned = pinned  # a generated name carried over from another program: keep it
        self.weak = weak  # the generated size of a constant (eye, ones): a variable's wins
        self.unit = unit  # this size is the unit dimension (of a scalar, a vector's columns)
        self.meets_unit = unit  # (of a root) some size unified with it is the unit

    def find(self) -> SizeVar:
        root = self
        while root.parent is not None:
            root = root.parent
        node = self
        while node.parent is not None and node.parent is not root:
            node.parent, node = root, node.parent
        return root

    @property
    def rank(self) -> int:
        """How specific the size is: 2 number, 1 user symbol, 0 generated, -1 a constant's."""
        root = self.find()
        if isinstance(root.value, int):
            return 2
        if isinstance(root.value, tuple) or root.pinned or not root.value.startswith(GENERATED):
            return 1
        return -1 if root.weak else 0

    def resolved(self) -> Dim:
        value = self.find().value
        if isinstance(value, tuple):
            return value[0].resolved() * value[1].resolved()
        return Dim.of(value)

    def label(self) -> str:
        value = self.find().value
        if isinstance(value, tuple):
            return value[0].label() + "·" + value[1].label()
        return str(value).lstrip(GENERATED) if isinstance(value, str) else str(value)


def unify(a: SizeVar, b: SizeVar) -> bool:
    """Make a and b the same size; False (nothing changed) when they cannot be."""
    ra, rb = a.find(), b.find()
    if ra is rb:
        return True
    if any(isinstance(r.value, tuple) for r in (ra, rb)) and \
            all(isinstance(r.value, (tuple, int)) for r in (ra, rb)):
        return _unify_products(ra, rb)
    if ra.rank < rb.rank:
        ra, rb = rb, ra
    if ra.meets_unit and rb.rank < 2:  # a symbol is a length, never the unit
        return False
    if ra.rank == rb.rank and ra.rank > 0 and ra.label() != rb.label():
        return False
    if _occurs(ra, rb) or _occurs(rb, ra):  # n = m·n: not a size (the other factor would be 1)
        return False
    rb.parent = ra
    ra.meets_unit = ra.meets_unit or rb.meets_unit
    return True


def _occurs(size: SizeVar, product: SizeVar) -> bool:
    """Whether the root `size` is one of the factors of `product` (the occurs check)."""
    return isinstance(product.value, tuple) and any(f is size for f in _factors(product))


def _factors(size: SizeVar) -> list[SizeVar]:
    root = size.find()
    if isinstance(root.value, tuple):
        return _factors(root.value[0]) + _factors(root.value[1])
    return [root]


def _split(size: SizeVar) -> tuple[int, list[SizeVar]]:
    """A product as its number (the numeric factors multiplied out) and its other factors."""
    number, symbols = 1, []
    for f in _factors(size):
        if isinstance(f.value, int):
            number *= f.value
        else:
            symbols.append(f)
    return number, symbols


def _unify_products(a: SizeVar, b: SizeVar) -> bool:
    """3·(3·n) = 9·n = n·9, m·n = n·m, m·n = 9: the numbers multiply out and must agree;
    factors with the same name pair up whatever their order, the others (inferred sizes) in
    order; one inferred factor against none is the quotient of the numbers (3·k = 9·1 gives
    k = 3; a factor 1 would be no factor: k·m = m is left unequal). Anything else (1·9, 3·3 or
    9·1?) is left unequal."""
    (left_number, left), (right_number, right) = _split(a), _split(b)
    rest = list(right)
    unnamed = []
    for f in left:
        twin = next((g for g in rest if f.rank > 0 and g.rank > 0 and g.label() == f.label()),
                    None)
        if twin is None:
            unnamed.append(f)
        else:
            rest.remove(twin)
    if len(unnamed) == len(rest) and left_number == right_number:
        return all(unify(f, g) for f, g in zip(unnamed, rest))
    if len(unnamed) + len(rest) != 1:
        return False
    (unknown, known, number) = (unnamed[0], right_number, left_number) if unnamed else \
        (rest[0], left_number, right_number)
    if known % number or known == number or not unify(unknown, SizeVar(known // number)):
        return False
    return True


def declared(size: int | str) -> SizeVar:
    """The size a declaration gives: a number, a symbol, or a product of them written with '·'
    (`m·n`, `3·n`, as shapes print); a generated symbol (`~n_x`, another program's) is kept."""
    if isinstance(size, int):
        return SizeVar(size)
    out = None
    for factor in size.split("·"):
        part = SizeVar(int(factor)) if factor.isdigit() else \
            SizeVar(factor, pinned=factor.startswith(GENERATED))
        out = part if out is None else times(out, part)
    return out


def generated_names(name: str, kind: str) -> tuple[str, ...]:
    """The names of the sizes matcalc infers for a variable (results print them): `n_x`, the
    length of a vector x; `m_X` and `n_X`, the rows and columns of a matrix X; none for a
    scalar. Its generated sizes are these names marked with GENERATED (`~n_x`)."""
    return {"scalar": (), "vector": (f"n_{name}",), "matrix": (f"m_{name}", f"n_{name}")}[kind]


def matrix_sizes(rows: SizeVar, cols: SizeVar) -> tuple[SizeVar, SizeVar]:
    """A matrix's declared sizes: one of them the number 1 and the other not makes it a row
    (1 × n, as a derivative by a vector is declared, `matrix(1,n)`) or a column vector, whose
    1 is the unit; a matrix(1,1) is a 1 × 1 matrix."""
    ones = [isinstance(s.value, int) and s.value == 1 for s in (rows, cols)]
    if ones[0] != ones[1]:
        return (one(), cols) if ones[0] else (rows, one())
    return rows, cols


def one() -> SizeVar:
    """The unit dimension: the one row and column of a scalar, the one column of a vector."""
    return SizeVar(1, unit=True)


def times(a: SizeVar, b: SizeVar) -> SizeVar:
    """The size a·b (of a vec or a Kronecker product): the unit times a size is that size,
    numbers multiply (a length 1 times a length 1 is a length 1), symbols are named."""
    if a.unit or b.unit:
        return b if a.unit else a
    va, vb = a.find().value, b.find().value
    if isinstance(va, int) and isinstance(vb, int):
        return SizeVar(va * vb)
    if va == 1 or vb == 1:
        return b if va == 1 else a
    return SizeVar((a, b))
