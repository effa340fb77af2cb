"""The generated module: imports, helpers, one function with a docstring, and its compilation.

Parameters are the variables of the function differentiated (and the variables differentiated
by), in the program's order, and then the abstract symbols (∂f/∂Y as `df_dY`, f(Y) as `f`),
under the names `evaluate` takes, made safe as Python identifiers (`lambda` → `lambda_`,
`df_d(A X + B)` → `df_d_A_X_B`: symbols.parameter_names, whose names `evaluate` takes too);
a declared variable the function does not use is accepted by keyword and not used, as
`evaluate` accepts it. Every name `evaluate` takes is accepted by keyword too: when one is not
its parameter's name (θ for `theta`, `∂f/∂Y`, `df_d(A X + B)`), the module ends by wrapping the
function in one that renames those keywords. The first statements bring every input to its
array form (scalars 0-d, vectors 1-D) and read the sizes off the inputs' shapes.
`compile_function` executes only this generated text, in a namespace whose builtins are
`float`, `isinstance`, two exceptions and an import limited to the backend's modules. A
computed parameter a function does not take (huber's δ ≤ 0) raises ValueError.
"""
from __future__ import annotations

import ast
import builtins
import inspect
import itertools
import keyword
import linecache
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass

from ..core.expr import Expr, postorder
from ..core.parameters import positive, requirement
from ..errors import DeclarationError
from ..evaluate import symbol_names
from ..names import safe_identifier, unicode_name
from ..symbols import RESERVED, Symbol, parameter_names
from .backends import BACKENDS, Backend
from .emit import Emitter, returned
from .transposes import shared_transposes


@dataclass(frozen=True)
class Output:
    """What the function returns: `nodes` in order, grouped as (value, (grads...)) or one."""

    nodes: tuple[Expr, ...]
    grouping: str = "one"  # "one", "value_and_grad" (one gradient) or "value_and_grads"
    symbols: tuple[Symbol, ...] = ()  # the names of the abstract symbols (Derivative.symbols)
    checked: tuple[Expr, ...] = ()  # functions whose computed parameters the code checks
    # the function differentiated and the variables differentiated by: the variables these
    # use are the parameters (None: every variable of the program)
    takes: tuple[Expr, ...] | None = None


def parameter_variables(variables: dict[str, Expr], output: Output) -> dict[str, Expr]:
    """The variables the generated function takes as parameters, in the program's order: those
    the function differentiated, the variables differentiated by and the outputs use (what
    `evaluate` of the function needs); every variable when `output.takes` is None. The other
    declared variables are accepted by keyword and not used, as `evaluate` accepts them."""
    if output.takes is None:
        return dict(variables)
    roots = (*output.takes, *output.nodes, *output.checked)
    nodes = [n for root in roots for n in postorder(root)]
    chosen = {name for name, node in variables.items() if node in set(nodes)}
    have = set().union(*(_sizes(variables[name]) for name in chosen))
    missing = set().union(*(_sizes(n) for n in nodes)) - have
    for name, node in variables.items():  # (a size only an unused variable gives: x − x)
        if name not in chosen and _sizes(node) & missing:
            chosen.add(name)
            missing -= _sizes(node)
    return {name: node for name, node in variables.items() if name in chosen}


def _sizes(node: Expr) -> set:
    """The size symbols of node's shape."""
    return {s for dim in (node.shape.rows, node.shape.cols) for s in dim.symbols}


def backend_named(name: str) -> Backend:
    if name not in BACKENDS:
        raise DeclarationError(f"unknown backend {name!r}: choose one of "
                               f"{', '.join(map(repr, BACKENDS))}")
    return BACKENDS[name]


def _evaluate_names(node: Expr, symbols: tuple[Symbol, ...]) -> list[str]:
    """The keyword names under which `evaluate` takes the value of an input leaf: a
    variable's name; an abstract symbol's names as `symbols` lists them (printed, ASCII, its
    where form's, f for f(Y) when f has one argument; by default those `symbols_of` finds);
    each also with a Greek stem as its letter (θ for theta, φ for phi: evaluate reads both)."""
    if node.op == "var":
        names = [node.attr("name")]
    else:
        found = [s.names for s in symbols if tuple(s) == symbol_names(node)]
        names = list(found[0] if found else symbol_names(node))
    return list(dict.fromkeys(names + [unicode_name(name) for name in names]))


