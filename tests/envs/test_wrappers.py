"""The wrappers, alone and stacked."""

from __future__ import annotations

import gymnasium as gym
import numpy as np

import cgym_ray  # noqa: F401
from cgym_ray.envs.wrappers import (
    ActionHistory,
    AutophaseNormalized,
    CommandlineWithTerminalAction,
    ConstrainedCommandline,
    CycleOverBenchmarks,
    RandomOrderBenchmarks,
)

BENCHMARKS = [
    "benchmark://cgym-suite-v0/crc32",
    "benchmark://cgym-suite-v0/sha256",
    "benchmark://cgym-suite-v0/md5",
]


def test_all_wrappers_stack_and_give_flat_spaces():
    env = gym.make("llvm-autophase-ic-v0")
    env = CycleOverBenchmarks(env, BENCHMARKS)
    env = ConstrainedCommandline(env, ["sroa", "instcombine", "simplifycfg", "gvn"])
    env = CommandlineWithTerminalAction(env)
    env = AutophaseNormalized(env)
    env = ActionHistory(env, normalize_by=10)
    env = gym.wrappers.TimeLimit(env, max_episode_steps=3)
    assert env.action_space.n == 5
    assert env.observation_space.shape == (56 + 5,)
    seen = []
    for _ in range(4):
        obs, info = env.reset()
        seen.append(info["benchmark"])
        assert env.observation_space.contains(obs)
        steps, truncated = 0, False
        while not truncated:
            obs, _, terminated, truncated, _ = env.step(0)
            steps += 1
            assert not terminated and env.observation_space.contains(obs)
        assert steps == 3 and obs[56] == 0.3  # three sroa steps, ÷ 10
    assert seen == BENCHMARKS + BENCHMARKS[:1]
    env.close()


def test_constrained_actions_map_to_catalogue_indices():
    env = ConstrainedCommandline(gym.make("llvm-ic-v0", benchmark=BENCHMARKS[0]), ["gvn", "sroa"])
    env.reset()
    env.step(1)
    assert env.unwrapped.commandline() == "sroa"
    env.close()


def test_terminal_action_ends_the_episode_without_a_pass():
    env = CommandlineWithTerminalAction(gym.make("llvm-ic-v0", benchmark=BENCHMARKS[0]))
    env.reset()
    _, reward, terminated, _, info = env.step(env.action_space.n - 1)
    assert terminated and reward == 0 and info["terminal_action"]
    assert env.unwrapped.commandline() == ""
    env.close()


def test_random_order_is_seeded():
    env = RandomOrderBenchmarks(gym.make("llvm-v0"), BENCHMARKS)
    first = [env.reset(seed=3)[1]["benchmark"]] + [env.reset()[1]["benchmark"] for _ in range(5)]
    second = [env.reset(seed=3)[1]["benchmark"]] + [env.reset()[1]["benchmark"] for _ in range(5)]
    assert first == second and len(set(first)) > 1
    env.close()


def test_autophase_normalized_divides_by_total_insts():
    env = AutophaseNormalized(gym.make("llvm-autophase-ic-v0", benchmark=BENCHMARKS[0]))
    obs, _ = env.reset()
    assert obs.dtype == np.float32 and obs[51] == 1.0
    env.close()
