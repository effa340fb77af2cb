"""Random well-typed matcalc programs, grown from typed pieces, and the properties they must have.

`generate(chooser)` builds one `Program` (bindings `name = expr`, then an expression) over every
operator and function of the language, with symbolic, numeric or inferred sizes, symmetric / spd
declarations and abstract f(Y) of bound names. Pieces have kinds (scalar S, vectors V (n) and
U (m), matrices N (n × n) and R (m × n)) and are made of pieces of the kinds their templates
name, so programs are well formed. Domains are valid by construction (log, sqrt, ./, log1p see
positive pieces, inv / det / logdet / solve well-conditioned ones, chol / logm / sqrtm symmetric
positive definite ones, tan, arcsin, arccos, expm bounded ones); the arguments of relu, abs,
sign, norm1, max, min, huber, > are `kinks`, kept off 0, and so are the ties of max(x), eigmax,
svals, specnorm and the rank of nucnorm's and pinv's arguments. The newer vocabulary (NEWER)
is drawn with probability NEWER_SHARE, so the original pieces stay well represented. Choices
come from `RandomChooser` (benchmarks/fuzz.py) or tests/test_properties.py's hypothesis
`DataChooser`; tests/program_checks.py has the properties they must have.
"""
from __future__ import annotations

import random
import re
from dataclasses import dataclass, field

import numeric as nm

SIZES = {"n": 3, "m": 2}
KINDS = ("S", "V", "U", "N", "R")

