"""Records that look like a pass-ordering episode, and a fresh store per test."""

from __future__ import annotations

import random

import pytest

from cgym_ray.store import EpisodeRecord, StepRecord, TrajectoryStore, TrajectoryWriter, new_id

CRC32 = "benchmark://cgym-suite-v0/crc32"
DIJKSTRA = "benchmark://cgym-suite-v0/dijkstra"
OBSERVATION_LENGTH = 56
NUM_ACTIONS = 20


def record_episode(
    writer: TrajectoryWriter,
    benchmark: str = CRC32,
    num_steps: int = 10,
    seed: int = 0,
    episode_id: str | None = None,
    observations: bool = True,
) -> str:
    """Add one episode's steps and its episode row; rewards are `step * 0.5 + seed` (checkable)."""
    rng = random.Random(seed)
    episode_id = episode_id or new_id()
    count, total = 200, 0.0

    def observe() -> list[int] | None:
        return [rng.randrange(300) for _ in range(OBSERVATION_LENGTH)] if observations else None

    initial = observe()
    for step in range(num_steps):
        reward = step * 0.5 + seed
        total += reward
        count -= 1
        writer.add_step(
            StepRecord(
                episode_id=episode_id,
                step=step,
                benchmark=benchmark,
                action=rng.randrange(NUM_ACTIONS),
                action_name=f"pass{step}",
                reward=reward,
                cumulative_reward=total,
                instruction_count=count,
                walltime_s=0.0002,
                terminated=step == num_steps - 1,
                observation=observe(),
            )
        )
    writer.add_episode(
        EpisodeRecord(
            episode_id=episode_id,
            benchmark=benchmark,
            agent="random",
            num_steps=num_steps,
            reward=total,
            seed=seed,
            commandline="function(sroa),instcombine",
            instruction_count_final=count,
            instruction_count_o0=200,
            instruction_count_oz=150,
            backend="libllvm",
            llvm_version="23.1.4",
            walltime_s=0.01,
            observation_space="Autophase" if observations else None,
            reward_space="IrInstructionCount",
            initial_observation=initial,
        )
    )
    return episode_id


@pytest.fixture
def store(tmp_path) -> TrajectoryStore:
    return TrajectoryStore.open(tmp_path / "store")


@pytest.fixture
def run_id(store) -> str:
    return store.begin_run(config={"agent": "random", "steps": 10}, name="unit")
