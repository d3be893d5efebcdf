"""A tiny leaderboard task (two small programs) and one real submission of it, made once."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

TINY_TASK = textwrap.dedent("""\
    name: tiny-test-v0
    description: Two small programs, for the tests.
    env: {id: llvm-ic-v0}
    reward_space: IrInstructionCountOz
    backend: libllvm
    benchmarks:
      uris: [benchmark://cgym-suite-v0/crc32, benchmark://cgym-suite-v0/dijkstra]
    runs_per_benchmark: 1
    walltime_limit_s: 60
    """)


@pytest.fixture(scope="session")
def tiny_task(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("tasks") / "tiny-test-v0.yaml"
    path.write_text(TINY_TASK)
    return path


@pytest.fixture(scope="session")
def ray_session():
    import ray

    from cgym_ray.distributed import init_ray

    init_ray(num_cpus=2)
    yield
    ray.shutdown()


@pytest.fixture(scope="session")
def evaluated(tiny_task, ray_session, tmp_path_factory) -> Path:
    """`leaderboard eval` of random search (40 steps a run) on the tiny task."""
    from cgym_ray.leaderboard.config import LeaderboardJob
    from cgym_ray.leaderboard.runner import run_leaderboard_job

    root = tmp_path_factory.mktemp("eval")
    config = LeaderboardJob.model_validate(
        {
            "name": "random-test",
            "task": str(tiny_task),
            "agent": {"name": "random"},
            "budget": {"steps": 40},
            "ray": {"num_cpus": 2},
            "store": {"path": str(root / "store")},
            "output": {"dir": str(root / "submission")},
        }
    )
    summary = run_leaderboard_job(config, progress=False)
    assert summary.errors == 0, summary.failed
    return root / "submission"


@pytest.fixture
def submission(evaluated, tmp_path) -> Path:
    """A private copy of the evaluated submission, to tamper with."""
    copy = tmp_path / "submission"
    shutil.copytree(evaluated, copy)
    (copy / "validation.json").unlink(missing_ok=True)
    return copy