# (template, kink): {K} is a piece of kind K; P<K> a positive piece, C a well-conditioned
# n × n matrix, Y a matrix bound and passed to an abstract f, Z a vector passed to g; {mul},
# {T}, {had}, {ediv}, {kron} are spellings of one operator. A kink "arg" records the first
# piece, "diff" the first minus the second, as a program that must stay away from 0.
PIECES: dict[str, list[tuple[str, str]]] = {
    "S": [("sum({V})", ""), ("mean({V})", ""), ("dot({V}, {V})", ""), ("{V}{T}{mul}{V}", ""),
          ("tr({N})", ""), ("trace({N})", ""), ("norm2({V})", "self"), ("norm2({R})^2", ""),
          ("norm1({V})", "arg"), ("logsumexp({V})", ""), ("det({C})", ""),
          ("logdet({C})", ""), ("log({PS})", ""), ("sqrt({PS})", ""), ("{S} + {S}", ""),
          ("{S} - {S}", ""), ("{S}{mul}{S}", ""), ("{S} / {PS}", ""), ("{S}^2", ""),
          ("{S}^3", ""), ("{PS}^0.5", ""), ("{U}{T}{mul}{R}{mul}{V}", ""),
          ("max({S}, {S})", "diff"), ("abs({S})", "arg"), ("tanh({S})", ""),
          ("sum(vec({R}))", ""), ("sum(diag({N}))", ""), ("sum({kron})", ""),
          ("tr(kron({N}, {N}))", ""), ("-{S}", ""), ("sum(sigmoid({V}))", ""),
          ("f({Y})", ""), ("g({Z})", ""), ("sum({V} > {V})", "diff"),
          ("{V}{T}{mul}{C}{mul}{V}", "")],
    "V": [("{N}{mul}{V}", ""), ("{R}{T}{mul}{U}", ""), ("{V} + {V}", ""), ("{V} - {V}", ""),
          ("{S}{mul}{V}", ""), ("{V}{had}{V}", ""), ("{V}{ediv}{PV}", ""), ("{V} / {PS}", ""),
          ("exp(tanh({V}))", ""), ("log({PV})", ""), ("sin({V})", ""), ("cos({V})", ""),
          ("tan(tanh({V}))", ""), ("tanh({V})", ""), ("sigmoid({V})", ""),
          ("softplus({V})", ""), ("sqrt({PV})", ""), ("softmax({V})", ""), ("diag({N})", ""),
          ("max(0, {V})", "arg"), ("relu({V})", "arg"), ("max({V}, {V})", "diff"),
          ("abs({V})", "arg"), ("sign({V}){had}{V}", "arg"), ("{V} .^ 2", ""),
          ("{V}^3", ""), ("{PV} .^ 0.5", ""), ("inv({C}){mul}{V}", ""), ("{C}⁻¹{mul}{V}", ""),
          ("{C}^-1{mul}{V}", ""), ("({V} > {V}){had}{V}", "diff"), ("-{V}", ""),
          ("vec({V}{T})", ""), ("{V} + ones", ""), ("{V} + {S}", ""), ("diag({V}){mul}{V}", "")],
    "U": [("{R}{mul}{V}", ""), ("{U} + {U}", ""), ("tanh({U})", ""), ("{S}{mul}{U}", ""),
          ("{U}{had}{U}", ""), ("softmax({U})", ""), ("relu({U})", "arg")],
    "N": [("{N}{mul}{N}", ""), ("{N} + {N}", ""), ("{N} - {N}", ""), ("{N}{T}", ""),
          ("diag({V})", ""), ("{N}{had}{N}", ""), ("{N}{ediv}{PN}", ""), ("{S}{mul}{N}", ""),
          ("{R}{T}{mul}{R}", ""), ("{V}{mul}{V}{T}", ""), ("sin({N})", ""), ("tanh({N})", ""),
          ("{N}^2", ""), ("{N}^3", ""), ("inv({C})", ""), ("{C}⁻¹", ""), ("{N} + eye", ""),
          ("{N} / {PS}", ""), ("{R}{T}{mul}{R}{mul}{N}", ""), ("{N} .^ 2", ""),
          ("tril({N})", "")],
    "R": [("{R}{mul}{N}", ""), ("{U}{mul}{V}{T}", ""), ("{R} + {R}", ""), ("{R}{had}{R}", ""),
          ("tanh({R})", ""), ("{S}{mul}{R}", ""), ("kron({U}, {V}{T})", ""),
          ("{U} ⊗ {V}{T}", ""), ("{R}{T}{T}", "")],
}
# Pieces of the newer vocabulary, drawn instead of PIECES with probability NEWER_SHARE (so the
# original ones stay well represented). H is a symmetric n × n piece, D a symmetric positive
# definite one. A kink may also be a template over the pieces ({0} the first) and start with
# "top:" / "bottom:" / "spread:": then the gap between the largest two entries of its value,
# the smallest two, or any two must stay away from 0 (a tie of max(x), eigmax(S), svals(X)).
# Several kinks are separated by "|".
NEWER_SHARE = 0.25
SIGMA_GAP = "top:eigvals({0} * {0}')"  # σ₁² − σ₂² (an N piece need not be square: inferred)
FULL_RANK = "det({0} * {0}') + det({0}' * {0})"  # wide or tall: one term is 0, the other not
NEWER: dict[str, list[tuple[str, str]]] = {
    "S": [("max({V})", "top:{0}"), ("min({V})", "bottom:{0}"), ("max({N})", "top:vec({0})"),
          ("cross_entropy({V}, softmax({V}))", ""), ("cross_entropy({V}, {V})", ""),
          ("min({S}, {S})", "diff"), ("huber({S})", "abs({0}) - 1"),
          ("huber({S}, {PS})", "abs({0}) - {1}"), ("eigmax({H})", "top:eigvals({0})"),
          ("eigmin({H})", "bottom:eigvals({0})"),
          ("{V}{T}{mul}eigvals({H})", "spread:eigvals({1})"),
          ("specnorm({N})", SIGMA_GAP), ("specnorm({R})", SIGMA_GAP), ("nucnorm({N})", FULL_RANK),
          ("nucnorm({R})", FULL_RANK),
          ("{V}{T}{mul}svals({N} + eye)", "spread:svals({1} + eye)|det({1} + eye)"),
          ("{PS} .^ tanh({S})", ""), ("arctan({S})", ""), ("sum(erf({V}))", ""),
          ("sum(logsigmoid({V}))", "")],
    "V": [("arcsin(tanh({V}) / 2)", ""), ("arccos(tanh({V}) / 2)", ""), ("arctan({V})", ""),
          ("sinh(tanh({V}))", ""), ("cosh(tanh({V}))", ""), ("arcsinh({V})", ""),
          ("erf({V})", ""), ("erfc({V})", ""), ("gelu({V})", ""), ("log1p({PV})", ""),
          ("expm1(tanh({V}))", ""), ("square({V})", ""), ("softsign({V})", "arg"),
          ("logsigmoid({V})", ""), ("huber({V})", "abs({0}) - 1"),
          ("huber({V}, {PS})", "abs({0}) - {1}"), ("min({V}, {V})", "diff"),
          ("{PV} .^ tanh({V})", ""), ("log_softmax({V})", ""),
          ("layernorm({V})", "mean(({0} - mean({0})) .^ 2)"),
          ("layernorm({V}, {PS})", "mean(({0} - mean({0})) .^ 2)"), ("solve({C}, {V})", "")],
    "U": [("logsumexp_rows({R})", ""), ("min({U}, {S}{mul}{U})", "{0} - {1} * {2}"),
          ("gelu({U})", "")],
    "N": [("expm(tanh({N}) / 2)", ""), ("logm({D})", ""), ("sqrtm({D})", ""), ("chol({D})", ""),
          ("solve({C}, {N})", ""), ("tril_half({N})", ""), ("erf({N})", "")],
    "R": [("softmax_rows({R})", ""), ("log_softmax_rows({R})", ""), ("layernorm_rows({R})", ""),
          ("pinv({R}{T})", "det({0} * {0}')"), ("arctan({R})", "")],
}
POSITIVE = {"S": ["exp({S})", "{S}^2 + 1", "softplus({S})", "sigmoid({S})", "norm2({V})^2 + 1",
                  "exp(tanh({S}))"],
            "V": ["exp(tanh({V}))", "{V} .^ 2 + 1", "softplus({V})", "sigmoid({V})", "p",
                  "1 + {0}{had}{0}", "exp({V}) + {PV}"],
            "N": ["exp(tanh({N}))", "{N} .^ 2 + 1", "sigmoid({N})"]}
