"""A compiler abort inside an env runner drops that episode; training goes on.

RLlib answers `StepFailedRecreateEnvError` by rebuilding the env and restarting the
env runner's current `sample()` call from zero, so a sample needs
`rollout_fragment_length` (here 100) steps without a failure: the injected abort
comes every 150 steps of an env's life.
"""

from __future__ import annotations

import pytest

from cgym_ray.rl.runner import run_train_job
from cgym_ray.store import TrajectoryStore

from .conftest import smoke_job

pytestmark = pytest.mark.slow  # Ray and RLlib (scripts/test --fast skips it)


def test_training_goes_on_through_injected_compiler_aborts(ray_cluster, tmp_path):
    job = smoke_job(
        tmp_path,
        "fault_injection.every_n_steps=150",
        "fault_injection.kind=abort",
        "iterations=4",
        "checkpoint_every=0",
        "eval.interval=0",
        "eval.splits={}",
    )
    summary = run_train_job(job, progress=False)
    assert summary.iterations == 4 and summary.env_steps >= 400
    assert summary.env_step_failures >= 2  # one abort per 150 steps; training went on
    store = TrajectoryStore.open(tmp_path / "store")
    statuses = store.query(
        f"SELECT status, count(*) AS n FROM episodes WHERE run_id = '{summary.run_id}' GROUP BY status"
    ).to_pylist()
    counts = {row["status"]: row["n"] for row in statuses}
    assert counts.get("error", 0) >= 2 and counts.get("ok", 0) >= 1
