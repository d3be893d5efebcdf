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


def _write_test_ir2vec_vocabulary() -> str:
    """A vocabulary the tests make, in LLVM's layout (three sections, 75-D seeds with every
    key LLVM 23 looks up), so that IR2Vec is tested on a machine that cannot download
    LLVM's file. Values are seeded, with three decimals; the file is the same every run."""
    import json
    import random
    import tempfile
    from pathlib import Path

    from cgym_ray.llvm.ir2vec import OPCODE_KEYS, OPERAND_KEYS, TYPE_KEYS

    rng = random.Random(0)

    def seeds(keys) -> dict[str, list[float]]:
        return {k: [round(rng.uniform(-1, 1), 3) for _ in range(75)] for k in sorted(set(keys))}

    text = json.dumps(
        {
            "Opcodes": seeds(OPCODE_KEYS.values()),
            "Types": seeds(TYPE_KEYS.values()),
            "Arguments": seeds(OPERAND_KEYS),
        }
    )
    folder = Path(tempfile.gettempdir()) / f"cgym-test-ir2vec-{os.getuid()}"
    folder.mkdir(exist_ok=True)
    path = folder / "vocabulary-75d-seed0.json"
    if not path.exists() or path.read_text() != text:
        partial = folder / f".{os.getpid()}.json"
        partial.write_text(text)
        os.replace(partial, path)  # pytest-xdist workers write the same bytes
    return str(path)


# Set before anything imports the observation spaces or starts a worker (both read it).
os.environ["CGYM_IR2VEC_VOCABULARY"] = _write_test_ir2vec_vocabulary()

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


def random_pass_walk(backend, module, steps: int, seed: int):
    """Yield 0 with `module` as loaded, then each step after a random single pass (seeded)
    applied as the env applies it (its function attributes, then its pipeline)."""
    import random

    passes = [action for action in backend.actions if not action.is_macro]
    rng = random.Random(seed)
    for step in range(steps):
        if step:
            action = rng.choice(passes)
            if action.attributes:
                module.add_function_attributes(action.attributes)
            if action.pipeline:  # attributes-only actions run no pass
                module.run_pipeline(action.pipeline)
        yield step


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


# How the session ended, for `pytest_unconfigure`.
_EXIT_STATUS: list[int] = []


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    _EXIT_STATUS.append(int(exitstatus))


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config: pytest.Config) -> None:
    """End the test process with pytest's status, without the interpreter's teardown.

    Twice in about a dozen fresh-clone CI runs the process died with SIGSEGV
    (rc 139) after pytest had printed every test passed, with no Python stack
    even under `-X faulthandler`: a crash in the exit-time teardown of the
    native libraries this process loads (libLLVM, Ray's core worker, torch,
    Arrow), not reproduced on demand. Every report has been written by now,
    so the process ends here (an xdist worker is left to its controller).
    """
    if _EXIT_STATUS and not hasattr(config, "workerinput"):
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(_EXIT_STATUS[-1])
