"""The `matcalc` command: output, options, standard input, and every kind of bad input.

The CLI is a thin layer over `derive`, so beyond the README's examples these tests compare its
output with `derive` itself instead of pinning closed forms (those live in the golden tests).
"""
from __future__ import annotations

import doctest
import io
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from documentation import DOC_FILES, README

import matcalc.cli
from matcalc import derive
from matcalc.cli import main

PROGRAM = "y = A x\nz = tanh(y)\nsum(z)\n"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def assert_clean_error(status: int, out: str, err: str) -> str:
    """Exit 2, nothing on stdout, one `matcalc: error:` message, no traceback; the message."""
    assert status == 2
    assert out == ""
    assert "Traceback" not in err
    errors = [line for line in err.splitlines() if "error:" in line]
    assert len(errors) == 1, err
    return errors[0]


def assert_caret_under_column(err: str) -> None:
    """The caret line's '^' sits under the column that the message names."""
    column = int(re.search(r"line \d+, column (\d+)", err).group(1))
    caret = next(line for line in err.splitlines() if line.strip().startswith("^"))
    assert caret.index("^") == 2 + column - 1, err  # the excerpt is indented by two spaces


# -- output ---------------------------------------------------------------------------------


B_NOTE = ("note: b is a scalar (single letters a–g are scalars); declare b a vector "
          "(vars={'b': 'vector'}, or --var b:vector)\n")


def test_cli_affine_prints_w(capsys):
    assert run(capsys, "W x + b", "--wrt", "x") == (0, "W\n", B_NOTE)
    assert run(capsys, "W x + b", "--wrt", "x", "--var", "b:vector") == (0, "W\n", "")


def test_cli_abstract_function_denominator_layout(capsys):
    args = ("Y = A X + B; f(Y)", "--wrt", "X", "--layout", "denominator")
    assert run(capsys, *args) == (0, "Aᵀ ∂f/∂Y\n", "")


def test_cli_ascii(capsys):
    args = ("Y = A X + B; f(Y)", "--wrt", "X", "--layout", "denominator", "--ascii")
    assert run(capsys, *args) == (0, "A^T df_dY\n", "")


def test_cli_latex(capsys):
    status, out, err = run(capsys, "Y = A X + B; f(Y)", "--wrt", "X", "--layout", "denominator",
                           "--latex")
    assert (status, err) == (0, "")
    assert out == derive("Y = A X + B; f(Y)", "X", layout="denominator").latex() + "\n"
    assert r"\frac{\partial f}{\partial" in out and r"^{\top}" in out


def test_cli_latex_and_ascii_are_exclusive(capsys):
    status, _, err = run(capsys, "W x", "--wrt", "x", "--latex", "--ascii")
    assert status == 2 and "not allowed" in err


def test_cli_numerator_is_the_default_layout(capsys):
    status, out, _ = run(capsys, "x' A x", "--wrt", "x")
    assert (status, out) == (0, str(derive("x' A x", "x")) + "\n")
    assert out != run(capsys, "x' A x", "--wrt", "x", "--layout", "denominator")[1]


def test_cli_version(capsys):
    status, out, _ = run(capsys, "--version")
    assert (status, out) == (0, f"matcalc {matcalc.__version__}\n")


# -- standard input and declarations -------------------------------------------------------


def test_cli_reads_multiline_program_from_stdin(capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO(PROGRAM))
    assert run(capsys, "-", "--wrt", "x") == (0, str(derive(PROGRAM, "x")) + "\n", "")


def test_cli_reads_stdin_bytes_as_utf8(capsys, monkeypatch):
    program = "u = w ⊙ x\nsum(u)\n"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(program.encode()), "latin-1"))
    assert run(capsys, "-", "--wrt", "x") == (0, str(derive(program, "x")) + "\n", "")


def test_cli_stdin_that_is_not_utf8_is_an_error(capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"W x \xff"), "latin-1"))
    message = assert_clean_error(*run(capsys, "-", "--wrt", "x"))
    assert "UTF-8" in message


def test_cli_var_declarations(capsys):
    status, out, _ = run(capsys, "W x", "--wrt", "W", "--var", "W:matrix(m,n)",
                         "--var", "x:vector(n)")
    vars = {"W": "matrix(m,n)", "x": "vector(n)"}
    assert (status, out) == (0, str(derive("W x", "W", vars=vars)) + "\n")


