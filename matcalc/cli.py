"""The `matcalc` command: parse the command line, call `derive` (or `hessian`), print the result.

A thin layer over `matcalc.api` with no mathematics of its own. Exit status: 0 with the
derivative on stdout; 2 for bad input (a usage error or any `MatcalcError`, shown on stderr as
`matcalc: error: ...` plus the caret excerpt); 1 when the --claim differs or the --check
disagrees (a check that could not run is 0: it says why), and for an internal error (a bug in
matcalc).
Warnings about the program's names (a defaulted scalar expanded against a vector) are
`note: ...` lines on stderr (with --json, the object's `warnings`); stdout holds the result.
Output never crashes on a terminal that cannot show Unicode: the derivative is then printed in
matcalc's ASCII notation (as with --ascii), and any other unencodable character is escaped; nor
when the reader of a pipe stops early (`matcalc ... --json | head -1`): the rest is dropped.
"""
from __future__ import annotations

import argparse
import os
import re
import shlex
import sys
from typing import NoReturn, TextIO

from . import __version__, report
from .api import Derivative, derive, hessian
from .differential import Differential, differential
from .equivalent import equivalent
from .errors import MatcalcError, ParseError
from .steps import Steps

EPILOG = """\
examples:
  matcalc "W x + b" --wrt x
  matcalc "Y = A X + B; f(Y)" --wrt X --layout denominator
  matcalc "W x" --wrt x --var "W:matrix(m,n)" --var x:vector
  matcalc "x' A x" --wrt x --hessian
  matcalc "x' A x" --wrt x --check
  matcalc "inv(X)" --wrt X --form differential
  matcalc "max(0, dot(w, x) + b)" --wrt w --steps
  matcalc "x' A x" --wrt x --claim "2 x' A"
  matcalc "norm2(A x - b)^2" --wrt x --layout denominator --code numpy
  matcalc "x' A x" --wrt x --check --json
  matcalc serve --open            (a local web page; see matcalc serve --help)
  matcalc --wrt x -- "-x^2"       (an EXPR that starts with '-' goes after '--')
  printf 'y = A x\\nz = tanh(y)\\nsum(z)\\n' | matcalc - --wrt x

exit status: 0 on success, 2 on bad input, 1 when --claim differs, --check disagrees or on an
internal error.
"""


def _declaration(text: str) -> tuple[str, str]:
    """`NAME:KIND` (split on the first ':') as a (name, kind) pair."""
    name, sep, kind = text.partition(":")
    if not sep or not name.strip() or not kind.strip():
        raise argparse.ArgumentTypeError(
            f"expected NAME:KIND (e.g. z:scalar, x:vector(3), 'W:matrix(m,n)'), got {text!r}")
    return name.strip(), kind.strip()


class _Parser(argparse.ArgumentParser):
    """argparse, with a hint when an EXPR starting with '-' (`-x^2`) was taken for an option."""

    def parse_args(self, args: list[str] | None = None,  # type: ignore[override]
                   namespace: argparse.Namespace | None = None) -> argparse.Namespace:
        self._argv = sys.argv[1:] if args is None else list(args)
        return super().parse_args(args, namespace)

    def error(self, message: str) -> NoReturn:
        argv = getattr(self, "_argv", [])
        argv = argv[:argv.index("--")] if "--" in argv else argv
        dashed = [a for a in argv if a[:1] == "-" and a[1:2] not in "-h"]
        value = _dashed_value(message, argv)
        if value:
            message += (f" (an option's value that starts with '-' is written with '=', as in "
                        f"{value})")
        elif dashed:
            message += (f" (an EXPR that starts with '-' goes after '--', as in "
                        f"matcalc --wrt x -- {dashed[0]!r})")
        if "--json" in argv:  # the usual usage message on stderr, and the JSON error on stdout
            print(report.dumps(report.usage_error(message)))
        super().error(message)


def _dashed_value(message: str, argv: list[str]) -> str | None:
    """`--claim=-n_N` when argparse's `message` says that an option (--claim) got no value
    and what followed it in `argv` (-n_N) starts with '-', else None."""
    match = re.match(r"argument (--[\w-]+): expected one argument", message)
    if match is None or match[1] not in argv:
        return None
    after = argv[argv.index(match[1]) + 1:]
    if not after or after[0][:1] != "-" or after[0][1:2] in ("-", ""):
        return None
    return shlex.quote(f"{match[1]}={after[0]}")


