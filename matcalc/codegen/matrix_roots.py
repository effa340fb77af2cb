"""Code for the principal square root and logarithm of a general real X in jax and torch, which
have neither (jax's sqrtm is complex Schur and has no derivative; torch has no sqrtm, no logm).

- √X: the scaled Denman–Beavers product iteration (Higham, *Functions of Matrices*, (6.29)):
  M₀ = Y₀ = X, μₖ = |det Mₖ|^(−1/(2n)) while the relative change of Y exceeds 10⁻²,
  Yₖ₊₁ = ½ μₖ Yₖ (I + μₖ⁻² Mₖ⁻¹), Mₖ₊₁ = ½ I + ¼ (μₖ² Mₖ + μₖ⁻² Mₖ⁻¹), so Yₖ → √X, Mₖ → I;
  the convergence is quadratic, so it stops one step after the relative change of Y falls to
  10⁻⁹, with a cap of 100 steps (not converged: ValueError in torch, NaN in jax).
- log X: inverse scaling and squaring (Higham §11.5): k ≤ 20 square roots until
  ‖X^(1/2^k) − I‖₁ ≤ 1/4 (a far from normal X, whose roots approach I slowly, is refused: the
  factor 2^k would magnify rounding past 2^20 u ≈ 2 × 10⁻¹⁰), then log X = 2^k log(I + A),
  A = X^(1/2^k) − I, with log(I + A) = ∫₀¹ A (I + t A)⁻¹ dt by the 8-point Gauss–Legendre
  rule, which is the [8/8] Padé approximant of log(I + A), accurate to rounding for
  ‖A‖ ≤ θ₈ ≈ 0.37 (Higham table 11.1).
- L_f(X, E) for f = log (both) and sqrt (torch) by the block identity
  f([[X, tE], [0, X]]) = [[f(X), t L_f(X, E)], [0, f(X)]], E scaled by t = ‖X‖₁ / ‖E‖₁ (the
  block method is accurate for ‖E‖ ≈ ‖X‖); the 2n × 2n block has X's eigenvalues, so it is off
  the cut exactly where X is. (A Kronecker solve of S L + L S = E costs n⁶ and an eigenvector
  solve loses accuracy with X's eigenvector conditioning; the block costs a 2n × 2n sqrtm.)
An argument with an eigenvalue on the closed negative real axis (|Im λ| ≤ 10⁻¹² max(1, |λ|),
Re λ ≤ 0, evaluate's test) or not finite raises ValueError; jax raises it where the argument is
a value and returns NaN under jax.jit (a traced value cannot raise). In jax, sqrtm and logm get
their reverse-mode derivative as the adjoint L_f(Xᵀ, G) (jax.custom_vjp), so jax.grad and
jax.jit(jax.grad) go through them; forward mode (jax.jvp, jacfwd) does not. torch's autograd
and torch.func.grad differentiate the iteration itself (its steps decided on detached values).
"""
from __future__ import annotations

import numpy as np

_POINTS = 8
_NODES, _WEIGHTS = np.polynomial.legendre.leggauss(_POINTS)  # on [−1, 1]


def _listed(values) -> str:
    """The floats as a list literal, three to a line (exact: repr round-trips)."""
    rows = [", ".join(repr(float(v)) for v in values[i:i + 3]) for i in range(0, len(values), 3)]
    return "[" + ",\n        ".join(rows) + "]"



_CUT = "'(X): X has an eigenvalue on the closed negative real axis'"
_UNCONVERGED = "'(X): the square root iteration did not converge'"
_ROOTS = 20  # at most: log X = 2^k log(I + A) magnifies A's rounding 2^k times (2^20 u ≈ 2e-10)
_TOO_FAR = ("'(X): X is too far from normal for inverse scaling and squaring (more than "
            f"{_ROOTS} square roots to approach I)'")

_LOG_NEAR_IDENTITY = (
    "def _log_near_identity(a):  # log(I + A) = ∫₀¹ A (I + t A)⁻¹ dt, 8-point Gauss–Legendre\n"
    f"    nodes = {{m}}.asarray({_listed((_NODES + 1) / 2)}, dtype=a.dtype)[:, None, None]\n"
    f"    weights = {{m}}.asarray({_listed(_WEIGHTS / 2)}, dtype=a.dtype)[:, None, None]\n"
    "    eye = {m}.eye(a.shape[0], dtype=a.dtype)\n"
    "    many = {m}.broadcast_to(a, (nodes.shape[0],) + a.shape)\n"
    "    return (weights * {m}.linalg.solve(eye + nodes * a, many)).sum(0)")