def _aliases(names: dict[Expr, str], unused: dict[Expr, str],
             symbols: tuple[Symbol, ...]) -> dict[str, str]:
    """Each name `evaluate` takes that is not a parameter's own name -> its parameter (for an
    input the code does not use, `unused` gives the name its value is dropped under). A name
    two inputs could claim is neither's."""
    params = set(names.values())
    claims: dict[str, list[str]] = {}
    for node, param in {**names, **unused}.items():
        for name in _evaluate_names(node, symbols):
            if name not in params or name in unused.values():
                claims.setdefault(name, []).append(param)
    return {name: ps[0] for name, ps in claims.items() if len(set(ps)) == 1 and name != ps[0]}


RENAMING = """def _with_evaluate_names(function, names, dropped=()):
    \"\"\"`function`, also taking its arguments by the keywords `names` maps to parameters; a
    value given under two names is refused, one of an input the code does not use (`dropped`)
    is accepted and not passed on.\"\"\"
    def call(*args, **kwargs):
        given, named = {}, {}
        for key, value in kwargs.items():
            param = names.get(key, key)
            if param in named:
                raise TypeError(f"the same value is given twice, as {named[param]!r} "
                                f"and as {key!r}: pass it once")
            given[param], named[param] = value, key
        for param in dropped:
            given.pop(param, None)
        return function(*args, **given)
    call.__name__, call.__qualname__ = function.__name__, function.__qualname__
    call.__doc__, call.__wrapped__ = function.__doc__, function
    return call"""


def _documented(doc: str, names: dict[Expr, str], unused: dict[Expr, str],
                symbols: tuple[Symbol, ...]) -> tuple[str, dict[str, str]]:
    """The docstring with lines on the abstract symbols' parameters, the other keywords taken
    and the inputs not used; and the keywords' renaming (`_aliases`)."""
    listed = [f"{param}: the value of {symbol_names(node)[0]}" for node, param in names.items()
              if node.op in ("absgrad", "apply")]
    if listed:
        doc = doc.rstrip("\n") + "\nAbstract symbols: " + "; ".join(listed) + ".\n"
    aliases = _aliases(names, unused, symbols)
    renamed = {name: param for name, param in aliases.items() if param not in unused.values()}
    if renamed:
        doc = doc.rstrip("\n") + "\n" + _renaming_doc(renamed)
    if unused:
        skipped = [" or ".join(repr(n) for n in _evaluate_names(node, symbols))
                   for node in unused]
        doc = doc.rstrip("\n") + ("\nAccepted and not used by this code (the derivative does "
                                  "not depend on them): " + "; ".join(skipped) + ".\n")
    return doc, aliases


def _renaming_doc(aliases: dict[str, str]) -> str:
    by_param: dict[str, list[str]] = {}
    for name, param in aliases.items():
        by_param.setdefault(param, []).append(name)
    listed = "; ".join(f"{' or '.join(map(repr, names))} for {param}"
                       for param, names in by_param.items())
    return f"Keywords also accepted (the names evaluate takes): {listed}.\n"


def _dict_text(aliases: dict[str, str]) -> str:
    """The dict's literal, one item a line when it does not fit on one."""
    items = [f"{name!r}: {param!r}" for name, param in aliases.items()]
    one_line = "{" + ", ".join(items) + "}"
    return one_line if len(one_line) < 60 else "{\n" + "".join(f"    {i},\n" for i in items) + "}"


def _axes(node: Expr) -> list[tuple[object, int]]:
    shape = node.shape
    if shape.is_matrix:
        return [(shape.rows, 0), (shape.cols, 1)]
    if shape.is_scalar:
        return []
    return [(shape.rows if shape.cols.is_one else shape.cols, 0)]


