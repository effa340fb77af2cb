"""The six problems of generated_code.py: matcalc text and declarations, the sizes used for the
gradient and for the Hessian at size n, the data, hand-written NumPy gradients and Hessians
(what a careful person writes; vec Hessians column-major), and the scalar function written once
over an array namespace (numpy, jax or torch) for the autodiff libraries. The `Case` record is
shared with the network layers of generated_code_layers.py and the matrix functions of
generated_code_matrix.py, which carry their own scalar function and hand-written gradient
(`value_of`, `hand_of`).
"""
from __future__ import annotations

import argparse
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

# ---- hand-written NumPy: gradients and Hessians (vec Hessians column-major) -------------------

def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def _softmax(z):
    e = np.exp(z - z.max())
    return e / e.sum()


def _mlp_parts(W1, W2, x, y):
    t = np.tanh(W1 @ x)
    return t, 1.0 - t * t, W2.T @ (W2 @ t - y)


def _mlp_hess(W1, W2, x, y, **_):
    """2 (x xᵀ) ⊗ J, J = diag(-2 t ⊙ (1 - t²) ⊙ W2ᵀ r) + D W2ᵀ W2 D, D = diag(1 - t²), written
    block by block: np.kron with a small right factor is ~3x slower (length-h inner loops)."""
    t, d, g = _mlp_parts(W1, W2, x, y)
    J = (d[:, None] * (W2.T @ W2)) * d
    J[np.diag_indices_from(J)] -= 2 * t * d * g
    (h, n), xx = W1.shape, 2 * np.outer(x, x)
    H = np.empty((n, h, n, h))
    for i in range(h):
        for k in range(h):
            np.multiply(xx, J[i, k], out=H[:, i, :, k])
    return H.reshape(n * h, n * h)


HAND_GRAD = {
    "quadratic": lambda A, x, **_: A @ x + x @ A,
    "least squares": lambda A, x, b, **_: 2 * (A.T @ (A @ x - b)),
    "logistic": lambda X, w, y, **_: X.T @ (_sigmoid(X @ w) - y),
    "factorisation": lambda U, V, M, **_: 2 * ((U @ V.T - M) @ V),
    "softmax CE": lambda W, x, y, **_: np.outer(_softmax(W @ x) - y, x),
    "MLP": lambda W1, W2, x, y, **_: (lambda t, d, g: np.outer(2 * d * g, x))(
        *_mlp_parts(W1, W2, x, y)),
}


def _logistic_hess(X, w, **_):
    s = _sigmoid(X @ w)
    return (X.T * (s * (1 - s))) @ X


def _softmax_hess_x(W, x, **_):
    """Wᵀ (diag(s) - s sᵀ) W, with one n x n product."""
    s = _softmax(W @ x)
    return W.T @ (s[:, None] * W - np.outer(s, s @ W))


HAND_HESS = {
    "quadratic": lambda A, **_: A + A.T,
    "least squares": lambda A, **_: 2 * (A.T @ A),
    "logistic": _logistic_hess,
    "factorisation": lambda U, V, **_: 2 * np.kron(V.T @ V, np.eye(U.shape[0])),
    "softmax CE": _softmax_hess_x,
    "MLP": _mlp_hess,
}

# ---- the scalar functions, written once over an array namespace (numpy, jax or torch) ---------

VALUE = {
    "quadratic": lambda o, A, x, **_: x @ (A @ x),
    "least squares": lambda o, A, x, b, **_: o.sum((A @ x - b) ** 2),
    "logistic": lambda o, X, w, y, **_: o.sum(o.softplus(X @ w)) - y @ (X @ w),
    "factorisation": lambda o, U, V, M, **_: o.sum((U @ V.T - M) ** 2),
    "softmax CE": lambda o, W, x, y, **_: o.logsumexp(W @ x) - y @ (W @ x),
    "MLP": lambda o, W1, W2, x, y, **_: o.sum((W2 @ o.tanh(W1 @ x) - y) ** 2),
}


def numpy_ops():
    def logsumexp(z):
        m = z.max()
        return m + np.log(np.exp(z - m).sum())
    return argparse.Namespace(sum=np.sum, tanh=np.tanh, logsumexp=logsumexp,
                              softplus=lambda z: np.logaddexp(0.0, z))


# ---- the least work of any Hessian implementation: flops of the cheapest closed form ---------
# Counted generously low (a floor, not an estimate): only the leading term, symmetric results at
# the cost of one triangle (a rank-k update Rᵀ R, R k × n: k n² flops, as BLAS syrk does it),
# and nothing for reading the inputs. generated_code.py turns them into milliseconds with the
# machine's peak GEMM rate and compares with the time of writing the result at all.

def _flops_quadratic(s):
    """A + Aᵀ: one add per entry of a triangle, n² / 2."""
    return s["n"] ** 2 / 2


def _flops_least_squares(s):
    """2 AᵀA, A m × n: a rank-m update, m n² (syrk)."""
    return s["m"] * s["n"] ** 2


def _flops_logistic(s):
    """Xᵀ diag(d) X = Rᵀ R, R = diag(√d) X, X N × n: N n² (syrk)."""
    return s["N"] * s["n"] ** 2


