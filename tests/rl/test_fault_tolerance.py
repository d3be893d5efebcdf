"""A compiler abort inside an env runner ends that episode; training goes on.

By default the env ends the episode itself (terminated, reward 0) and sampling
goes on. With `on_compiler_error: recreate`, RLlib answers
`StepFailedRecreateEnvError` by rebuilding the env and restarting the env
runner's current `sample()` call from zero, so a sample needs
`rollout_fragment_length` (here 100) steps without a failure: the injected abort
comes every 150 steps of an env's life there.
"""

from __future__ import annotations

import pytest

from cgym_ray.rl.runner import run_train_job
from cgym_ray.store import TrajectoryStore

from .conftest import smoke_job

pytestmark = pytest.mark.slow  # Ray and RLlib (scripts/test --fast skips it)


def episode_statuses(store_path, run_id: str) -> dict[str, int]:
    store = TrajectoryStore.open(store_path)
    rows = store.query(
        f"SELECT status, count(*) AS n FROM episodes WHERE run_id = '{run_id}' GROUP BY status"
    ).to_pylist()
    return {row["status"]: row["n"] for row in rows}


@pytest.mark.parametrize("mode, every_n_steps", [("terminate", 50), ("recreate", 150)])
def test_training_goes_on_through_injected_compiler_aborts(
    ray_cluster, tmp_path, mode, every_n_steps
):
    job = smoke_job(
        tmp_path,
        f"fault_injection.every_n_steps={every_n_steps}",
        "fault_injection.kind=abort",
        f"on_compiler_error={mode}",
        "iterations=4",
        "checkpoint_every=0",
        "eval.interval=0",
        "eval.splits={}",
    )
    summary = run_train_job(job, progress=False)
    assert summary.iterations == 4 and summary.env_steps >= 400
    counts = episode_statuses(tmp_path / "store", summary.run_id)
    assert counts.get("error", 0) >= 2 and counts.get("ok", 0) >= 1
    if mode == "recreate":
        assert summary.env_step_failures >= 2  # RLlib saw each abort and rebuilt the env
    else:
        assert summary.env_step_failures == 0  # the env ended each episode itself
