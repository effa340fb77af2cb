"""The table of textbook identities (tests/test_identities.py): a case's fields, the families,
the sizes and the declarations the case modules (tests/identities_*.py) share."""
from __future__ import annotations

from dataclasses import dataclass, field

LAYOUTS = ("numerator", "denominator")
SIZES = {"m": 3, "n": 4, "p": 2, "q": 5, "N": 6}

# The families of identities this table checks.
FAMILIES = {
    "trace": "tr(A X), tr(Xᵀ A), tr(A X B)",
    "trace2": "tr(Xᵀ A X), tr(X A Xᵀ B), tr(X⁻¹ A), tr(X^k)",
    "det": "det(X), log(det(X)) = logdet(X), det(A X B)",
    "bilinear": "aᵀ X b, aᵀ Xᵀ X b, norm2(X)^2, norm2(A X - B)^2",
    "quadratic": "xᵀ A x, (A x + b)ᵀ C (D x + e), norm2(x), norm1(x), xᵀ x / (xᵀ A x)",
    "vec": "A X B, Xᵀ, X⁻¹, X ⊙ B, exp(X), X W (vec Jacobians)",
    "vecbymat": "W x wrt W, Wᵀ x wrt W (vector by matrix)",
    "softmax": "softmax(x), logsumexp(x), -yᵀ log(softmax(W x))",
    "loss": "logistic regression, cross-entropy, MSE, ridge, lasso, MLP, matrix factorisation, "
            "Gaussian NLL, Rayleigh quotient",
    "composition": "exp(tr(Xᵀ X)), log(xᵀ A x), f(A X + B), g(f(W x) ⊙ y)",
}
EXTRA_FAMILIES = {
    "inverse": "derivatives of and through an inverse (Cookbook §2.2)",
    "elementwise": "vector-by-vector elementwise functions (P&H §4)",
    "scalar": "scalar calculus: power, product, quotient and chain rules",
    "structured": "spd(n) / symmetric(n) declarations (structured variables)",
    "matrix functions": "expm, logm, sqrtm: Fréchet derivatives L_f(X, E) and their closed forms "
                        "(Higham, Functions of Matrices, ch. 3)",
    "spectral functions": "eigenvalues of a symmetric matrix and singular values: first-order "
                          "perturbation dλ = vᵀ dS v, dσ = uᵀ dX v (Magnus & Neudecker, ch. 8)",
    "factorisations": "chol, solve, pinv: Murray's Cholesky derivative, solves kept as solves, "
                      "Golub–Pereyra's pseudo-inverse derivative",
}


@dataclass(frozen=True)
class Case:
    family: str
    expr: str
    wrt: str
    expected: str                              # numerator form as the source writes it
    vars: dict = field(default_factory=dict)   # declarations with symbolic sizes
    domains: dict | None = None                # variable -> numeric.DOMAINS name
    abstract: tuple = ()                       # numeric.check_derivative's abstract specs
    tag: str = ""                              # tells apart cases with equal expr and wrt

    @property
    def id(self) -> str:
        return f"{self.family}: {self.expr} d/d{self.wrt}" + (f" [{self.tag}]" if self.tag else "")


def abstract(name: str, arg: str, ascii: str, **extra: str) -> dict[str, str]:
    return {"name": name, "arg": arg, "ascii": ascii, **extra}


# Common declarations.
SQ = {"X": "matrix(n,n)", "A": "matrix(n,n)", "B": "matrix(n,n)", "C": "matrix(n,n)"}
SPECTRAL = {"S": "symmetric(n)", "X": "matrix(n,n)", "A": "matrix(n,n)", "u": "vector(n)",
            "v": "vector(n)"}
WC = {"X": "well_conditioned"}
SPD = {"X": "spd"}
SCALAR_X = {"x": "scalar", "y": "scalar", "a": "scalar"}
MLP = {"W1": "matrix(q,n)", "b1": "vector(q)", "W2": "matrix(m,q)", "b2": "vector(m)",
       "x": "vector(n)", "y": "vector(m)"}
MLP_EXPR = "h = relu(W1 x + b1); o = W2 h + b2; sum((o - y).^2)"
NLL = "0.5 logdet(S) + 0.5 (x - mu)' inv(S) (x - mu)"
NLL_VARS = {"S": "matrix(n,n)", "x": "vector(n)", "mu": "vector(n)"}
NLL_SPD = {"S": "spd(n)", "x": "vector(n)", "mu": "vector(n)"}
LOGREG = {"X": "matrix(N,n)", "w": "vector(n)", "y": "vector(N)"}
CHOL = {"S": "spd(n)", "A": "matrix(n,n)", "y": "vector(n)"}
GP = "y' solve(S, y) / 2 + sum(log(diag(chol(S))))"
POS = "positive"