_BY_BLOCKS = (
    "def _by_blocks(f, x, e):  # L_f(X, E): f([[X, t E], [0, X]])'s corner / t, t = |X|/|E|\n"
    "    n = x.shape[0]\n"
    "    size = {m}.linalg.norm(e, 1)\n"
    "    t = {m}.where(size > 0, {m}.linalg.norm(x, 1) / {m}.where(size > 0, size, 1.0), 1.0)\n"
    "    top = {m}.concatenate([x, t * e], 1)\n"
    "    bottom = {m}.concatenate([0 * x, x], 1)\n"
    "    return f({m}.concatenate([top, bottom], 0))[:n, n:] / t")


_REFUSE_CUT = (
    "def _refuse_cut(name, x):  # ValueError where X has an eigenvalue on (-inf, 0]\n"
    "    if not {m}.isfinite(x).all():\n"
    "        raise ValueError(name + '(X): X is not finite')\n"
    "    lam = {m}.linalg.eigvals(x)\n"
    "    size = {m}.abs(lam)\n"
    "    near = {m}.abs(lam.imag) <= 1e-12 * {m}.where(size > 1.0, size, 1.0)\n"
    "    if ((lam.real <= 0) & near).any():\n"
    f"        raise ValueError(name + {_CUT})")


def refuse_cut(module: str) -> str:
    """The helper _refuse_cut(name, x) over an array module (np or torch): ValueError where x
    is not finite or has an eigenvalue λ with Re λ ≤ 0, |Im λ| ≤ 10⁻¹² max(1, |λ|)."""
    return _REFUSE_CUT.format(m=module)


def _shared(module: str) -> dict[str, str]:
    """The helpers written once over an array module (jnp or torch)."""
    return {"_log_near_identity": _LOG_NEAR_IDENTITY.format(m=module),
            "_by_blocks": _BY_BLOCKS.format(m=module),
            "_frechet_log": "def _frechet_log(x, e):  # L_log(X, E) by the block identity\n"
                            "    return _by_blocks(_logm, x, e)"}


TORCH_HELPERS = {
    **_shared("torch"),
    "_refuse_cut": refuse_cut("torch"),
    "_sqrt_iteration": (
        "def _sqrt_iteration(name, x):  # √X: the scaled Denman–Beavers product iteration\n"
        "    n = x.shape[0]\n"
        "    eye = torch.eye(n, dtype=x.dtype)\n"
        "    m, y, change, last, k = x, x, 1.0, False, 0\n"
        "    while not last:  # quadratic: one step past a change of 1e-9 reaches rounding\n"
        "        if k == 100 or not change == change:\n"
        f"            raise ValueError(name + {_UNCONVERGED})\n"
        "        last = change <= 1e-9\n"
        "        inv = torch.linalg.inv(m)\n"
        "        mu = torch.exp(-torch.linalg.slogdet(m)[1] / (2 * n)) if change > 1e-2 else 1.0\n"
        "        step = 0.5 * mu * y @ (eye + inv / mu ** 2)\n"
        "        m = 0.5 * eye + 0.25 * (mu ** 2 * m + inv / mu ** 2)\n"
        "        moved = torch.linalg.norm(step - y, 1) / torch.linalg.norm(step, 1)\n"
        "        change = float(moved.detach())  # (decides the steps; not differentiated)\n"
        "        y, k = step, k + 1\n"
        "    return y"),
    "_sqrtm": (
        "def _sqrtm(x):  # the principal square root\n"
        "    _refuse_cut('sqrtm', x)\n"
        "    return _sqrt_iteration('sqrtm', x)"),
    "_logm": (
        "def _logm(x):  # the principal logarithm by inverse scaling and squaring\n"
        "    _refuse_cut('logm', x)\n"
        "    eye = torch.eye(x.shape[0], dtype=x.dtype)\n"
        "    k = 0\n"
        "    while float(torch.linalg.norm(x - eye, 1).detach()) > 0.25:  # then log(I + A)\n"
        f"        if k == {_ROOTS}:\n"
        f"            raise ValueError('logm' + {_TOO_FAR})\n"
        "        x, k = _sqrt_iteration('logm', x), k + 1\n"
        "    return 2.0 ** k * _log_near_identity(x - eye)"),
    "_frechet_sqrt": "def _frechet_sqrt(x, e):  # L_sqrt(X, E) by the block identity\n"
                     "    return _by_blocks(_sqrtm, x, e)",
}

