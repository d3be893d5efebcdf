"""Shared fixtures. Workers started by the tests accept injected faults."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

# Must be set before any compiler worker starts: workers read it at request time
# from their own environment, which they inherit from this process.
os.environ["CGYM_FAULT_INJECTION"] = "1"
# Every Ray the tests start (ray.init() in a test included) stays on 127.0.0.1:
# Ray reads this before it is imported. Multi-node tests run in their own netns.
os.environ.setdefault("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "0")

SMALL_PROGRAMS = ("crc32", "dijkstra", "sha256")


@pytest.fixture(scope="session")
def suite_bitcode() -> dict[str, bytes]:
    """Bitcode of every built-in program, by name."""
    from cgym_ray.datasets import get_dataset

    suite = get_dataset("cgym-suite-v0")
    return {name: suite.benchmark(name).bitcode() for name in suite.benchmark_names()}


@pytest.fixture(scope="session")
def crc32_bitcode(suite_bitcode) -> bytes:
    return suite_bitcode["crc32"]


QUICKSTART_PROGRAMS = "[benchmark://cgym-suite-v0/crc32,benchmark://cgym-suite-v0/binary_search]"


def run_quickstart(tmp_path, *overrides: str, uris: str = QUICKSTART_PROGRAMS):
    """configs/quickstart.yaml on `uris` with a 1 s budget, into its own store (a Ray job)."""
    from cgym_ray.store import TrajectoryStore

    command = [
        sys.executable,
        "-m",
        "cgym_ray",
        "run",
        "configs/quickstart.yaml",
        "--quiet",
        "budget.seconds=1",
        "benchmarks.datasets=[]",
        f"benchmarks.uris={uris}",
        f"store.path={tmp_path / 'store'}",
        f"output.dir={tmp_path / 'out'}",
        *overrides,
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    return TrajectoryStore.open(tmp_path / "store", create=False)
