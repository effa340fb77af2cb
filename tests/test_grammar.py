"""Tests of the parsing stage: grammar/matcalc.lark, the AST, spans and syntax errors.

The parse table pins every precedence and associativity decision as an s-expression; the
error tests pin line, column, caret and wording (no lark terminal names may leak).
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from matcalc.errors import ParseError
from matcalc.syntax import Binary, Call, Name, Number, Postfix, Unary, build_parser, parse
from matcalc.syntax.ast import to_sexpr
from matcalc.syntax.parser import grammar_text

PARSES = [
    # -- sums, signs and products --------------------------------------------------------
    ("W x + b", "(+ (juxt W x) b)"),
    ("a - b - c", "(- (- a b) c)"),
    ("x' A x", "(juxt (juxt (T x) A) x)"),
    ("-a b", "(- (juxt a b))"),
    ("+a", "(+ a)"),
    ("- -x", "(- (- x))"),
    ("-x^2", "(- (^ x 2))"),
    ("a + -b", "(+ a (- b))"),
    ("W -x", "(- W x)"),
    ("2 -x", "(- 2 x)"),
    ("A * B @ C D", "(juxt (@ (* A B) C) D)"),
    ("3 x^2 y", "(juxt (juxt 3 (^ x 2)) y)"),
    ("2x", "(juxt 2 x)"),
    ("2 (x + y)", "(juxt 2 (+ x y))"),
    ("(a)(b)", "(juxt a b)"),
    # -- elementwise tier -----------------------------------------------------------------
    ("2 x ⊙ y", "(juxt 2 (.* x y))"),
    ("x .* y", "(.* x y)"),
    ("x∘y", "(.* x y)"),
    ("2.*x", "(.* 2 x)"),
    ("w ./ x", "(./ w x)"),
    ("w ⊘ x", "(./ w x)"),
    ("a / b / c", "(/ (/ a b) c)"),
    ("A ⊗ B", "(kron A B)"),
    ("A ⊗ B ⊙ C", "(.* (kron A B) C)"),
    # -- powers -----------------------------------------------------------------------------
    ("x^-1", "(^ x (- 1))"),
    ("x^-0.5", "(^ x (- 0.5))"),
    ("x^+2", "(^ x (+ 2))"),
    ("u .^ 2", "(.^ u 2)"),
    ("x^k", "(^ x k)"),
    ("x^(k-1)", "(^ x (- k 1))"),
    ("x^f(y)", "(^ x (call f y))"),
    ("A'^2", "(^ (T A) 2)"),
    ("A^-1'", "(T (^ A (- 1)))"),
    ("x^Tx", "(^ x Tx)"),
    ("x^T_1", "(^ x T_1)"),
    # -- postfix ----------------------------------------------------------------------------
    ("A^T", "(T A)"),
    ("A ^ T", "(T A)"),
    ("A^-T", "(invT A)"),
    ("A⁻¹", "(inv A)"),
    ("A⁻ᵀ", "(invT A)"),
    ("Aᵀ", "(T A)"),
    ("A''", "(T (T A))"),
    ("A^T'", "(T (T A))"),
    ("(A x)'", "(T (juxt A x))"),
    ("x^T A x", "(juxt (juxt (T x) A) x)"),
    ("𝟏ᵀ x", "(juxt (T ones) x)"),
    # -- atoms ------------------------------------------------------------------------------
    ("3", "3"),
    ("0.5", "0.5"),
    ("1e-3", "1e-3"),
    (".5 x", "(juxt .5 x)"),
    ("eye", "eye"),
    ("ones", "ones"),
    ("θ σ", "(juxt theta sigma)"),
    ("theta W1 x_2", "(juxt (juxt theta W1) x_2)"),
    ("f(Y)", "(call f Y)"),
    ("W (x + b)", "(call W (+ x b))"),
    ("f()", "(call f)"),
    ("max(0, X w + b)", "(call max 0 (+ (juxt X w) b))"),
    ("dot(w, x)", "(call dot w x)"),
    ("tanh(x)'", "(T (call tanh x))"),
    # -- comparison -------------------------------------------------------------------------
    ("diag(x > 0)", "(call diag (> x 0))"),
    ("W x + b > -1", "(> (+ (juxt W x) b) (- 1))"),
    # -- programs ---------------------------------------------------------------------------
    ("y = A x; z = tanh(y); z", "(= y (juxt A x)) (= z (call tanh y)) z"),
    ("# model\ny = A x  # hidden\n\nz = f(y)\nz\n", "(= y (juxt A x)) (= z (call f y)) z"),
    (";\n;x;\n", "x"),
    ("y = 2 x\r\ny", "(= y (juxt 2 x)) y"),
    ("f(a, # first\n  b)", "(call f a b)"),
]


def sexpr(text: str) -> str:
    """The program as s-expressions of its statements (without the `(program ...)` wrapper)."""
    return to_sexpr(parse(text))[len("(program ") : -1]


@pytest.mark.parametrize(("text", "expected"), PARSES)
def test_parse_table(text: str, expected: str) -> None:
    assert sexpr(text) == expected


def test_grammar_strict_has_no_conflicts() -> None:
    build_parser.cache_clear()
    build_parser(strict=True)


def test_parse_tables_are_kept_in_the_users_cache_folder(tmp_path, monkeypatch) -> None:
    from matcalc.syntax import parser

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    path = parser.tables_file(grammar_text())
    assert Path(path).parent == tmp_path / "matcalc"
    assert (Path(path).parent.stat().st_mode & 0o777) == 0o700
    build_parser.cache_clear()
    try:
        written = to_sexpr(build_parser().parse("y = A (x + 1)'; tanh(y)")[0].value)
        assert Path(path).is_file()
        build_parser.cache_clear()
        assert to_sexpr(build_parser().parse("y = A (x + 1)'; tanh(y)")[0].value) == written
        Path(path).write_bytes(b"not a table")  # a damaged file: lark builds the tables again
        build_parser.cache_clear()
        assert to_sexpr(build_parser().parse("y = A (x + 1)'; tanh(y)")[0].value) == written
    finally:
        build_parser.cache_clear()


def test_no_cache_where_the_folder_cannot_be_made(tmp_path, monkeypatch) -> None:
    from matcalc.syntax import parser

    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))  # a file, not a folder
    assert parser.tables_file(grammar_text()) is False


def test_grammar_is_read_from_the_checkout() -> None:
    source = Path(__file__).resolve().parents[1] / "grammar" / "matcalc.lark"
    assert grammar_text() == source.read_text(encoding="utf-8")


def test_bold_one_is_the_name_ones() -> None:
    assert parse("𝟏").result == Name("ones", span=parse("𝟏").result.span)


def test_number_keeps_its_text() -> None:
    power = parse("x^-1").result
    assert isinstance(power.right, Unary) and power.right.op == "-"
    assert power.right.operand == Number("1", span=power.right.operand.span)


def test_spans_cover_whole_nodes_and_operators() -> None:
    program = parse("y = A x\n  2 (x+y)' ⊙ z")
    text = program.text
    cut = lambda span: text[span.start : span.end]  # noqa: E731
    result = program.result
    assert cut(result.span) == "2 (x+y)' ⊙ z"
    assert (result.span.line, result.span.column) == (2, 3)
    assert cut(result.op_span) == "("  # juxtaposition: the right operand's first character
    hadamard = result.right
    assert cut(hadamard.op_span) == "⊙" and cut(hadamard.left.span) == "(x+y)'"
    bind = program.bindings[0]
    assert cut(bind.name_span) == "y" and cut(bind.span) == "y = A x"


def test_call_and_postfix_spans() -> None:
    program = parse("f(a, b)ᵀ - -c")
    cut = lambda span: program.text[span.start : span.end]  # noqa: E731
    minus = program.result
    assert isinstance(minus, Binary) and cut(minus.op_span) == "-"
    assert isinstance(minus.left, Postfix) and cut(minus.left.span) == "f(a, b)ᵀ"
    call = minus.left.operand
    assert isinstance(call, Call) and cut(call.func_span) == "f" and cut(call.span) == "f(a, b)"
    assert cut(minus.right.span) == "-c"


def test_nodes_are_frozen() -> None:
    node = parse("x").result
    with pytest.raises(AttributeError):
        node.name = "y"  # type: ignore[misc]


# -- errors ---------------------------------------------------------------------------------


def parse_error(text: str) -> ParseError:
    with pytest.raises(ParseError) as info:
        parse(text)
    err = info.value
    assert not re.search(r"\b(_?[A-Z]{2,}[A-Z_]*|__ANON\w*|\$END)\b", err.message), err.message
    return err


def caret_column(err: ParseError) -> int:
    """The 1-based column of the caret in str(err)'s excerpt."""
    caret_line = str(err).splitlines()[-1]
    return caret_line.index("^") - 1