CONDITIONED = ["S", "{0}{T}{mul}{0} + eye", "{1}{T}{mul}{1} + eye", "eye + diag({PV})",
               "{0}{mul}{0}{T} + 2 eye"]  # {0} one n × n piece twice (a Gram matrix), {1} R
SPD = CONDITIONED[1:]  # (S is declared symmetric or spd, by chance)
SYMMETRIC = ["S", "{0} + {0}{T}", "{0}{T}{mul}{0}"]
SPELLINGS = {"mul": [" ", " * ", " @ "], "T": ["'", "ᵀ", "^T"], "had": [" .* ", " ⊙ ", " ∘ "],
             "ediv": [" ./ ", " ⊘ "], "kron": ["kron({U}, {V})", "{U} ⊗ {V}"]}
LEAVES = {"S": ["a", "b", "2", "0.5"], "V": ["x", "y", "p"], "U": ["z"], "N": ["A", "B", "S"],
          "R": ["W"]}
KIND_OF = {"a": "S", "b": "S", "x": "V", "y": "V", "p": "V", "z": "U", "A": "N", "B": "N",
           "S": "N", "W": "R"}
_PLACE = re.compile(r"\{(\w+)\}")


@dataclass
class Program:  # abstract: numeric.check_derivative's specs; kinks: programs kept off 0
    text: str
    vars: dict[str, str]
    abstract: list[dict[str, str]] = field(default_factory=list)
    kinks: list[str] = field(default_factory=list)
    domains: dict[str, str] = field(default_factory=dict)
    sizes: dict[str, int] = field(default_factory=lambda: dict(SIZES))

    def __str__(self) -> str:
        return f"{self.text!r} vars={self.vars}"


