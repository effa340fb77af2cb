"""Front-end fuzzing: random text (tests/fuzz_text.py) never raises anything but a
MatcalcError and never takes long; structure bombs too. The default run
probes 600 inputs; benchmarks/fuzz.py runs the long search."""
from __future__ import annotations

import os

import pytest
from fuzz_text import FAMILIES, TIME_LIMIT, probe, random_text
from hypothesis import given, settings
from hypothesis import strategies as st

SEEDS = int(os.environ.get("MATCALC_FUZZ_INPUTS", "500"))


def test_random_text_gives_results_or_matcalc_errors():
    outcomes = [(seed, *random_text(seed), probe(random_text(seed)[1])) for seed in range(SEEDS)]
    bad = [(seed, family, text, o.detail) for seed, family, text, o in outcomes
           if o.kind in ("crash", "slow")]
    assert not bad, bad[:5]
    kinds = {o.kind for *_, o in outcomes}
    assert kinds == {"result", "error"}  # the generator reaches both
    assert {family for _, family, _, _ in outcomes} == set(FAMILIES)


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=40))
def test_any_unicode_text(text):
    assert probe(text).kind in ("result", "error")


BOMBS = {
    "1 MB name": "x" * 1_000_000 + " + x",
    "1 MB of spaces": "x" + " " * 1_000_000,
    "100,000 lines": "x\n" * 100_000,
    "10,000 bindings of nothing": "; ".join(f"y{i} = x" for i in range(10_000)) + "; x",
    "NUL in a name": "x\x00y + x",
    "huge exponent": "x * 1e" + "9" * 10_000,
    "20,000 digits": "x * " + "7" * 20_000,
    "5,000 nested calls": "sin(" * 5000 + "x" + ")" * 5000,
    "50,000 transposes": "x" + "'" * 50_000,
}


@pytest.mark.parametrize("name", list(BOMBS))
def test_structure_bombs(name):
    outcome = probe(BOMBS[name])
    assert outcome.kind in ("result", "error"), outcome.detail
    assert outcome.seconds < TIME_LIMIT
