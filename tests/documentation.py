"""The documentation whose examples the tests execute: README.md and every docs/*.md."""
from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
DOC_FILES = (README, *sorted((ROOT / "docs").glob("*.md")))