def _arg_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="matcalc", epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Differentiate a matrix expression and print the closed form.")
    parser.add_argument("expr", metavar="EXPR",
                        help="the program to differentiate, or '-' to read it from stdin")
    parser.add_argument("--wrt", required=True, metavar="X",
                        help="the variable to differentiate by")
    parser.add_argument("--var", action="append", default=[], type=_declaration,
                        metavar="NAME:KIND",
                        help="declare a variable: scalar, vector, vector(n), matrix, "
                             "matrix(m,n) (repeatable)")
    parser.add_argument("--layout", choices=("numerator", "denominator"), default="numerator",
                        help="numerator (default: the Jacobian) or denominator (gradients)")
    parser.add_argument("--hessian", action="store_true",
                        help="print the Hessian of a scalar expression instead")
    parser.add_argument("--form", choices=("closed", "differential"), default="closed",
                        help="closed (default): the derivative; differential: df = tr(M dX), "
                             "dF = ..., or d²f with --hessian")
    parser.add_argument("--steps", action="store_true",
                        help="print the derivation step by step (rules by name)")
    parser.add_argument("--check", action="store_true",
                        help="also compare the result with finite differences at random "
                             "points; exit status 1 when they disagree")
    parser.add_argument("--claim", metavar="ANSWER",
                        help="say whether ANSWER (your own derivative) equals matcalc's; "
                             "exit status 1 when it does not")
    parser.add_argument("--code", choices=("numpy", "jax", "torch"), metavar="BACKEND",
                        help="print Python source of a function computing the result with "
                             "numpy, jax or torch (instead of the closed form)")
    style = parser.add_mutually_exclusive_group()
    style.add_argument("--latex", action="store_true", help="print LaTeX")
    style.add_argument("--ascii", action="store_true",
                       help="print ASCII text (W^T, .*, kron, df_dY) instead of Unicode")
    parser.add_argument("--json", action="store_true",
                        help="print one JSON object (text, ASCII, LaTeX, variables and what "
                             "--steps, --check, --code, --form, --claim ask for; errors too)")
    parser.add_argument("--version", action="version", version=f"matcalc {__version__}")
    return parser


def _declarations(parser: argparse.ArgumentParser, pairs: list[tuple[str, str]]) -> dict:
    """The --var pairs as a dict; declaring one name twice is a usage error, not an override."""
    vars: dict[str, str] = {}
    for name, kind in pairs:
        if name in vars:
            parser.error(f"argument --var: '{name}' is declared twice")
        vars[name] = kind
    return vars


def _read_program(expr: str) -> str:
    """EXPR itself, or the text of standard input for '-' (UTF-8 when stdin has bytes)."""
    if expr != "-":
        return expr
    raw = getattr(sys.stdin, "buffer", None)
    if raw is None:
        return sys.stdin.read()
    try:
        return raw.read().decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise ParseError(f"standard input is not UTF-8 text ({err.reason} at byte "
                           f"{err.start})") from None


def _encodable(text: str, stream: TextIO) -> bool:
    try:
        text.encode(stream.encoding or "utf-8")
    except UnicodeEncodeError:
        return False
    except (LookupError, TypeError, AttributeError):
        return True
    return True


def _write(text: str, stream: TextIO) -> None:
    """Print `text`, escaping (\\uXXXX) what the stream's encoding cannot show; when the
    reader has gone (`matcalc ... | head -1`), the rest is dropped quietly."""
    if not _encodable(text, stream):
        encoding = stream.encoding
        text = text.encode(encoding, "backslashreplace").decode(encoding)
    try:
        print(text, file=stream)
        stream.flush()
    except BrokenPipeError:
        _to_devnull(stream)


def _to_devnull(stream: TextIO) -> None:
    """Point the stream's file at /dev/null, so that the interpreter's last flush of what is
    still buffered does not fail again on the closed pipe."""
    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), stream.fileno())
    except (OSError, ValueError):
        pass


