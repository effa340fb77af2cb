"""The server tests need the `web` extra (Starlette, uvicorn): they skip without it, unless
MATCALC_REQUIRE_WEB=1 (as in .ci/run), where a missing extra fails them."""
from __future__ import annotations

import importlib
import os

import pytest


def require_web_extra() -> None:
    for name in ("starlette", "uvicorn"):
        if os.environ.get("MATCALC_REQUIRE_WEB") == "1":
            importlib.import_module(name)
        else:
            pytest.importorskip(name)
