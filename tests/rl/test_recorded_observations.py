"""configs/ppo-smoke.yaml with `store: {observations: [Autophase]}`: its store exports to
RLlib and Minari, training steps included."""

from __future__ import annotations

import gymnasium as gym
import numpy as np
import pyarrow.parquet as pq
import pytest

from cgym_ray.rl.runner import run_train_job
from cgym_ray.store import TrajectoryStore

from .conftest import smoke_job

pytestmark = pytest.mark.slow  # Ray and RLlib (scripts/test --fast skips it)


def test_ppo_store_with_observations_exports_to_rllib_and_minari(
    ray_cluster, tmp_path, monkeypatch
):
    summary = run_train_job(smoke_job(tmp_path, "store.observations=[Autophase]"), progress=False)
    store = TrajectoryStore.open(tmp_path / "store")
    episodes = store.episodes(run_id=summary.run_id).to_pylist()
    agents = {episode["agent"] for episode in episodes}
    assert {"ppo-train", "ppo", "ppo+guided"} <= agents
    assert all(len(episode["initial_observation"]) == 56 for episode in episodes)
    assert {episode["observation_space"] for episode in episodes} == {"Autophase"}
    steps = store.steps(run_id=summary.run_id)
    train_ids = {e["episode_id"] for e in episodes if e["agent"] == "ppo-train"}
    train_steps = [row for row in steps.to_pylist() if row["episode_id"] in train_ids]
    assert len(train_steps) == summary.env_steps  # every training step, with its observation
    assert steps["observation"].null_count == 0

    # A training episode starts at the unoptimized program's Autophase.
    first = next(e for e in episodes if e["agent"] == "ppo-train")
    env = gym.make("llvm-autophase-ic-v0").unwrapped
    try:
        initial, _ = env.reset(options={"benchmark": first["benchmark"]})
    finally:
        env.close()
    assert first["initial_observation"] == initial.astype(np.float32).tolist()

    file = store.export_rllib(tmp_path / "offline")
    assert pq.read_table(file).num_rows == steps.num_rows

    import minari

    dataset = store.export_minari("cgym/ppo-smoke-v0", minari_root=tmp_path / "minari")
    assert dataset.total_steps == steps.num_rows and dataset.total_episodes == len(episodes)
    monkeypatch.setenv("MINARI_DATASETS_PATH", str(tmp_path / "minari"))
    loaded = minari.load_dataset("cgym/ppo-smoke-v0")
    assert loaded.observation_space == env.observation_space