def _rendered(d: Derivative | Differential | Steps, args: argparse.Namespace) -> str:
    if args.latex:
        return d.latex()
    text = d.text(ascii=args.ascii)
    # Unicode notation the terminal cannot encode falls back to the ASCII notation, which is
    # still a matcalc expression, rather than to escapes like A\u1d40.
    return text if _encodable(text, sys.stdout) else d.text(ascii=True)


def _holds_when(d: Derivative, args: argparse.Namespace) -> str:
    """The conditions line, in the ASCII notation when the result is printed in it (--ascii,
    or a terminal that cannot encode the Unicode one)."""
    line = d.holds_when()
    return line if not args.ascii and _encodable(line, sys.stdout) else d.holds_when(ascii=True)


def _notes(warnings) -> None:
    """One `note: ...` line on stderr per warning about the program's names."""
    for warning in warnings:
        _write(f"note: {warning}", sys.stderr)


def _json_main(args: argparse.Namespace, vars: dict[str, str]) -> int:
    """--json: the object of `matcalc.report` on stdout; errors as {"error": ...} (exit 2)."""
    try:
        out = report.build(_read_program(args.expr), args.wrt, vars or None, args.layout,
                           hessian=args.hessian, steps=args.steps, check=args.check,
                           code=args.code, differential=args.form == "differential",
                           claim=args.claim)
        differs = "claim" in out and not out["claim"]["equal"]
        disagrees = "check" in out and out["check"]["points"] > 0 and not out["check"]["ok"]
        status = 1 if differs or disagrees else 0
    except MatcalcError as err:
        out, status = report.error(err), 2
        _write(f"matcalc: error: {err}", sys.stderr)
    except KeyboardInterrupt:
        return 130
    except Exception as err:  # noqa: BLE001 - a bug must still not end in a traceback
        out, status = report.error(err), 1
    _write(report.dumps(out), sys.stdout)
    return status


def main(argv: list[str] | None = None) -> int:
    """Run `matcalc` on `argv` (default: sys.argv[1:]) and return the exit status; `matcalc
    serve ...` starts the local web page (matcalc.web.server)."""
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv and argv[0] == "serve":
        from .web.server import serve_main
        return serve_main(argv[1:])
    parser = _arg_parser()
    try:  # usage errors, --help and --version end in SystemExit: return its status instead
        args = parser.parse_args(argv)
        vars = _declarations(parser, args.var)
        clash = args.steps or args.form == "differential" or args.latex
        if args.code and clash and not args.json:
            parser.error("argument --code: prints the code of the closed form; it does not "
                         "combine with --steps, --form differential or --latex")
    except SystemExit as stop:
        return stop.code if isinstance(stop.code, int) else int(stop.code is not None) * 2
    if args.json:
        return _json_main(args, vars)
    try:
        program = _read_program(args.expr)
        differentiate = hessian if args.hessian else derive
        d = differentiate(program, args.wrt, vars=vars or None, layout=args.layout)
        _notes(d.warnings)
        out = _rendered(d, args)
        if args.steps:
            out = _rendered(d.steps(), args)
        if args.code:
            out = d.to_source(args.code).rstrip("\n")
        if args.form == "differential":
            out = _rendered(differential(program, args.wrt, vars or None,
                                         order=2 if args.hessian else 1), args)
        if d.conditions and not (args.code or args.steps):  # (the steps and code state them)
            out += "\n" + _holds_when(d, args)
        status = 0
        if args.claim is not None:
            verdict = equivalent(args.claim, program, args.wrt, vars or None, args.layout)
            out += f"\nclaim: {verdict}"
            status = 0 if verdict.equal else 1
        if args.check:
            result = d.check()
            out += f"\n{result}"
            status = 1 if result.disagrees else status
    except MatcalcError as err:
        _write(f"matcalc: error: {err}", sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception as err:  # noqa: BLE001 - a bug must still not end in a traceback
        _write(f"matcalc: internal error (a bug in matcalc; please report the command): "
               f"{type(err).__name__}: {' '.join(str(err).split())}", sys.stderr)
        return 1
    _write(out, sys.stdout)
    return status