def test_error_dangling_operator() -> None:
    err = parse_error("W x +")
    assert (err.line, err.column) == (1, 6)
    assert "end of input" in err.message and "operand" in err.message and "'+'" in err.message
    assert "  W x +" in str(err) and caret_column(err) == 6
    assert str(err).startswith("line 1, column 6: ")


def test_error_missing_close_paren() -> None:
    err = parse_error("(W x")
    assert (err.line, err.column) == (1, 5)
    assert "missing ')'" in err.message and "column 1" in err.message
    assert "  (W x" in str(err) and caret_column(err) == 5


def test_error_on_line_two() -> None:
    err = parse_error("y = A x\nz = y ** 2\nz")
    assert (err.line, err.column) == (2, 7) and "power with ^" in err.message
    assert "  z = y ** 2" in str(err) and caret_column(err) == 7


def test_error_dangling_operator_before_newline() -> None:
    err = parse_error("y = A x +\nz")
    assert (err.line, err.column) == (1, 10) and "end of line" in err.message


def test_error_unclosed_paren_across_lines() -> None:
    err = parse_error("y = A x\nz = (y +\n1")
    assert err.line == 3 and "line 2, column 5" in err.message


def test_error_unexpected_character() -> None:
    err = parse_error("x $ y")
    assert (err.line, err.column) == (1, 3) and err.message == "unexpected character '$'"