def _size_sources(names: dict[Expr, str]) -> tuple[dict[str, str], dict[str, str]]:
    """(size symbol -> its name in the code, size name -> 'x.shape[0]')."""
    sizes, reads = {}, {}
    taken = set(RESERVED) | set(names.values())
    for node, param in names.items():
        for dim, axis in _axes(node):
            if len(dim.symbols) == 1 and dim.coeff == 1 and dim.symbols[0] not in sizes:
                name = safe_identifier(dim.symbols[0].lstrip("~"), taken)
                taken.add(name)
                sizes[dim.symbols[0]] = name
                reads[name] = f"{param}.shape[{axis}]"
    return sizes, reads


def _docstring(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    return f'"""{escaped}"""'


def _helpers_used(backend: Backend, source: str) -> list[str]:
    """The backend's helpers (definitions and imports) that `source` uses, and those that
    these use in turn (_gelu's scipy.special), in the backend's order."""
    used: set[str] = set()
    text = source
    while True:
        more = {m for m in backend.helpers if m not in used and _uses(m, text)}
        if not more:
            return [code for marker, code in backend.helpers.items() if marker in used]
        used |= more
        text = "\n".join(backend.helpers[m] for m in more)


def _uses(name: str, text: str) -> bool:
    return re.search(rf"(?<![\w.]){re.escape(name)}(?!\w)", text) is not None


def generate(variables: dict[str, Expr], output: Output, backend_name: str, function: str,
             doc: str) -> str:
    """The source of a module defining `function` that computes `output` from the inputs."""
    backend = backend_named(backend_name)
    params = parameter_variables(variables, output)
    ignored = {node: name for name, node in variables.items() if name not in params}
    names = parameter_names(params, output.nodes)
    sizes, reads = _size_sources(names)
    roots = shared_transposes(list(output.nodes))
    bounds = [node.args[1] for node in output.checked]
    emitter = Emitter(backend, roots + bounds, names, sizes)
    codes = [returned(backend, emitter.value(node)) for node in roots] + \
        [emitter.value(node).code for node in bounds]
    taken = set(RESERVED) | set(names.values()) | set(sizes.values())
    lines, results = emitter.builder.write(codes, taken)
    results, bound_codes = results[:len(roots)], results[len(roots):]
    lines = _with_parameter_checks(backend, lines, output.checked, bound_codes)
    if output.grouping == "one":
        result = results[0]
    else:
        grads = results[1] if output.grouping == "value_and_grad" else \
            "(" + ", ".join(results[1:]) + ("," if len(results) == 2 else "") + ")"
        result = f"{results[0]}, {grads}"
    body = "\n".join(lines + [result])
    size_lines = [f"{name} = {read}" for name, read in reads.items()
                  if _uses(name, body)]
    needed = body + "\n" + "\n".join(size_lines)
    unused = {node: symbol_names(node)[1] for node, param in names.items()
              if node.op != "var" and not _uses(param, needed)}  # (f(W x) in ∂g/∂(f(W x) y))
    unused.update(ignored)
    names = {node: param for node, param in names.items() if node not in unused}
    doc, aliases = _documented(doc, names, unused, output.symbols)
    setup = []
    for node, param in names.items():
        if not _uses(param, needed):
            continue
        if node.shape.is_scalar:
            setup.append(f"{param} = {backend.spell('scalar_in', param)}")
        elif node.shape.is_matrix:
            setup.append(f"{param} = {backend.spell('asarray', param)}")
        else:
            setup.append(f"{param} = {backend.spell('flat', backend.spell('asarray', param))}")
    statements = setup + size_lines + lines + [f"return {result}"]
    params = ", ".join(names.values())
    source = "\n".join(statements)
    helpers = _helpers_used(backend, source)
    imports = [line for line in backend.imports] + sorted({h for h in helpers
                                                           if h.startswith("import ")})
    wrapped = bool(aliases or unused)
    defs = [h for h in helpers if not h.startswith("import ")] + [RENAMING] * wrapped
    dropped = f", {tuple(sorted(set(unused.values())))!r}" if unused else ""
    doc_lines = _docstring(doc).split("\n")
    head = "\n".join(imports) + "\n\n\n" + "".join(d + "\n\n\n" for d in defs)
    indented = "\n".join("    " + line if line else "" for line in doc_lines + statements)
    module = f"{head}def {function}({params}):\n{indented}\n"
    if aliases or unused:
        module += (f"\n\n{function} = _with_evaluate_names({function}, {_dict_text(aliases)}"
                   f"{dropped})\n")
    assert all(p.isidentifier() and not keyword.iskeyword(p) for p in names.values())
    _verify(module, function, doc, aliases if aliases or unused else None)
    return module


def _with_parameter_checks(backend: Backend, lines: list[str], checked: tuple[Expr, ...],
                           codes: list[str]) -> list[str]:
    """`lines` with a check of each function's parameter (`codes`: its value's code) as soon
    as the names that code uses are assigned, before anything else is computed from it."""
    after: dict[int, list[str]] = {}  # number of lines before the check -> checks
    assigned = [line.split(" = ")[0] for line in lines]
    for node, code in zip(checked, codes):
        at = max((i + 1 for i, name in enumerate(assigned) if _uses(name, code)), default=0)
        after.setdefault(at, []).extend(_parameter_check(backend, node.op, code))
    return [line for i in range(len(lines) + 1)
            for line in (*after.get(i, ()), *lines[i:i + 1])]


def _parameter_check(backend: Backend, op: str, code: str) -> list[str]:
    """Lines raising ValueError when the parameter whose value is `code` is one `op` does not
    take (core/parameters.py); in jax, where its value is known (a traced value, under jit,
    cannot be compared)."""
    value = f"float({code})"
    bad = f"not {value} {'>' if positive(op) else '>='} 0"
    if backend.name == "jax":
        bad = f"not isinstance({code}, jax.core.Tracer) and {bad}"
    message = (requirement(op) + ", got ").replace("{", "{{").replace("}", "}}")
    return [f"if {bad}:", f"    raise ValueError(f{message + '{' + value + '!r}'!r})"]


def _verify(module: str, function: str, doc: str, aliases: dict[str, str] | None) -> None:
    """The text parses, defines `function` last (then renames its keywords by exactly
    `aliases`, if any), its docstring is exactly `doc`, and no function of it imports."""
    tree = ast.parse(module)
    if aliases is not None:
        renaming = tree.body.pop()
        assert isinstance(renaming, ast.Assign) and isinstance(renaming.value, ast.Call)
        assert [t.id for t in renaming.targets] == [function]  # type: ignore[attr-defined]
        assert ast.literal_eval(renaming.value.args[1]) == aliases
    last = tree.body[-1]
    assert isinstance(last, ast.FunctionDef) and last.name == function
    assert ast.get_docstring(last) == inspect.cleandoc(doc)
    for node in (n for d in tree.body if isinstance(d, ast.FunctionDef) for n in ast.walk(d)):
        assert not isinstance(node, (ast.Import, ast.ImportFrom)), "an import in a function"
        assert not (isinstance(node, ast.Name) and node.id == "__import__"), "__import__ used"


_COUNTER = itertools.count(1)


def compile_function(module: str, function: str, backend_name: str) -> Callable:
    """The function defined by generated `module`, executed with restricted builtins: the
    module's own imports may name only the backend's modules. While its functions run, whose
    text imports nothing (_verify), a library's compiled code may import what it needs (jax
    and numpy import numpy and ml_dtypes through the calling code's builtins)."""
    backend = backend_named(backend_name)
    allowed = {m.split(".")[0] for m in backend.modules}  # (libraries import their own parts)
    filename = f"<matcalc {backend.name} {function} #{next(_COUNTER)}>"

    def limited_import(name, globals=None, locals=None, fromlist=(), level=0):
        caller = sys._getframe(1).f_code
        inside = caller.co_filename == filename and caller.co_name != "<module>"
        if not inside and (name.split(".")[0] not in allowed or level):
            raise ImportError(f"generated code may not import {name!r}")
        return builtins.__import__(name, globals, locals, fromlist, level)

    linecache.cache[filename] = (len(module), None, module.splitlines(True), filename)
    namespace = {"__builtins__": {"float": float, "TypeError": TypeError,
                                  "ValueError": ValueError, "isinstance": isinstance,
                                  "__import__": limited_import},
                 "__name__": "matcalc_generated"}
    exec(compile(module, filename, "exec"), namespace)  # generated text only: see generate
    return namespace[function]
