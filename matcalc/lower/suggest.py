"""Unknown function names: refused with what they mean, or suggested as a built-in.

A call of an undeclared name that is not a built-in function is, in this order:
- a built-in or well-known name with other capitals (`Log`, `SUM`, `Chol`): a `ParseError`
  with "did you mean" (a Capitalized name is a matrix, so `Log(x)` would be Log times x; a
  value elsewhere in the program, it is that product);
- a well-known function matcalc does not implement (unimplemented.py): an `UnsupportedError`
  saying what it is and what to write instead;
- an elementwise name with MATLAB's `m` of matrix functions (`sinm`): an `UnsupportedError`;
- one edit away from a built-in of the same arity (`sigmod`, `sofmax`, `trace2`) or from a
  well-known name (`eigval`): a typo, a `ParseError` with "did you mean"; when names of two
  meaning classes are as close (`sqrtt`: sqrt or sqrtm?), both with their meanings. A
  well-known name itself is never suggested another function (`expm` is not `exp`, `sqrtm`
  not `sqrt`, `min` not `sin`, `norm` not `norm1`);
- called with other than one argument: an unknown function (an abstract one takes one);
- otherwise an abstract scalar function (None here).
Declaring the name `function` makes any of them an abstract function of one argument: the
messages say so only for calls of one argument, and for a name whose function is no scalar
(`chol`, `expm`) that the declared function is a scalar stand-in.
"""
from __future__ import annotations

from ..errors import MatcalcError, ParseError, Span, UnsupportedError
from ..names import greek_stem
from .functions import ARITY, FUNCTIONS, MEANING, MEANINGS
from .unimplemented import NOT_SCALAR, UNIMPLEMENTED, Unimplemented


def _one_edit(a: str, b: str) -> bool:
    """Whether `a` becomes `b` by one insertion, deletion, substitution or swap of neighbours."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    if len(a) < len(b):
        return a[i:] == b[i + 1:]
    swapped = i + 1 < len(a) and a[i] == b[i + 1] and a[i + 1] == b[i] and a[i + 2:] == b[i + 2:]
    return swapped or a[i + 1:] == b[i + 1:]


def _close(name: str, names, shortest: int = 1) -> list[str]:
    """The ASCII names (of `shortest` letters or more) one edit away from `name`, shortest
    first."""
    if len(name) < 3:  # f, g, h1 ... are abstract functions, not typos of tr
        return []
    return sorted((n for n in names if n.isascii() and len(n) >= shortest
                   and _one_edit(name, n)), key=lambda n: (len(n), n))


def _close_unimplemented(name: str) -> list[str]:
    return _close(name, UNIMPLEMENTED, shortest=3)  # not lu or qr for flu


def _matrix_function_of(name: str) -> str | None:
    """The elementwise function whose matrix function `name` is by MATLAB's `m` (sinm)."""
    stem = name[:-1]
    elementwise = MEANING.get(stem) or (UNIMPLEMENTED[stem].meaning if stem in UNIMPLEMENTED
                                        else None)
    return stem if name.endswith("m") and elementwise == "elementwise functions" else None


def _builtin_near(name: str, arguments: int) -> str | None:
    """The built-in function one edit away from `name` taking `arguments` arguments."""
    return next((f for f in _close(name, FUNCTIONS) if ARITY.get(f, 1) == arguments), None)


def _other_meanings(name: str, builtin: str | None) -> list[str]:
    """The built-in and well-known names one edit away from `name` that mean something else
    than `builtin` (all well-known ones when there is no built-in): sqrtt is sqrt or sqrtm."""
    if builtin is None:
        return _close_unimplemented(name)
    builtins = [n for n in _close(name, FUNCTIONS) if MEANING.get(n) != MEANING[builtin]]
    return builtins + [n for n in _close_unimplemented(name)
                       if UNIMPLEMENTED[n].meaning != MEANING[builtin]]


def near_miss(name: str, arguments: int = 1) -> str | None:
    """The built-in function `name` is a misspelling of: one edit away, taking `arguments`
    arguments, and no well-known name of another meaning as close (`sqrtn`: sqrt or sqrtm?)."""
    builtin = _builtin_near(name, arguments)
    return builtin if builtin is not None and not _other_meanings(name, builtin) else None


def otherwise_spelled(name: str) -> str | None:
    """The built-in or well-known function name that `name` is with other capitals (`Log`:
    log, `SUM`: sum), or None (Greek names are letters: Σ is no σ)."""
    lower = name.lower()
    if lower == name or greek_stem(name) is not None:
        return None
    return lower if lower in FUNCTIONS or lower in UNIMPLEMENTED else None


