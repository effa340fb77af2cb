"""The notebooks in notebooks/ run from top to bottom without an error (slow: one kernel each).

Each notebook is executed with nbclient in a kernel that runs this interpreter (a kernel spec
written for the test, so a `python3` kernel installed elsewhere on the machine is never used).
Beyond "no cell raises", each notebook must show a numeric check (`.check()`), no check may
print a disagreement, and the committed copy must carry its outputs (executed before commit)
and keep them small.

Run: pip install -e ".[notebooks]" && python -m pytest -m slow tests/test_notebooks.py
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")
from jupyter_client.kernelspec import KernelSpecManager  # noqa: E402  (after the skips)
from jupyter_client.manager import KernelManager  # noqa: E402

NOTEBOOKS = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("*.ipynb"))
EXPECTED = {"01_quickstart", "02_layouts_and_kronecker", "03_deep_learning", "04_matrix_cookbook"}
MAX_BYTES = 100_000  # outputs are kept small: print shapes or a few entries, not arrays
TIMEOUT = 120  # seconds per cell


def test_the_notebooks_are_there():
    assert EXPECTED <= {path.stem for path in NOTEBOOKS}


@pytest.fixture(scope="module")
def kernel_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A kernel spec named python3 that starts ipykernel with this interpreter."""
    root = tmp_path_factory.mktemp("kernels")
    (root / "python3").mkdir()
    spec = {"argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
            "display_name": "Python 3", "language": "python"}
    (root / "python3" / "kernel.json").write_text(json.dumps(spec))
    return root


def code_cells(nb) -> list:
    return [cell for cell in nb.cells if cell.cell_type == "code"]


def output_text(cell) -> str:
    parts = []
    for out in cell.get("outputs", []):
        if out.get("output_type") == "stream":
            parts.append(out.get("text", ""))
        for value in out.get("data", {}).values():
            parts.append(value if isinstance(value, str) else json.dumps(value))
    return "".join(parts)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_committed_notebook(path: Path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    cells = code_cells(nb)
    assert any(".check(" in cell.source for cell in cells), \
        f"{path.name} shows no numeric check (d.check())"
    unexecuted = [i for i, cell in enumerate(cells) if cell.source.strip()
                  and cell.execution_count is None]
    assert not unexecuted, f"{path.name}: code cells {unexecuted} were committed without outputs"
    assert path.stat().st_size < MAX_BYTES, f"{path.name} is {path.stat().st_size} bytes"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs(path: Path, kernel_dir: Path):
    nb = nbformat.read(path, as_version=4)
    manager = KernelManager(kernel_name="python3",
                            kernel_spec_manager=KernelSpecManager(kernel_dirs=[str(kernel_dir)]))
    client = nbclient.NotebookClient(nb, km=manager, timeout=TIMEOUT, record_timing=False,
                                     resources={"metadata": {"path": str(path.parent)}})
    client.execute(cleanup_kc=True)  # shuts the kernel down; raises CellExecutionError on an error
    outputs = "\n".join(output_text(cell) for cell in code_cells(nb))
    assert "check: agrees with" in outputs
    assert "DISAGREES" not in outputs, f"a check in {path.name} disagrees with finite differences"
