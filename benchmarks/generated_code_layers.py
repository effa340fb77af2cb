"""Network layers for generated_code.py: attention by Q, K and V, layer norm of each row, and
softmax cross-entropy over a batch (by the logits Z and by W with Z = X W). Gradients only,
each at its own sizes (`Case.sizes`, the n of each row: the tokens of attention, the batch of
the others), float64.

Each case holds its matcalc program, the scalar function written once over an array namespace
(`ops(library)`: numpy, jax or torch, each library's own row-wise softmax, log-softmax and
standardisation) and the hand-written NumPy backward pass, the textbook one:

- attention, S = Q Kᵀ / √d, P = softmax_rows(S), loss tr(Gᵀ P V) (G the upstream gradient of
  the output P V): dV = Pᵀ G; dP = G Vᵀ; dS = P ⊙ (dP − rowsums(P ⊙ dP) 𝟏ᵀ); dQ = dS K / √d;
  dK = dSᵀ Q / √d. "Q, K, V" is a training step, the value and the three gradients at once
  (the forward pass and dS shared; value_and_grad against jax.value_and_grad and
  torch.func.grad_and_value);
- layer norm of each row, N = (X − μ 𝟏ᵀ) ⊘ (s 𝟏ᵀ), μ the row means, s = √(row variances + ε),
  loss tr(Gᵀ N): dX = (G − mean_rows(G) 𝟏ᵀ − N ⊙ (mean_rows(G ⊙ N) 𝟏ᵀ)) ⊘ (s 𝟏ᵀ);
- cross-entropy −sum(Y ⊙ log_softmax_rows(Z)): dZ = softmax_rows(Z) ⊙ (rowsums(Y) 𝟏ᵀ) − Y
  (P − Y when the rows of Y sum to 1, as its one-hot data do; the function does not know
  that, so neither does the hand-written form); by W with Z = X W: dW = Xᵀ dZ.

The matcalc programs use the language's softmax_rows, log_softmax_rows and layernorm_rows
(ε = 1e-5). Two more rows spell them out in products with `ones`: "attention written out"
(the training step, softmax_rows(S) as `E ./ (E ones ones')` with E = exp(S), not shifted by
the row maxima: the data keep exp in range) and "layer norm written out", the forms the code
generator's broadcasting of spread vectors was measured on.
"""
from __future__ import annotations

import argparse

import numpy as np
from generated_code_cases import Case

EPS = 1e-5
D = 64  # attention's key width: the programs divide by √d = 8

# ---- the programs --------------------------------------------------------------------------

ATTENTION = "P = softmax_rows(Q K' / 8); tr(G' P V)"
ATTENTION_WRITTEN_OUT = "S = Q K' / 8; E = exp(S); P = E ./ (E ones ones'); tr(G' P V)"
LAYER_NORM = "tr(G' layernorm_rows(X))"
LAYER_NORM_WRITTEN_OUT = ("C = X - (X ones_n) ones_n' / (ones_n' ones_n); "
                          "s = sqrt((C .^ 2) ones_n / (ones_n' ones_n) + 0.00001); "
                          "N = C ./ (s ones_n'); tr(G' N)")
CROSS_ENTROPY = "-sum(Y .* log_softmax_rows(Z))"
CROSS_ENTROPY_W = "Z = X W; " + CROSS_ENTROPY


# ---- each library's row-wise functions (the scalar functions below call them) ---------------

def ops(library: str):
    """softmax_rows, log_softmax_rows, layernorm_rows (ε = EPS) and sum for `library`."""
    if library == "numpy":
        return argparse.Namespace(sum=np.sum, softmax_rows=_softmax_rows,
                                  log_softmax_rows=_log_softmax_rows,
                                  layernorm_rows=lambda X: _layernorm_rows(X)[0])
    if library == "jax":
        import jax
        import jax.numpy as jnp

        return argparse.Namespace(
            sum=jnp.sum, softmax_rows=lambda Z: jax.nn.softmax(Z, axis=1),
            log_softmax_rows=lambda Z: jax.nn.log_softmax(Z, axis=1),
            layernorm_rows=lambda X: jax.nn.standardize(X, axis=1, epsilon=EPS))
    import torch

    return argparse.Namespace(
        sum=torch.sum, softmax_rows=lambda Z: torch.softmax(Z, 1),
        log_softmax_rows=lambda Z: torch.log_softmax(Z, 1),
        layernorm_rows=lambda X: torch.nn.functional.layer_norm(X, X.shape[1:], eps=EPS))


def _softmax_rows(Z):
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)


def _log_softmax_rows(Z):
    shifted = Z - Z.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