def test_cli_var_scalar_overrides_naming_default(capsys):
    # `z` would be a vector by default; declared scalar, z x by z is the vector x.
    status, out, _ = run(capsys, "z x", "--wrt", "z", "--var", "z:scalar")
    assert (status, out) == (0, str(derive("z x", "z", vars={"z": "scalar"})) + "\n")
    assert out != run(capsys, "z' x", "--wrt", "z")[1]


@pytest.mark.parametrize("declaration", ["x", ":vector", "x:", "x :  "])
def test_cli_malformed_var_is_a_usage_error(capsys, declaration):
    status, out, err = run(capsys, "W x", "--wrt", "x", "--var", declaration)
    assert (status, out) == (2, "")
    assert "NAME:KIND" in err and "Traceback" not in err


def test_cli_var_declared_twice_is_a_usage_error(capsys):
    status, _, err = run(capsys, "W x", "--wrt", "x", "--var", "x:vector", "--var", "x:scalar")
    assert status == 2 and "declared twice" in err


# -- bad input: exit 2, one message, no traceback --------------------------------


@pytest.mark.parametrize("program", ["W x +", "(W x"])
def test_cli_syntax_error_points_at_the_spot(capsys, program):
    status, out, err = run(capsys, program, "--wrt", "x")
    message = assert_clean_error(status, out, err)
    assert message.startswith("matcalc: error: line 1, column ")
    assert f"  {program}" in err.splitlines()
    assert_caret_under_column(err)


def test_cli_shape_error_names_product_and_shapes(capsys):
    status, out, err = run(capsys, "W x", "--wrt", "x", "--var", "W:matrix(3,4)",
                           "--var", "x:vector(5)")
    message = assert_clean_error(status, out, err)
    assert "matrix product" in message
    assert re.search(r"3\s*[×x,]\s*4", message) and "5" in message, message


def test_cli_wrt_not_a_variable(capsys):
    message = assert_clean_error(*run(capsys, "W x", "--wrt", "Q"))
    assert "'Q'" in message and "not a variable" in message


def test_cli_function_without_derivative_rule(capsys):
    # an abstract function has a first derivative symbol but no second
    message = assert_clean_error(*run(capsys, "f(x)", "--wrt", "x", "--hessian"))
    assert "abstract function 'f'" in message


def test_cli_hessian(capsys):
    status, out, err = run(capsys, "x' A x", "--wrt", "x", "--hessian")
    assert (status, out.strip(), err) == (0, "A + Aᵀ", "")


def test_cli_unknown_kind(capsys):
    message = assert_clean_error(*run(capsys, "W x", "--wrt", "x", "--var", "x:tensor"))
    assert "tensor" in message and "'x'" in message


@pytest.mark.parametrize("argv", [
    ["W x"],                                         # --wrt missing
    ["W x", "--wrt", "x", "--layout", "sideways"],   # not a layout
    ["W x", "--wrt", "x", "--bogus"],                # unknown option
])
def test_cli_usage_errors_exit_2(capsys, argv):
    status, out, err = run(capsys, *argv)
    assert (status, out) == (2, "")
    assert "usage: matcalc" in err and "Traceback" not in err


def test_cli_expression_starting_with_minus(capsys):
    status, _, err = run(capsys, "-x^2", "--wrt", "x")
    assert status == 2 and "goes after '--'" in err
    assert run(capsys, "--wrt", "x", "--", "-x^2") == (0, str(derive("-x^2", "x")) + "\n", "")


def test_cli_option_value_starting_with_minus(capsys):
    """An option's value that starts with '-' is written with '=' (not after '--')."""
    status, _, err = run(capsys, "tr(N - a)", "--wrt", "a", "--claim", "-n_N")
    assert status == 2 and "argument --claim: expected one argument" in err
    assert "is written with '=', as in --claim=-n_N" in err and "'--'" not in err
    status, _, err = run(capsys, "tr(N - a)", "--wrt", "a", "--claim", "-n_N*2")
    assert status == 2 and "as in '--claim=-n_N*2'" in err  # (quoted for the shell)
    status, out, _ = run(capsys, "tr(N - a)", "--wrt", "a", "--claim=-n_N")
    assert (status, out) == (0, "-m_N\nclaim: equal: the simplifier proves it\n")