JAX_HELPERS = {
    **_shared("jnp"),
    "_off_cut": (
        "def _off_cut(name, x, value):  # ValueError (NaN under jit) where X has an eigenvalue\n"
        "    lam = jnp.linalg.eigvals(x)  # on (-inf, 0] or the iteration failed (NaN)\n"
        "    near = jnp.abs(lam.imag) <= 1e-12 * jnp.maximum(jnp.abs(lam), 1.0)\n"
        "    cut = jnp.any((lam.real <= 0) & near) | ~jnp.all(jnp.isfinite(x))\n"
        "    failed = ~jnp.all(jnp.isfinite(value))\n"
        "    if not isinstance(cut, jax.core.Tracer) and cut:\n"
        f"        raise ValueError(name + {_CUT})\n"
        "    if not isinstance(failed, jax.core.Tracer) and failed:\n"
        f"        raise ValueError(name + {_UNCONVERGED})\n"
        "    return jnp.where(cut, jnp.nan, value)"),
    "_sqrt_iteration": (
        "def _sqrt_iteration(x):  # √X: the scaled Denman–Beavers product iteration, NaN if it\n"
        "    n = x.shape[0]  # does not converge in 100 steps\n"
        "    eye = jnp.eye(n, dtype=x.dtype)\n"
        "\n"
        "    def going(state):\n"
        "        return (state[3] < 100) & ~state[4]\n"
        "\n"
        "    def step(state):  # quadratic: one step past a change of 1e-9 reaches rounding\n"
        "        m, y, change, k, _ = state\n"
        "        inv = jnp.linalg.inv(m)\n"
        "        scaled = jnp.exp(-jnp.linalg.slogdet(m)[1] / (2 * n))\n"
        "        mu = jnp.where(change > 1e-2, scaled, 1.0)\n"
        "        ahead = 0.5 * mu * y @ (eye + inv / mu ** 2)\n"
        "        m_next = 0.5 * eye + 0.25 * (mu ** 2 * m + inv / mu ** 2)\n"
        "        moved = jnp.linalg.norm(ahead - y, 1) / jnp.linalg.norm(ahead, 1)\n"
        "        return m_next, ahead, moved, k + 1, change <= 1e-9\n"
        "\n"
        "    start = (x, x, jnp.asarray(1.0, x.dtype), jnp.asarray(0), jnp.asarray(False))\n"
        "    _, y, _, _, done = jax.lax.while_loop(going, step, start)\n"
        "    return jnp.where(done, y, jnp.nan)"),
    "_sqrtm": (
        "@jax.custom_vjp\n"
        "def _sqrtm(x):  # the principal square root; its adjoint: L_sqrt(Xᵀ, G)\n"
        "    return _off_cut('sqrtm', x, _sqrt_iteration(x))\n"
        "\n\n"
        "_sqrtm.defvjp(lambda x: (_sqrtm(x), x), lambda x, g: (_frechet_sqrt(x.T, g),))"),
    "_logm": (
        "@jax.custom_vjp\n"
        "def _logm(x):  # the principal logarithm by inverse scaling and squaring; its adjoint:\n"
        "    eye = jnp.eye(x.shape[0], dtype=x.dtype)  # L_log(Xᵀ, G)\n"
        "\n"
        "    def far(state):  # then log(I + A) by 8 nodes; NaN (a failed root) stops it\n"
        f"        return (jnp.linalg.norm(state[0] - eye, 1) > 0.25) & (state[1] < {_ROOTS})\n"
        "\n"
        "    root, k = jax.lax.while_loop(far, lambda s: (_sqrt_iteration(s[0]), s[1] + 1),\n"
        "                                 (x, jnp.asarray(0)))\n"
        "    near = jnp.linalg.norm(root - eye, 1) <= 0.25\n"
        "    if not isinstance(near, jax.core.Tracer) and not near and jnp.all(root == root):\n"
        f"        raise ValueError('logm' + {_TOO_FAR})\n"
        "    value = 2.0 ** k * _log_near_identity(root - eye)\n"
        "    return _off_cut('logm', x, jnp.where(near, value, jnp.nan))\n"
        "\n\n"
        "_logm.defvjp(lambda x: (_logm(x), x), lambda x, g: (_frechet_log(x.T, g),))"),
}