class RandomChooser(random.Random):
    """Choices from a seeded random.Random (benchmarks/fuzz.py)."""

    def pick(self, options):
        return self.choice(list(options))

    def flip(self, p: float) -> bool:
        return self.random() < p


def _atomic(text: str) -> bool:
    """A name, a number, or one call name(...) whose parenthesis closes at the end."""
    call = re.match(r"\w+\(", text)
    return bool(re.fullmatch(r"[\w.]+", text) or call and text.endswith(")")
                and nm._call(text, call.end() - 1)[1] == len(text))


def _wrap(text: str) -> str:
    return text if _atomic(text) else f"({text})"


class _Grower:
    def __init__(self, chooser, max_bindings: int = 3, newer: float = NEWER_SHARE):
        self.c, self.newer = chooser, newer
        self.bindings: list[str] = []
        self.kinks: list[str] = []
        self.used: set[str] = set()
        self.abstract: list[dict[str, str]] = []
        self.max_bindings = max_bindings

    def leaf(self, kind: str) -> str:
        return self.leaf_named(self.c.pick(LEAVES[kind]))

    def piece(self, kind: str, depth: int, top: bool = False) -> str:
        if depth <= 0 or (not top and self.c.flip(0.2)):
            return self.leaf(kind)
        newer = self.newer > 0 and kind in NEWER and self.c.flip(self.newer)
        template, kink = self.c.pick(NEWER[kind] if newer else PIECES[kind])
        return self.fill(template, kink, depth - 1, kind)

    def fill(self, template: str, kink: str, depth: int, kind: str = "") -> str:
        parts: list[str] = []

        def one(match: re.Match) -> str:
            what = match.group(1)
            if what in SPELLINGS:
                spelled = self.c.pick(SPELLINGS[what])
                return self.fill(spelled, "", depth) if "{" in spelled else \
                    "\x01" if spelled == " " else spelled
            text = self.special(what, depth)
            bare = template[match.start() - 1:match.start()] in ("(", " ") and \
                template[match.end():match.end() + 1] in (")", ",")
            text = text if bare and match.start() > 0 else _wrap(text)
            parts.append(text)
            return text

        out = _PLACE.sub(one, template)
        for _ in range(3):  # max(u, u) or u > u sits on its kink everywhere: draw again
            if kink != "diff" or parts[0] != parts[1]:
                break
            parts.clear()
            out = _PLACE.sub(one, template)
        # `z (u)'` would be the call z(u), then transposed: a name juxtaposed with ( is `*`
        out = re.sub(r"(?<=[A-Za-z_])\x01(?=\()", " * ", out).replace("\x01", " ")
        for one_kink in filter(None, kink.split("|")):
            self.kinks.append(self.kink(one_kink, parts, out))
        if kind and depth >= 1 and len(self.bindings) < self.max_bindings and self.c.flip(0.2):
            return self.bind(kind, out)
        return out

    def kink(self, kink: str, parts: list[str], out: str) -> str:
        """The program (after the bindings so far) that must stay away from 0, with its gap
        prefix: of the first piece ("arg"), the whole ("self"), the first minus the second
        ("diff"), or a template over the pieces."""
        prefix, _, kink = kink.rpartition(":")
        arg = parts[0] if kink == "arg" else out if kink == "self" else \
            f"{_wrap(parts[0])} - {_wrap(parts[1])}" if kink == "diff" else \
            _PLACE.sub(lambda m: _wrap(parts[int(m.group(1))]), kink)
        return (f"{prefix}:" if prefix else "") + "; ".join(self.bindings + [arg])

    def special(self, what: str, depth: int) -> str:
        if what in KINDS:
            return self.piece(what, depth)
        if what.startswith("P"):
            inner = what[1]
            if depth <= 0 and inner == "V" and self.c.flip(0.5):
                return self.leaf_named("p")
            choice = self.c.pick(POSITIVE[inner][:-1] if depth <= 0 else POSITIVE[inner])
            if choice == "p":
                return self.leaf_named("p")
            if "{0}" in choice:  # u .* u: one piece twice
                choice = choice.replace("{0}", _wrap(self.piece(inner, depth - 1)))
            return self.fill(choice, "", max(depth - 1, 0))
        if what in ("C", "D", "H"):
            choice = self.c.pick({"C": CONDITIONED, "D": SPD, "H": SYMMETRIC}[what])
            if choice == "S":
                return self.leaf_named("S")
            gram = _wrap(self.piece("N" if "{0}" in choice else "R", depth))
            return self.fill(choice.replace("{0}", gram).replace("{1}", gram), "", depth)
        if what in ("Y", "Z"):  # an abstract function of a bound matrix or vector
            fname = "f" if what == "Y" else "g"
            arg = self.piece(self.c.pick(["N", "R"]) if what == "Y" else "V", max(depth, 1))
            if any(spec["name"] == fname for spec in self.abstract):
                return self.fill("{S}", "", depth)
            name = self.bind("", arg, prefix="Y" if what == "Y" else "u")
            self.abstract.append({"name": fname, "ascii": f"d{fname}_d{name}", "arg": name})
            return name
        raise ValueError(what)

    def leaf_named(self, name: str) -> str:
        self.used |= {name} & set(KIND_OF)
        return name

    def bind(self, kind: str, text: str, prefix: str = "") -> str:
        prefix = prefix or {"S": "c", "V": "h", "U": "k", "N": "M", "R": "Q"}[kind]
        name = f"{prefix}{len(self.bindings) + 1}"
        self.bindings.append(f"{name} = {text}")
        return name