def declare(name: str, kind: str) -> str:
    return f"vars={{'{name}': '{kind}'}}, or --var {name}:{kind}"


def _abstract_hint(name: str, arguments: int = 1, meaning: str = "",
                   what: str = "") -> str | None:
    """How to make `name` an abstract function: None for a call of several arguments (an
    abstract function takes one); for a function `what` of a class that is no scalar, that
    the declared function is a scalar stand-in."""
    if arguments != 1:
        return None
    how = declare(name, 'function')
    if meaning in NOT_SCALAR:
        return f"an abstract function is scalar-valued: declaring {name} a function ({how}) " \
               f"gives a scalar stand-in, not {what}"
    return f"to use an abstract function of this name, declare it: {how}"


def _hinted(message: str, hint: str | None) -> str:
    return f"{message} ({hint})" if hint else message


def _available(meaning: str) -> str:
    have = [f for f in MEANINGS.get(meaning, ()) if f.isascii()]
    return "matcalc does not implement it yet" + \
        (f"; the {meaning} it has: {', '.join(have)}" if have else "")


def _instead(row: Unimplemented) -> str:
    """What to write instead of the function of `row`."""
    if row.alias is not None:
        return f"matcalc calls it {row.alias}: did you mean '{row.alias}'?"
    if row.instead:
        condition = f" {row.condition}" if row.condition else ""
        return f"write {row.usage} as {' or '.join(row.instead)}{condition}"
    return _available(row.meaning)


def _meaning_of(name: str) -> str:
    """A well-known or built-in name for a "did you mean": itself with its meaning, or the
    built-in it is another spelling of."""
    if name in FUNCTIONS:
        return f"'{name}' (one of the {MEANING[name]})"
    row = UNIMPLEMENTED[name]
    return f"'{row.alias}'" if row.alias else f"'{name}' ({row.what}: {_instead(row)})"


def unsupported(name: str, span: Span | None, hint: str | None = None,
                arguments: int = 1) -> UnsupportedError:
    """The error for a well-known function name matcalc does not implement; `hint` replaces
    the one on abstract functions."""
    row = UNIMPLEMENTED[name]
    hint = hint or _abstract_hint(name, arguments, row.meaning, row.what)
    return UnsupportedError(_hinted(f"unsupported function '{name}' ({row.what}): "
                                    f"{_instead(row)}", hint), span)


def _capitals_hint(name: str, arguments: int) -> str | None:
    if arguments != 1:
        return None
    if name[0].isupper():  # a matrix by the naming defaults
        return f"to multiply the matrix {name} by (…), write {name} * (…) or declare it: " \
               f"{declare(name, 'matrix')}"
    return _abstract_hint(name)


def unknown_call(name: str, arguments: int, span: Span | None) -> MatcalcError | None:
    """The error for an undeclared call `name(…)` of a name that is no built-in function and
    no variable, or None when it is an abstract function."""
    lower = otherwise_spelled(name)
    if lower is not None:
        meant = f"'{lower}'" if lower in FUNCTIONS else _meaning_of(lower)
        return ParseError(_hinted(f"unknown function '{name}': did you mean {meant}?",
                                  _capitals_hint(name, arguments)), span)
    if name in UNIMPLEMENTED:
        return unsupported(name, span, arguments=arguments)
    stem = _matrix_function_of(name)
    if stem is not None:
        what = f"the matrix function of {stem}"
        return UnsupportedError(_hinted(f"unsupported function '{name}' ({what}, as expm and "
                                        f"sqrtm are of exp and sqrt): "
                                        f"{_available('matrix functions')}",
                                        _abstract_hint(name, arguments, "matrix functions",
                                                       what)), span)
    builtin = _builtin_near(name, arguments)
    others = _other_meanings(name, builtin)[:1]
    if builtin is not None or others:  # when several meanings are as close, each is named
        meant = ([f"'{builtin}'" + (f" (one of the {MEANING[builtin]})" if others else "")]
                 if builtin is not None else []) + [_meaning_of(n) for n in others]
        return ParseError(_hinted(f"unknown function '{name}': did you mean "
                                  f"{' or '.join(meant)}?", _abstract_hint(name, arguments)),
                          span)
    if arguments != 1:
        return ParseError(f"unknown function '{name}' (called with {arguments} arguments; an "
                          f"abstract function takes one argument)", span)
    return None