def test_cli_internal_error_has_no_traceback(capsys, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(matcalc.cli, "derive", broken)
    status, out, err = run(capsys, "W x", "--wrt", "x")
    assert (status, out) == (1, "")
    assert "internal error" in err and "boom" in err and "Traceback" not in err


# -- terminals that cannot show Unicode ------------------------------------------------------


def ascii_stream() -> io.TextIOWrapper:
    return io.TextIOWrapper(io.BytesIO(), encoding="ascii", newline="\n")


def written(stream: io.TextIOWrapper) -> str:
    stream.flush()
    return stream.buffer.getvalue().decode("ascii")


def test_cli_falls_back_to_ascii_notation_on_ascii_stdout(monkeypatch):
    stdout = ascii_stream()
    monkeypatch.setattr(sys, "stdout", stdout)
    assert main(["Y = A X + B; f(Y)", "--wrt", "X", "--layout", "denominator"]) == 0
    assert written(stdout) == "A^T df_dY\n"


def test_cli_escapes_unicode_errors_on_ascii_stderr(monkeypatch):
    stderr = ascii_stream()
    monkeypatch.setattr(sys, "stderr", stderr)
    assert main(["w ⊙", "--wrt", "w"]) == 2
    assert "matcalc: error:" in written(stderr) and "\\u2299" in written(stderr)


# -- as a program ----------------------------------------------------------------------------


def run_module(*argv: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "matcalc", *argv], capture_output=True,
                          text=True, encoding="utf-8", stdin=subprocess.DEVNULL,
                          env={**os.environ, **env}, timeout=120)


def test_python_m_matcalc():
    proc = run_module("W x + b", "--wrt", "x")
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "W\n", B_NOTE)


def test_python_m_matcalc_error_exits_2_without_traceback():
    proc = run_module("W x +", "--wrt", "x", PYTHONIOENCODING="ascii")
    assert (proc.returncode, proc.stdout) == (2, "")
    assert proc.stderr.startswith("matcalc: error: line 1, column 6:")
    assert "Traceback" not in proc.stderr


# -- the documentation's examples (README.md and docs/*.md) ---------------------------------

def console_examples(path: Path) -> list[tuple[str, str, str]]:
    """(place, command, expected output) for each `$ ` line in the file's ```console blocks."""
    examples, indent, command, output, place = [], None, None, [], ""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        fence = line.lstrip().startswith("```")
        if command is not None and (fence or line.lstrip().startswith("$ ")):
            examples.append((place, command, "\n".join(output)))
            command = None
        if fence:  # a block's lines are indented like its fence (inside list items)
            indent = len(line) - len(line.lstrip()) if line.strip() == "```console" else None
        elif indent is not None and line[indent:].startswith("$ "):
            command, output, place = line[indent + 2:], [], f"{path.name}:{number}"
        elif command is not None:
            output.append(line[indent:])
    return examples


CONSOLE_EXAMPLES = [example for path in DOC_FILES for example in console_examples(path)]
PYTHON_DOCS = [path for path in DOC_FILES if ">>> " in path.read_text(encoding="utf-8")]


def run_console_example(capsys, monkeypatch, command: str) -> str:
    words = shlex.split(command)
    if words[0] == "printf":  # printf 'PROGRAM' | matcalc ...
        assert words[2] == "|", command
        program = words[1].replace("\\n", "\n")
        monkeypatch.setattr(sys, "stdin", io.StringIO(program))
        words = words[3:]
    assert words[0] == "matcalc", command
    main(words[1:])
    out, err = capsys.readouterr()
    return (out + err).rstrip("\n")


def test_documentation_shows_its_examples():
    """The README shows the set-up example, and README.md with docs/*.md keep every console and
    Python example (at least 26 console commands and 31 Python examples)."""
    commands = [command for _, command, _ in CONSOLE_EXAMPLES]
    assert 'matcalc "W x + b" --wrt x' in [c for _, c, _ in console_examples(README)]
    assert len(commands) >= 26
    parser = doctest.DocTestParser()
    python = [e for path in PYTHON_DOCS
              for e in parser.get_examples(path.read_text(encoding="utf-8"))]
    assert len(python) >= 31


@pytest.mark.parametrize("place, command, expected", CONSOLE_EXAMPLES,
                         ids=[place for place, _, _ in CONSOLE_EXAMPLES])
def test_documented_console_example(capsys, monkeypatch, place, command, expected):
    # The finite-difference error's last digits depend on the CPU's and BLAS's rounding.
    def machine_independent(text: str) -> str:
        return re.sub(r"relative error \d\.\de-(0[6-9]|1\d)", "relative error <1e-6", text)
    assert (machine_independent(run_console_example(capsys, monkeypatch, command))
            == machine_independent(expected)), place


@pytest.mark.parametrize("path", PYTHON_DOCS, ids=[path.name for path in PYTHON_DOCS])
def test_documented_python_examples(path):
    result = doctest.testfile(str(path), module_relative=False, encoding="utf-8",
                              optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0