def test_error_missing_exponent() -> None:
    err = parse_error("x ^")
    assert (err.line, err.column) == (1, 4) and "exponent is missing" in err.message


def test_error_chained_power_needs_parentheses() -> None:
    assert "parentheses" in parse_error("2^3^2").message


def test_error_chained_comparison() -> None:
    assert parse_error("a > b > c").column == 7


def test_error_binding_without_name() -> None:
    err = parse_error("= x")
    assert (err.line, err.column) == (1, 1) and "name = expression" in err.message


def test_error_program_ends_with_binding() -> None:
    err = parse_error("y = A x")
    assert "must end with the expression to differentiate" in err.message
    assert (err.line, err.column) == (1, 1)


def test_error_expression_before_last_statement() -> None:
    assert parse_error("x; y").message.startswith("only the last statement")


@pytest.mark.parametrize("text", ["", "  \n# nothing\n", ";"])
def test_error_empty_program(text: str) -> None:
    assert "empty program" in parse_error(text).message


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("x)", "no matching '('"),
        ("f(x,)", "after ','"),
        ("a, b", "arguments of a call"),
        ("(a; b)", "missing ')'"),
        ("x = y = z", "name = expression"),
        ("W x + )", "operand"),
        ("3.", "unexpected character '.'"),
        ("'x", "unexpected \"'\": expected an operand"),
    ],
)
def test_error_messages_in_words(text: str, words: str) -> None:
    assert words in parse_error(text).message


def test_programs_are_remembered_and_errors_are_not():
    """parse remembers its last immutable trees (up to CACHED_LENGTH characters)."""
    from matcalc.syntax.parser import CACHED_LENGTH
    assert parse("W x + b") is parse("W x + b")
    long = " + ".join(["x"] * (CACHED_LENGTH // 4 + 1))
    assert parse(long) is not parse(long)  # too long to keep
    for _ in range(2):
        with pytest.raises(ParseError):
            parse("W x +")
