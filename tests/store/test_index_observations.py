"""Index sequences (Inst2vecEmbeddingIndices) in the store: the vector column, one list a step."""

from __future__ import annotations

import gymnasium as gym
import numpy as np

import cgym_ray  # noqa: F401
from cgym_ray.store import EpisodeRecord, StepRecord, TrajectoryStore, new_id

CRC32 = "benchmark://cgym-suite-v0/crc32"


def test_statement_indices_of_different_lengths_round_trip_exactly(tmp_path):
    env = gym.make("llvm-v0", benchmark=CRC32, observation_space="Inst2vecEmbeddingIndices")
    initial, _ = env.reset()
    after = [env.step(env.unwrapped.action_space.index(name))[0] for name in ("sroa", "Oz")]
    env.close()
    assert len({len(initial), *(len(a) for a in after)}) > 1  # passes change the statement count
    store = TrajectoryStore.open(tmp_path / "store")
    run_id = store.begin_run(config={"agent": "manual"}, name="indices")
    episode_id = new_id()
    with store.writer(run_id) as writer:
        for step, observation in enumerate(after):
            writer.add_step(
                StepRecord(
                    episode_id=episode_id,
                    step=step,
                    benchmark=CRC32,
                    action=step,
                    action_name=f"pass{step}",
                    reward=0.0,
                    cumulative_reward=0.0,
                    instruction_count=1,
                    walltime_s=0.001,
                    observation=observation,
                )
            )
        writer.add_episode(
            EpisodeRecord(
                episode_id=episode_id,
                benchmark=CRC32,
                agent="manual",
                num_steps=len(after),
                reward=0.0,
                observation_space="Inst2vecEmbeddingIndices",
                initial_observation=initial,
            )
        )
    steps = store.steps(columns=["step", "observation"]).sort_by("step").to_pylist()
    for row, observation in zip(steps, after, strict=True):
        assert np.array_equal(np.array(row["observation"], dtype=np.int64), observation)
    [episode] = store.episodes(columns=["initial_observation"]).to_pylist()
    assert np.array_equal(np.array(episode["initial_observation"], dtype=np.int64), initial)