def _layernorm_rows(X):
    """(N, s): the normalised rows and each row's √(variance + ε), as a column."""
    C = X - X.mean(axis=1, keepdims=True)
    s = np.sqrt((C * C).mean(axis=1, keepdims=True) + EPS)
    return C / s, s


def attention_value(o, Q, K, V, G, **_):
    return o.sum(G * (o.softmax_rows(Q @ K.T / np.sqrt(D)) @ V))


def layer_norm_value(o, X, G, **_):
    return o.sum(G * o.layernorm_rows(X))


def cross_entropy_value(o, Z, Y, **_):
    return -o.sum(Y * o.log_softmax_rows(Z))


def cross_entropy_w_value(o, X, W, Y, **_):
    return cross_entropy_value(o, X @ W, Y)


# ---- hand-written NumPy backward passes ------------------------------------------------------

def _attention_dS(Q, K, V, G):
    """(P, dS): the softmax of the scores and the gradient by the scores S."""
    P = _softmax_rows(Q @ K.T / np.sqrt(D))
    dP = G @ V.T
    return P, P * (dP - (P * dP).sum(axis=1, keepdims=True))


def attention_dQ(Q, K, V, G, **_):
    return _attention_dS(Q, K, V, G)[1] @ K / np.sqrt(D)


def attention_dK(Q, K, V, G, **_):
    return _attention_dS(Q, K, V, G)[1].T @ Q / np.sqrt(D)


def attention_dV(Q, K, G, **_):
    return _softmax_rows(Q @ K.T / np.sqrt(D)).T @ G


def attention_step(Q, K, V, G, **_):
    """The forward and the backward pass: (tr(Gᵀ P V), (dQ, dK, dV))."""
    P, dS = _attention_dS(Q, K, V, G)
    return np.sum(G * (P @ V)), (dS @ K / np.sqrt(D), dS.T @ Q / np.sqrt(D), P.T @ G)


def layer_norm_dX(X, G, **_):
    N, s = _layernorm_rows(X)
    return (G - G.mean(axis=1, keepdims=True) - N * (G * N).mean(axis=1, keepdims=True)) / s


def cross_entropy_dZ(Z, Y, **_):
    return _softmax_rows(Z) * Y.sum(axis=1, keepdims=True) - Y


def cross_entropy_dW(X, W, Y, **_):
    return X.T @ cross_entropy_dZ(X @ W, Y)


# ---- the cases -------------------------------------------------------------------------------

def _normal(rng, shape):
    return rng.standard_normal(shape)


def _one_hot_rows(rng, shape):
    Y = np.zeros(shape)
    Y[np.arange(shape[0]), rng.integers(shape[1], size=shape[0])] = 1.0
    return Y


def _attention(wrt, hand, name="attention", program=ATTENTION) -> Case:
    """Q and K standard normal, so the scores Q Kᵀ / √d are too (a realistic softmax)."""
    return Case(name, program, {"Q": "matrix(n,d)", "K": "matrix(n,d)",
                                "V": "matrix(n,d)", "G": "matrix(n,d)"},
                wrt, lambda n: {"n": n, "d": D}, data={"Q": _normal, "K": _normal},
                value=attention_value, hand_grad=hand, sizes=(128, 1024))


def _layer_norm(name, program) -> Case:
    return Case(name, program, {"X": "matrix(b,n)", "G": "matrix(b,n)"},
                "X", lambda b: {"b": b, "n": 512}, data={"X": _normal},
                value=layer_norm_value, hand_grad=layer_norm_dX, sizes=(1024,))


LAYER_CASES = [
    _attention("Q", attention_dQ), _attention("K", attention_dK),
    _attention("V", attention_dV), _attention(("Q", "K", "V"), attention_step),
    _attention(("Q", "K", "V"), attention_step, "attention written out", ATTENTION_WRITTEN_OUT),
    _layer_norm("layer norm", LAYER_NORM),
    _layer_norm("layer norm written out", LAYER_NORM_WRITTEN_OUT),
    Case("cross-entropy", CROSS_ENTROPY, {"Z": "matrix(b,k)", "Y": "matrix(b,k)"},
         "Z", lambda b: {"b": b, "k": 1000}, data={"Z": _normal, "Y": _one_hot_rows},
         value=cross_entropy_value, hand_grad=cross_entropy_dZ, sizes=(1024,)),
    Case("cross-entropy", CROSS_ENTROPY_W,
         {"X": "matrix(b,m)", "W": "matrix(m,k)", "Y": "matrix(b,k)"},
         "W", lambda b: {"b": b, "m": 512, "k": 1000}, data={"Y": _one_hot_rows},
         value=cross_entropy_w_value, hand_grad=cross_entropy_dW, sizes=(1024,)),
]
