"""Every worked example of the seed texts (tests/data/seed_examples.json), in both layouts.

Each example is checked numerically at two random points of its domains (relu/max arguments kept
away from 0; abstract f(Y) replaced by a concrete smooth f, see numeric.py). Its numerator form
may not have more tokens than the seed's, and the current text of both layouts is pinned in
PRINTED: a change to a printed form must be reviewed and the table updated on purpose.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from numeric import check_derivative, tokens

from matcalc import derive

DATA = Path(__file__).resolve().parent / "data"  # the repository carries its test data
SEEDS = json.loads((DATA / "seed_examples.json").read_text(encoding="utf-8"))
SIZES = SEEDS["sizes"]
EXAMPLES = {e["id"]: e for e in SEEDS["examples"]}
LAYOUTS = ("numerator", "denominator")

# Known library defects, marked xfail(strict=True) so that a fix must remove the entry.
# Empty today: every seed passes in both layouts.
XFAIL_VALUE: dict[tuple[str, str], str] = {}  # (id, layout) -> reason: wrong number / error
XFAIL_FORM: dict[str, str] = {}               # id -> reason: numerator longer than the seed's

# Current str(derive(...)) per seed: (numerator, denominator). Reviewed against the seed's form.
PRINTED = {
    "yao_y_Wx":            ("W", "Wᵀ"),
    "yao_rowvec_Wtx":      ("Wᵀ", "W"),
    "yao_rowvec_dW":       ("I_C ⊗ xᵀ", "I_C ⊗ x"),
    "yao_XW_dX":           ("Wᵀ ⊗ I_N", "W ⊗ I_N"),
    "yao_chain_VWx":       ("V W", "Wᵀ Vᵀ"),
    "pinard_vec_chain":    ("diag(1 - tanh(A x).^2) A", "Aᵀ diag(1 - tanh(A x).^2)"),
    "pinard_multi_chain": (
        "2 (B tanh(A x))ᵀ B diag(1 - tanh(A x).^2) A",
        "2 Aᵀ diag(1 - tanh(A x).^2) Bᵀ B tanh(A x)"),
    "pinard_lsq":          ("2 (X θ - y)ᵀ X", "2 Xᵀ (X θ - y)"),
    "pinard_abs_AXB":      ("∂f/∂Y A", "Aᵀ ∂f/∂Y"),
    "pinard_abs_Axb":      ("∂f/∂y A", "Aᵀ ∂f/∂y"),
    "pinard_abs_XAB":      ("A ∂f/∂Y", "∂f/∂Y Aᵀ"),
    "pinard_abs_Xab":      ("a ∂f/∂y", "∂f/∂y aᵀ"),
    "ph_rule_const":       ("0", "0"),
    "ph_rule_cmul":        ("3", "3"),
    "ph_rule_power":       ("3 x^2", "3 x^2"),
    "ph_rule_sum":         ("2 x + 3", "2 x + 3"),
    "ph_rule_diff":        ("2 x - 3", "2 x - 3"),
    "ph_rule_product":     ("3 x^2", "3 x^2"),
    "ph_rule_chain_ln":    ("2 / x", "2 / x"),
    "ph_rule_operator":    ("18 x + 9", "18 x + 9"),        # seed: 9 + 18 x
    "ph_partial_fx":       ("6 x y", "6 x y"),
    "ph_partial_fy":       ("3 x^2", "3 x^2"),
    "ph_partial_gx":       ("2", "2"),
    "ph_partial_gy":       ("8 y^7", "8 y^7"),
    "ph_identity":         ("I_n", "I_n"),
    "ph_ew_add_w":         ("I_n", "I_n"),
    "ph_ew_add_x":         ("I_n", "I_n"),
    "ph_ew_sub_w":         ("I_n", "I_n"),
    "ph_ew_sub_x":         ("-I_n", "-I_n"),
    "ph_ew_mul_w":         ("diag(x)", "diag(x)"),
    "ph_ew_mul_x":         ("diag(w)", "diag(w)"),
    "ph_ew_div_w":         ("diag(1 ⊘ x)", "diag(1 ⊘ x)"),
    "ph_ew_div_x":         ("-diag(w ⊘ x.^2)", "-diag(w ⊘ x.^2)"),
    "ph_sx_add_x":         ("I_n", "I_n"),
    "ph_sx_add_z":         ("𝟏_n", "𝟏_nᵀ"),                 # vector by scalar: n × 1
    "ph_sx_mul_x":         ("z I_n", "z I_n"),
    "ph_sx_mul_z":         ("x", "xᵀ"),
    "ph_sum_x":            ("𝟏_nᵀ", "𝟏_n"),
    "ph_sum_xz_x":         ("z 𝟏_nᵀ", "z 𝟏_n"),
    "ph_sum_xz_z":         ("sum(x)", "sum(x)"),
    "ph_dot_x":            ("wᵀ", "w"),
    "ph_dot_w_chain":      ("xᵀ", "x"),
    "ph_chain_sin_sq":     ("2 x cos(x^2)", "2 x cos(x^2)"),
    "ph_chain_ln_sin":     ("6 x^2 cos(x^3) / sin(x^3)", "6 x^2 cos(x^3) / sin(x^3)"),
    "ph_total_x_plus_x2":  ("2 x + 1", "2 x + 1"),
    "ph_total_sin":        ("(2 x + 1) cos(x^2 + x)", "(2 x + 1) cos(x^2 + x)"),  # reorders x + x^2
    "ph_total_x_times_x2": ("3 x^2", "3 x^2"),
    "ph_vecfn_sin3x":      ("3 cos(3 x)", "3 cos(3 x)"),
    "ph_vecfn_of_scalar":  ("v ⊙ cos(x v + w)", "(v ⊙ cos(x v + w))ᵀ"),
    "ph_vec_chain_diag":   ("2 diag(x ⊙ cos(x.^2))", "2 diag(x ⊙ cos(x.^2))"),
    "ph_affine_w":         ("xᵀ", "x"),
    "ph_affine_b":         ("1", "1"),
    "ph_relu_vec":         ("diag(x > 0)", "diag(x > 0)"),
    "ph_neuron_w":         ("(wᵀ x + b > 0) xᵀ", "(wᵀ x + b > 0) x"),
    "ph_neuron_b":         ("(wᵀ x + b > 0)", "(wᵀ x + b > 0)"),
    "ph_mse_w": (
        "(2/N) ((X w + b > 0) ⊙ (relu(X w + b) - y))ᵀ X",
        "(2/N) Xᵀ ((X w + b > 0) ⊙ (relu(X w + b) - y))"),
    "ph_mse_b": (
        "2 mean((X w + b > 0) ⊙ (relu(X w + b) - y))",
        "2 mean((X w + b > 0) ⊙ (relu(X w + b) - y))"),
}


def _xfail(reasons: dict, key) -> list:
    return [pytest.mark.xfail(strict=True, reason=reasons[key])] if key in reasons else []


def _cases(reasons: dict | None = None) -> list:
    return [pytest.param(sid, layout, id=f"{sid}-{layout}",
                         marks=_xfail(reasons or {}, (sid, layout)))
            for sid in EXAMPLES for layout in LAYOUTS]


def _derive(example: dict, layout: str):
    return derive(example["expr"], example["wrt"], vars=example["vars"], layout=layout)


@pytest.mark.parametrize("sid, layout", _cases(XFAIL_VALUE))
def test_seed_value(sid: str, layout: str, rng) -> None:
    e = EXAMPLES[sid]
    check_derivative(e["expr"], e["wrt"], e["vars"], SIZES, e.get("domains"), layout,
                     points=2, rng=rng, abstract=e.get("abstract", ()))


@pytest.mark.parametrize("sid", [pytest.param(s, marks=_xfail(XFAIL_FORM, s)) for s in EXAMPLES])
def test_seed_form_not_longer(sid: str) -> None:
    got, want = str(_derive(EXAMPLES[sid], "numerator")), EXAMPLES[sid]["numerator"]
    assert len(tokens(got)) <= len(tokens(want)), f"{got!r} is longer than the seed's {want!r}"


@pytest.mark.parametrize("sid, layout", _cases())
def test_seed_printed(sid: str, layout: str) -> None:
    assert str(_derive(EXAMPLES[sid], layout)) == PRINTED[sid][LAYOUTS.index(layout)]


@pytest.mark.parametrize("sid, layout", _cases())
def test_seed_renders(sid: str, layout: str) -> None:
    d = _derive(EXAMPLES[sid], layout)
    assert d.text(ascii=True).isascii() and d.latex()
    want = [(a["symbol"], a["ascii"]) for a in EXAMPLES[sid].get("abstract", ())]
    assert d.symbols() == want


def test_every_seed_is_pinned() -> None:
    assert set(PRINTED) == set(EXAMPLES)