def _flops_factorisation(s):
    """2 (VᵀV) ⊗ I_n, V p × r: p r² for VᵀV, then r² n nonzero entries (the rest are zeros)."""
    return s["p"] * s["r"] ** 2 + s["r"] ** 2 * s["n"]


def _flops_softmax(s):
    """Wᵀ (diag(s) - s sᵀ) W = Rᵀ R with R k × n (the middle is positive semidefinite, of
    rank < k): k n² (syrk), the k × k factorisation negligible."""
    return s["k"] * s["n"] ** 2


def _flops_mlp(s):
    """2 (x xᵀ) ⊗ J, J h × h: one multiply per entry of a triangle of the (h n)² result."""
    return (s["h"] * s["n"]) ** 2 / 2


# ---- the cases -------------------------------------------------------------------------------

@dataclass
class Case:
    name: str
    expr: str
    vars: dict[str, str]
    grad_wrt: str | tuple[str, ...]  # a tuple: the gradients by each, from one function
    grad_sizes: Callable[[int], dict[str, int]]
    hess_wrt: str | None = None  # None: no Hessian
    hess_sizes: Callable[[int], dict[str, int]] | None = None
    floor_flops: Callable[[dict[str, int]], float] | None = None  # the Hessian's least flops
    data: dict[str, Callable] = field(default_factory=dict)  # name -> (rng, shape) -> array
    value: Callable | None = None  # the scalar function (ops, **arrays); None: VALUE[name]
    hand_grad: Callable | None = None  # the hand-written gradient; None: HAND_GRAD[name]
    sizes: tuple[int, ...] | None = None  # the n of its rows; None: those of --sizes
    flops: Callable[[dict], float] | None = None  # a matrix function's closed form, from arrays


def value_of(case: Case) -> Callable:
    return case.value or VALUE[case.name]


def hand_of(case: Case, kind: str) -> Callable:
    if kind == "grad":
        return case.hand_grad or HAND_GRAD[case.name]
    return HAND_HESS[case.name]


def _binary(rng, shape):
    return rng.integers(0, 2, shape).astype(float)


def _one_hot(rng, shape):
    y = np.zeros(shape)
    y[rng.integers(shape[0])] = 1.0
    return y


CASES = [
    Case("quadratic", "x' A x", {"A": "matrix(n,n)", "x": "vector(n)"},
         "x", lambda n: {"n": n}, "x", lambda n: {"n": n}, _flops_quadratic),
    Case("least squares", "norm2(A x - b)^2",
         {"A": "matrix(m,n)", "x": "vector(n)", "b": "vector(m)"},
         "x", lambda n: {"m": 2 * n, "n": n}, "x", lambda n: {"m": 2 * n, "n": n},
         _flops_least_squares),
    Case("logistic", "sum(softplus(X w)) - y' X w",
         {"X": "matrix(N,n)", "w": "vector(n)", "y": "vector(N)"},
         "w", lambda n: {"N": 2 * n, "n": n}, "w", lambda n: {"N": 2 * n, "n": n},
         _flops_logistic, {"y": _binary}),
    Case("factorisation", "norm2(U V' - M)^2",
         {"U": "matrix(n,r)", "V": "matrix(p,r)", "M": "matrix(n,p)"},
         "U", lambda n: {"n": n, "p": n, "r": 10}, "U", lambda n: {"n": n, "p": 10, "r": 2},
         _flops_factorisation),
    Case("softmax CE", "logsumexp(W x) - y' W x",
         {"W": "matrix(k,n)", "x": "vector(n)", "y": "vector(k)"},
         "W", lambda n: {"k": 10, "n": n}, "x", lambda n: {"k": 10, "n": n}, _flops_softmax,
         {"y": _one_hot}),
    Case("MLP", "norm2(W2 tanh(W1 x) - y)^2",
         {"W1": "matrix(h,n)", "W2": "matrix(k,h)", "x": "vector(n)", "y": "vector(k)"},
         "W1", lambda n: {"h": 32, "k": 10, "n": n}, "W1", lambda n: {"h": 2, "k": 10, "n": n},
         _flops_mlp),
]


SQUARE_KINDS = ("symmetric", "spd", "diagonal", "lowertri", "orthogonal")  # kind(n): n × n


def shape_of(decl: str, sizes: dict[str, int]) -> tuple[int, ...]:
    kind, _, rest = decl.partition("(")
    if not rest:  # a scalar
        return ()
    dims = rest.rstrip(")").split(",")
    shape = tuple(sizes[d.strip()] for d in dims)
    return shape * 2 if kind in SQUARE_KINDS else shape


def make_arrays(case: Case, sizes: dict[str, int], seed: int = 0) -> dict[str, np.ndarray]:
    """Standard normal data; matrices scaled by 1/sqrt(columns) so products stay O(1)."""
    rng = np.random.default_rng(seed)
    out = {}
    for name, decl in case.vars.items():
        shape = shape_of(decl, sizes)
        if name in case.data:
            out[name] = case.data[name](rng, shape)
        else:
            out[name] = rng.standard_normal(shape) / np.sqrt(shape[-1] if len(shape) > 1 else 1)
    return out


def describe_shapes(case: Case, arrays: dict) -> str:
    return ", ".join(f"{k} {'×'.join(map(str, v.shape))}" for k, v in arrays.items()
                     if k in case.vars)
