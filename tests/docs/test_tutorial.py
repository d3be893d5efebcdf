"""The tutorial notebook runs from top to bottom, as a reader would run it."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

TUTORIAL = Path(__file__).resolve().parents[2] / "docs" / "tutorial.ipynb"


@pytest.mark.slow  # over 4 s on a quiet machine: kept out of the fast lane
def test_the_tutorial_runs_and_saves_the_optimized_program(tmp_path):
    notebook = nbformat.read(TUTORIAL, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=600,
        kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path)}},
    )
    client.execute()  # a cell that raises fails the test, naming the cell
    ir = (tmp_path / "crc32-optimized.ll").read_text()
    assert "define" in ir and "@main" in ir
    assert (tmp_path / "crc32-optimized.bc").read_bytes()[:2] == b"BC"
    assert (tmp_path / "crc32-optimized.o").read_bytes()[:4] == b"\x7fELF"
    header, row = (tmp_path / "crc32-best.csv").read_text().splitlines()
    assert header == "benchmark,reward,walltime,commandline" and row.startswith("benchmark://")