MODES = ("symbolic", "numeric", "inferred")


def declarations(used: set[str], mode: str, abstract: list, spd: bool) -> dict[str, str]:
    n, m = ("n", "m") if mode == "symbolic" else (str(SIZES["n"]), str(SIZES["m"]))
    full = {"a": "scalar", "b": "scalar", "x": f"vector({n})", "y": f"vector({n})",
            "p": f"vector({n})", "z": f"vector({m})", "A": f"matrix({n},{n})",
            "B": f"matrix({n},{n})", "W": f"matrix({m},{n})",
            "S": f"{'spd' if spd else 'symmetric'}({n})"}
    if mode == "inferred":  # naming defaults, sizes by unification; S needs its structure
        full = {"S": "spd" if spd else "symmetric"}
    out = {name: kind for name, kind in full.items() if name in used}
    out.update({spec["name"]: "function" for spec in abstract})
    return out


def generate(chooser, max_depth: int = 3, newer: float = NEWER_SHARE) -> Program:
    """One well-typed program from `chooser`'s choices (a final expression of any kind), with
    the pieces of NEWER drawn with probability `newer` (0: the original vocabulary only)."""
    for _ in range(10):
        grower = _Grower(chooser, newer=newer)
        kind = chooser.pick(["S", "S", "V", "N", "R", "U"])
        final = grower.piece(kind, chooser.pick([1] + [2, 3, 4][:max_depth - 1] * 2), top=True)
        if grower.used:
            break
    else:
        grower.used.add("x")
        final = f"{final} + sum(x)" if kind == "S" else f"{_wrap(final)} + sum(x)"
    mode = chooser.pick(MODES)
    decls = declarations(grower.used, mode, grower.abstract, chooser.flip(0.5))
    text = "; ".join(grower.bindings + [final])
    domains = {"p": "positive"} if "p" in grower.used else {}
    return Program(text, decls, grower.abstract, grower.kinks, domains)


def program_of_seed(seed: int, max_depth: int = 3, newer: float = NEWER_SHARE) -> Program:
    return generate(RandomChooser(seed), max_depth, newer)
