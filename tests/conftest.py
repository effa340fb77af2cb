"""Shared fixtures: a seeded random generator per test.

Each test draws from its own stream, fixed by the test's id and MATCALC_TEST_SEED (default 0),
so a failure reproduces exactly and reordering or selecting tests changes nothing.
"""
from __future__ import annotations

import os
import zlib

import numpy as np
import pytest

SEED = int(os.environ.get("MATCALC_TEST_SEED", "0"))


@pytest.fixture
def rng(request: pytest.FixtureRequest) -> np.random.Generator:
    return np.random.default_rng([SEED, zlib.crc32(request.node.nodeid.encode())])
