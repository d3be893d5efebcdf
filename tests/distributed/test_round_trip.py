"""Steps → episodes → CompilerGym CSV → replay through validate gives the same rewards."""

from __future__ import annotations

import gymnasium as gym
import pytest

import cgym_ray  # noqa: F401
from cgym_ray.distributed.recording import StoreReporter
from cgym_ray.envs import read_csv, validate
from cgym_ray.search import AGENTS
from cgym_ray.search.common import Budget
from cgym_ray.store import TrajectoryStore

pytestmark = pytest.mark.slow  # Ray (scripts/test --fast skips it)


def test_recorded_episodes_replay_to_their_rewards(tmp_path):
    store = TrajectoryStore.open(tmp_path / "store")
    run_id = store.begin_run(config={"test": "round trip"}, name="round-trip")
    with store.writer(run_id) as writer:
        reporter = StoreReporter(writer, "random", {"patience": 8})
        for name in ("crc32", "lzw"):
            AGENTS["random"](
                lambda: gym.make("llvm-ic-v0").unwrapped,
                f"benchmark://cgym-suite-v0/{name}",
                Budget(steps=40),
                seed=1,
                report=reporter,
                patience=8,
            )
    store.refresh()
    steps = store.steps(run_id=run_id).to_pandas()
    episodes = store.episodes(run_id=run_id).to_pandas()
    assert len(steps) == reporter.steps and len(episodes) == reporter.episodes >= 2
    # Each episode's reward is the sum of its steps' rewards.
    sums = steps.groupby("episode_id")["reward"].sum()
    for _, episode in episodes.iterrows():
        assert sums[episode["episode_id"]] == pytest.approx(episode["reward"], rel=1e-9, abs=1e-12)
    csv = tmp_path / "episodes.csv"
    store.export_compilergym_csv(csv, run_id=run_id)
    states = read_csv(csv)
    assert len(states) == len(episodes)
    for state in states:
        result = validate(state, check_behaviour=False, reward_space="IrInstructionCountOz")
        assert result.ok, str(result)
