"""Every relative link of README.md and docs/*.md leads to a file of the repository, and every
#anchor to a heading of that file (anchors made as GitHub makes them)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from documentation import DOC_FILES, ROOT

LINK = re.compile(r"\]\(([^)\s]+)\)")
FENCE = re.compile(r"^\s*```.*?^\s*```", re.M | re.S)


def anchor(heading: str) -> str:
    """GitHub's anchor of a heading: lowercase, punctuation dropped, spaces as hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def anchors(path: Path) -> set[str]:
    text = FENCE.sub("", path.read_text(encoding="utf-8"))
    return {anchor(m.group(1)) for m in re.finditer(r"^#+ (.+)$", text, re.M)}


LINKS = [(path, target) for path in DOC_FILES
         for target in LINK.findall(FENCE.sub("", path.read_text(encoding="utf-8")))
         if not re.match(r"[a-z]+:", target)]


def test_the_documentation_links_its_pages():
    assert len(LINKS) >= 20


@pytest.mark.parametrize("path, target", LINKS,
                         ids=[f"{p.relative_to(ROOT)}->{t}" for p, t in LINKS])
def test_relative_link_resolves(path, target):
    file, _, fragment = target.partition("#")
    destination = (path.parent / file).resolve() if file else path
    assert destination.is_file() and ROOT in destination.parents, target
    if fragment:
        assert fragment in anchors(destination), (target, sorted(anchors(destination)))
