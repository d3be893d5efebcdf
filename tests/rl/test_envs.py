"""The env RLlib builds from a config dict, and the policy's view of any LLVM env."""

from __future__ import annotations

import gymnasium as gym
import numpy as np
import pytest

import cgym_ray  # noqa: F401
from cgym_ray.rl.envs import make_rl_env, policy_observation

pytestmark = pytest.mark.slow  # Ray and RLlib (scripts/test --fast skips it)

CRC32 = "benchmark://cgym-suite-v0/crc32"


def config(**changes):
    return {
        "env_id": "llvm-autophase-ic-v0",
        "benchmarks": [CRC32],
        "observation": "autophase_history",
        "episode_length": 5,
        "on_compiler_error": "recreate",
        **changes,
    }


def test_env_config_builds_a_fixed_length_episode_with_action_history():
    env = make_rl_env(config())
    try:
        observation, _ = env.reset(seed=0)
        assert observation.shape == (56 + env.action_space.n,) and observation.dtype == np.float32
        for _step in range(5):
            observation, _, terminated, truncated, _ = env.step(3)
            assert not terminated
        assert truncated and observation[56 + 3] == pytest.approx(1.0)  # 5 times action 3, ÷ 5
    finally:
        env.close()


def test_instcount_observation_and_terminal_action():
    env = make_rl_env(
        config(observation="instcount", terminal_action=True, actions=["sroa", "gvn"])
    )
    try:
        observation, _ = env.reset(seed=0)
        assert env.action_space.n == 3 and observation.shape == (70 + 3,)
        _, reward, terminated, _, info = env.step(2)
        assert terminated and reward == 0.0 and info["terminal_action"]
    finally:
        env.close()


def test_policy_observation_matches_the_training_wrappers():
    """The policy agent recomputes the observation on any env; it must be what training saw."""
    env = make_rl_env(config(episode_length=4))
    raw_env = gym.make("llvm-autophase-ic-v0").unwrapped
    try:
        observation, _ = env.reset(seed=0)
        raw_env.reset(options={"benchmark": CRC32})
        history = np.zeros(env.action_space.n, np.float32)
        names = ["sroa", "instcombine", "simplifycfg"]
        for name in names:
            raw = raw_env.observation["Autophase"]
            np.testing.assert_allclose(
                policy_observation(raw, history, "autophase_history", 4), observation
            )
            index = raw_env.action_space.names.index(name)
            observation, *_ = env.step(index)
            raw_env.step(index)
            history[index] += 1
    finally:
        env.close()
        raw_env.close()


def test_compiler_abort_raises_recreate_env_error():
    from ray.rllib.env.env_errors import StepFailedRecreateEnvError

    env = make_rl_env(
        config(fault_injection={"every_n_steps": 2, "kind": "abort"}, episode_length=10)
    )
    try:
        env.reset(seed=0)
        env.step(0)
        with pytest.raises(StepFailedRecreateEnvError, match="abort"):
            env.step(0)
        env.reset()  # a new compiler worker: the env goes on
        env.step(0)
    finally:
        env.close()


def test_by_default_a_compiler_abort_ends_the_episode_and_the_next_one_runs():
    changes = {"fault_injection": {"every_n_steps": 1, "kind": "abort"}}
    env = make_rl_env({k: v for k, v in config(**changes).items() if k != "on_compiler_error"})
    try:
        env.reset(seed=0)
        _, reward, terminated, _, info = env.step(0)
        assert terminated and reward == 0.0 and info["error"]["cause"] == "abort"
        env.reset()  # a new compiler worker
    finally:
        env.close()


def test_terminate_mode_ends_the_episode_instead():
    env = make_rl_env(
        config(fault_injection={"every_n_steps": 1, "kind": "abort"}, on_compiler_error="terminate")
    )
    try:
        env.reset(seed=0)
        _, reward, terminated, _, info = env.step(0)
        assert terminated and reward == 0.0 and info["error"]["cause"] == "abort"
    finally:
        env.close()


def test_start_from_plays_oz_at_reset_and_rewards_only_what_follows():
    env = make_rl_env(config(start_from=["Oz"], episode_length=3))
    raw = gym.make("llvm-autophase-ic-v0").unwrapped
    try:
        observation, _ = env.reset(seed=0)
        inner = env.unwrapped
        assert inner.commandline() == "Oz"
        raw.reset(options={"benchmark": CRC32})
        raw.step("Oz")
        assert np.allclose(
            observation,
            policy_observation(
                raw.observation["Autophase"], np.zeros(env.action_space.n), "autophase_history", 3
            ),
        )
        returned = sum(env.step(action)[1] for action in (0, 1, 2))
        # Oz's own reward (1.0: the reward is IrInstructionCountOz) is not the agent's.
        assert inner.episode_reward - returned == pytest.approx(1.0)
    finally:
        env.close()
        raw.close()
