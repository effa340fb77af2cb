"""A refusal names what the user wrote: a derivative through an eigenvector, an eigenbasis, the
divided differences or a Fréchet derivative names the node as the expression prints it
(eigvec_max(Aᵀ S A), not the placeholder eigvec_max(S)), and a refused second derivative says
that the first is available; the matrix functions' evaluation refusals name their argument as
written (logm(A + B), not logm(X))."""
from __future__ import annotations

import numeric as nm
import numpy as np
import pytest

from matcalc import derive, differential, hessian, value
from matcalc.cli import main
from matcalc.core.matrix_functions import MATRIX_FUNCTIONS
from matcalc.core.spectral import SPECTRAL
from matcalc.errors import OutsideDomainError, UnsupportedError

FIRST = "the first derivative is available"


def test_the_hessian_through_an_eigenvector_names_it(capsys):
    vars = {"S": "symmetric(n)", "A": "matrix(n,n)"}
    with pytest.raises(UnsupportedError) as err:
        hessian("eigmax(A' S A)", "A", vars=vars)
    message = str(err.value)
    assert message.startswith("no derivative through eigvec_max(Aᵀ S A): ")
    assert "eigvec_max(S)" not in message and message.endswith(
        f"; {FIRST} (derive, or the command without --hessian)")
    assert main(["eigmax(A' S A)", "--wrt", "A", "--var", "S:symmetric", "--hessian"]) == 2
    assert "eigvec_max(Aᵀ S A)" in capsys.readouterr().err
    # the first derivative is, and it is right (central differences)
    nm.check_derivative("eigmax(A' S A)", "A", vars, {"n": 3}, None, "numerator",
                        rng=np.random.default_rng(3))


def test_a_second_derivative_of_a_derivative_and_the_second_differential_say_so():
    first = derive("eigmax(A' S A)", "A", vars={"S": "symmetric(n)"})
    with pytest.raises(UnsupportedError, match=r"eigvec_max\(Aᵀ S A\).*" + FIRST):
        derive(first, "A")
    with pytest.raises(UnsupportedError, match=r"^no derivative of L_exp\(X, dX\) in X: .*"
                                               + FIRST):
        differential("u' expm(X) v", "X", order=2)


@pytest.mark.parametrize("op", [f.name for f in SPECTRAL.values() if f.vectors])
def test_each_vector_op_is_named_with_its_argument(op):
    """eigvecs, eigvec_max, ..., eigbasis, polar of A + Aᵀ: the refusal says op(A + Aᵀ)."""
    with pytest.raises(UnsupportedError) as err:
        derive(f"sum({op}(A + A'))", "A")
    assert str(err.value).startswith(f"no derivative through {op}(A + Aᵀ): ")


@pytest.mark.parametrize("f", list(MATRIX_FUNCTIONS.values()), ids=lambda f: f.name)
def test_divided_differences_and_frechet_derivatives_are_named(f):
    with pytest.raises(UnsupportedError, match=rf"^no derivative through {f.divided_name}"
                                               r"\(x \+ y\): "):
        derive(f"tr(C {f.divided_name}(x + y))", "x")
    with pytest.raises(UnsupportedError, match=rf"^no derivative of {f.frechet_name}"
                                               r"\(X \+ Y, B\) in X \+ Y: "):
        derive(f"tr(C {f.frechet_name}(X + Y, B))", "X")
    with pytest.raises(UnsupportedError, match=rf"^no derivative of {f.jacobian_name}"
                                               r"\(X \+ Y\) in X \+ Y: "):
        derive(f"tr({f.jacobian_name}(X + Y))", "X")


@pytest.mark.parametrize("program", ["logm(A + B)", "sqrtm(A + B)", "L_log(A + B, C)",
                                     "J_sqrt(A + B)"])
def test_a_matrix_function_refuses_naming_its_argument(program):
    name = "sqrtm" if "sqrt" in program else "logm"
    with pytest.raises(OutsideDomainError, match=rf"^{name}\(A \+ B\) is not defined here: "
                                                 r"A \+ B has the eigenvalue -1 "):
        extra = {"C": np.eye(2)} if "C" in program else {}
        value(program, A=-np.eye(2), B=np.zeros((2, 2)), **extra)


@pytest.mark.parametrize("op, entries, why", [
    ("divdiff_log", [-1.0, 2.0], "has an entry that is zero, negative or not finite"),
    ("divdiff_sqrt", [0.0, 2.0], "has an entry that is zero, negative or not finite"),
    ("divdiff_exp", [np.inf, 2.0], "is not finite"),
])
def test_divided_differences_refuse_naming_their_argument(op, entries, why):
    vars = {"a": "vector", "b": "vector"}
    with pytest.raises(OutsideDomainError, match=rf"^{op}\(a \+ b\) is not defined here: "
                                                 rf"a \+ b {why}"):
        value(f"{op}(a + b)", vars, a=np.array(entries), b=np.zeros(2))
